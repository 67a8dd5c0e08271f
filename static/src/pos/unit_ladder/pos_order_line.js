import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";
import { formatCurrency } from "@web/core/currency";
import { patch } from "@web/core/utils/patch";

/**
 * Unit ladder at the POS.
 *
 * Scanning a step barcode (a carton) adds one line whose quantity stays in the
 * product's unit (100 pieces, so the server moves 100 pieces out of the one
 * stock count) and, when the ladder sets a retail price for the step, remembers
 * the scanned unit in `wholesale_uom_id` and prices the line at that price: the
 * price per piece is carton price / pieces, so 1 carton costs the carton price
 * and not 100 times the piece price.
 *
 * That price per piece is kept exact (263.35 / 100 = 2.6335), not rounded to
 * the "Product Price" precision as core's `setUnitPrice` does (2.63, and the
 * carton would cost 263.00). The server keeps it so too: in Odoo 19 the unit
 * price of a POS line has no rounding digits (`pos.order.line.price_unit`,
 * `digits=0`) and those of invoice and sale lines are rounded for display only
 * (`min_display_digits`), so the totals, the payment, the invoice and a refund
 * of the carton (the ticket screen copies the sold line's price) all come to
 * 263.35.
 */
patch(PosOrderline.prototype, {
    setOptions(options) {
        const result = super.setOptions(...arguments);
        const code = options.code;
        if (!code) {
            return result;
        }
        const packaging = this.models["product.uom"].getBy("barcode", code.code);
        if (!packaging || packaging.product_id?.id !== this.product_id.id) {
            return result;
        }
        const pieces = this.wholesalePiecesPerUnit(packaging.uom_id);
        // Without a step price the ladder changes nothing: core behaviour (the
        // packaging is a quantity multiplier, merged into the piece line).
        if (!pieces || !packaging.wholesale_retail_price) {
            return result;
        }
        this.wholesale_uom_id = packaging.uom_id;
        // exact, unlike setUnitPrice (see above)
        this.price_unit = packaging.wholesale_retail_price / pieces;
        this.price_type = "manual";
        return result;
    },

    /** How many product units one `uom` holds (24 for a carton of 24). */
    wholesalePiecesPerUnit(uom) {
        const base = this.product_id.product_tmpl_id.uom_id || this.product_id.uom_id;
        if (!uom || !base || !base.factor) {
            return 0;
        }
        return uom.factor / base.factor;
    },

    /** "1 × Carton (24)" when ``qty`` pieces are whole units of the line's carton, else "". */
    wholesaleQtyLabel(qty) {
        const uom = this.wholesale_uom_id;
        const pieces = this.wholesalePiecesPerUnit(uom);
        if (!pieces) {
            return "";
        }
        const count = qty / pieces;
        if (Math.abs(count - Math.round(count)) > 1e-6) {
            return "";
        }
        return `${Math.round(count)} × ${uom.name}`;
    },

    /** "1 × Carton (24)" when the line holds whole scanned units, else "". */
    get wholesaleUnitLabel() {
        return this.wholesaleQtyLabel(this.qty);
    },

    /** "60.00": one carton of the line at its price per piece × pieces, as the POS shows prices. */
    get wholesaleUnitPriceStr() {
        const pieces = this.wholesalePiecesPerUnit(this.wholesale_uom_id);
        return formatCurrency(this.displayPriceUnit * pieces, this.currency.id);
    },

    /**
     * Pieces per carton when the ticket screen refunds this sold line in
     * cartons (a carton line of whole cartons), else 0.
     */
    get wholesaleRefundUnitPieces() {
        if (this.qty <= 0 || !this.wholesaleUnitLabel) {
            return 0;
        }
        return this.wholesalePiecesPerUnit(this.wholesale_uom_id);
    },

    canBeMergedWith(orderline) {
        if (this.wholesale_uom_id || orderline.wholesale_uom_id) {
            return (
                this.wholesale_uom_id?.id === orderline.wholesale_uom_id?.id &&
                this.getProduct().id === orderline.getProduct().id &&
                this.currency.isZero(this.price_unit - orderline.price_unit) &&
                this.getDiscount() === orderline.getDiscount() &&
                this.getNote() === orderline.getNote() &&
                this.getCustomerNote() === orderline.getCustomerNote() &&
                !this.isLotTracked() &&
                !this.refunded_orderline_id &&
                !orderline.isPartOfCombo()
            );
        }
        return super.canBeMergedWith(...arguments);
    },
});
