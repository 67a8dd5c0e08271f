import { Orderline } from "@point_of_sale/app/components/orderline/orderline";
import { patch } from "@web/core/utils/patch";

/**
 * A carton line reads as cartons, on the order screen, the ticket screen and
 * the receipt (printed and e-mailed receipts are images of the same
 * component): "1 Carton (100)" for its quantity and "$ 263.35 / Carton (100)"
 * for its unit price, where core shows "100" and "$ 2.63 / Units". A line whose
 * pieces are not whole cartons (the cashier typed 150) reads "1 Carton (100) +
 * 50 Units" when the rest is whole pieces, else as core reads it.
 */
patch(Orderline.prototype, {
    get lineScreenValues() {
        const values = super.lineScreenValues;
        const line = this.line;
        const qtyStr = line.order_id && line.wholesale_uom_id && line.wholesaleQtyStr;
        if (!qtyStr) {
            return values;
        }
        return {
            ...values,
            unitPart: qtyStr,
            decimalPart: "",
            displayPriceUnit:
                !this.props.basic_receipt && !line.combo_parent_id && line.wholesaleUnitPriceStr,
        };
    },
});
