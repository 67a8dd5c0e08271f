from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _wholesale_sellable_channels(self):
        return ["pos", "wholesale", "web"]

    def _wholesale_sellable_qty(self, warehouse=None, channel="pos"):
        """Sellable quantity per product for a sales channel, in the product unit.

        For now every channel may sell the free quantity (on hand minus
        reserved) of the warehouse, minus what open POS sessions that update
        stock only at closing have sold already: what the oversell guard allows.
        ``warehouse`` defaults to all warehouses of the current company.
        Returns ``{product_id: qty}`` for every product of ``self``, computed
        in ONE SQL query (10k products are fine). Products that are not
        storable are not guarded; they get their quant-based figure (usually 0).
        """
        if channel not in self._wholesale_sellable_channels():
            raise ValueError(f"Unknown sales channel {channel!r}")
        if not self:
            return {}
        if warehouse:
            warehouse_ids = list(warehouse.ids)
        else:
            warehouse_ids = (
                self.env["stock.warehouse"]
                .search([("company_id", "=", self.env.company.id)])
                .ids
            )
        result = dict.fromkeys(self.ids, 0.0)
        if not warehouse_ids:
            return result
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["pos.order.line"].flush_model(["product_id", "qty", "order_id"])
        self.env["pos.order"].flush_model(["state", "session_id"])
        excluded = self.env.context.get("wholesale_retail_exclude_pos_order_ids") or []
        # Free quantity of the quants, minus what open POS sessions that move
        # stock only at closing have already sold (no picking yet).
        self.env.cr.execute(
            """
            SELECT product_id, SUM(qty) FROM (
                SELECT q.product_id, q.quantity - q.reserved_quantity AS qty
                  FROM stock_quant q
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE q.product_id = ANY(%(products)s)
                   AND loc.warehouse_id = ANY(%(warehouses)s)
                   AND loc.usage = 'internal'
                UNION ALL
                SELECT l.product_id, -l.qty
                  FROM pos_order_line l
                  JOIN pos_order o ON o.id = l.order_id
                  JOIN pos_session s ON s.id = o.session_id
                  JOIN pos_config c ON c.id = s.config_id
                  JOIN stock_picking_type pt ON pt.id = c.picking_type_id
                 WHERE l.product_id = ANY(%(products)s)
                   AND pt.warehouse_id = ANY(%(warehouses)s)
                   AND s.update_stock_at_closing
                   AND s.state != 'closed'
                   AND o.state IN ('paid', 'done')
                   AND o.id != ALL(%(excluded)s)
                   AND NOT EXISTS (
                       SELECT 1 FROM stock_picking sp WHERE sp.pos_order_id = o.id
                   )
            ) AS pool
             GROUP BY product_id
            """,
            {
                "products": self.ids,
                "warehouses": warehouse_ids,
                "excluded": list(excluded),
            },
        )
        result.update(self.env.cr.fetchall())
        return result
