from collections import defaultdict
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round, plaintext2html
from odoo.tools.misc import formatLang

from .wholesale_stock_pool import server_mark

#: Set by ``_wholesale_return_credit_note`` for one call of core's
#: ``_create_invoices``: ``{sale line id: invoice line values}``, the lines a
#: return credits and how much. Server-side only, never read from a context.
RETURN_CREDIT = ContextVar("wholesale_retail_return_credit", default=None)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    wholesale_customer = fields.Boolean(
        related="partner_id.commercial_partner_id.wholesale_customer",
        string="Wholesale Order",
    )
    wholesale_channel_id = fields.Many2one(
        "wholesale.sales.channel",
        string="Sales Channel",
        compute="_compute_wholesale_channel_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
        domain="[('kind', '!=', 'pos')]",
        help="Where the order was taken: the wholesale desk, or the web shop or "
        "marketplace it came from. The monthly report counts the order in this "
        "channel.",
    )

    @api.depends("team_id", "company_id")
    def _compute_wholesale_channel_id(self):
        """A channel whose sales team is the order's claims it; else the
        channel chosen by hand (or by a channel's sync) stays if it has no
        team of its own; else the wholesale desk."""
        channels = self.env["wholesale.sales.channel"]
        claimed = {}  # (company, team) -> the channel of that team
        desks = {}
        for order in self:
            company = order.company_id
            if not company:
                order.wholesale_channel_id = False
                continue
            key = (company.id, order.team_id.id)
            if key not in claimed:
                claimed[key] = order.team_id and channels.search(
                    [
                        ("company_id", "=", company.id),
                        ("team_id", "=", order.team_id.id),
                        ("kind", "!=", "pos"),
                    ],
                    limit=1,
                )
            current = order.wholesale_channel_id
            if claimed[key]:
                order.wholesale_channel_id = claimed[key]
            elif not (
                current
                and current.company_id == company
                and not current.team_id
                and current.kind != "pos"
            ):
                if company.id not in desks:
                    desks[company.id] = channels._wholesale_desk(company)
                order.wholesale_channel_id = desks[company.id]

    wholesale_approval_ids = fields.One2many(
        "wholesale.credit.approval", "order_id", string="Approvals", readonly=True
    )
    wholesale_credit_message = fields.Text(
        string="Credit Hold",
        compute="_compute_wholesale_approval_messages",
        help="Why confirming this wholesale order needs a manager's approval: "
        "the customer's credit limit, an overdue invoice or a hold.",
    )
    wholesale_quote_message = fields.Text(
        string="Quotation Approval",
        compute="_compute_wholesale_approval_messages",
        help="Why this quotation needs a manager's approval before it is sent "
        "or confirmed: its amount or a discount above the company's settings.",
    )

    @api.depends(
        "state",
        "partner_id",
        "company_id",
        "amount_total",
        "order_line.discount",
        "wholesale_approval_ids",
    )
    @api.depends_context("uid")
    def _compute_wholesale_approval_messages(self):
        for order in self:
            held = order._wholesale_credit_applies()
            order.wholesale_quote_message = held and order._wholesale_quote_needs()
            order.wholesale_credit_message = held and order._wholesale_credit_check()[1]

    def action_confirm(self):
        held = self.browse()
        batch = defaultdict(float)  # customer -> earlier orders of this call
        wholesale = self.filtered("wholesale_customer")
        settled = wholesale._wholesale_settled_at_pos()  # one query for all
        for order in wholesale - settled:
            if not order._wholesale_credit_applies(settled=settled):
                continue
            if order._wholesale_paid_online():
                continue
            partner = order.partner_id.commercial_partner_id
            partner._wholesale_serialize_credit(order.company_id)
            message = order._wholesale_quote_needs()
            if not message:
                message = order._wholesale_credit_check(extra=batch[partner.id])[1]
                message = message and message + "\n" + self.env._(
                    "A manager can approve it with Approve Credit on the order."
                )
            if message and self.env.user.share:
                # the customer signs or accepts on the portal: the order waits
                # for a manager rather than failing in the customer's face
                held |= order
                order._wholesale_note_held(message)
            elif message:
                raise UserError(message)
            else:
                batch[partner.id] += order._wholesale_amount_company()
        orders = self - held
        if not orders:
            return True
        (wholesale - settled - held)._wholesale_check_quantity_rules()
        return super(SaleOrder, orders).action_confirm()

    def _wholesale_paid_online(self):
        """Paid, in part or whole, by an online payment (the customer's money
        is taken: its confirmation is never refused)."""
        self.ensure_one()
        # sudo: transactions are read by accounting users only
        return any(
            tx.state in ("authorized", "done") for tx in self.sudo().transaction_ids
        )

    def _wholesale_note_held(self, message):
        """A held order the customer confirmed on the portal: its salesperson
        is told, with the figures."""
        self.ensure_one()
        # sudo: the portal customer's call; the note and the activity are the
        # system's
        order = self.sudo()
        order.message_post(body=plaintext2html(message), subtype_xmlid="mail.mt_note")
        order.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=(order.user_id or self.env.ref("base.user_admin")).id,
            summary=self.env._("Confirmed by the customer, held: needs approval"),
        )

    def action_quotation_send(self):
        for order in self:
            if order._wholesale_credit_applies():
                message = order._wholesale_quote_needs()
                if message:
                    raise UserError(message)
        return super().action_quotation_send()

    # ------------------------------------------------------------------
    # Credit hold and quotation approval
    # ------------------------------------------------------------------
    def _wholesale_credit_applies(self, settled=None):
        """A wholesale quotation that is not settled at the POS (paid there).

        :param settled: the orders known to be settled at the POS (from one
            ``_wholesale_settled_at_pos`` call for a batch), else looked up
        """
        self.ensure_one()
        if not (
            self.state in ("draft", "sent")
            and self.wholesale_customer
            and self.company_id
        ):
            return False
        if settled is None:
            settled = self._wholesale_settled_at_pos()
        return self not in settled

    def _wholesale_amount_company(self):
        """The order's total in the company's currency, as core's credit
        warning counts it."""
        self.ensure_one()
        return self.amount_total / (self.currency_rate or 1.0)

    def _wholesale_valid_approvals(self, kind):
        self.ensure_one()
        amount = self._wholesale_amount_company()
        discount = max(self.order_line.mapped("discount"), default=0.0)
        approvals = self.wholesale_approval_ids.filtered(
            lambda a: a.partner_id == self.partner_id.commercial_partner_id
        )
        return approvals._wholesale_covers(
            kind,
            amount,
            self.company_id.currency_id,
            discount if kind == "quote" else 0.0,
        )

    def _wholesale_credit_check(self, extra=0.0):
        """``(figures, message)``: the message is empty when the customer's
        credit allows the order, or a manager approved it.

        :param extra: other orders of the customer confirmed in the same call,
            in the company's currency
        """
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        figures = partner._wholesale_credit_figures(
            self.company_id, amount=self._wholesale_amount_company() + extra
        )
        if not figures["blocked"] or self._wholesale_valid_approvals("credit"):
            return figures, ""
        return figures, partner._wholesale_credit_message(figures, "order")

    def _wholesale_quote_needs(self):
        """Why the quotation needs a manager's approval, or ``""``."""
        self.ensure_one()
        company = self.company_id
        limit = company.wholesale_quote_approval_amount
        max_discount = company.wholesale_quote_approval_discount
        amount = self._wholesale_amount_company()
        discount = max(self.order_line.mapped("discount"), default=0.0)
        reasons = []
        currency = company.currency_id
        if limit > 0 and currency.compare_amounts(amount, limit) > 0:
            reasons.append(
                self.env._(
                    "its total of %(amount)s is above %(limit)s",
                    amount=formatLang(self.env, amount, currency_obj=currency),
                    limit=formatLang(self.env, limit, currency_obj=currency),
                )
            )
        if max_discount > 0 and discount > max_discount + 1e-6:
            reasons.append(
                self.env._(
                    "a discount of %(discount)s%% is above %(limit)s%%",
                    discount=formatLang(self.env, discount),
                    limit=formatLang(self.env, max_discount),
                )
            )
        if not reasons or self._wholesale_valid_approvals("quote"):
            return ""
        return self.env._(
            "Quotation %(order)s needs a manager's approval before it is sent or "
            "confirmed: %(reasons)s. A manager can approve it with Approve "
            "Quotation.",
            order=self.name,
            reasons="; ".join(reasons),
        )

    def action_wholesale_approve(self):
        """Open the approval form for a manager (the credit hold, or the
        quotation when that is what holds the order)."""
        self.ensure_one()
        kind = "quote" if self.wholesale_quote_message else "credit"
        return self.env["wholesale.credit.approval.wizard"]._wholesale_open(
            kind, order=self
        )

    def _get_invoiceable_lines(self, final=False):
        credit = RETURN_CREDIT.get()
        if credit is None:
            return super()._get_invoiceable_lines(final)
        return self.order_line.filtered(lambda line: line.id in credit)

    def _wholesale_return_credit_note(self, pieces_by_line):
        """Credit note for the goods a customer sent back, posted.

        ``pieces_by_line``: ``{sale.order.line: pieces}`` of done returns.
        Each line is credited for what was invoiced (posted) beyond what the
        customer now keeps, at most what came back: nothing when the returned
        goods were never invoiced. The note is core's own final invoice
        (``_create_invoices(final=True)``) restricted to those lines with the
        returned quantity negated, which core turns into a credit note that
        keeps the order's payment terms, fiscal position and prices and points
        to the invoice it reverses. A quantity that is no whole number of the
        line's unit (5 pieces of a carton line) is credited in pieces.
        Returns the credit note (empty when nothing was invoiced).
        """
        self.ensure_one()
        credit = {}
        for line, pieces in pieces_by_line.items():
            values = line._wholesale_return_credit_values(pieces)
            if values:
                credit[line.id] = values
        if not credit:
            return self.env["account.move"]
        with server_mark(RETURN_CREDIT, credit):
            moves = self.with_context(
                raise_if_nothing_to_invoice=False
            )._create_invoices(final=True)
        credit_notes = moves.filtered(lambda move: move.move_type == "out_refund")
        if moves - credit_notes:
            raise UserError(
                self.env._(
                    "The credit note of %(order)s for the returned goods came out "
                    "positive; check the order's invoices.",
                    order=self.name,
                )
            )
        # The person confirming the return may have no accounting rights: the
        # credit note of goods received back is the system's document, priced
        # exactly as the order's invoice priced them.
        credit_notes = credit_notes.sudo()
        invoices = credit_notes.invoice_line_ids.sale_line_ids.invoice_lines.move_id
        invoices = invoices.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        if len(invoices) == 1:
            # as core's reversal does (core links it here only where the law
            # requires it): posting then settles the invoice's open amount
            credit_notes.filtered(lambda move: not move.reversed_entry_id).write(
                {"reversed_entry_id": invoices.id}
            )
        credit_notes.action_post()
        return credit_notes.with_env(self.env)

    def _wholesale_settled_at_pos(self):
        """The orders of ``self`` that a paid POS order settles (pos_sale).

        pos_sale confirms such a quotation while it syncs the POS order, after
        the customer took the goods and paid: the wholesale rules (minimum,
        multiple, refusal beyond free stock) no longer apply to it. One SQL
        query, whatever the user's rights: a salesperson may have no Point of
        Sale rights, and the answer depends on paid POS orders only, which a
        client cannot forge without paying.
        """
        if not self:
            return self
        self.env["pos.order.line"].flush_model(["sale_order_line_id", "order_id"])
        self.env["pos.order"].flush_model(["state"])
        self.env["sale.order.line"].flush_model(["order_id"])
        self.env.cr.execute(
            """
            SELECT DISTINCT sol.order_id
              FROM pos_order_line pl
              JOIN pos_order po ON po.id = pl.order_id
              JOIN sale_order_line sol ON sol.id = pl.sale_order_line_id
             WHERE sol.order_id = ANY(%s)
               AND po.state IN ('paid', 'done')
            """,
            [self.ids],
        )
        return self.browse(order_id for (order_id,) in self.env.cr.fetchall())

    def _wholesale_check_quantity_rules(self):
        """Refuse wholesale orders below a product's minimum or off its multiple.

        Rules are counted in the product's wholesale unit (see
        ``product.template._wholesale_quantity_rules``); all problems of all
        orders are named in one message, and nothing is confirmed.
        """
        problems = []
        for order in self.filtered("wholesale_customer"):
            totals = defaultdict(float)
            templates = {}
            for line in order.order_line.filtered(
                lambda sol: sol.product_id and not sol.display_type
            ):
                template = line.product_id.product_tmpl_id
                unit, minimum, multiple = template._wholesale_quantity_rules()
                if not (minimum or multiple):
                    continue
                qty = line.product_uom_id._compute_quantity(
                    line.product_uom_qty, unit, round=False
                )
                templates[template] = (unit, minimum, multiple)
                totals[template] += qty
                if multiple and not self._wholesale_is_multiple(qty, multiple):
                    problems.append(
                        self.env._(
                            "%(order)s, %(product)s: wholesale quantities come in "
                            "multiples of %(multiple)s %(unit)s (minimum "
                            "%(minimum)s %(unit)s); this line has %(qty)s %(unit)s.",
                            order=order.name,
                            product=line.product_id.display_name,
                            multiple="%g" % multiple,
                            minimum="%g" % minimum,
                            unit=unit.name,
                            qty="%g" % float_round(qty, precision_digits=4),
                        )
                    )
            for template, (unit, minimum, multiple) in templates.items():
                if (
                    minimum
                    and float_compare(totals[template], minimum, precision_digits=4) < 0
                ):
                    values = {
                        "order": order.name,
                        "product": template.display_name,
                        "minimum": "%g" % minimum,
                        "multiple": "%g" % multiple,
                        "unit": unit.name,
                        "qty": "%g" % float_round(totals[template], precision_digits=4),
                    }
                    if multiple:
                        message = self.env._(
                            "%(order)s, %(product)s: wholesale orders need at least "
                            "%(minimum)s %(unit)s (in multiples of %(multiple)s "
                            "%(unit)s); this order has %(qty)s %(unit)s.",
                            **values,
                        )
                    else:
                        message = self.env._(
                            "%(order)s, %(product)s: wholesale orders need at least "
                            "%(minimum)s %(unit)s; this order has %(qty)s %(unit)s.",
                            **values,
                        )
                    problems.append(message)
        if problems:
            raise UserError(
                self.env._(
                    "This wholesale order does not meet the quantity rules:\n%(lines)s",
                    lines="\n".join(problems),
                )
            )

    @api.model
    def _wholesale_is_multiple(self, qty, multiple):
        ratio = qty / multiple
        return not float_compare(
            ratio, float_round(ratio, precision_digits=0), precision_digits=4
        )
