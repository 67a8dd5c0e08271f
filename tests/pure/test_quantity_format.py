"""The quantity formatter (models/quantity_format.py), without Odoo."""

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "quantity_format",
    Path(__file__).resolve().parents[2] / "models" / "quantity_format.py",
)
qf = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(qf)

LADDER = [("Dozen", 12), ("Carton", 24), ("Pallet", 960)]


def fmt(qty, steps=LADDER, unit="pcs", **kw):
    return qf.format_ladder_qty(qty, steps, unit, **kw)


@pytest.mark.parametrize(
    "qty, unit_pieces, expected",
    [
        (600, 24, "25 cartons (600 pcs)"),
        (24, 24, "1 carton (24 pcs)"),
        (493, 24, "20 cartons + 13 pcs"),
        (960, None, "1 pallet (960 pcs)"),
        (1920, 24, "80 cartons (1,920 pcs)"),
        (13, None, "1 dozen + 1 pcs"),
        (36, 12, "3 dozen (36 pcs)"),
        (11, None, "11 pcs"),
        (0, None, "0 pcs"),
        (-48, 24, "-2 cartons (48 pcs)"),
        # the unit asked for does not fit: the largest step that does
        (30, 960, "1 carton + 6 pcs"),
    ],
)
def test_whole_cartons_and_remainders(qty, unit_pieces, expected):
    assert fmt(qty, unit_pieces=unit_pieces) == expected


def test_whole_pieces_never_show_decimals():
    assert fmt(600.0, unit_pieces=24) == "25 cartons (600 pcs)"
    assert fmt(599.5, unit_pieces=24) == "24 cartons + 23.5 pcs"
    # a float a hair below a whole number is that number
    assert fmt(24 * 25 - 1e-9, unit_pieces=24) == "25 cartons (600 pcs)"


def test_units_that_are_not_whole():
    assert fmt(2.5, [], "kg") == "2.5 kg"
    assert fmt(2.25, [], "kg") == "2.25 kg"
    assert fmt(0.125, [], "kg", digits=3) == "0.125 kg"
    # a sack of 25 kg with 3.5 kg more
    assert fmt(53.5, [("Sack", 25)], "kg") == "2 sacks + 3.5 kg"


def test_english_plurals_and_other_languages():
    assert qf.plural_en("Box") == "boxes"
    assert qf.plural_en("Battery") == "batteries"
    assert qf.plural_en("Tray") == "trays"
    assert qf.plural_en("Dozen") == "dozen"
    assert qf.plural_en("Cartons") == "cartons"
    assert fmt(48, [("Box", 24)]) == "2 boxes (48 pcs)"
    # other languages keep the ladder's name as it is
    assert fmt(48, [("Karton", 24)], plural=False) == "2 Karton (48 pcs)"


def test_language_number_format_and_patterns():
    def number(value, digits):
        text = f"{value:,.{digits}f}"
        return text.replace(",", " ").replace(".", ",")

    assert (
        fmt(
            2413.5,
            [("Carton", 24)],
            number=number,
            plural=False,
            join="%(count)s × %(step)s + %(rest)s %(unit)s",
        )
        == "100 × Carton + 13,5 pcs"
    )
    assert (
        fmt(
            4800,
            [("Carton", 24)],
            number=number,
            whole="%(count)s %(step)s = %(total)s %(unit)s",
        )
        == "200 cartons = 4 800 pcs"
    )


def test_steps_of_one_piece_or_unnamed_are_ignored():
    assert fmt(5, [("Piece", 1), ("", 24)]) == "5 pcs"


def test_names_of_several_words_or_in_capitals_stay_as_written():
    assert qf.plural_en("Box of 12") == "Box of 12"
    assert qf.plural_en("CTN") == "CTN"
    assert fmt(48, [("Box of 12", 12)]) == "4 Box of 12 (48 pcs)"
    assert fmt(50, [("CTN", 24)]) == "2 CTN + 2 pcs"


def test_a_bad_translation_falls_back_to_english():
    # a translator's typo in a placeholder must not turn a refusal into a traceback
    assert fmt(600, whole="%(count)s %(stp)s", unit_pieces=24) == "25 cartons (600 pcs)"
    assert fmt(493, join="%(count)d + %(rest)s") == "20 cartons + 13 pcs"
    assert fmt(13, [], bare="%(qt)s") == "13 pcs"
