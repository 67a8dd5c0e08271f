import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { ProductCard } from "@point_of_sale/app/components/product_card/product_card";
import { usePos } from "@point_of_sale/app/hooks/pos_hook";
import { stepLabel } from "@wholesale_retail/pos/quantity/format_qty";

/**
 * A product tile shows what this POS may sell of the product (see
 * pos_store.js): in pieces, and in whole ladder steps when the product has
 * one ("25 · 1 carton"). A template with variants shows the sum of its
 * variants. Not in combo choices.
 */
patch(ProductCard.prototype, {
    setup() {
        super.setup(...arguments);
        if (this.env.services.pos) {
            this.wholesalePos = usePos();
        }
    },

    /** {qty, label} for the tile, or null when the POS has no figure. */
    get wholesaleStock() {
        const pos = this.wholesalePos;
        const product = this.props.product;
        if (this.props.isComboPopup || !pos?.wholesaleAvailability || !product) {
            return null;
        }
        // the product screen shows templates, other screens variants
        const variants = product.product_variant_ids
            ? product.product_variant_ids
            : product.product_tmpl_id
            ? [product]
            : [];
        let qty = 0;
        let step = false;
        let found = false;
        for (const variant of variants) {
            const entry = pos.wholesaleAvailability[String(variant.id)];
            if (entry) {
                found = true;
                qty += entry.qty;
                step = step || entry.step;
            }
        }
        if (!found) {
            return null;
        }
        const pieces = this.env.utils.formatProductQty(qty, false);
        let label = pieces;
        // whole steps only when there is one at least ("3", not "3 · 0 cartons")
        const count = step ? Math.floor(qty / step[1] + 1e-9) : 0;
        if (count > 0) {
            label = _t("%(pieces)s · %(count)s %(step)s", {
                pieces,
                count: String(count),
                step: stepLabel(step[0], count),
            });
        }
        return { qty, label };
    },
});
