import { patch } from "@web/core/utils/patch";
import { OrderSummary } from "@point_of_sale/app/screens/product_screen/order_summary/order_summary";

/**
 * A quantity typed on the numpad that takes a product beyond what a hide or
 * block rule lets this POS sell is refused before it reaches the line (see
 * pos_store.js); lowering a quantity is always allowed.
 */
patch(OrderSummary.prototype, {
    _setValue(val) {
        if (this.pos.numpadMode === "quantity" && val !== "remove") {
            let line = this.currentOrder?.getSelectedOrderline();
            if (line?.combo_parent_id) {
                line = line.combo_parent_id;
            }
            if (line && !line.isTipLine?.() && !this.pos.wholesaleAllowsLineQuantity(line, val)) {
                this.numberBuffer.reset();
                return;
            }
        }
        return super._setValue(...arguments);
    },
});
