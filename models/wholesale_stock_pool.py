import logging
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.tools.i18n import format_list

_logger = logging.getLogger(__name__)

GUARD_PARAM = "wholesale_retail.oversell_guard"
#: precommit data: what changed in the transaction, for the open POS
AVAILABILITY_KEY = "wholesale_retail.availability"

# Marks that server code sets for the length of one call, never taken from a
# request's context (a client can send any context key; these relax checks).
# Each request runs in its own thread (or greenlet), which has its own value.
#: POS goods are being moved by core's picking code, which swallows UserError
#: (``stock.picking._create_picking_from_pos_order_lines``): never raise there.
#: Its value: {"settlement": see pos.order._wholesale_settlement, "session_id":
#: the session being closed, or None for a picking per order}.
POS_GOODS_MOVING = ContextVar("wholesale_retail_pos_goods_moving", default=None)
#: The id of the POS session whose closing picking is being created.
POS_CLOSING = ContextVar("wholesale_retail_pos_closing", default=None)
#: The stock scheduler's reservation pass (``stock.rule._run_scheduler_tasks``):
#: it reserves up to 1,000 moves a chunk without retry, so it takes no pool row.
SCHEDULER_ASSIGN = ContextVar("wholesale_retail_scheduler_assign", default=False)

#: The pool rows that the reservation or validation under way has bumped: the
#: move lines it creates need not bump them again.
POOL_HELD = ContextVar("wholesale_retail_pool_held", default=frozenset())


#: The paid lines of open POS sessions that move stock at their closing and
#: have not moved it yet, sold from a location that overlaps ``tree`` (the
#: locations asked): what ``_sellable`` takes off and ``_holders`` names.
_OPEN_POS_SALES_SQL = """
                  FROM pos_order_line l
                  JOIN pos_order o ON o.id = l.order_id
                  JOIN pos_session s ON s.id = o.session_id
                  JOIN pos_config c ON c.id = s.config_id
                  JOIN stock_picking_type pt ON pt.id = c.picking_type_id
                  JOIN stock_location src ON src.id = pt.default_location_src_id
                 WHERE l.product_id = ANY(%(products)s)
                   AND s.update_stock_at_closing
                   AND s.state != 'closed'
                   AND o.state IN ('paid', 'done')
                   AND o.id != ALL(%(excluded)s)
                   AND EXISTS (
                       SELECT 1 FROM tree
                        WHERE src.parent_path LIKE tree.pattern
                           OR tree.parent_path LIKE src.parent_path || '%%'
                   )
                   AND NOT EXISTS (
                       SELECT 1 FROM stock_picking sp WHERE sp.pos_order_id = o.id
                   )
"""
#: What a confirmed sale move (``m``) promises and has not reserved yet.
_UNRESERVED_SQL = """GREATEST(m.product_qty - COALESCE((
                           SELECT SUM(ml.quantity_product_uom)
                             FROM stock_move_line ml
                            WHERE ml.move_id = m.id
                       ), 0), 0)"""

#: ``wholesale.stock.pool._sellable``: the one pool figure per product.
_SELLABLE_SQL = (
    """
            WITH tree AS (
                SELECT parent_path || '%%' AS pattern, parent_path
                  FROM stock_location WHERE id = ANY(%(locations)s)
            )
            SELECT product_id, SUM(qty) FROM (
                SELECT q.product_id, q.quantity - q.reserved_quantity AS qty
                  FROM stock_quant q
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE q.product_id = ANY(%(products)s)
                   AND loc.usage = 'internal'
                   AND loc.parent_path LIKE ANY(SELECT pattern FROM tree)
                UNION ALL
                SELECT l.product_id, -l.qty
"""
    + _OPEN_POS_SALES_SQL
    + """
                UNION ALL
                SELECT m.product_id, -"""
    + _UNRESERVED_SQL
    + """
                  FROM stock_move m
                  JOIN stock_location loc ON loc.id = m.location_id
                 WHERE m.product_id = ANY(%(products)s)
                   AND m.state IN ('confirmed', 'partially_available')
                   AND m.sale_line_id IS NOT NULL
                   AND loc.parent_path LIKE ANY(SELECT pattern FROM tree)
                UNION ALL
                SELECT m.product_id, LEAST(SUM(m.product_qty), MAX(cap.qty))
                  FROM stock_move m
                  JOIN stock_location loc ON loc.id = m.location_id
                  JOIN unnest(%(cap_products)s::int[], %(cap_qtys)s::float8[])
                       AS cap(product_id, qty) ON cap.product_id = m.product_id
                 WHERE m.id = ANY(%(own)s)
                   AND m.state NOT IN ('draft', 'done', 'cancel')
                   AND loc.parent_path LIKE ANY(SELECT pattern FROM tree)
                 GROUP BY m.product_id
            ) AS pool
             GROUP BY product_id
            """
)

