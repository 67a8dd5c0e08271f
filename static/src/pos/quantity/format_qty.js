import { _t } from "@web/core/l10n/translation";
import { localization } from "@web/core/l10n/localization";

/**
 * The addon's quantity formatter in the POS (the server's is
 * models/quantity_format.py, with the same translated patterns):
 * "25 cartons (600 pcs)", "20 cartons + 13 pcs", "13 pcs".
 *
 * `step`: the ladder step the POS knows for the product, `[name, pieces]`
 * (the wholesale unit, see pos.config._wholesale_availability_payload), or
 * false. `formatNumber(value, digits)`: the POS's number format. Step names
 * take an English plural in English only.
 */
const EPSILON = 1e-6;
const INVARIABLE = new Set(["dozen", "pcs", "pieces", "kg", "g", "l", "ml", "m", "cm"]);

export function pluralEn(word) {
    const lower = word.toLowerCase();
    if (INVARIABLE.has(lower) || lower.endsWith("s")) {
        return lower;
    }
    if (/(x|z|ch|sh)$/.test(lower)) {
        return lower + "es";
    }
    if (lower.endsWith("y") && !"aeiou".includes(lower.at(-2) || "a")) {
        return lower.slice(0, -1) + "ies";
    }
    return lower + "s";
}

function format(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, (match, key) => values[key] ?? match);
}

export function formatLadderQty(qty, step, formatNumber, options = {}) {
    const unit = options.unit || String(_t("pcs"));
    const plural = options.plural ?? (localization.code || "en_US").startsWith("en");
    const sign = qty < -EPSILON ? "-" : "";
    qty = Math.abs(qty);
    const amount = (value) => {
        const whole = Math.abs(value - Math.round(value)) < EPSILON;
        return formatNumber(whole ? Math.round(value) : value, whole ? 0 : 2);
    };
    const [name, pieces] = step || [false, 0];
    if (!name || !(pieces > 1 + EPSILON) || qty + EPSILON < pieces) {
        return sign + format(String(_t("%(qty)s %(unit)s")), { qty: amount(qty), unit });
    }
    const count = Math.floor((qty + EPSILON) / pieces);
    let rest = qty - count * pieces;
    if (rest < EPSILON) {
        rest = 0;
    }
    const stepLabel = !plural ? name : count === 1 ? name.toLowerCase() : pluralEn(name);
    if (!rest) {
        return (
            sign +
            format(String(_t("%(count)s %(step)s (%(total)s %(unit)s)")), {
                count: formatNumber(count, 0),
                step: stepLabel,
                total: amount(qty),
                unit,
            })
        );
    }
    return (
        sign +
        format(String(_t("%(count)s %(step)s + %(rest)s %(unit)s")), {
            count: formatNumber(count, 0),
            step: stepLabel,
            rest: amount(rest),
            unit,
        })
    );
}
