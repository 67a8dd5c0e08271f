import logging
from collections import defaultdict
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.tools import SQL, float_is_zero, split_every

PIECE_DIGITS = 4

#: Ids of the return transfers the Return Goods wizard is validating (it
#: writes their rows, with the reason, itself). Server-side only.
WIZARD_VALIDATING = ContextVar("wholesale_retail_wizard_validating", default=())

_logger = logging.getLogger(__name__)


class WholesaleReturnLog(models.Model):
    """One returned line: what came back, from which order and channel, why,
    where it went, what it was worth, and the documents that did it.

    Every way goods come back writes its rows, once, as the system's record
    of the return whoever made it; users only read them:

    * the Return Goods wizard (``wholesale.return.wizard``), with a reason;
    * a refund made on the POS ticket screen, or a backend POS refund paid
      through the payment wizard (``pos.order._wholesale_log_ticket_refund``);
    * a return of a delivery made with Inventory's own Return button, when
      its transfer is validated (``_wholesale_log_transfer_returns``, called
      by ``stock.picking._action_done``): no reason was asked.

    The wizard validates its own transfers under a server-side mark
    (``WIZARD_VALIDATING``) and writes their rows itself, with the reason.
    Databases older than the log are filled in by ``_wholesale_backfill``
    (the 19.0.1.3.0 migration).

    A row is ``waiting`` while its return transfer waits for the
    warehouse's scan (Settings: returns wait for a warehouse scan) and
    becomes ``done`` when that transfer is validated
    (``stock.picking._action_done``): the goods are then back, scrapped if so
    decided, and a wholesale customer's credit note issued. The monthly report
    reads its returned pieces and value, its return rates and its returns by
    reason from the ``done`` rows, by their ``date`` (when the goods came
    back).
    """

    _name = "wholesale.return.log"
    _description = "Return Log"
    _order = "date desc, id desc"
    _check_company_auto = True

    date = fields.Datetime(
        required=True, default=fields.Datetime.now, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    channel_id = fields.Many2one(
        "wholesale.sales.channel",
        string="Sales Channel",
        check_company=True,
        index=True,
        help="The point of sale that sold the goods, or the sale order's channel.",
    )
    warehouse_id = fields.Many2one("stock.warehouse", check_company=True)
    sale_order_id = fields.Many2one(
        "sale.order", string="Sale Order", check_company=True, index="btree_not_null"
    )
    sale_line_id = fields.Many2one("sale.order.line", string="Sale Order Line")
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", check_company=True, index="btree_not_null"
    )
    pos_line_id = fields.Many2one("pos.order.line", string="POS Order Line")
    partner_id = fields.Many2one("res.partner", string="Customer")
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, index=True
    )
    qty = fields.Float(
        string="Quantity",
        digits="Product Unit",
        help="Pieces returned, in the product's unit.",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    qty_uom = fields.Float(
        string="Quantity Returned",
        digits="Product Unit",
        help="The quantity in the unit it was returned in (1 Carton).",
    )
    uom_id = fields.Many2one("uom.uom", string="Unit Returned")
    reason_id = fields.Many2one(
        "wholesale.return.reason", string="Reason", check_company=True, index=True
    )
    disposition = fields.Selection(
        [
            ("stock", "Back to Stock"),
            ("damaged", "Damaged Goods Location"),
            ("scrap", "Scrapped"),
        ],
        required=True,
        default="stock",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    value_sale = fields.Monetary(
        string="Sale Value",
        help="What the returned quantity was sold for, without taxes, in the "
        "company's currency.",
    )
    value_cost = fields.Monetary(
        string="Cost Value",
        help="What the returned quantity cost, in the company's currency.",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Transfer",
        check_company=True,
        index="btree_not_null",
        help="The transfer that brings the goods back (or, for a point of sale "
        "return kept out of stock, moves them where they go).",
    )
    scrap_id = fields.Many2one("stock.scrap", string="Scrap", check_company=True)
    credit_note_id = fields.Many2one(
        "account.move", string="Credit Note", check_company=True
    )
    refund_pos_order_id = fields.Many2one(
        "pos.order", string="POS Refund", check_company=True
    )
    state = fields.Selection(
        [
            ("waiting", "Waiting for the Warehouse"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="done",
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Returned By",
        default=lambda self: self.env.user,
    )
    note = fields.Text()
    auto_logged = fields.Boolean(
        string="Logged from the Transfer",
        readonly=True,
        help="Written when a return transfer made without the Return Goods "
        "wizard (Inventory's Return button) was validated, or filled in for a "
        "return made before the log existed: no reason was given.",
    )

    @api.depends("sale_order_id", "pos_order_id", "product_id")
    def _compute_display_name(self):
        for log in self:
            order = log.sale_order_id or log.pos_order_id
            names = (order.display_name, log.product_id.display_name)
            log.display_name = " - ".join(name for name in names if name)

    # ------------------------------------------------------------------
    # Completing a return: scrap, credit note, state
    # ------------------------------------------------------------------
    def _wholesale_finish(self, scrap_sources=None):
        """Complete these returns once their goods are in: scrap the rows to
        scrap, credit the wholesale customers for what they had been
        invoiced, and mark them done. Raises on any error (the caller decides
        whether the whole return fails).

        ``scrap_sources``: ``{log id: location}`` where the goods to scrap
        are; by default where the log's transfer put them.
        """
        scrap_sources = scrap_sources or {}
        for log in self.filtered(lambda log: log.disposition == "scrap"):
            location = scrap_sources.get(log.id) or log._wholesale_goods_location()
            log.scrap_id = log._wholesale_scrap(location)
        by_order = defaultdict(lambda: defaultdict(float))
        for log in self.filtered("sale_line_id"):
            by_order[log.sale_order_id][log.sale_line_id] += log.qty
        for order, pieces_by_line in by_order.items():
            # with the rights of who confirmed the return (not of the
            # storekeeper whose scan completes it, nor of this sudo record)
            user = self.filtered(lambda log, o=order: log.sale_order_id == o).user_id
            user = user[:1] or self.env.user
            credit_note = order.with_user(user)._wholesale_return_credit_note(
                {line.with_user(user): qty for line, qty in pieces_by_line.items()}
            )
            if credit_note:
                self.filtered(lambda log, o=order: log.sale_order_id == o).write(
                    {"credit_note_id": credit_note[:1].id}
                )
        self.state = "done"

    def _wholesale_goods_location(self):
        """Where this row's transfer put its product."""
        self.ensure_one()
        moves = self.picking_id.move_ids.filtered(
            lambda m: m.product_id == self.product_id and m.state == "done"
        )
        return moves[:1].location_dest_id or self.picking_id.location_dest_id

    def _wholesale_scrap(self, location):
        """Scrap this row's pieces from ``location``, through core's scrap
        (its scrap location, its sequence, its move)."""
        self.ensure_one()
        # A cashier has no inventory rights: the scrap is the consequence of
        # the return that someone with the right to return decided.
        scrap = (
            self.env["stock.scrap"]
            .sudo()
            .create(
                {
                    "company_id": self.company_id.id,
                    "product_id": self.product_id.id,
                    "product_uom_id": self.product_id.uom_id.id,
                    "scrap_qty": self.qty,
                    "location_id": location.id,
                    "origin": (self.sale_order_id or self.pos_order_id).name,
                }
            )
        )
        scrap.do_scrap()
        return scrap

    @api.model
    def _wholesale_pickings_done(self, pickings):
        """The warehouse validated ``pickings``: complete the returns that
        waited for them. Never raises: the goods have been received; a
        failure (the credit note, say) is written on the transfer and the
        order for someone to finish by hand."""
        logs = self.sudo().search(
            [("picking_id", "in", pickings.ids), ("state", "=", "waiting")]
        )
        for picking, picking_logs in logs.grouped("picking_id").items():
            try:
                with self.env.cr.savepoint():
                    received = picking_logs._wholesale_match_received(picking)
                    # the goods came back now: the month that counts them
                    received.date = picking.date_done or fields.Datetime.now()
                    received._wholesale_finish()
            except Exception as error:  # reported below, never blocks the goods
                _logger.exception("Could not complete the returns of %s", picking.name)
                message = self.env._(
                    "The goods are back, but the return could not be completed: "
                    "%(error)s. Scrap or credit them by hand.",
                    error=str(error),
                )
                picking_logs.write({"state": "done", "note": message})
                for record in picking | picking_logs.sale_order_id:
                    record.sudo().message_post(body=message)

    def _wholesale_match_received(self, picking):
        """Waiting rows of a sale order's return ``picking``, just validated,
        keep what the warehouse received, not what was announced: a row
        beyond it is cut to what came (its values in proportion), the rest
        waits in the backorder when the warehouse made one, else it did not
        come back and is noted so. POS rows stay whole: their refund was paid.
        Returns the rows to complete now."""
        done_moves = picking.move_ids.filtered(lambda m: m.state == "done")
        backorder = (
            self.env["stock.picking"]
            .sudo()
            .search([("backorder_id", "=", picking.id)], limit=1)
        )
        complete = self.filtered(lambda log: not log.sale_line_id)
        for sale_line, logs in (
            self.filtered("sale_line_id").grouped("sale_line_id").items()
        ):
            received = sum(
                done_moves.filtered(
                    lambda m, sl=sale_line: m.sale_line_id == sl
                ).move_line_ids.mapped("quantity_product_uom")
            )
            waits = backorder.move_ids.filtered(
                lambda m, sl=sale_line: m.sale_line_id == sl and m.state != "cancel"
            )
            for log in logs.sorted("id"):
                take = min(log.qty, max(received, 0.0))
                received -= take
                rest = log.qty - take
                if float_is_zero(rest, precision_digits=PIECE_DIGITS):
                    complete |= log
                    continue
                if float_is_zero(take, precision_digits=PIECE_DIGITS):
                    if waits:
                        log.picking_id = backorder
                    else:
                        log.write(
                            {
                                "state": "cancel",
                                "note": self.env._(
                                    "Not received when %(transfer)s was validated.",
                                    transfer=picking.name,
                                ),
                            }
                        )
                    continue
                ratio = take / log.qty
                rest_vals = log._wholesale_split_vals(rest, 1 - ratio)
                log.write(log._wholesale_split_vals(take, ratio))
                complete |= log
                if waits:
                    # (``state`` fields are not copied by default)
                    log.copy(
                        {**rest_vals, "picking_id": backorder.id, "state": "waiting"}
                    )
                else:
                    log.note = self.env._(
                        "%(qty)s announced were not received when "
                        "%(transfer)s was validated.",
                        qty=log.product_id._wholesale_qty_text(rest),
                        transfer=picking.name,
                    )
        return complete

    @api.model
    def _wholesale_unit_vals(self, product, pieces, unit):
        """``uom_id``/``qty_uom`` of a row of ``pieces``: counted in ``unit``
        (1 Carton) when they are a whole number of it, else in the product's
        unit (5 pieces out of a carton)."""
        base = product.uom_id
        if unit and unit != base:
            count = base._compute_quantity(pieces, unit, round=False)
            if float_is_zero(count - round(count), precision_digits=6):
                return {"uom_id": unit.id, "qty_uom": round(count)}
        return {"uom_id": base.id, "qty_uom": pieces}

    def _wholesale_split_vals(self, pieces, ratio):
        """Values of this row for ``pieces`` of it (``ratio`` of its value),
        counted in its unit when whole, else in pieces."""
        self.ensure_one()
        return {
            "qty": pieces,
            **self._wholesale_unit_vals(self.product_id, pieces, self.uom_id),
            "value_sale": self.value_sale * ratio,
            "value_cost": self.value_cost * ratio,
        }

    @api.model
    def _wholesale_pickings_cancelled(self, pickings):
        """A return transfer that waited was cancelled. A sale order's return
        did not happen: its rows are cancelled (what it would have returned is
        returnable again). A POS refund was paid and stands: its goods stay
        where they wait, and the row says so."""
        logs = self.sudo().search(
            [("picking_id", "in", pickings.ids), ("state", "=", "waiting")]
        )
        logs.filtered("sale_line_id").state = "cancel"
        for log in logs.filtered("pos_order_id"):
            log.note = self.env._(
                "%(transfer)s was cancelled: the refunded goods stay in "
                "%(location)s until someone moves them.",
                transfer=log.picking_id.name,
                location=log.picking_id.location_id.display_name,
            )

    # ------------------------------------------------------------------
    # Returns made outside the wizard: Inventory's Return, the backfill
    # ------------------------------------------------------------------
    @api.model
    def _wholesale_transfer_return_moves(self, pickings):
        """The done moves of ``pickings`` that bring a sale order line's
        goods back from a customer (a return of its delivery)."""
        return pickings.move_ids.filtered(
            lambda move: (
                move.state == "done"
                and move.origin_returned_move_id
                and move.sale_line_id
                and move.location_id.usage == "customer"
                and move.location_dest_id.usage != "customer"
            )
        )

    @api.model
    def _wholesale_log_transfer_returns(self, pickings):
        """Log the returns of sale order lines that ``pickings`` (just
        validated) received, unless their transfer (or the transfer it is a
        backorder of) already has a row for the product: the wizard's, waiting
        for this validation. Never raises: the goods have been received."""
        # the Return Goods wizard validating its own transfers logs them itself
        pickings -= pickings.browse(WIZARD_VALIDATING.get())
        moves = self._wholesale_transfer_return_moves(pickings.sudo())
        if not moves:
            return self.browse()
        try:
            with self.env.cr.savepoint():
                return self._wholesale_log_moves(moves)
        except Exception:  # the goods are received whatever happens
            _logger.exception(
                "Return transfers %s: their return log was not written",
                ", ".join(pickings.mapped("name")),
            )
            return self.browse()

    def _wholesale_log_moves(self, moves):
        """Create the rows of ``moves`` (done customer return moves of sale
        order lines) that have none yet; return them."""
        moves = moves.sudo()
        chains = {}
        for picking in moves.picking_id:
            chain = picking
            while chain[-1:].backorder_id and chain[-1].backorder_id not in chain:
                chain |= chain[-1].backorder_id
            chains[picking] = chain
        pickings = moves.picking_id.browse(
            {p.id for chain in chains.values() for p in chain}
        )
        rows = self.sudo().search([("picking_id", "in", pickings.ids)])
        # a transfer's own rows, whoever wrote them; a parent transfer's only
        # if the wizard wrote them (for the whole return, before its rows
        # followed the backorder): a parent's automatic rows logged what the
        # parent received, not what its backorder receives
        logged = {(log.picking_id.id, log.product_id.id) for log in rows}
        by_wizard = {
            (log.picking_id.id, log.product_id.id)
            for log in rows
            if not log.auto_logged
        }
        vals_list = [
            self._wholesale_transfer_return_vals(move)
            for move in moves
            if (move.picking_id.id, move.product_id.id) not in logged
            and not any(
                (picking.id, move.product_id.id) in by_wizard
                for picking in chains.get(move.picking_id, move.picking_id)
                - move.picking_id
            )
        ]
        return self.sudo().create(vals_list)

    @api.model
    def _wholesale_transfer_return_vals(self, move):
        """A row for ``move``, a done return of a sale order line's goods from
        its customer, valued as the Return Goods wizard values its rows."""
        line = move.sale_line_id
        order = line.order_id
        company = move.company_id
        product = move.product_id
        pieces = move.product_uom._compute_quantity(
            move.quantity, product.uom_id, round=False
        )
        ordered = line.product_uom_id._compute_quantity(
            line.product_uom_qty, product.uom_id, round=False
        )
        price = line.price_subtotal / ordered if ordered else 0.0
        value_sale = order.currency_id._convert(
            price * pieces, company.currency_id, company, order.date_order
        )
        value_cost = abs(move.value) if "value" in move._fields else 0.0
        if company.currency_id.is_zero(value_cost):
            value_cost = product.with_company(company).standard_price * pieces
        destination = move.location_dest_id
        warehouse = (
            order.warehouse_id
            or destination.warehouse_id
            or move.picking_type_id.warehouse_id
        )
        damaged = warehouse.wholesale_damaged_location_id
        if damaged and destination.parent_path.startswith(damaged.parent_path):
            disposition = "damaged"
        elif destination.usage == "inventory":
            disposition = "scrap"
        else:
            disposition = "stock"
        return {
            "date": move.date or move.picking_id.date_done or fields.Datetime.now(),
            "company_id": company.id,
            "channel_id": order.wholesale_channel_id.id,
            "warehouse_id": warehouse.id,
            "sale_order_id": order.id,
            "sale_line_id": line.id,
            "partner_id": order.partner_id.id,
            "product_id": product.id,
            "qty": pieces,
            **self._wholesale_unit_vals(product, pieces, line.product_uom_id),
            "disposition": disposition,
            "value_sale": value_sale,
            "value_cost": value_cost,
            "picking_id": move.picking_id.id,
            "state": "done",
            "user_id": self.env.user.id,
            "auto_logged": True,
        }

    @api.model
    def _wholesale_backfill(self, chunk=500):
        """Write the rows of returns made before the log existed (or while a
        way of returning did not log): POS refunds whose refund order has no
        row, dated at the refund order, and done returns of sale orders'
        deliveries whose transfer has no row for the product, dated at the
        move. Idempotent: what has its row is left alone. Works by chunks of
        ``chunk`` records, the cache emptied between them (a migration on
        years of history). Returns the number of rows created."""
        Log = self.sudo()
        before = Log.search_count([])
        self.env.flush_all()
        refund_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
            SELECT DISTINCT o.id
              FROM pos_order o
              JOIN pos_order_line l ON l.order_id = o.id
             WHERE l.qty < 0 AND l.refunded_orderline_id IS NOT NULL
               AND o.state IN ('paid', 'done', 'invoiced')
               AND NOT EXISTS (SELECT 1 FROM wholesale_return_log r
                                WHERE r.refund_pos_order_id = o.id)
          ORDER BY o.id
                    """
                )
            )
        ]
        PosOrder = self.env["pos.order"].sudo()
        for ids in split_every(chunk, refund_ids):
            for refund in PosOrder.browse(ids):
                refund.with_company(refund.company_id)._wholesale_log_ticket_refund()
            Log.search([("refund_pos_order_id", "in", list(ids))]).write(
                {"auto_logged": True}
            )
            self.env.flush_all()
            self.env.invalidate_all()
        move_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
            SELECT m.id
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
             WHERE m.state = 'done'
               AND m.origin_returned_move_id IS NOT NULL
               AND m.sale_line_id IS NOT NULL
               AND src.usage = 'customer' AND dst.usage != 'customer'
               AND NOT EXISTS (SELECT 1 FROM wholesale_return_log r
                                WHERE r.picking_id = m.picking_id
                                  AND r.product_id = m.product_id)
          ORDER BY m.id
                    """
                )
            )
        ]
        Move = self.env["stock.move"].sudo()
        for ids in split_every(chunk, move_ids):
            moves = Move.browse(ids)
            for company, company_moves in moves.grouped("company_id").items():
                self.with_company(company)._wholesale_log_moves(company_moves)
            self.env.flush_all()
            self.env.invalidate_all()
        created = Log.search_count([]) - before
        if created:
            _logger.info("Return log: %s rows filled in", created)
        return created
