import { _t } from "@web/core/l10n/translation";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { parseFloat } from "@web/views/fields/parsers";
import { patch } from "@web/core/utils/patch";
import { TicketScreen } from "@point_of_sale/app/screens/ticket_screen/ticket_screen";

/**
 * Refunds on the ticket screen, for the one book of returns.
 *
 * - A carton line (sold by scanning a carton, see unit_ladder) is refunded as
 *   cartons: the number typed on the keypad counts cartons ("1" is one carton
 *   of 24), the ticket shows "To Refund: 1 × Carton (24)" and the refund line
 *   keeps the carton, its label and its price (24 pieces at the carton's price
 *   per piece). Loose pieces out of a carton are returned with Return Goods in
 *   the back office.
 * - The cashier may pick a return reason from the list the back office keeps
 *   (Wholesale & Retail > Configuration > Return Reasons); the refund order
 *   carries it and the server writes it in the return log with the refund.
 */
patch(TicketScreen.prototype, {
    /** The reasons the ticket screen offers, in their order. */
    get wholesaleReturnReasons() {
        // a copy: sorting the model's own (reactive) list would re-render forever
        return [...this.pos.models["wholesale.return.reason"].getAll()].sort(
            (a, b) => a.sequence - b.sequence || a.id - b.id
        );
    },

    wholesaleSelectedReasonId(order) {
        return order?.uiState?.wholesaleReturnReasonId || "";
    },

    onWholesaleReasonChange(order, ev) {
        order.uiState.wholesaleReturnReasonId = parseInt(ev.target.value) || false;
    },

    /** "1 × Carton (24)" for a whole number of the line's cartons, else the pieces. */
    wholesaleRefundQtyLabel(line, qty) {
        return line.wholesaleQtyLabel(qty) || this.env.utils.formatProductQty(qty);
    },

    _setToRefundDetail(toRefundDetail, buffer) {
        const line = toRefundDetail.line;
        const pieces = line?.wholesaleRefundUnitPieces;
        if (!pieces || buffer == null || buffer === "") {
            return super._setToRefundDetail(...arguments);
        }
        const refundablePieces = line.qty - line.refundedQty;
        if (refundablePieces <= 0) {
            return this.numberBuffer.reset();
        }
        const cartons = Math.abs(parseFloat(buffer));
        const qty = cartons * pieces;
        const unitName = line.wholesale_uom_id.name;
        let problem = "";
        if (!Number.isInteger(cartons)) {
            problem = _t(
                "This line is refunded in whole units (%(unit)s). Loose pieces out of a carton are returned with Return Goods in the back office.",
                { unit: unitName }
            );
        } else if (qty > refundablePieces + 1e-6) {
            problem = _t(
                "%(requested)s is more than can be refunded on this line: %(refundable)s.",
                {
                    requested: line.wholesaleQtyLabel(qty),
                    refundable: this.wholesaleRefundQtyLabel(line, refundablePieces),
                }
            );
        }
        if (problem) {
            this.numberBuffer.reset();
            const title = Number.isInteger(cartons)
                ? _t("Maximum Exceeded")
                : _t("Whole units only");
            this.dialog.add(AlertDialog, { title, body: problem });
            return;
        }
        toRefundDetail.qty = qty;
    },

    /** Core's hook for what a refund adds (a reason, say), with both orders. */
    async addAdditionalRefundInfo(order, destinationOrder) {
        await super.addAdditionalRefundInfo(...arguments);
        for (const line of destinationOrder.lines) {
            const unit = line.refunded_orderline_id?.wholesale_uom_id;
            if (unit && !line.wholesale_uom_id) {
                line.wholesale_uom_id = unit;
            }
        }
        const reasonId = order.uiState?.wholesaleReturnReasonId;
        const reason = reasonId && this.pos.models["wholesale.return.reason"].get(reasonId);
        if (reason) {
            destinationOrder.wholesale_return_reason_id = reason;
        }
    },
});