#: ``wholesale.stock.pool._holders``: who holds what ``_sellable`` takes off.
_HOLDERS_SQL = (
    """
            WITH tree AS (
                SELECT parent_path || '%%' AS pattern, parent_path
                  FROM stock_location WHERE id = ANY(%(locations)s)
            )
            SELECT product_id, document, SUM(qty) FROM (
                SELECT ml.product_id,
                       COALESCE(so.name, sp.name, m.reference) AS document,
                       ml.quantity_product_uom AS qty
                  FROM stock_move_line ml
                  JOIN stock_move m ON m.id = ml.move_id
                  JOIN stock_location loc ON loc.id = ml.location_id
                  LEFT JOIN sale_order_line sol ON sol.id = m.sale_line_id
                  LEFT JOIN sale_order so ON so.id = sol.order_id
                  LEFT JOIN stock_picking sp ON sp.id = m.picking_id
                 WHERE ml.product_id = ANY(%(products)s)
                   AND ml.state NOT IN ('done', 'cancel')
                   AND m.id != ALL(%(own)s)
                   AND loc.usage = 'internal'
                   AND loc.parent_path LIKE ANY(SELECT pattern FROM tree)
                UNION ALL
                SELECT m.product_id, so.name,
                       """
    + _UNRESERVED_SQL
    + """
                  FROM stock_move m
                  JOIN stock_location loc ON loc.id = m.location_id
                  JOIN sale_order_line sol ON sol.id = m.sale_line_id
                  JOIN sale_order so ON so.id = sol.order_id
                 WHERE m.product_id = ANY(%(products)s)
                   AND m.state IN ('confirmed', 'partially_available')
                   AND m.id != ALL(%(own)s)
                   AND loc.parent_path LIKE ANY(SELECT pattern FROM tree)
                UNION ALL
                SELECT l.product_id, c.name, l.qty
"""
    + _OPEN_POS_SALES_SQL
    + """
            ) AS held
             GROUP BY product_id, document
            HAVING SUM(qty) > 0
             ORDER BY product_id, SUM(qty) DESC, document
            """
)


@contextmanager
def server_mark(var, value=True):
    """Set a mark above for the duration of a ``with`` block."""
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


