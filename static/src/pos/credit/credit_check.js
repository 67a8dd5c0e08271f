import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import OrderPaymentValidation from "@point_of_sale/app/utils/order_payment_validation";

/**
 * A "Customer Account" (pay_later) payment is credit: before the order is
 * validated, ask the server whether the customer's credit (limit, overdue
 * invoices, manual hold) allows it. Offline, on a server error or after 5 s
 * the sale goes on: the payment's own online sync checks again, and an order
 * paid offline is accepted when it syncs, its over-limit noted on the order.
 */
patch(OrderPaymentValidation.prototype, {
    async isOrderValid(isForceValidate) {
        if (!(await super.isOrderValid(...arguments))) {
            return false;
        }
        return !(await this.wholesaleCreditRefuses());
    },

    async wholesaleCreditRefuses() {
        const order = this.order;
        const partner = order.getPartner();
        const amount = this.paymentLines
            .filter((line) => line.payment_method_id?.type === "pay_later")
            .reduce((total, line) => total + line.getAmount(), 0);
        if (!partner || !(amount > 0)) {
            return false;
        }
        // what the order settles of confirmed sale orders (pos_sale) is
        // already counted on the customer's account, as not invoiced
        const settled = order.lines
            .filter((line) => line.sale_order_line_id)
            .reduce((total, line) => total + line.priceIncl, 0);
        let result;
        try {
            result = await Promise.race([
                this.pos.data.call(
                    "pos.config",
                    "wholesale_check_customer_account",
                    [[this.pos.config.id], partner.id, amount],
                    { settled_amount: Math.max(settled, 0) }
                ),
                new Promise((resolve) => setTimeout(() => resolve(null), 5000)),
            ]);
        } catch {
            return false;
        }
        if (!result?.message) {
            return false;
        }
        this.pos.dialog.add(AlertDialog, {
            title: _t("Credit hold"),
            body: result.message,
        });
        return true;
    },
});
