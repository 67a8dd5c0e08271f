from odoo import api, models

from .wholesale_stock_pool import POS_CLOSING, POS_GOODS_MOVING, server_mark


class StockPicking(models.Model):
    _inherit = "stock.picking"

    @api.model
    def _create_picking_from_pos_order_lines(
        self, location_dest_id, lines, picking_type, partner=False
    ):
        """Mark the POS's own picking validation (per order and at closing).

        Core validates these pickings inside ``except (UserError,
        ValidationError): pass``: an error would leave the goods unmoved and
        the book wrong, silently. Under this mark the guard never raises; it
        records what the goods took. Lines that settle a sale order line
        (pos_sale) consume that line's own reservation, up to what they settle.
        """
        mark = {
            "settlement": self.env["pos.order"]._wholesale_settlement(
                lines.order_id.config_id[:1],
                [
                    (
                        line.product_id,
                        line.qty,
                        line.sale_order_line_id,
                        line.order_id.partner_id,
                    )
                    for line in lines
                ],
            ),
            # the session being closed, when this is its closing picking
            "session_id": POS_CLOSING.get(),
        }
        with server_mark(POS_GOODS_MOVING, mark):
            return super()._create_picking_from_pos_order_lines(
                location_dest_id, lines, picking_type, partner=partner
            )

    def _action_done(self):
        """Returns that waited for the warehouse's scan are completed when
        their transfer is validated, and a return of a sale order's delivery
        made with Inventory's own Return button is logged (see
        ``wholesale.return.log``); this never refuses the validation."""
        result = super()._action_done()
        done = self.filtered(lambda picking: picking.state == "done")
        if done:
            logs = self.env["wholesale.return.log"]
            logs._wholesale_pickings_done(done)
            logs._wholesale_log_transfer_returns(done)
        return result

    def action_cancel(self):
        result = super().action_cancel()
        cancelled = self.filtered(lambda picking: picking.state == "cancel")
        if cancelled:
            self.env["wholesale.return.log"]._wholesale_pickings_cancelled(cancelled)
        return result