@contextmanager
def hold_pool(env, pairs):
    """Bump the pool rows of ``pairs`` (those not held yet by the calling code)
    and hold them for the ``with`` block, so nested reservations, validations
    and move lines of the same pairs do not bump them again."""
    pairs = frozenset(pairs)
    held = POOL_HELD.get()
    env["wholesale.stock.pool"]._bump(pairs - held)
    with server_mark(POOL_HELD, held | pairs):
        yield


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
            # the serialization failure that orders two sales is expected:
            # Odoo retries the later one, it is no error to log
            log_exceptions=False,
        )
        return True

    @api.model
    def _free_quantities(self, product_ids, warehouse_ids):
        """Free quantity (on hand - reserved) per ``(product_id, warehouse_id)``.

        One SQL query over the quants of the internal locations of the
        warehouses, in the product's unit, but for the locations of returned
        goods (damaged, awaiting the warehouse's scan): nothing there can be
        reserved or delivered. Pairs without quants are absent.
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
               AND NOT EXISTS (
                   SELECT 1 FROM stock_warehouse wh
                    WHERE wh.id = loc.warehouse_id
                      AND loc.id IN (wh.wholesale_damaged_location_id,
                                     wh.wholesale_return_location_id))
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

    @api.model
    def _sellable(
        self, product_ids, locations, exclude_pos_order_ids=(), settlement=None
    ):
        """Sellable quantity per product under ``locations``: the one pool figure.

        Every decision uses it (wholesale confirmation, the POS online check, the
        availability feeds). In the product unit, in ONE SQL query:

        * free stock (on hand minus reserved) of the internal locations under
          ``locations`` (a move's own source location, not every internal
          location of the warehouse: Input, Output or Quality Control stock is
          not on the shelf);
        * minus what open POS sessions that move stock only at closing sold
          from an overlapping location (paid, no picking yet), except the
          orders of ``exclude_pos_order_ids`` (the order being checked);
        * minus what confirmed sale moves out of those locations promise and
          have not reserved yet (manual or by-date reservation, backorders);
        * plus, per product, what the moves of ``settlement`` (the sale order
          lines a POS order settles: ``{"move_ids": [...], "caps": {product_id:
          qty}}``, see ``pos.order._wholesale_settlement``) hold there, reserved
          or promised, up to the quantity settled: a sale order settled at the
          POS consumes its own reservation, and only as much as it settles.

        Returns ``{product_id: qty}`` for every product asked.
        """
        result = dict.fromkeys(product_ids, 0.0)
        if not product_ids or not locations:
            return result
        caps = (settlement or {}).get("caps") or {}
        for model, names in (
            ("stock.quant", ["product_id", "location_id", "quantity"]),
            ("stock.move", ["product_id", "location_id", "state", "product_qty"]),
            ("stock.move.line", ["move_id", "quantity_product_uom", "state"]),
            ("pos.order.line", ["product_id", "qty", "order_id"]),
            ("pos.order", ["state", "session_id"]),
        ):
            self.env[model].flush_model(names)
        self.env["stock.quant"].flush_model(["reserved_quantity"])
        self.env["stock.move"].flush_model(["sale_line_id"])
        self.env.cr.execute(
            _SELLABLE_SQL,
            {
                "products": list(product_ids),
                "locations": list(locations.ids),
                "excluded": list(exclude_pos_order_ids),
                "own": list(settlement["move_ids"]) if settlement else [],
                "cap_products": list(caps),
                "cap_qtys": [float(qty) for qty in caps.values()],
            },
        )
        result.update((pid, qty or 0.0) for pid, qty in self.env.cr.fetchall())
        return result

    @api.model
    def _holders(
        self, product_ids, locations, exclude_pos_order_ids=(), own_move_ids=()
    ):
        """Who holds the stock of ``product_ids`` under ``locations``: what
        ``_sellable`` takes off the shelf's quantity, per document.

        Returns ``{product_id: [(document, qty), ...]}``, largest first, in
        the product unit: reservations (the sale order of the move, else its
        transfer), confirmed sale moves' unreserved promises (their sale
        order) and what open POS sessions sold that has not moved yet (the
        point of sale). ``exclude_pos_order_ids`` and ``own_move_ids`` (the order
        being checked and the sale moves it settles) are not counted. Names
        only come out, for the refusal messages; one SQL query.
        """
        if not product_ids or not locations:
            return {}
        for model, names in (
            ("stock.move", ["product_id", "location_id", "state", "product_qty"]),
            ("stock.move", ["sale_line_id", "picking_id"]),
            (
                "stock.move.line",
                ["move_id", "quantity_product_uom", "state", "location_id"],
            ),
            ("pos.order.line", ["product_id", "qty", "order_id"]),
            ("pos.order", ["state", "session_id"]),
        ):
            self.env[model].flush_model(names)
        self.env.cr.execute(
            _HOLDERS_SQL,
            {
                "products": list(product_ids),
                "locations": list(locations.ids),
                "excluded": list(exclude_pos_order_ids),
                "own": list(own_move_ids),
            },
        )
        result = {}
        for product_id, document, qty in self.env.cr.fetchall():
            result.setdefault(product_id, []).append((document, qty))
        return result

    @api.model
    def _held_text(self, product, holders, limit=3):
        """ "240 pcs for S00193, 100 pcs for Shop/00012 and 2 more" """
        parts = [
            self.env._(
                "%(qty)s for %(document)s",
                qty=product._wholesale_qty_text(qty),
                document=document,
            )
            for document, qty in holders[:limit]
        ]
        if len(holders) > limit:
            parts.append(self.env._("%(count)s more", count=len(holders) - limit))
        return format_list(self.env, parts, lang_code=self.env.lang or "en_US")

    # ------------------------------------------------------------------
    # Live availability: one bus message per open POS and transaction
    # ------------------------------------------------------------------
    @api.model
    def _wholesale_availability_changed(self, pairs=(), reload_companies=()):
        """Note that the stock of ``pairs`` ((product_id, warehouse_id)) or the
        rules of ``reload_companies`` changed in this transaction.

        When the transaction commits, every POS with an open session in those
        warehouses (or companies) receives, once, the ids of the products that
        changed (or, for a rule change, a request to reload them), on the bus:
        a 100-line confirmation sends one message per POS. The POS then asks
        for their figures (``pos.config.wholesale_availability``), after the
        commit: figures computed inside the committing transaction could miss
        a concurrent one (a receipt and a sale of the same product lock
        different quants), figures read after the notification cannot.
        Nothing is kept outside the transaction.
        """
        data = self.env.cr.precommit.data
        changes = data.get(AVAILABILITY_KEY)
        if changes is None:
            changes = data[AVAILABILITY_KEY] = {"pairs": set(), "reload": set()}
            self.env.cr.precommit.add(self._wholesale_send_availability)
        changes["pairs"].update((p, w) for p, w in pairs if p and w)
        changes["reload"].update(reload_companies)

    @api.model
    def _wholesale_send_availability(self):
        changes = self.env.cr.precommit.data.pop(AVAILABILITY_KEY, None)
        if not changes or not (changes["pairs"] or changes["reload"]):
            return
        # web shops and marketplaces: mark the products changed and make sure
        # a push job exists (an error here fails the commit, to be retried:
        # a change never lost)
        self.env["wholesale.sales.channel"]._wholesale_changed(
            changes["pairs"], changes["reload"]
        )
        try:
            # A display refresh must never break the stock operation that
            # commits: on an unexpected error, log it (the POS reloads its
            # figures when its bus reconnects).
            with self.env.cr.savepoint(flush=False):
                self._wholesale_notify_open_pos(changes["pairs"], changes["reload"])
        except Exception:
            _logger.exception("Could not send the new availability to the open POS")

    @api.model
    def _wholesale_notify_open_pos(self, pairs, reload_companies):
        warehouses = {w for _p, w in pairs}
        self.env["pos.session"].flush_model(["state", "config_id"])
        self.env.cr.execute(
            """
            SELECT DISTINCT s.config_id
              FROM pos_session s
              JOIN pos_config c ON c.id = s.config_id
              LEFT JOIN stock_picking_type pt ON pt.id = c.picking_type_id
             WHERE s.state != 'closed'
               AND (pt.warehouse_id = ANY(%s) OR c.company_id = ANY(%s))
            """,
            [list(warehouses), list(reload_companies)],
        )
        config_ids = [row[0] for row in self.env.cr.fetchall()]
        # Every open POS hears of the change, whoever made it (a salesperson
        # confirming an order cannot read POS configs): read as superuser,
        # and only product ids go out, on each POS's own bus channel.
        configs = self.env["pos.config"].sudo().browse(config_ids)
        for config in configs:
            if config.company_id.id in reload_companies:
                config._notify("WHOLESALE_AVAILABILITY", {"reload": True})
                continue
            warehouse = config.picking_type_id.warehouse_id
            product_ids = sorted({p for p, w in pairs if w == warehouse.id})
            if product_ids:
                config._notify("WHOLESALE_AVAILABILITY", {"product_ids": product_ids})
