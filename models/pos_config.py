from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError


class PosConfig(models.Model):
    _inherit = "pos.config"

    def wholesale_check_order(self, lines):
        """Would the oversell guard refuse this order? Asked by the POS when the
        cashier opens the payment screen, before any card terminal charges.

        ``lines``: ``[{"product_id": int, "qty": float, "sale_order_line_id":
        int or False}]``. Returns ``{"message": str}`` with the refusal the
        payment would meet, or ``{"message": False}``. Reads only: the final
        payment check (``pos.order._process_saved_order``) decides again.
        """
        self.ensure_one()
        self.check_access("read")
        if not isinstance(lines, list) or not all(
            isinstance(line, dict) for line in lines
        ):
            raise UserError(self.env._("The order lines to check are malformed."))
        sold = defaultdict(float)
        settled = set()
        products = (
            self.env["product.product"]
            .browse({int(line.get("product_id") or 0) for line in lines} - {0})
            .exists()
        )
        for line in lines:
            product = products.browse(int(line.get("product_id") or 0))
            if product not in products or not product.is_storable:
                continue
            sold[product] += float(line.get("qty") or 0.0)
            if line.get("sale_order_line_id"):
                settled.add(int(line["sale_order_line_id"]))
        # The cashier may not read sale order lines: their open moves are
        # looked up as superuser, for the lines the order settles only.
        own_moves = (
            self.env["sale.order.line"]
            .sudo()
            .browse(settled)
            .exists()
            .move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        )
        orders = self.env["pos.order"]
        shortages = orders._wholesale_shortages_for(
            self, sold, own_move_ids=own_moves.ids, bump=False
        )
        refused = orders._wholesale_refusable_shortages(self, shortages, own_moves.ids)
        if not refused:
            return {"message": False}
        return {"message": orders._wholesale_oversell_message(refused)}
