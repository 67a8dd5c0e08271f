import { CustomerDisplayPosAdapter } from "@point_of_sale/app/customer_display/customer_display_adapter";
import { formatCurrency } from "@point_of_sale/app/models/utils/currency";
import { patch } from "@web/core/utils/patch";

/**
 * The customer display shows a carton line of whole cartons as "1 x $ 263.35 /
 * Carton (100)", where core shows "100 x $ 2.63 / Units".
 */
patch(CustomerDisplayPosAdapter.prototype, {
    getOrderlineData(line) {
        const data = super.getOrderlineData(...arguments);
        const count = line.wholesaleUnitCount(line.qty);
        if (count === null) {
            return data;
        }
        return {
            ...data,
            qty: String(count),
            unit: line.wholesale_uom_id.name,
            unitPrice: formatCurrency(line.wholesaleUnitPrice, line.currency),
        };
    },
});
