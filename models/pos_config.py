from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError


class PosConfig(models.Model):
    _inherit = "pos.config"

    def wholesale_check_order(self, lines, partner_id=False):
        """Would the oversell guard refuse this order? Asked by the POS when the
        cashier opens the payment screen, before any card terminal charges.

        ``lines``: ``[{"product_id": int, "qty": float, "sale_order_line_id":
        int or False}]``; ``partner_id``: the order's customer (a settled sale
        order counts only for its own customer). Returns ``{"message": str}``
        with the refusal the payment would meet, or ``{"message": False}``.
        Reads only: the final payment check (``pos.order._process_saved_order``)
        decides again.
        """
        self.ensure_one()
        self.check_access("read")
        try:
            parsed = [
                (
                    int(line.get("product_id") or 0),
                    float(line.get("qty") or 0.0),
                    int(line.get("sale_order_line_id") or 0),
                )
                for line in lines
            ]
            partner_id = int(partner_id or 0)
        except (AttributeError, TypeError, ValueError) as error:
            raise UserError(
                self.env._("The order lines to check are malformed.")
            ) from error
        if len(parsed) > 1000:
            raise UserError(self.env._("Too many order lines to check at once."))
        products = (
            self.env["product.product"]
            .browse({product_id for product_id, _qty, _sol in parsed} - {0})
            .exists()
        )
        partner = self.env["res.partner"].browse(partner_id).exists()
        sold = defaultdict(float)
        settled = []
        for product_id, qty, sale_line_id in parsed:
            product = products.browse(product_id)
            if product not in products or not product.is_storable:
                continue
            sold[product] += qty
            sale_line = self.env["sale.order.line"].browse(sale_line_id)
            settled.append((product, qty, sale_line, partner))
        orders = self.env["pos.order"]
        settlement = orders._wholesale_settlement(self, settled)
        shortages = orders._wholesale_shortages_for(
            self, sold, settlement=settlement, bump=False
        )
        refused = orders._wholesale_refusable_shortages(self, shortages, settlement)
        if not refused:
            return {"message": False}
        return {"message": orders._wholesale_oversell_message(refused)}
