from odoo import api, fields, models
from odoo.tools import SQL

from .wholesale_receivable_ageing import SALE_DOCUMENTS

# ageing bucket (wholesale.receivable.ageing) -> section field
BUCKET_FIELDS = {
    "current": "amount_current",
    "days_1_30": "amount_1_30",
    "days_31_60": "amount_31_60",
    "days_61_90": "amount_61_90",
    "days_90_plus": "amount_90_plus",
    "credits": "amount_credits",
}


class WholesaleMonthlyReportReceivable(models.Model):
    """One wholesale customer's receivables in the month (and a total row)."""

    _name = "wholesale.monthly.report.receivable"
    _inherit = "wholesale.monthly.report.section"
    _log_access = False
    _description = "Monthly Report: Wholesale Receivables"
    _order = "report_id, is_total, open_amount desc, id"

    partner_id = fields.Many2one("res.partner", string="Customer")
    is_total = fields.Boolean()
    partner_label = fields.Char(string="Customer Name", compute="_compute_label")
    invoiced = fields.Monetary(
        help="Posted customer invoices (and sales receipts) of the customer "
        "with an accounting date in the month, less its credit notes, taxes "
        "included: what the customer was charged in the month. Point of sale "
        "Customer Account sales that were not invoiced are not in it (they "
        "are in the open amount).",
    )
    collected = fields.Monetary(
        help="Payments matched in the month against the customer's invoices "
        "and credit notes (a payment, a bank statement line, a point of sale "
        "settlement or a write-off reconciled with them), dated by the match: "
        "the later of the payment's and the invoice's dates. Money paid back "
        "on a credit note counts negative; a payment not yet matched to an "
        "invoice is not collected yet (it is an unallocated credit). Exchange "
        "differences (the gain or loss entries Odoo books when an invoice in "
        "another currency is paid at another rate) are not money collected "
        "and are left out.",
    )
    open_amount = fields.Monetary(
        string="Open at Month End",
        help="What the customer owed at the end of the month (the report's "
        "day): every receivable journal item still open that day (invoices, "
        "point of sale Customer Account sales, opening balances), after the "
        "payments matched up to that day, less the credit notes and payments "
        "not matched yet. Today it is the customer's Total Receivable.",
    )
    overdue_amount = fields.Monetary(
        string="Overdue at Month End",
        help="The customer's open items past their due date at the end of "
        "the month, before the unallocated credits are deducted.",
    )
    amount_current = fields.Monetary(string="Current")
    amount_1_30 = fields.Monetary(string="1-30 Days")
    amount_31_60 = fields.Monetary(string="31-60 Days")
    amount_61_90 = fields.Monetary(string="61-90 Days")
    amount_90_plus = fields.Monetary(string="90+ Days")
    amount_credits = fields.Monetary(
        string="Unallocated Credits",
        help="Payments and credit notes of the customer not matched with an "
        "invoice at the end of the month (negative): deducted from the open "
        "amount, not aged.",
    )

    @api.depends("partner_id", "is_total")
    @api.depends_context("lang")
    def _compute_label(self):
        for row in self:
            row.partner_label = (
                self.env._("Total") if row.is_total else row.partner_id.name or ""
            )


