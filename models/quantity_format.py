"""Quantities in the words of a product's unit ladder: "25 cartons (600 pcs)".

The one formatter every message, view and report of the addon uses for a
quantity of goods (``product.product._wholesale_qty_text`` calls it with the
product's ladder and the user's language). Pure Python, so that the plain
pytest suite tests it without Odoo.

* a quantity that is a whole number of one step: "25 cartons (600 pcs)";
* with a remainder: "20 cartons + 13 pcs";
* below the smallest step, or without a ladder: "13 pcs";
* pieces are printed without decimals when whole ("600 pcs", never "600.0"),
  and with the decimals they need otherwise ("2.5 kg").

The step counted in is ``unit_pieces`` when given and the quantity holds at
least one (the unit the order line was sold in), else the largest step that
fits. Step names are pluralized the English way only when ``plural`` is true
(the caller passes it for English): "Carton" becomes "cartons", "Box"
"boxes"; other languages keep the name as the ladder gives it.
"""

import math

#: English unit names whose plural is the same word ("2 dozen")
INVARIABLE = {"dozen", "pcs", "pieces", "kg", "g", "l", "ml", "m", "cm"}

#: below this, a float is taken for the integer next to it
EPSILON = 1e-6


DEFAULT_JOIN = "%(count)s %(step)s + %(rest)s %(unit)s"
DEFAULT_WHOLE = "%(count)s %(step)s (%(total)s %(unit)s)"
DEFAULT_BARE = "%(qty)s %(unit)s"


def fill(pattern, default, values):
    """``pattern % values``; the English ``default`` when a translation's
    placeholders do not match (as ``odoo.tools.translate`` falls back), so
    that a bad translation never turns a message into a traceback."""
    try:
        return pattern % values
    except (TypeError, ValueError, KeyError):
        return default % values


def plural_en(word):
    """English plural of a one-word unit name: carton -> cartons, box ->
    boxes, battery -> batteries; a name already plural is left alone. A name
    of several words ("Box of 12", "Carton (24)") or in capitals ("CTN") is
    returned as it is."""
    if not word or not word.isalpha() or (len(word) > 1 and word.isupper()):
        return word
    lower = word.lower()
    if lower in INVARIABLE:
        return lower
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + ("" if lower.endswith("s") else "es")
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return lower[:-1] + "ies"
    return lower + "s"


def step_label(name, count, plural):
    """ "1 carton", "25 cartons" (English) or "25 Carton" (other languages);
    a name that is not one plain word stays as the ladder writes it."""
    if not plural or plural_en(name) == name:
        return name
    return name.lower() if count == 1 else plural_en(name)


def format_amount(value, number=None, digits=2):
    """``value`` with the decimals it needs, at most ``digits``: "600",
    "2.5" (``number(value, digits)`` formats in the user's language)."""
    number = number or _plain_number
    value = round(value, digits)
    needed = next(
        (d for d in range(digits + 1) if abs(round(value, d) - value) < EPSILON),
        digits,
    )
    return number(round(value) if not needed else value, needed)


def format_ladder_qty(
    qty,
    steps,
    base_unit,
    number=None,
    plural=True,
    unit_pieces=None,
    digits=2,
    join=DEFAULT_JOIN,
    whole=DEFAULT_WHOLE,
    bare=DEFAULT_BARE,
):
    """Say ``qty`` (in the base unit) in the ladder's words.

    :param float qty: quantity in the product's base unit
    :param steps: iterable of ``(name, pieces)``, the ladder's steps
    :param str base_unit: the base unit's short label ("pcs", "kg")
    :param number: ``number(value, digits) -> str`` formats a number in the
        user's language (default: plain ``str``-like formatting)
    :param bool plural: English plural of step names
    :param unit_pieces: pieces of the step to count in, if it fits
    :param int digits: decimals of a base quantity that is not whole
    :param str join, whole, bare: the (translated) patterns, with named
        ``%(...)s`` placeholders
    """
    number = number or _plain_number
    sign = "-" if qty < -EPSILON else ""
    qty = abs(qty)

    def amount(value):
        return format_amount(value, number, digits)

    usable = sorted(
        (
            (pieces, name)
            for name, pieces in steps
            if pieces and pieces > 1 + EPSILON and name
        ),
        reverse=True,
    )
    chosen = None
    if unit_pieces and unit_pieces > 1 + EPSILON and qty + EPSILON >= unit_pieces:
        chosen = next(
            ((p, n) for p, n in usable if abs(p - unit_pieces) < EPSILON), None
        )
    if not chosen:
        chosen = next(((p, n) for p, n in usable if qty + EPSILON >= p), None)
    if not chosen:
        return sign + fill(bare, DEFAULT_BARE, {"qty": amount(qty), "unit": base_unit})
    pieces, name = chosen
    count = math.floor((qty + EPSILON) / pieces)
    rest = qty - count * pieces
    if rest < EPSILON:
        rest = 0.0
    step = step_label(name, count, plural)
    if not rest:
        return sign + fill(
            whole,
            DEFAULT_WHOLE,
            {
                "count": number(count, 0),
                "step": step,
                "total": amount(qty),
                "unit": base_unit,
            },
        )
    return sign + fill(
        join,
        DEFAULT_JOIN,
        {
            "count": number(count, 0),
            "step": step,
            "rest": amount(rest),
            "unit": base_unit,
        },
    )


def _plain_number(value, digits):
    if not digits:
        return f"{int(value):,}"
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
