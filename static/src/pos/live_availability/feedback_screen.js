import { patch } from "@web/core/utils/patch";
import { FeedbackScreen } from "@point_of_sale/app/screens/feedback_screen/feedback_screen";

/**
 * With automatic printing that skips the receipt screen, the POS shows its
 * "Amount Paid" screen while it sends the payment, then moves to a new order.
 * When the server refuses the payment (not enough stock, see
 * oversell_guard.js), core puts the order back in draft and shows why: the
 * cashier goes back to that order's payment screen, where the order still has
 * its lines and payments, instead of a new order with the refused one left
 * behind.
 */
patch(FeedbackScreen.prototype, {
    /** The payment was sent and refused: the order is back in draft. */
    get wholesalePaymentRefused() {
        const order = this.currentOrder;
        return Boolean(order) && !order.finalized;
    },

    async waiter() {
        await super.waiter(...arguments);
        if (this.wholesalePaymentRefused) {
            clearTimeout(this.timeout);
            this.goNext();
        }
    },

    goNext() {
        if (this.wholesalePaymentRefused) {
            this.pos.navigate("PaymentScreen", { orderUuid: this.currentOrder.uuid });
            return;
        }
        return super.goNext(...arguments);
    },
});
