import io
import shutil
import subprocess
from datetime import date

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import customer_invoice

AS_OF = date(2025, 3, 31)


def pdf_text(content):
    """The text of a PDF: pdftotext when installed, else pypdf (without the
    invisible marks Odoo puts between a minus sign and the digits)."""
    return _pdf_text(content).replace("\u200b", "").replace("\ufeff", "")


def _pdf_text(content):
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout.decode()
    reader = PdfFileReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@tagged("post_install", "-at_install")
class TestReceivables(AccountTestInvoicingCommon):
    """Ageing, the customer statement and the monthly report's receivables,
    on invoices of one wholesale customer built at known dates (company
    currency, no tax), aged on 31 March 2025 (RF is a credit: not aged, it
    is an unallocated credit deducted from the total):

    =====  ==========  ==========  ======  ========================  ====  =====
    doc    date        due         amount  paid                      open  days
    =====  ==========  ==========  ======  ========================  ====  =====
    A      2024-12-10  2024-12-20  1000                              1000  101
    B      2025-01-15  2025-02-14   800    200 on 2025-02-28          600   45
    E      2025-01-05  2025-01-20   300    300 on 2025-04-05 (after)  300   70
    C      2025-02-20  2025-03-10   600    250 on 2025-03-20          350   21
    RF     2025-03-12  2025-03-12  -100    (credit note)             -100    0
    D      2025-03-05  2025-04-04   500    (to a contact person)      500   -4
    F      2025-04-02  2025-05-02   400    (after the day)              -    -
    =====  ==========  ==========  ======  ========================  ====  =====

    Buckets: current 500, 1-30 350, 31-60 600, 61-90 300, 90+ 1000, credits
    -100; total 2650, overdue 2250 (the aged buckets past due, before the
    credits). March: invoiced 500 - 100 = 400, collected 250. A retail
    customer's invoice of 999 and the wholesaler's invoice of 777 in another
    company are never counted.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.partner_id.tz = "UTC"
        # the flag is chosen by salespeople: set it as the superuser
        partners = (
            cls.env["res.partner"]
            .sudo()
            .create(
                [
                    {
                        "name": "WR Rcv Wholesaler",
                        "is_company": True,
                        "wholesale_customer": True,
                        # invoices of the past, posted today: no credit hold
                        "wholesale_overdue_tolerance": 100000,
                    },
                    {"name": "WR Rcv Retail Customer"},
                ]
            )
        )
        cls.wholesaler, cls.retail = partners.with_env(cls.env)
        cls.contact = cls.env["res.partner"].create(
            {"name": "WR Rcv Buyer", "parent_id": cls.wholesaler.id}
        )
        cls.inv_a = cls._invoice(cls.wholesaler, "2024-12-10", "2024-12-20", 1000)
        cls.inv_b = cls._invoice(cls.wholesaler, "2025-01-15", "2025-02-14", 800)
        cls.inv_e = cls._invoice(cls.wholesaler, "2025-01-05", "2025-01-20", 300)
        cls.inv_c = cls._invoice(cls.wholesaler, "2025-02-20", "2025-03-10", 600)
        cls.refund = cls._invoice(
            cls.wholesaler, "2025-03-12", "2025-03-12", 100, "out_refund"
        )
        cls.inv_d = cls._invoice(cls.contact, "2025-03-05", "2025-04-04", 500)
        cls.inv_f = cls._invoice(cls.wholesaler, "2025-04-02", "2025-05-02", 400)
        cls.inv_retail = cls._invoice(cls.retail, "2025-03-10", "2025-03-10", 999)
        cls._pay(cls.inv_b, 200, "2025-02-28")
        cls._pay(cls.inv_c, 250, "2025-03-20")
        cls._pay(cls.inv_e, 300, "2025-04-05")
        # the same wholesaler in another company
        cls.company_b = cls.setup_other_company(name="WR Rcv Company B")["company"]
        cls.inv_other_company = cls._invoice(
            cls.wholesaler, "2025-03-03", "2025-03-03", 777, company=cls.company_b
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="wr_rcv_invoicing",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.wholesale_user = new_test_user(
            cls.env,
            login="wr_rcv_wholesale",
            groups="wholesale_retail.group_wholesale_user,"
            "account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="wr_rcv_salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )

    @classmethod
    def _invoice(
        cls,
        partner,
        day,
        due,
        amount,
        move_type="out_invoice",
        company=None,
        currency=None,
    ):
        return customer_invoice(
            cls.env,
            partner,
            amount,
            day,
            due,
            move_type=move_type,
            company=company or cls.company,
            currency=currency,
        )

    @classmethod
    def _pay(cls, invoice, amount, day):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": day,
                    "payment_difference_handling": "open",
                }
            )
            ._create_payments()
        )

    def _ageing(self, as_of=AS_OF, partners=None, user=None):
        ageing = self.env["wholesale.receivable.ageing"]
        if user:
            ageing = ageing.with_user(user)
        return ageing._open_lines(self.company, as_of, partners)

    # ------------------------------------------------------------------
    def test_ageing_as_of_a_past_day(self):
        lines = self._ageing(partners=self.wholesaler, user=self.invoicing_user)
        got = {
            line["move_id"]: (
                line["amount"],
                line["residual"],
                line["days_overdue"],
                line["bucket"],
            )
            for line in lines
        }
        self.assertEqual(
            got,
            {
                self.inv_a.id: (1000.0, 1000.0, 101, "days_90_plus"),
                self.inv_e.id: (300.0, 300.0, 70, "days_61_90"),
                self.inv_b.id: (800.0, 600.0, 45, "days_31_60"),
                self.inv_c.id: (600.0, 350.0, 21, "days_1_30"),
                # a credit is not overdue: it is not aged
                self.refund.id: (-100.0, -100.0, 0, "credits"),
                self.inv_d.id: (500.0, 500.0, -4, "current"),
            },
        )
        self.assertEqual({line["partner_id"] for line in lines}, {self.wholesaler.id})
        totals = self.env["wholesale.receivable.ageing"]._totals(lines)
        self.assertEqual(
            totals,
            {
                "current": 500.0,
                "days_1_30": 350.0,
                "days_31_60": 600.0,
                "days_61_90": 300.0,
                "days_90_plus": 1000.0,
                "credits": -100.0,
                "total": 2650.0,
                "overdue": 2250.0,
            },
        )
        # every wholesale customer (None): the retail customer stays out
        all_wholesale = self._ageing()
        moves = {line["move_id"] for line in all_wholesale}
        self.assertEqual(moves, set(got))
        self.assertNotIn(self.inv_retail.id, moves)
        # the retail customer's own statement lists its invoice
        retail = self._ageing(partners=self.retail)
        self.assertEqual([line["move_id"] for line in retail], self.inv_retail.ids)

    def test_ageing_today_and_earlier(self):
        today = {
            line["move_id"]: line["residual"] for line in self._ageing(date.today())
        }
        # E was paid after 31 March; F is dated after it
        self.assertNotIn(self.inv_e.id, today)
        self.assertEqual(today[self.inv_f.id], 400.0)
        self.assertEqual(today[self.inv_c.id], 350.0)
        # on 15 March C was not paid yet; on 27 Feb B was not paid yet
        mid_march = {
            line["move_id"]: line["residual"] for line in self._ageing("2025-03-15")
        }
        self.assertEqual(mid_march[self.inv_c.id], 600.0)
        self.assertEqual(mid_march[self.refund.id], -100.0)
        self.assertNotIn(self.inv_f.id, mid_march)
        february = {
            line["move_id"]: line["residual"] for line in self._ageing("2025-02-27")
        }
        self.assertEqual(february[self.inv_b.id], 800.0)
        before_c = {line["move_id"] for line in self._ageing("2025-02-19")}
        self.assertNotIn(self.inv_c.id, before_c)
        self.assertIn(self.inv_b.id, before_c)

    def test_statement_pdf(self):
        # wkhtmltopdf fetches the report's CSS from report.url: a closed local
        # port makes it render unstyled at once while tests run
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )
        wizard = (
            self.env["wholesale.statement.wizard"]
            .with_user(self.invoicing_user)
            .with_context(active_model="res.partner", active_ids=self.contact.ids)
            .create({"date": AS_OF})
        )
        self.assertEqual(wizard.partner_ids, self.wholesaler)
        action = wizard.action_print()
        self.assertEqual(action["data"]["as_of"], "2025-03-31")
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.invoicing_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "wholesale_retail.action_report_customer_statement",
                self.wholesaler.ids,
                data=action["data"],
            )
        )
        self.assertEqual(kind, "pdf")
        text = pdf_text(content)
        for needle in (
            self.inv_a.name,
            self.inv_c.name,
            self.refund.name,
            "1,000.00",  # 90+
            "300.00",  # 61-90
            "600.00",  # 31-60
            "350.00",  # 1-30
            "-100.00",  # unallocated credits
            "500.00",  # current
            "2,650.00",  # total due
            "101",  # days overdue of A
        ):
            self.assertIn(needle, text)
        self.assertNotIn(self.inv_f.name, text)
        self.assertNotIn(self.inv_retail.name, text)

    def test_statement_rights_and_bad_input(self):
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with self.assertRaises(AccessError):
            report.with_user(self.salesperson)._render_qweb_html(
                "wholesale_retail.action_report_customer_statement",
                self.wholesaler.ids,
            )
        wizard = (
            self.env["wholesale.statement.wizard"]
            .with_user(self.invoicing_user)
            .create({"date": date(2099, 1, 1), "partner_ids": self.wholesaler.ids})
        )
        with self.assertRaises(UserError):
            wizard.action_print()
        # another company's receivables are refused to a user not in it
        with self.assertRaises(AccessError):
            self.env["wholesale.receivable.ageing"].with_user(
                self.invoicing_user
            )._open_lines(self.company_b, AS_OF)

    def test_monthly_report_receivables(self):
        report = (
            self.env["wholesale.monthly.report"]
            .with_user(self.wholesale_user)
            .create({"date_from": "2025-03-01", "company_id": self.company.id})
        )
        report.action_compute()
        self.assertEqual(report.receivable_as_of, AS_OF)
        rows = report.receivable_ids
        self.assertEqual(len(rows), 2)  # the wholesaler and the total
        expected = {
            "invoiced": 400.0,
            "collected": 250.0,
            "open_amount": 2650.0,
            "overdue_amount": 2250.0,
            "amount_current": 500.0,
            "amount_1_30": 350.0,
            "amount_31_60": 600.0,
            "amount_61_90": 300.0,
            "amount_90_plus": 1000.0,
            "amount_credits": -100.0,
        }
        self.assertRecordValues(
            rows.sorted("is_total"),
            [
                {"partner_id": self.wholesaler.id, "is_total": False, **expected},
                {"partner_id": False, "is_total": True, **expected},
            ],
        )
        # the statement's buckets are the report's
        totals = self.env["wholesale.receivable.ageing"]._totals(
            self._ageing(partners=self.wholesaler)
        )
        self.assertEqual(totals["total"], rows[0].open_amount)
        # the XLSX has the block
        workbook = openpyxl.load_workbook(io.BytesIO(report._render_xlsx()))
        sheet = workbook["Receivables"]
        self.assertEqual(sheet["A4"].value, "Customer")
        by_name = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
        total_row = by_name["Total"]
        self.assertEqual(
            [sheet.cell(total_row, col).value for col in range(2, 12)],
            [400, 250, 2650, 2250, 500, 350, 600, 300, 1000, -100],
        )
        # April: E was paid (collected 300), F invoiced
        april = (
            self.env["wholesale.monthly.report"]
            .with_user(self.wholesale_user)
            .create({"date_from": "2025-04-01", "company_id": self.company.id})
        )
        april.action_compute()
        total = april.receivable_ids.filtered("is_total")
        self.assertEqual(total.invoiced, 400.0)
        self.assertEqual(total.collected, 300.0)
        self.assertEqual(total.open_amount, 2650.0 + 400.0 - 300.0)

    # ------------------------------------------------------------------
    def _book_other_receivables(self):
        """What a statement of sale documents alone would miss: a journal
        entry charging the wholesaler 220 on its receivable account (as a
        point of sale session books its Customer Account sales that were not
        invoiced) and a payment of 150 matched with no invoice."""
        receivable = self.company_data["default_account_receivable"]
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2025-03-18",
                "ref": "WR Rcv POS closing",
                "line_ids": [
                    Command.create(
                        {
                            "name": "WR Rcv Customer Account sales",
                            "account_id": receivable.id,
                            "partner_id": self.wholesaler.id,
                            "debit": 220.0,
                            "date_maturity": "2025-03-18",
                        }
                    ),
                    Command.create(
                        {
                            "name": "WR Rcv sales",
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 220.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.wholesaler.id,
                "amount": 150.0,
                "date": "2025-03-25",
                "memo": "WR Rcv advance",
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        self.assertTrue(payment.move_id, "the payment has a journal entry")
        return entry, payment.move_id

    def test_other_receivable_items(self):
        entry, payment_move = self._book_other_receivables()
        lines = {
            line["move_id"]: line
            for line in self._ageing(partners=self.wholesaler, user=self.invoicing_user)
        }
        self.assertEqual(
            {
                key: lines[entry.id][key]
                for key in ("amount", "residual", "days_overdue", "bucket", "kind")
            },
            {
                "amount": 220.0,
                "residual": 220.0,
                "days_overdue": 13,
                "bucket": "days_1_30",
                "kind": "entry",
            },
        )
        self.assertEqual(lines[entry.id]["reference"], "WR Rcv POS closing")
        self.assertEqual(lines[payment_move.id]["reference"], "WR Rcv advance")
        self.assertEqual(
            {
                key: lines[payment_move.id][key]
                for key in ("amount", "residual", "days_overdue", "bucket", "kind")
            },
            {
                "amount": -150.0,
                "residual": -150.0,
                "days_overdue": 0,
                "bucket": "credits",
                "kind": "payment",
            },
        )
        totals = self.env["wholesale.receivable.ageing"]._totals(list(lines.values()))
        self.assertEqual(totals["days_1_30"], 350.0 + 220.0)
        self.assertEqual(totals["credits"], -100.0 - 150.0)
        self.assertEqual(totals["total"], 2650.0 + 220.0 - 150.0)
        self.assertEqual(totals["overdue"], 2250.0 + 220.0)
        # the statement lists them with their type and reference
        html = (
            self.env["ir.actions.report"]
            .with_user(self.invoicing_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_html(
                "wholesale_retail.action_report_customer_statement",
                self.wholesaler.ids,
                data={"as_of": "2025-03-31", "partner_ids": self.wholesaler.ids},
            )[0]
            .decode()
            .replace("\ufeff", "")
        )
        for needle in (
            entry.name,
            "WR Rcv POS closing",
            "<span>Journal Entry</span>",
            payment_move.name,
            "WR Rcv advance",
            "<span>Payment</span>",
            "<span>Customer Credit Note</span>",
            "2,720.00",  # total due
            "-250.00",  # unallocated credits
        ):
            self.assertIn(needle, html)
        # the monthly report's open amount has them too
        report = (
            self.env["wholesale.monthly.report"]
            .with_user(self.wholesale_user)
            .create({"date_from": "2025-03-01", "company_id": self.company.id})
        )
        report.action_compute()
        self.assertRecordValues(
            report.receivable_ids.filtered("is_total"),
            [
                {
                    "invoiced": 400.0,  # invoices less credit notes only
                    "collected": 250.0,  # the payment is matched with nothing
                    "open_amount": 2650.0 + 220.0 - 150.0,
                    "overdue_amount": 2250.0 + 220.0,
                    "amount_1_30": 350.0 + 220.0,
                    "amount_credits": -250.0,
                }
            ],
        )

    def test_total_due_today_is_total_receivable(self):
        self._book_other_receivables()
        totals = self.env["wholesale.receivable.ageing"]._totals(
            self._ageing(date.today(), self.wholesaler, self.invoicing_user)
        )
        # A 1000, B 600, C 350, D 500, F 400, the entry 220; RF -100 and the
        # payment -150 (E is paid)
        self.assertEqual(totals["total"], 2820.0)
        wholesaler = self.wholesaler.with_user(self.invoicing_user).with_company(
            self.company
        )
        wholesaler.invalidate_recordset(["credit"])
        self.assertEqual(wholesaler.credit, totals["total"])

    def test_exchange_difference_is_not_collected(self):
        # 200 of the other currency are worth 100 on 3 March and 50 on the
        # 20th: paying the invoice in full books an exchange loss of 50
        currency = self.setup_other_currency(
            "EUR", rates=[("2025-01-01", 2.0), ("2025-03-15", 4.0)]
        )
        invoice = self._invoice(
            self.wholesaler, "2025-03-03", "2025-03-03", 200, currency=currency
        )
        self.assertEqual(invoice.amount_total_signed, 100.0)
        self._pay(invoice, 200, "2025-03-20")
        self.assertEqual(invoice.payment_state, "paid")
        exchange = invoice.line_ids.matched_credit_ids.exchange_move_id
        self.assertEqual(len(exchange), 1, "core booked an exchange difference")
        self.assertEqual(exchange.journal_id, self.company.currency_exchange_journal_id)
        report = (
            self.env["wholesale.monthly.report"]
            .with_user(self.wholesale_user)
            .create({"date_from": "2025-03-01", "company_id": self.company.id})
        )
        report.action_compute()
        self.assertRecordValues(
            report.receivable_ids.filtered("is_total"),
            [
                {
                    "invoiced": 400.0 + 100.0,
                    # C's 250 and the 50 the payment is worth; not the 50 of
                    # exchange loss matched with the invoice
                    "collected": 250.0 + 50.0,
                    "open_amount": 2650.0,
                }
            ],
        )
