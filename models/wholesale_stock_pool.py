import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

GUARD_PARAM = "wholesale_retail.oversell_guard"


class WholesaleStockPool(models.Model):
    """One row per (product, warehouse): the serialization point of the stock pool.

    Every path that consumes stock (reservation, delivery, POS sale, returns)
    bumps the row of each (product, warehouse) it touches *before* it reads
    quantities and decides. The cursor runs in REPEATABLE READ, so when two
    transactions bump the same row, the second one waits for the first and
    then fails with a serialization error, which Odoo's request layer
    (``odoo.service.model.retrying``) retries with a fresh snapshot. Quant rows
    cannot play this role: ``stock.quant._update_available_quantity`` skips
    locked quants and creates new ones.
    """

    _name = "wholesale.stock.pool"
    _description = "Stock Pool Serialization Row"
    _log_access = False
    _order = "id desc"

    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade"
    )
    warehouse_id = fields.Many2one("stock.warehouse", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    version = fields.Integer(
        default=1,
        help="Incremented by every transaction that consumes or moves the "
        "product's stock in the warehouse.",
    )

    _product_warehouse_uniq = models.Constraint(
        "UNIQUE(warehouse_id, product_id)",
        "There is one stock pool row per product and warehouse.",
    )

    @api.model
    def _guard_enabled(self):
        """The guard is on unless the system parameter says ``0``/``false``."""
        value = self.env["ir.config_parameter"].sudo().get_param(GUARD_PARAM, "1") or ""
        return value.strip().lower() not in ("0", "false", "off", "no")

    @api.model
    def _bump(self, pairs):
        """Take the serialization point of each ``(product_id, warehouse_id)``.

        Bumps (or creates) the rows in one statement, in a fixed order so that
        two transactions touching the same products cannot deadlock on them.
        Must run before the caller reads any quantity it decides on.
        """
        pairs = sorted({(p, w) for p, w in pairs if p and w})
        if not pairs or not self._guard_enabled():
            return False
        products, warehouses = zip(*pairs, strict=True)
        self.env.cr.execute(
            """
            INSERT INTO wholesale_stock_pool
                (product_id, warehouse_id, company_id, version)
            SELECT t.product_id, t.warehouse_id, wh.company_id, 1
              FROM unnest(%s::int[], %s::int[]) AS t(product_id, warehouse_id)
              JOIN stock_warehouse wh ON wh.id = t.warehouse_id
             ORDER BY t.warehouse_id, t.product_id
            ON CONFLICT (warehouse_id, product_id)
            DO UPDATE SET version = wholesale_stock_pool.version + 1
            """,
            [list(products), list(warehouses)],
        )
        return True

    @api.model
    def _free_quantities(self, product_ids, warehouse_ids):
        """Free quantity (on hand - reserved) per ``(product_id, warehouse_id)``.

        One SQL query over the quants of the internal locations of the
        warehouses, in the product's unit. Pairs without quants are absent.
        """
        if not product_ids or not warehouse_ids:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.location"].flush_model(["warehouse_id", "usage"])
        self.env.cr.execute(
            """
            SELECT q.product_id, loc.warehouse_id,
                   SUM(q.quantity), SUM(q.reserved_quantity)
              FROM stock_quant q
              JOIN stock_location loc ON loc.id = q.location_id
             WHERE q.product_id = ANY(%s)
               AND loc.warehouse_id = ANY(%s)
               AND loc.usage = 'internal'
             GROUP BY q.product_id, loc.warehouse_id
            """,
            [list(product_ids), list(warehouse_ids)],
        )
        return {
            (product_id, warehouse_id): {
                "on_hand": on_hand or 0.0,
                "reserved": reserved or 0.0,
                "free": (on_hand or 0.0) - (reserved or 0.0),
            }
            for product_id, warehouse_id, on_hand, reserved in self.env.cr.fetchall()
        }
