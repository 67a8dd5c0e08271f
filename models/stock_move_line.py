from odoo import api, models

from .wholesale_stock_pool import POOL_HELD, SCHEDULER_ASSIGN

# Move line fields whose change reserves or consumes stock somewhere else.
RESERVING_FIELDS = {"quantity", "location_id", "product_id", "lot_id", "package_id"}


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _wholesale_pool_pairs(self):
        """(product, warehouse) pairs whose stock these lines reserve or take."""
        return {
            (line.product_id.id, line.location_id.warehouse_id.id)
            for line in self
            if line.product_id.is_storable
            and line.location_id.usage == "internal"
            and line.location_id.warehouse_id
        }

    def _wholesale_bump_pool(self, also=()):
        """Take the pool rows of these lines, except those the calling
        reservation or validation already holds (``POOL_HELD``), and none
        in the scheduler's reservation pass (see ``stock.rule``)."""
        if SCHEDULER_ASSIGN.get():
            return
        pairs = (self._wholesale_pool_pairs() | set(also)) - POOL_HELD.get()
        if pairs:
            self.env["wholesale.stock.pool"]._bump(pairs)

    @api.model_create_multi
    def create(self, vals_list):
        """Lines created by hand (Detailed Operations, the barcode app) reserve
        or, on done moves, move stock: they serialize on the pool like a
        reservation does."""
        lines = super().create(vals_list)
        lines.filtered("quantity")._wholesale_bump_pool()
        return lines

    def write(self, vals):
        """Editing a line's quantity or where it takes from (reserved or done
        lines alike) serializes on the pool rows it leaves and reaches."""
        if not RESERVING_FIELDS & set(vals):
            return super().write(vals)
        before = self._wholesale_pool_pairs()
        result = super().write(vals)
        self._wholesale_bump_pool(also=before)
        return result
