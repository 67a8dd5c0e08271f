import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/services/pos_store";
import OrderPaymentValidation from "@point_of_sale/app/utils/order_payment_validation";

/**
 * The oversell guard refuses a POS sale beyond the sellable quantity only
 * while the cashier validates the order online: the one synchronous sync of
 * the payment screen carries the order's uuid in its context. A paid order
 * that syncs later (the POS was offline) has no such mark, and the server
 * accepts it and records an oversell incident instead.
 */
patch(OrderPaymentValidation.prototype, {
    async finalizeValidation() {
        this.pos.wholesaleOnlineOrderUuid = this.order.uuid;
        try {
            return await super.finalizeValidation(...arguments);
        } finally {
            this.pos.wholesaleOnlineOrderUuid = false;
        }
    },
});

patch(PosStore.prototype, {
    getSyncAllOrdersContext(orders, options = {}) {
        const context = super.getSyncAllOrdersContext(...arguments);
        const uuid = this.wholesaleOnlineOrderUuid;
        if (uuid && options.throw && orders.some((order) => order.uuid === uuid)) {
            context.wholesale_retail_online_order_uuid = uuid;
        }
        return context;
    },
});
