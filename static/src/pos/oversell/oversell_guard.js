import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
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

/**
 * Before the payment screen (and so before any card terminal charges), ask the
 * server whether the guard would refuse this order. Offline, the sale goes on:
 * an order paid offline is never refused when it syncs.
 */
patch(PosStore.prototype, {
    async pay() {
        const order = this.getOrder();
        if (order?.canPay() && (await this.wholesaleRefusesOrder(order))) {
            return;
        }
        return await super.pay(...arguments);
    },

    async wholesaleRefusesOrder(order) {
        const lines = order.lines
            .filter((line) => line.product_id?.product_tmpl_id?.is_storable && line.qty > 0)
            .map((line) => ({
                product_id: line.product_id.id,
                qty: line.qty,
                sale_order_line_id: line.sale_order_line_id?.id || false,
            }));
        if (!lines.length) {
            return false;
        }
        let result;
        try {
            // advisory: offline, on a server error or after 5 s the sale goes
            // on, and the payment's own check decides
            result = await Promise.race([
                this.data.call("pos.config", "wholesale_check_order", [[this.config.id], lines], {
                    partner_id: order.partner_id?.id || false,
                }),
                new Promise((resolve) => setTimeout(() => resolve(null), 5000)),
            ]);
        } catch {
            return false;
        }
        if (!result?.message) {
            return false;
        }
        this.dialog.add(AlertDialog, {
            title: _t("Not enough stock"),
            body: result.message,
        });
        return true;
    },
});
