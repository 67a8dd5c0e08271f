from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# (key, upper bound of days overdue); the last bucket has no bound
BUCKETS = [
    ("current", 0),
    ("days_1_30", 30),
    ("days_31_60", 60),
    ("days_61_90", 90),
    ("days_90_plus", None),
]
# credit lines (payments and credits not yet matched, credit notes) are not
# aged: they go to this key, beside the buckets
CREDITS = "credits"
SALE_DOCUMENTS = ("out_invoice", "out_refund", "out_receipt")


class WholesaleReceivableAgeing(models.AbstractModel):
    """What customers owe on a past day: their open receivable items, aged.

    One helper for the customer statement and the monthly report's
    receivables section, so that both show the same figures.

    The items are every posted journal item of the company on a receivable
    account (``asset_receivable``) of the customer or of its contacts,
    whatever its journal entry: invoices, receipts and credit notes, but
    also Customer Account sales of the point of sale that were not invoiced
    (booked with the customer when the session closes), payments not matched
    yet (a payment's "Left as Customer Credit" part too) and opening
    balances. Read today, their total is core's ``partner.credit`` (Total
    Receivable), which the credit hold uses.

    The open amount of a receivable line on day D is what it was that day,
    not today: Odoo's ``amount_residual`` is today's, so the reconciliations
    (``account.partial.reconcile``) whose ``max_date`` (the later of the two
    matched lines' dates) is after D are added back to it. A line dated
    after D is not listed. Everything is in the company's currency (the
    lines' ``balance`` and ``amount_residual``, the partials' ``amount``),
    read with one SQL query; only the lines still open today or reconciled
    after D are looked at, so the query stays small on a ledger of years.

    Debit items (what the customer was charged) are aged: days overdue are
    D minus the item's due date (``date_maturity``, else its accounting
    date); an item not yet due is "Current", the others fall in 1-30, 31-60,
    61-90 and 90+ days overdue. Credit items (payments and credits not
    matched with an invoice, credit notes) are not overdue: they are listed
    with negative open amounts and summed apart, as "Unallocated Credits"
    (key ``credits``), and deducted from the total due.
    """

    _name = "wholesale.receivable.ageing"
    _description = "Wholesale Receivables Ageing"

    @api.model
    def _bucket_keys(self):
        return [key for key, _bound in BUCKETS]

    @api.model
    def _amount_keys(self):
        """The keys of the totals that add up to the total due."""
        return [*self._bucket_keys(), CREDITS]

    @api.model
    def _kind_labels(self):
        """{kind: label} of the items' journal entries (see ``_open_lines``)."""
        labels = dict(
            self.env["account.move"]
            ._fields["move_type"]
            ._description_selection(self.env)
        )
        labels.update(
            {
                "payment": self.env._("Payment"),
                "bank": self.env._("Bank Transaction"),
                "pos": self.env._("Point of Sale"),
                "exchange": self.env._("Exchange Difference"),
                "entry": self.env._("Journal Entry"),
            }
        )
        return labels

    @api.model
    def _bucket_of(self, days_overdue):
        for key, bound in BUCKETS:
            if bound is None or days_overdue <= bound:
                return key
        return BUCKETS[-1][0]  # pragma: no cover (the last bound is None)

    @api.model
    def _check_ageing_access(self, company):
        """Raw SQL bypasses record rules: the user must read journal items
        and belong to the company (the system, as in a migration, reads all)."""
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot read the receivables of the company %(company)s.",
                    company=company.name,
                )
            )
        self.env["account.move.line"].check_access("read")

    @api.model
    def _partner_sql(self, partners):
        """Customers of the lines (``commercial``): the given ones (their
        commercial entities), or every wholesale customer."""
        if partners is None:
            return SQL("commercial.wholesale_customer")
        return SQL(
            "commercial.id IN %s",
            tuple(partners.commercial_partner_id.ids) or (0,),
        )

    @api.model
    def _open_lines(self, company, as_of, partners=None):
        """The posted receivable lines of ``company`` open on ``as_of``
        (whatever their journal entry).

        :param company: a ``res.company``
        :param as_of: a date (or its string)
        :param partners: customers (``res.partner``, contacts are read as
            their commercial entity); ``None`` for every wholesale customer
        :return: a list of dicts, oldest due date first: ``line_id``,
            ``move_id``, ``move_name``, ``move_type``, ``kind`` (the move
            type, or for a journal entry ``payment``, ``bank``, ``pos``,
            ``exchange`` or ``entry``), ``kind_label``, ``reference`` (the
            entry's reference, else for a journal entry the item's label),
            ``partner_id`` (the commercial entity), ``date`` (invoice date,
            else accounting date), ``date_maturity``, ``amount`` (the line's
            original amount), ``residual`` (open on ``as_of``),
            ``days_overdue`` (0 for a credit) and ``bucket`` (``credits``
            for a credit line); amounts signed (credits negative), in the
            company's currency
        """
        company.ensure_one()
        as_of = fields.Date.to_date(as_of)
        if not as_of:
            raise UserError(self.env._("Choose the day the receivables are aged on."))
        self._check_ageing_access(company)
        self.env.flush_all()
        digits = company.currency_id.decimal_places
        rows = self.env.execute_query_dict(
            SQL(
                """
            WITH later AS (
                SELECT debit_move_id AS line_id, amount
                  FROM account_partial_reconcile
                 WHERE max_date > %(as_of)s
                 UNION ALL
                SELECT credit_move_id AS line_id, -amount
                  FROM account_partial_reconcile
                 WHERE max_date > %(as_of)s
            ), later_sum AS (
                SELECT line_id, SUM(amount) AS amount FROM later GROUP BY line_id
            ), open_lines AS (
                SELECT aml.id AS line_id, aml.move_id, am.name AS move_name,
                       am.move_type,
                       CASE WHEN am.move_type != 'entry' THEN am.move_type
                            WHEN am.origin_payment_id IS NOT NULL THEN 'payment'
                            WHEN am.statement_line_id IS NOT NULL THEN 'bank'
                            WHEN EXISTS (SELECT 1 FROM pos_session ps
                                          WHERE ps.move_id = am.id) THEN 'pos'
                            WHEN am.journal_id = %(exchange_journal)s
                              OR EXISTS (SELECT 1 FROM account_partial_reconcile x
                                          WHERE x.exchange_move_id = am.id)
                            THEN 'exchange'
                            ELSE 'entry' END AS kind,
                       COALESCE(NULLIF(am.ref, ''),
                                CASE WHEN am.move_type = 'entry'
                                     THEN aml.name END) AS reference,
                       commercial.id AS partner_id,
                       COALESCE(am.invoice_date, aml.date) AS date,
                       COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       aml.balance AS amount,
                       ROUND(aml.amount_residual + COALESCE(ls.amount, 0),
                             %(digits)s) AS residual
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                  JOIN res_partner commercial
                    ON commercial.id = partner.commercial_partner_id
             LEFT JOIN later_sum ls ON ls.line_id = aml.id
                 WHERE aml.company_id = %(company)s
                   AND account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %(as_of)s
                   AND (aml.amount_residual != 0 OR ls.line_id IS NOT NULL)
                   AND %(partner_filter)s
            )
            SELECT * FROM open_lines
             WHERE residual != 0
          ORDER BY date_maturity, date, move_name, line_id
                """,
                as_of=as_of,
                digits=digits,
                company=company.id,
                exchange_journal=company.currency_exchange_journal_id.id or None,
                partner_filter=self._partner_sql(partners),
            )
        )
        kind_labels = self._kind_labels()
        for row in rows:
            row["amount"] = float(row["amount"] or 0.0)
            row["residual"] = float(row["residual"])
            row["kind_label"] = kind_labels.get(row["kind"], row["kind"])
            if row["amount"] < 0:
                # a payment or a credit: owed to the customer, not overdue
                row["days_overdue"] = 0
                row["bucket"] = CREDITS
            else:
                row["days_overdue"] = (as_of - row["date_maturity"]).days
                row["bucket"] = self._bucket_of(row["days_overdue"])
        return rows

    @api.model
    def _totals(self, lines):
        """{bucket: open amount} for ``lines`` (from ``_open_lines``), the
        unallocated ``credits`` (negative), ``total`` (the total due: all of
        them) and ``overdue`` (the debit items past their due date, before
        the unallocated credits)."""
        totals = dict.fromkeys(self._amount_keys(), 0.0)
        for line in lines:
            totals[line["bucket"]] += line["residual"]
        totals["total"] = sum(totals[key] for key in self._amount_keys())
        totals["overdue"] = sum(
            totals[key] for key in self._bucket_keys() if key != "current"
        )
        return totals

    @api.model
    def _ageing_by_partner(self, company, as_of, partners=None):
        """{commercial partner id: {"lines": [...], "totals": {...}}}."""
        result = {}
        for line in self._open_lines(company, as_of, partners):
            result.setdefault(line["partner_id"], {"lines": []})["lines"].append(line)
        for values in result.values():
            values["totals"] = self._totals(values["lines"])
        return result