class WholesaleMonthlyReportReceivables(models.Model):
    """The receivables of the wholesale customers (``res.partner``
    ``wholesale_customer``, on the commercial entity, as it is when the
    report is computed) of the report's company, in its currency.

    Per customer and in total: invoiced and collected in the month, and at
    the month's end (today for the running month) what is open and overdue,
    aged by ``wholesale.receivable.ageing``, the helper the customer
    statement uses (every receivable journal item of the customer, not only
    invoices). Accounting dates are days: the month here is the report's
    calendar month. The warehouse and channel filters do not apply (a
    customer owes money, not a channel). Open at the end = open at the
    start + invoiced - collected, but for exchange differences and for
    receivable items that are not invoices (point of sale account sales,
    opening balances, and the payments matched with them).
    """

    _inherit = "wholesale.monthly.report"

    receivable_ids = fields.One2many(
        "wholesale.monthly.report.receivable", "report_id", string="Receivables"
    )
    receivable_as_of = fields.Date(
        string="Receivables Aged On",
        readonly=True,
        help="The month's last day, or the day of computation for the running month.",
    )

    def _compute_report(self):
        result = super()._compute_report()
        self._compute_receivables()
        return result

    def _compute_receivables(self):
        self.ensure_one()
        self.check_access("write")
        # _open_lines checks the user's read access to journal items and
        # that the report's company is one of the user's companies
        as_of = min(self.date_to, fields.Date.context_today(self))
        ageing = self.env["wholesale.receivable.ageing"]
        by_partner = ageing._ageing_by_partner(self.company_id, as_of)
        invoiced = self._collect_receivable_invoiced()
        collected = self._collect_receivable_collected()
        vals_list = []
        for partner_id in sorted(set(by_partner) | set(invoiced) | set(collected)):
            totals = by_partner.get(partner_id, {}).get("totals") or ageing._totals([])
            vals_list.append(
                {
                    **self._section_vals(),
                    "partner_id": partner_id,
                    "invoiced": invoiced.get(partner_id, 0.0),
                    "collected": collected.get(partner_id, 0.0),
                    "open_amount": totals["total"],
                    "overdue_amount": totals["overdue"],
                    **{BUCKET_FIELDS[key]: totals[key] for key in BUCKET_FIELDS},
                }
            )
        amounts = ["invoiced", "collected", "open_amount", "overdue_amount"]
        amounts += list(BUCKET_FIELDS.values())
        total = {
            **self._section_vals(),
            "is_total": True,
            **{name: sum(vals[name] for vals in vals_list) for name in amounts},
        }
        vals_list.append(total)
        model = self.env["wholesale.monthly.report.receivable"]
        self.env.execute_query(
            SQL(
                "DELETE FROM %s WHERE report_id = %s",
                SQL.identifier(model._table),
                self.id,
            )
        )
        self._insert_rows(model, vals_list)
        model.invalidate_model()
        self.invalidate_recordset(["receivable_ids"])
        self.receivable_as_of = as_of

    def _receivable_lines_sql(self):
        """The receivable lines (``aml``, move ``am``, customer
        ``commercial``) of the wholesale customers' posted sale documents."""
        return SQL(
            """
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                  JOIN res_partner commercial
                    ON commercial.id = partner.commercial_partner_id
                 WHERE aml.company_id = %(company)s
                   AND account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND am.move_type IN %(move_types)s
                   AND commercial.wholesale_customer
            """,
            company=self.company_id.id,
            move_types=SALE_DOCUMENTS,
        )

    def _collect_receivable_invoiced(self):
        """{customer id: invoices less credit notes} dated in the month."""
        rows = self.env.execute_query(
            SQL(
                """
            SELECT commercial.id, SUM(aml.balance)
              FROM account_move_line aml
                   %(lines)s
               AND aml.date >= %(date_from)s AND aml.date <= %(date_to)s
          GROUP BY 1
                """,
                lines=self._receivable_lines_sql(),
                date_from=self.date_from,
                date_to=self.date_to,
            )
        )
        return {partner_id: float(amount or 0.0) for partner_id, amount in rows}

    def _collect_receivable_collected(self):
        """{customer id: payments matched in the month} (see the field's
        help): partials dated in the month between a wholesale customer's
        invoice or credit note line and a line of anything but a sale
        document (two invoices matched together collect nothing) or an
        exchange difference entry: one that a partial names as its
        ``exchange_move_id`` (the entry core books for it, see
        ``account.move.line._create_exchange_difference_moves``), or any
        entry of the company's exchange journal (a reversed one too)."""
        rows = self.env.execute_query(
            SQL(
                """
            SELECT commercial.id,
                   SUM(CASE WHEN apr.debit_move_id = aml.id
                            THEN apr.amount ELSE -apr.amount END)
              FROM account_partial_reconcile apr
              JOIN account_move_line aml
                ON aml.id IN (apr.debit_move_id, apr.credit_move_id)
              JOIN account_move_line other
                ON other.id = CASE WHEN apr.debit_move_id = aml.id
                                   THEN apr.credit_move_id
                                   ELSE apr.debit_move_id END
              JOIN account_move other_move ON other_move.id = other.move_id
                   %(lines)s
               AND apr.max_date >= %(date_from)s AND apr.max_date <= %(date_to)s
               AND other_move.move_type NOT IN %(move_types)s
               AND other_move.journal_id IS DISTINCT FROM %(exchange_journal)s
               AND NOT EXISTS (
                       SELECT 1 FROM account_partial_reconcile exchange
                        WHERE exchange.exchange_move_id = other_move.id)
          GROUP BY 1
                """,
                lines=self._receivable_lines_sql(),
                date_from=self.date_from,
                date_to=self.date_to,
                move_types=SALE_DOCUMENTS,
                exchange_journal=(
                    self.company_id.currency_exchange_journal_id.id or None
                ),
            )
        )
        return {partner_id: float(amount or 0.0) for partner_id, amount in rows}
