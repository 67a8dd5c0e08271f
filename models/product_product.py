from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _wholesale_sellable_channels(self):
        return ["pos", "wholesale", "web"]

    def _wholesale_sellable_qty(
        self,
        warehouse=None,
        channel="pos",
        location=None,
        exclude_pos_order_ids=(),
        settlement=None,
    ):
        """Sellable quantity per product for a sales channel, in the product unit.

        Under ``location`` (default: the stock location of ``warehouse``, or of
        every warehouse of the current company): free stock, minus open POS
        sessions' sales not moved yet, minus confirmed sale moves' unreserved
        promises, plus what a POS settlement may take of its own sale order
        lines (``settlement``); see
        ``wholesale.stock.pool._sellable``, the one function every decision
        uses. For now every channel may sell that quantity. Returns
        ``{product_id: qty}`` for every product of ``self``, in ONE SQL query.
        """
        if channel not in self._wholesale_sellable_channels():
            raise ValueError(f"Unknown sales channel {channel!r}")
        if not self:
            return {}
        if not location:
            warehouses = warehouse or self.env["stock.warehouse"].search(
                [("company_id", "=", self.env.company.id)]
            )
            location = warehouses.lot_stock_id
        return self.env["wholesale.stock.pool"]._sellable(
            self.ids,
            location,
            exclude_pos_order_ids=exclude_pos_order_ids,
            settlement=settlement,
        )
