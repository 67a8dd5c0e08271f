from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

#: the overdue tolerance of a new customer (days)
CREDIT_TOLERANCE_DAYS = 30

#: the fields of a customer's credit terms only a credit manager changes
CREDIT_TERMS_FIELDS = (
    "wholesale_overdue_tolerance",
    "wholesale_credit_hold",
    "wholesale_credit_hold_reason",
)


class ResPartner(models.Model):
    """The "Wholesale Customer" flag: a commercial field, set by salespeople.

    The flag belongs to the commercial entity (the company) and is copied to
    its contacts by Odoo's commercial field sync, also when it is cleared. Only
    salespeople ("Sales / User: Own Documents Only" and up) choose it; other
    users may still create and edit contacts, whose flag then follows their
    company. The check is on the server, before create and write: no view or
    context key (such as ``default_wholesale_customer``) can bypass it; the
    commercial sync itself runs as superuser, as in core.
    """

    _inherit = "res.partner"

    wholesale_customer = fields.Boolean(
        string="Wholesale Customer",
        help="Buys by the carton or pallet, on credit terms. Wholesale customers "
        "get the wholesale units and prices on their sale orders. Set on the "
        "company, shared by its contacts; only salespeople change it.",
    )

    wholesale_overdue_tolerance = fields.Integer(
        string="Overdue Tolerance (days)",
        default=CREDIT_TOLERANCE_DAYS,
        help="A wholesale customer with an invoice overdue by more than this "
        "many days is on credit hold: their orders are not confirmed and their "
        "invoices not posted until a manager approves.",
    )
    wholesale_credit_hold = fields.Boolean(
        string="On Credit Hold",
        tracking=True,
        help="Put on hold by a manager: no wholesale order of this customer is "
        "confirmed, no invoice posted and no POS Customer Account payment "
        "taken without a manager's approval.",
    )
    wholesale_credit_hold_reason = fields.Char(string="Hold Reason", tracking=True)

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "wholesale_customer",
            *CREDIT_TERMS_FIELDS,
        ]

    def _get_commercial_values(self):
        # core syncs only set values; "not wholesale" must reach contacts too
        values = super()._get_commercial_values()
        values["wholesale_customer"] = self.wholesale_customer
        return values

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self._wholesale_is_credit_manager():
            # a default (e.g. from the context) counts as the user's choice
            defaults = self.default_get(list(CREDIT_TERMS_FIELDS))
            for vals in vals_list:
                chosen = {**defaults, **vals}
                if (
                    chosen.get("wholesale_overdue_tolerance", CREDIT_TOLERANCE_DAYS)
                    != CREDIT_TOLERANCE_DAYS
                    or chosen.get("wholesale_credit_hold")
                    or chosen.get("wholesale_credit_hold_reason")
                ):
                    raise AccessError(self._wholesale_credit_terms_denied())
        if not self._wholesale_may_choose_customer_flag():
            # a default (e.g. from the context) counts as the user's choice
            default = self.default_get(["wholesale_customer"]).get(
                "wholesale_customer", False
            )
            for vals in vals_list:
                parent = self.browse(vals.get("parent_id"))
                commercial = (
                    parent.commercial_partner_id
                    if parent and not vals.get("is_company")
                    else None
                )
                if commercial and "wholesale_customer" not in vals:
                    continue  # the commercial sync gives the company's flag
                self._wholesale_check_customer_flag(
                    vals.get("wholesale_customer", default),
                    commercial,
                    False,
                    vals.get("name") or "",
                )
        return super().create(vals_list)

    def write(self, vals):
        if (
            any(name in vals for name in CREDIT_TERMS_FIELDS)
            and not self.env.su
            and not self._wholesale_is_credit_manager()
            and any(
                partner[name] != vals[name]
                for partner in self
                for name in CREDIT_TERMS_FIELDS
                if name in vals
            )
        ):
            raise AccessError(self._wholesale_credit_terms_denied())
        if "wholesale_customer" in vals and not (
            self._wholesale_may_choose_customer_flag()
        ):
            for partner in self:
                parent = (
                    self.browse(vals["parent_id"])
                    if "parent_id" in vals
                    else partner.parent_id
                )
                is_company = vals.get("is_company", partner.is_company)
                self._wholesale_check_customer_flag(
                    vals["wholesale_customer"],
                    parent.commercial_partner_id if parent and not is_company else None,
                    partner.wholesale_customer,
                    partner.display_name,
                )
        return super().write(vals)

    @api.model
    def _wholesale_may_choose_customer_flag(self):
        return self.env.su or self.env.user.has_group("sales_team.group_sale_salesman")

    @api.model
    def _wholesale_check_customer_flag(self, flag, commercial, current, name):
        """Refuse a flag a non-salesperson chose rather than took from the company.

        :param flag: the flag the partner would get
        :param commercial: the company the partner would belong to (its
            commercial entity), ``None`` when the partner is its own
        :param current: the partner's flag now (``False`` for a new one)
        :param name: the partner's name, for the message
        :raise AccessError: before anything is written
        """
        expected = commercial.wholesale_customer if commercial else current
        if bool(flag) != bool(expected):
            raise AccessError(
                self.env._(
                    "Only salespeople can mark %(partner)s as a wholesale customer "
                    "or remove the mark; a contact person takes it from its "
                    "company.",
                    partner=name,
                )
            )

    # ------------------------------------------------------------------
    # Credit terms
    # ------------------------------------------------------------------
    @api.model
    def _wholesale_credit_terms_denied(self):
        return self.env._(
            "Only a sales, accounting or wholesale manager changes a customer's "
            "credit hold and overdue tolerance."
        )

    @api.model
    def _wholesale_is_credit_manager(self):
        """Who approves credit and quotes: a sales, accounting or wholesale
        manager."""
        user = self.env.user
        return any(
            user.has_group(group)
            for group in (
                "sales_team.group_sale_manager",
                "account.group_account_manager",
                "wholesale_retail.group_wholesale_manager",
            )
        )

    def _wholesale_credit_figures(
        self, company, amount=0.0, exclude_amount=0.0, exclude_pos_order_ids=()
    ):
        """Where a customer's credit stands if a document of ``amount`` goes
        through, in ``company``'s currency.

        The exposure is the receivable (core's ``credit``: every open
        receivable line), plus what confirmed sale orders still hold
        (``_wholesale_orders_exposure``, whatever their invoicing policy and
        delivery), plus the Customer Account sales of POS sessions not yet
        closed (booked only at closing), plus this document.

        :param company: the company giving the credit
        :param amount: the new document's amount, in the company's currency
        :param exclude_amount: the part of ``amount`` already counted in what
            confirmed orders hold (an invoice of a confirmed order, a POS
            payment settling one)
        :param exclude_pos_order_ids: POS orders whose Customer Account
            payment is ``amount`` itself
        :return: a dict of the figures; ``blocked`` says if the document
            needs a manager's approval
        """
        self.ensure_one()
        # sudo: the receivable, the orders and the limit are read only by
        # invoicing users; a salesperson's confirmation and a cashier's
        # Customer Account payment are checked against them as core's credit
        # warning does (sale.order._compute_partner_credit_warning)
        partner = self.commercial_partner_id.sudo().with_company(company)
        # computed without dependencies: a value read before an invoice was
        # posted in this transaction (core's credit warning reads it) is stale
        partner.invalidate_recordset(["credit", "debit"])
        currency = company.currency_id
        limit_on = company.account_use_credit_limit and partner.credit_limit > 0
        receivable = partner.credit
        open_pos = self.env["pos.order"]._wholesale_open_account_sales(
            partner, company, exclude_order_ids=exclude_pos_order_ids
        )
        to_invoice = (
            partner._wholesale_orders_exposure(company) + open_pos - exclude_amount
        )
        total = receivable + to_invoice + amount
        today = fields.Date.context_today(self)
        overdue_before = today - timedelta(
            days=max(partner.wholesale_overdue_tolerance, 0)
        )
        # the overdue tolerance and the hold are a wholesale customer's terms;
        # any customer's credit limit counts (core's own)
        overdue = self.env["account.move.line"]
        if partner.wholesale_customer:
            overdue = overdue.sudo().search(
                [
                    ("company_id", "child_of", company.root_id.id),
                    ("partner_id", "child_of", partner.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", overdue_before),
                ],
                order="date_maturity, id",
            )
        on_hold = partner.wholesale_customer and partner.wholesale_credit_hold
        over_limit = bool(
            limit_on and currency.compare_amounts(total, partner.credit_limit) > 0
        )
        return {
            "partner": partner.sudo(False),
            "company": company,
            "limit_on": limit_on,
            "credit_limit": partner.credit_limit if limit_on else 0.0,
            "receivable": receivable,
            "to_invoice": to_invoice,
            "amount": amount,
            "total": total,
            "over_limit": over_limit,
            "tolerance": partner.wholesale_overdue_tolerance,
            "overdue_lines": overdue.sudo(False),
            "overdue_amount": sum(overdue.mapped("amount_residual")),
            "overdue_days": overdue and (today - overdue[0].date_maturity).days or 0,
            "overdue_first": overdue[:1].move_id.name or "",
            "on_hold": on_hold,
            "hold_reason": partner.wholesale_credit_hold_reason or "",
            "blocked": over_limit or bool(overdue) or on_hold,
        }

    def _wholesale_confirmed_orders(self, company):
        """The commercial partner's confirmed sale orders in ``company`` that
        may still hold credit (not fully invoiced), as the superuser."""
        self.ensure_one()
        return (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                    ("invoice_status", "!=", "invoiced"),
                    ("partner_invoice_id", "child_of", self.commercial_partner_id.id),
                ]
            )
        )

    def _wholesale_orders_exposure(self, company, orders=None):
        """What confirmed sale orders still hold of the customer's credit, in
        ``company``'s currency: each order's total less its posted invoices
        (credit notes aside: goods returned or prices lowered do not come back
        as credit to give) and less what the Point of Sale settled of it, never
        below 0. Unlike core's ``credit_to_invoice`` it does not wait for the
        delivery of goods invoiced on delivered quantities.

        :param orders: the orders to count (default: all confirmed ones)
        """
        self.ensure_one()
        if orders is None:
            orders = self._wholesale_confirmed_orders(company)
        # sudo: POS lines and invoices of the orders, whatever the user's rights
        orders = orders.sudo()
        exposure = 0.0
        for order in orders:
            total = order.amount_total / (order.currency_rate or 1.0)
            invoiced = sum(
                move.amount_total_signed
                for move in order.invoice_ids
                if move.state == "posted" and move.move_type == "out_invoice"
            )
            settled = sum(
                line.price_subtotal_incl / (line.order_id.currency_rate or 1.0)
                for line in order.order_line.pos_order_line_ids
                if line.order_id.state != "cancel"
            )
            exposure += max(total - invoiced - settled, 0.0)
        return company.currency_id.round(exposure)

    def _wholesale_serialize_credit(self, company):
        """Make two documents of one customer checked at the same time (two
        confirmations, a confirmation and a POS payment...) see each other,
        when the customer has a credit limit in ``company`` (the overdue
        tolerance and the hold do not change with the documents).

        The cursor is REPEATABLE READ: two transactions reading the account
        at once would both see room under the limit. Both update the
        customer's row (to the same value): the second waits for the first,
        then fails with a serialization error, which Odoo retries with a fresh
        snapshot that includes the first document. A lock alone would not
        refresh the snapshot.
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        # sudo: the limit is read by invoicing users only
        if not (
            company.account_use_credit_limit
            and partner.sudo().with_company(company).credit_limit > 0
        ):
            return
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET write_date = write_date WHERE id = %s",
                partner.id,
            )
        )

    def _wholesale_credit_message(self, figures, document):
        """The figures of a credit hold in words, each on its line.

        :param figures: from ``_wholesale_credit_figures``
        :param document: what is held: "order", "invoice" or "pos" (a
            Customer Account payment); each has its own sentences, for
            languages whose words change with the document's
        """
        if not figures["blocked"]:
            return ""
        env = self.env
        currency = figures["company"].currency_id

        def money(value):
            return formatLang(env, value, currency_obj=currency)

        partner = figures["partner"].display_name
        if document == "invoice":
            lines = [
                env._(
                    "%(partner)s is on credit hold; this invoice needs a "
                    "manager's approval.",
                    partner=partner,
                )
            ]
            exposure = env._(
                "Receivable %(receivable)s + confirmed, not invoiced "
                "%(to_invoice)s + this invoice %(amount)s = %(total)s, above "
                "the credit limit of %(limit)s by %(excess)s."
            )
        elif document == "pos":
            lines = [
                env._(
                    "%(partner)s is on credit hold; this Customer Account payment "
                    "needs a manager's approval.",
                    partner=partner,
                )
            ]
            exposure = env._(
                "Receivable %(receivable)s + confirmed, not invoiced "
                "%(to_invoice)s + this Customer Account payment %(amount)s = "
                "%(total)s, above the credit limit of %(limit)s by %(excess)s."
            )
        else:
            lines = [
                env._(
                    "%(partner)s is on credit hold; this order needs a manager's "
                    "approval.",
                    partner=partner,
                )
            ]
            exposure = env._(
                "Receivable %(receivable)s + confirmed, not invoiced "
                "%(to_invoice)s + this order %(amount)s = %(total)s, above "
                "the credit limit of %(limit)s by %(excess)s."
            )
        if figures["on_hold"]:
            lines.append(
                env._(
                    "Put on hold by a manager: %(reason)s",
                    reason=figures["hold_reason"] or "-",
                )
            )
        if figures["over_limit"]:
            lines.append(
                exposure
                % {
                    "receivable": money(figures["receivable"]),
                    "to_invoice": money(figures["to_invoice"]),
                    "amount": money(figures["amount"]),
                    "total": money(figures["total"]),
                    "limit": money(figures["credit_limit"]),
                    "excess": money(figures["total"] - figures["credit_limit"]),
                }
            )
        overdue = figures["overdue_lines"]
        if overdue:
            values = {
                "count": len(overdue.move_id),
                "tolerance": figures["tolerance"],
                "amount": money(figures["overdue_amount"]),
                "invoice": figures["overdue_first"],
                "days": figures["overdue_days"],
            }
            if len(overdue.move_id) == 1:
                lines.append(
                    env._(
                        "Invoice %(invoice)s is %(days)s days overdue, beyond the "
                        "tolerance of %(tolerance)s days: %(amount)s open.",
                        **values,
                    )
                )
            else:
                lines.append(
                    env._(
                        "%(count)s invoices are overdue beyond the tolerance of "
                        "%(tolerance)s days, %(amount)s open; the oldest, "
                        "%(invoice)s, is %(days)s days overdue.",
                        **values,
                    )
                )
        return "\n".join(lines)
