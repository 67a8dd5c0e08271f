import { _t } from "@web/core/l10n/translation";
import { localization } from "@web/core/l10n/localization";

/**
 * The addon's quantity formatter in the POS (the server's is
 * models/quantity_format.py, with the same translated patterns):
 * "25 cartons (600 pcs)", "20 cartons + 13 pcs", "13 pcs".
 *
 * `steps`: the product's ladder, `[[name, pieces], ...]` (see
 * pos.config._wholesale_availability_payload); the largest step that fits is
 * counted in, as on the server. `formatNumber(value, digits)`: the POS's number format. Step names
 * take an English plural in English only.
 */
const EPSILON = 1e-6;
const INVARIABLE = new Set(["dozen", "pcs", "pieces", "kg", "g", "l", "ml", "m", "cm"]);

export function pluralEn(word) {
    // a name of several words ("Box of 12") or in capitals ("CTN") stays as written
    if (!word || !/^\p{L}+$/u.test(word) || (word.length > 1 && word === word.toUpperCase())) {
        return word;
    }
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

/** "1 carton", "25 cartons" in English; the ladder's name in other languages. */
export function stepLabel(name, count, plural = isEnglish()) {
    if (!plural || pluralEn(name) === name) {
        return name;
    }
    return count === 1 ? name.toLowerCase() : pluralEn(name);
}

function isEnglish() {
    return (localization.code || "en_US").startsWith("en");
}

function format(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, (match, key) => values[key] ?? match);
}

export function formatLadderQty(qty, steps, formatNumber, options = {}) {
    const unit = options.unit || String(_t("pcs"));
    const plural = options.plural ?? isEnglish();
    const sign = qty < -EPSILON ? "-" : "";
    qty = Math.abs(qty);
    const amount = (value) => {
        const whole = Math.abs(value - Math.round(value)) < EPSILON;
        return formatNumber(whole ? Math.round(value) : value, whole ? 0 : 2);
    };
    // the largest step that fits, as the server's formatter chooses
    const fitting = (steps || [])
        .filter(([name, pieces]) => name && pieces > 1 + EPSILON && qty + EPSILON >= pieces)
        .sort((a, b) => b[1] - a[1]);
    const [name, pieces] = fitting[0] || [false, 0];
    if (!name) {
        return sign + format(String(_t("%(qty)s %(unit)s")), { qty: amount(qty), unit });
    }
    const count = Math.floor((qty + EPSILON) / pieces);
    let rest = qty - count * pieces;
    if (rest < EPSILON) {
        rest = 0;
    }
    const stepName = stepLabel(name, count, plural);
    if (!rest) {
        return (
            sign +
            format(String(_t("%(count)s %(step)s (%(total)s %(unit)s)")), {
                count: formatNumber(count, 0),
                step: stepName,
                total: amount(qty),
                unit,
            })
        );
    }
    return (
        sign +
        format(String(_t("%(count)s %(step)s + %(rest)s %(unit)s")), {
            count: formatNumber(count, 0),
            step: stepName,
            rest: amount(rest),
            unit,
        })
    );
}
