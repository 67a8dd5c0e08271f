import logging
from collections import defaultdict
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .wholesale_stock_pool import hold_pool

ONLINE_CONTEXT_KEY = "wholesale_retail_online_order_uuid"

#: Set while the Return Goods wizard pays its own POS refund (it logs that
#: return itself, with its reason). Server-side only, never a context key.
WIZARD_REFUND = ContextVar("wholesale_retail_wizard_refund", default=False)

_logger = logging.getLogger(__name__)


class PosOrder(models.Model):
    _inherit = "pos.order"

    wholesale_oversell_incident_ids = fields.One2many(
        "wholesale.oversell.incident",
        "pos_order_id",
        string="Oversell Incidents",
        groups="wholesale_retail.group_wholesale_user",
    )
    wholesale_return_reason_id = fields.Many2one(
        "wholesale.return.reason",
        string="Return Reason",
        index="btree_not_null",
        help="Why the goods of this refund came back: chosen on the ticket "
        "screen, written to the return log.",
    )

    def _wholesale_is_online_payment(self):
        """True when the POS is validating this order right now, online.

        The POS front end (static/src/pos/oversell) puts the uuid of the order
        it is validating in the context of that one synchronous call, which
        blocks the payment screen until the server answers. Every other call
        (the background resync of an order paid while offline, a closing
        session flushing unsent orders, imports, tests) carries an order whose
        goods and money have already moved, so it must never be refused.
        """
        self.ensure_one()
        return bool(self.uuid) and self.env.context.get(ONLINE_CONTEXT_KEY) == self.uuid

    def _wholesale_pos_warehouse(self):
        self.ensure_one()
        return self.config_id.picking_type_id.warehouse_id

    def _wholesale_pool_pairs(self):
        """(product, warehouse) of the order's storable products."""
        self.ensure_one()
        warehouse = self._wholesale_pos_warehouse()
        return {
            (product.id, warehouse.id)
            for product in self.lines.product_id
            if product.is_storable and warehouse
        }

    def _wholesale_settled(self):
        """What this order's lines may take of the sale order lines they settle."""
        self.ensure_one()
        return self._wholesale_settlement(
            self.config_id,
            [
                (line.product_id, line.qty, line.sale_order_line_id, self.partner_id)
                for line in self.lines
            ],
        )

    @api.model
    def _wholesale_settlement(self, config, lines):
        """What POS lines that settle sale order lines (pos_sale) may take of
        the stock those sale lines hold.

        ``lines``: ``(product, qty, sale order line, customer)`` tuples. A
        sale line counts only for a line of the same product, in the POS's
        company, on an order of the same customer (the POS sends the sale line
        it settles: a line pointing at another customer's order takes nothing
        of it). Per product, at most the quantity settled. Returns
        ``{"move_ids": [...], "caps": {product_id: qty}}``, the ``settlement``
        of ``wholesale.stock.pool._sellable``.
        """
        caps = defaultdict(float)
        # A cashier may have no right on sale orders: read the sale lines the
        # POS lines point to, and their open moves, as superuser.
        moves = self.env["stock.move"].sudo()
        for product, qty, sale_line, partner in lines:
            sale_line = sale_line.sudo().exists()
            if not sale_line or qty <= 0 or sale_line.product_id != product:
                continue
            customer = sale_line.order_id.partner_id.commercial_partner_id
            if sale_line.company_id != config.company_id or not partner:
                continue
            if customer != partner.commercial_partner_id:
                continue
            caps[product.id] += qty
            moves |= sale_line.move_ids.filtered(
                lambda m: m.state not in ("draft", "done", "cancel")
            )
        return {"move_ids": moves.ids, "caps": dict(caps)}

    def _wholesale_stock_shortages(self, bump=True):
        """Bump the pool of the order's products, then compare with the pool's
        sellable stock (no channel rule: what is oversold, for incidents).

        Returns a list of dicts (product, warehouse, sold, available, short)
        for products the order sells beyond the sellable quantity.
        """
        self.ensure_one()
        return self.env["pos.order"]._wholesale_shortages_for(
            self.config_id,
            self._wholesale_sold(),
            settlement=self._wholesale_settled(),
            exclude_pos_order_ids=self.ids,
            bump=bump,
        )

    @api.model
    def _wholesale_shortages_for(
        self, config, sold, settlement=None, exclude_pos_order_ids=(), bump=True
    ):
        """Products of ``sold`` ({product: qty}) beyond what ``config`` may sell.

        Sellable stock is measured under the POS's source location (see
        ``wholesale.stock.pool._sellable``), with the reservations of
        what the sale order lines the POS settles hold given back
        (``settlement``).
        """
        location = config.picking_type_id.default_location_src_id
        warehouse = config.picking_type_id.warehouse_id
        if not location or not warehouse or not sold:
            return []
        if bump:
            self.env["wholesale.stock.pool"]._bump(
                (product.id, warehouse.id) for product in sold
            )
        sold = {p: q for p, q in sold.items() if q > 0}
        if not sold:
            return []
        products = self.env["product.product"].union(*sold)
        sellable = products._wholesale_sellable_qty(
            channel="pos",
            location=location,
            exclude_pos_order_ids=exclude_pos_order_ids,
            settlement=settlement,
        )
        shortages = []
        for product, qty in sold.items():
            available = sellable.get(product.id, 0.0)
            rounding = product.uom_id.rounding
            if float_compare(qty, available, precision_rounding=rounding) > 0:
                shortages.append(
                    {
                        "product": product,
                        "warehouse": warehouse,
                        "sold": qty,
                        "available": available,
                        "short": qty - max(available, 0.0),
                    }
                )
        return shortages

    def _wholesale_sold(self):
        """{product: qty} of the order's storable products."""
        self.ensure_one()
        sold = defaultdict(float)
        for line in self.lines.filtered(lambda line: line.product_id.is_storable):
            sold[line.product_id] += line.qty
        return sold

    @api.model
    def _wholesale_refusals(
        self, config, sold, settlement=None, exclude_pos_order_ids=()
    ):
        """The products of ``sold`` ({product: qty}) that the rules of
        ``config``'s channel refuse at online payment.

        Measured against the channel's sellable quantity (the pool minus what
        the winning rule and the channel's buffer hold back, see
        ``product.product._wholesale_channel_availability``). Hide and block
        refuse beyond it; "protect wholesale reservations" refuses only when
        confirmed wholesale orders hold the product in the warehouse; warn
        never refuses.
        """
        sold = {p: q for p, q in sold.items() if q > 0 and p.is_storable}
        warehouse = config.picking_type_id.warehouse_id
        if (
            not sold
            or not warehouse
            or not config.picking_type_id.default_location_src_id
        ):
            return []
        products = self.env["product.product"].union(*sold)
        availability = config._wholesale_availability(
            products.ids,
            exclude_pos_order_ids=exclude_pos_order_ids,
            settlement=settlement,
        )
        refused, protected = [], []
        for product, qty in sold.items():
            values = availability[product.id]
            if values["action"] not in ("hide", "block", "protect"):
                continue
            rounding = product.uom_id.rounding
            if float_compare(qty, values["qty"], precision_rounding=rounding) <= 0:
                continue
            shortage = {
                "product": product,
                "warehouse": warehouse,
                "sold": qty,
                "available": values["qty"],
                "short": qty - values["qty"],
                "rule": values["rule"] if values["held"] > 0 else False,
            }
            if values["action"] == "protect":
                protected.append(shortage)
            else:
                refused.append(shortage)
        if protected:
            held = self._wholesale_wholesale_reservations(
                self.env["product.product"].union(*(s["product"] for s in protected)),
                warehouse,
                settlement,
            )
            refused += [s for s in protected if held.get(s["product"].id, 0.0) > 0]
        return self._wholesale_add_holders(
            refused, config, settlement, exclude_pos_order_ids
        )

    @api.model
    def _wholesale_wholesale_reservations(self, products, warehouse, settlement=None):
        """What confirmed wholesale orders hold or are promised in ``warehouse``.

        Per product: the demand of open moves of wholesale customers' sale
        orders (reserved or waiting for a manual reservation), less what the
        POS order settles of them (``settlement``). Read as superuser: the
        question is asked on behalf of a cashier, who has no right to read
        sale order lines, and only quantities per product come out.
        """
        groups = (
            self.env["stock.move"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", products.ids),
                    ("location_id.warehouse_id", "=", warehouse.id),
                    ("state", "in", ("confirmed", "partially_available", "assigned")),
                    ("sale_line_id.order_id.partner_id.wholesale_customer", "=", True),
                ],
                groupby=["product_id"],
                aggregates=["product_qty:sum"],
            )
        )
        held = {product.id: qty for product, qty in groups}
        settlement = settlement or {"move_ids": [], "caps": {}}
        own = defaultdict(float)
        for move in self.env["stock.move"].sudo().browse(settlement["move_ids"]):
            own[move.product_id.id] += move.product_qty
        for product_id, cap in settlement["caps"].items():
            if product_id in held:
                held[product_id] -= min(own[product_id], cap)
        return held

    @api.model
    def _wholesale_add_holders(self, shortages, config, settlement, exclude):
        """Put on each shortage who holds the rest of the stock (for the
        message): the pool's holders under the POS's source location, but
        this order and the sale moves it settles. Read as superuser: asked on
        behalf of a cashier, who may not read sale orders; only document
        names and quantities come out."""
        if not shortages:
            return shortages
        holders = (
            self.env["wholesale.stock.pool"]
            .sudo()
            ._holders(
                [s["product"].id for s in shortages],
                config.picking_type_id.default_location_src_id,
                exclude_pos_order_ids=exclude,
                own_move_ids=(settlement or {}).get("move_ids") or (),
            )
        )
        for shortage in shortages:
            shortage["holders"] = holders.get(shortage["product"].id, [])
        return shortages

    @api.model
    def _wholesale_oversell_message(self, shortages):
        lines = [
            s["product"]._wholesale_shortage_text(
                s["sold"],
                s["available"],
                s["warehouse"],
                s.get("holders") or [],
                rule=s.get("rule"),
                at_pos=True,
            )
            for s in shortages
        ]
        return self.env._(
            "Not enough stock to sell this order:\n%(lines)s\n"
            "Lower the quantity or remove the product, then pay again.",
            lines="\n".join(lines),
        )

    def _wholesale_refuse_oversell(self, shortages):
        raise UserError(self._wholesale_oversell_message(shortages))

    def _wholesale_record_incidents(self, shortages):
        self.ensure_one()
        # The incident is the system's record of what happened, written
        # whatever the cashier's own rights: the POS user only sells.
        incidents = (
            self.env["wholesale.oversell.incident"]
            .sudo()
            .create(
                [
                    {
                        "company_id": self.company_id.id,
                        "product_id": s["product"].id,
                        "warehouse_id": s["warehouse"].id,
                        "quantity_sold": s["sold"],
                        "quantity_available": s["available"],
                        "quantity_short": s["short"],
                        "pos_order_id": self.id,
                        "session_id": self.session_id.id,
                        "order_date": self.date_order,
                    }
                    for s in shortages
                ]
            )
        )
        incidents._wholesale_notify_stock_managers()
        return incidents

    def _wholesale_terminal_charged(self):
        """True when a payment terminal or online payment has taken the money."""
        self.ensure_one()
        return any(
            payment.payment_method_id.use_payment_terminal
            or payment.payment_method_id._is_online_payment()
            for payment in self.payment_ids
        )

    def _process_saved_order(self, draft):
        result = self._wholesale_process_saved_order(draft)
        if not draft and not WIZARD_REFUND.get():
            self._wholesale_log_ticket_refund()
        return result

    def _wholesale_log_ticket_refund(self):
        """A refund made on the POS ticket screen is a return too: one row of
        the return log per refunded line (the ticket screen asks no reason;
        the goods go back to stock with the refund's transfer). Never refuses
        the order: a failure is logged and the refund stays."""
        self.ensure_one()
        lines = self.lines.filtered(
            lambda line: line.refunded_orderline_id and line.qty < 0
        )
        if not lines or self.state not in ("paid", "done", "invoiced"):
            return
        # The log is the system's record of the return, whoever refunds.
        logs = self.env["wholesale.return.log"].sudo()
        if logs.search_count([("refund_pos_order_id", "=", self.id)], limit=1):
            return  # a replayed sync
        rate = self.currency_rate or 1.0
        config = self.config_id
        try:
            # read as the system: a cashier's rights never drop a paid refund
            reason = self.sudo().wholesale_return_reason_id
            if reason.company_id and reason.company_id != self.company_id:
                reason = reason.browse()  # another company's: no reason
            channel = config._wholesale_channel()
            with self.env.cr.savepoint():
                logs.create(
                    [
                        {
                            "date": self.date_order,
                            "company_id": self.company_id.id,
                            "channel_id": self._wholesale_return_channel(
                                line.refunded_orderline_id, channel
                            ).id,
                            "warehouse_id": config.picking_type_id.warehouse_id.id,
                            "pos_order_id": line.refunded_orderline_id.order_id.id,
                            "pos_line_id": line.refunded_orderline_id.id,
                            "partner_id": self.partner_id.id,
                            "product_id": line.product_id.id,
                            "qty": -line.qty,
                            **self._wholesale_log_unit(line),
                            "reason_id": reason.id,
                            "disposition": "stock",
                            "value_sale": abs(line.price_subtotal) / rate,
                            "value_cost": abs(line.total_cost) / rate
                            if line.is_total_cost_computed
                            else line.product_id.with_company(
                                self.company_id
                            ).standard_price
                            * -line.qty,
                            "picking_id": self.picking_ids[:1].id,
                            "refund_pos_order_id": self.id,
                            "state": "done",
                            "user_id": (self.user_id or self.env.user).id,
                        }
                        for line in lines
                    ]
                )
        except Exception:
            _logger.exception(
                "POS refund %s: its return log was not written", self.name
            )

    @api.model
    def _wholesale_return_channel(self, sold_line, pos_channel):
        """The channel the return of a sold POS line counts in: the sale
        order's when the line settled one (pos_sale: the monthly report counts
        that sale in the order's channel), else the POS's."""
        order = sold_line.sudo().sale_order_line_id.order_id
        return order.wholesale_channel_id or pos_channel

    @api.model
    def _process_order(self, order, existing_order):
        """A refund's return reason is only a label: an unknown one (deleted
        since the POS loaded it) or another company's is dropped, never a
        reason to refuse an order paid at the counter."""
        reason_id = order.get("wholesale_return_reason_id")
        if reason_id:
            # existence and company only; the reason's content is never read
            Reason = self.env["wholesale.return.reason"].sudo()
            reason = Reason.browse(reason_id if isinstance(reason_id, int) else [])
            session = self.env["pos.session"].sudo().browse(order.get("session_id"))
            company = session.config_id.company_id
            if not reason.exists() or (
                reason.company_id and reason.company_id != company
            ):
                order["wholesale_return_reason_id"] = False
        return super()._process_order(order, existing_order)

    @api.model
    def _wholesale_log_unit(self, line):
        """``uom_id``/``qty_uom`` of a refund line's log row: the carton it
        was sold in when the refund is whole cartons (1 Carton), else the
        product's unit (5 pieces out of a carton)."""
        unit = line.wholesale_uom_id or line.refunded_orderline_id.wholesale_uom_id
        return self.env["wholesale.return.log"]._wholesale_unit_vals(
            line.product_id, -line.qty, unit
        )

    def _wholesale_process_saved_order(self, draft):
        self.ensure_one()
        pool = self.env["wholesale.stock.pool"]
        if draft or self.state == "cancel" or not pool._guard_enabled():
            result = super()._process_saved_order(draft)
            if not draft and self.session_id.update_stock_at_closing:
                # no quant moves before the session closes: tell the open POS
                pool._wholesale_availability_changed(self._wholesale_pool_pairs())
            return result
        pairs = self._wholesale_pool_pairs()
        # One bump of the order's pool rows, held for the picking it validates.
        with hold_pool(self.env, pairs):
            shortages = self._wholesale_stock_shortages(bump=False)
            # Only the payment screen's own online call may be refused, and
            # never once a card terminal has charged (the payment screen's
            # entry check, ``pos.config.wholesale_check_order``, refused before).
            if (
                self._wholesale_is_online_payment()
                and not self._wholesale_terminal_charged()
            ):
                refused = self._wholesale_refusals(
                    self.config_id,
                    self._wholesale_sold(),
                    settlement=self._wholesale_settled(),
                    exclude_pos_order_ids=self.ids,
                )
                if refused:
                    self._wholesale_refuse_oversell(refused)
            # A late (offline) order is accepted: stock follows the goods, even
            # into reservations or below zero, and the incident says so.
            result = super()._process_saved_order(draft)
        if self.session_id.update_stock_at_closing:
            # no quant moves before the session closes: tell the open POS
            self.env["wholesale.stock.pool"]._wholesale_availability_changed(pairs)
        if shortages:
            self._wholesale_record_incidents(shortages)
        return result
