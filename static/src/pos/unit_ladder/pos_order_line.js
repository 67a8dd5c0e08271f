import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";
import { formatCurrency } from "@web/core/currency";
import { _t } from "@web/core/l10n/translation";
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
 *
 * The line reads as cartons (see orderline.js): "1 Carton (100)" at
 * "$ 263.35 / Carton (100)" rather than "100" at "$ 2.63 / Units".
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

    /** How many whole units of the line's carton ``qty`` pieces are, else null. */
    wholesaleUnitCount(qty) {
        const pieces = this.wholesalePiecesPerUnit(this.wholesale_uom_id);
        if (!pieces) {
            return null;
        }
        const count = qty / pieces;
        if (Math.abs(count - Math.round(count)) > 1e-6) {
            return null;
        }
        return Math.round(count);
    },

    /** "1 Carton (24)" when ``qty`` pieces are whole units of the line's carton, else "". */
    wholesaleQtyLabel(qty) {
        const count = this.wholesaleUnitCount(qty);
        if (count === null) {
            return "";
        }
        return _t("%(count)s %(unit)s", { count: String(count), unit: this.wholesale_uom_id.name });
    },

    /** "1 Carton (24)" when the line holds whole scanned units, else "". */
    get wholesaleUnitLabel() {
        return this.wholesaleQtyLabel(this.qty);
    },

    /**
     * The line's quantity in its carton: "1 Carton (100)"; "1 Carton (100) + 50
     * Units" when whole pieces are left over a carton or more; else "" (pieces
     * that are not in cartons read as core reads them).
     */
    get wholesaleQtyStr() {
        const whole = this.wholesaleUnitLabel;
        const pieces = this.wholesalePiecesPerUnit(this.wholesale_uom_id);
        if (whole || !pieces || this.qty <= pieces) {
            return whole;
        }
        const cartons = Math.floor(this.qty / pieces + 1e-9);
        const rest = this.qty - cartons * pieces;
        if (Math.abs(rest - Math.round(rest)) > 1e-6) {
            return "";
        }
        return _t("%(cartons)s + %(pieces)s", {
            cartons: this.wholesaleQtyLabel(cartons * pieces),
            pieces: _t("%(count)s %(unit)s", {
                count: String(Math.round(rest)),
                unit: this.product_id.uom_id?.name || "",
            }),
        });
    },

    /**
     * The price of one carton of the line as the POS shows unit prices (after
     * discount, taxes included or not as configured): the taxes engine run for
     * the pieces of one carton, as core's `displayPriceUnit` is for one piece.
     */
    get wholesaleUnitPrice() {
        const pieces = this.wholesalePiecesPerUnit(this.wholesale_uom_id);
        if (!pieces || !this.order_id) {
            return 0;
        }
        const data = this.order_id.getPriceWithOptions({
            lines: [this],
            baseLineOpts: { quantity: pieces },
        });
        const details = data.baseLineByLineUuids[this.uuid].tax_details;
        return this.config.iface_tax_included === "total"
            ? details.total_included
            : details.total_excluded;
    },

    /** "$ 263.35 / Carton (100)": the line's price per carton. */
    get wholesaleUnitPriceStr() {
        return _t("%(price)s / %(unit)s", {
            price: formatCurrency(this.wholesaleUnitPrice, this.currency.id),
            unit: this.wholesale_uom_id?.name || "",
        });
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
