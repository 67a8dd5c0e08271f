from odoo import models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _update_available_quantity(
        self, product_id, location_id, quantity=False, reserved_quantity=False, **kwargs
    ):
        """Every change of on hand or reserved stock (receipts, deliveries,
        reservations, POS sales, returns, counts) passes here: the open POS of
        the warehouse hear of it when the transaction commits."""
        result = super()._update_available_quantity(
            product_id,
            location_id,
            quantity=quantity,
            reserved_quantity=reserved_quantity,
            **kwargs,
        )
        if location_id.usage == "internal" and location_id.warehouse_id:
            self.env["wholesale.stock.pool"]._wholesale_availability_changed(
                [(product_id.id, location_id.warehouse_id.id)]
            )
        return result
