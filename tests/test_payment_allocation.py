from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import customer_invoice


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestPaymentAllocation(AccountTestInvoicingCommon):
    """One customer payment split by hand over several open invoices, through
    core's Pay wizard, run by an invoicing user (Billing rights only).

    The customer owes three posted invoices, no tax, due on their invoice
    date: 500 (10 Jan), 700 (10 Feb) and 300 (10 Mar 2025). Payments are dated
    1 Apr 2025.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.invoicing_user = new_test_user(
            cls.env,
            login="wr_alloc_invoicing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.customer = cls.env["res.partner"].create({"name": "WR Alloc Customer"})
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.pay_date = fields.Date.from_string("2025-04-01")
        cls.old, cls.new, cls.third = cls._invoices(cls.company.currency_id)

    @classmethod
    def _invoices(cls, currency, company=None):
        invoices = cls.env["account.move"]
        for amount, day in (
            (500, "2025-01-10"),
            (700, "2025-02-10"),
            (300, "2025-03-10"),
        ):
            invoices |= customer_invoice(
                cls.env,
                cls.customer,
                amount,
                day,
                company=company or cls.company,
                currency=currency,
                post=False,
            )
        invoices.action_post()
        return invoices

    def _wizard(self, invoices, user=None, journal=None, **vals):
        user = user or self.invoicing_user
        return (
            self.env["account.payment.register"]
            .with_user(user)
            .with_context(
                allowed_company_ids=user.company_id.ids,
                active_model="account.move",
                active_ids=invoices.ids,
            )
            .create(
                {
                    "payment_date": self.pay_date,
                    "group_payment": True,
                    "journal_id": (journal or self.bank_journal).id,
                    **vals,
                }
            )
        )

    def _split(self, wizard, amounts):
        """Set the amounts of the wizard's lines, {invoice: amount}."""
        for line in wizard.wholesale_allocation_ids:
            line.amount = amounts.get(line.move_id, 0.0)

    def _allocation(self, wizard):
        return {line.move_id: line.amount for line in wizard.wholesale_allocation_ids}

    def _counts(self):
        return (
            self.env["account.payment"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            self.env["account.move"].search_count(
                [("company_id", "=", self.company.id)]
            ),
        )

    def _customer_payments(self):
        return self.env["account.payment"].search(
            [("partner_id", "=", self.customer.id)]
        )

    def _assert_refused(self, wizard, exception, message):
        """The wizard refuses, and nothing was created before the refusal (no
        savepoint here: a payment created before the error would stay)."""
        before = self._counts()
        try:
            wizard.action_create_payments()
        except exception as error:
            self.assertIn(message, str(error))
        else:
            self.fail("The wizard accepted a bad split")
        self.assertEqual(self._counts(), before)
        self.assertEqual(
            (self.old | self.new | self.third).mapped("amount_residual"),
            [500.0, 700.0, 300.0],
        )

    def _receivable(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )

    def test_default_split_is_core_oldest_first(self):
        invoices = self.old | self.new | self.third
        # What core's own reconciliation does with 1,000 for these invoices.
        try:
            with self.env.cr.savepoint():
                payment = self.env["account.payment"].create(
                    {
                        "amount": 1000.0,
                        "date": self.pay_date,
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": self.customer.id,
                        "journal_id": self.bank_journal.id,
                    }
                )
                payment.action_post()
                (
                    self._receivable(payment.move_id) + self._receivable(invoices)
                ).reconcile()
                core_residuals = invoices.mapped("amount_residual")
                raise _Rollback()
        except _Rollback:
            self.env.invalidate_all()
        self.assertEqual(core_residuals, [0.0, 200.0, 300.0])

        wizard = self._wizard(invoices, amount=1000.0)
        self.assertTrue(wizard.wholesale_allocation_active)
        self.assertRecordValues(
            wizard.wholesale_allocation_ids.sorted("date_maturity"),
            [
                {"move_id": self.old.id, "amount_residual": 500.0, "amount": 500.0},
                {"move_id": self.new.id, "amount_residual": 700.0, "amount": 500.0},
                {"move_id": self.third.id, "amount_residual": 300.0, "amount": 0.0},
            ],
        )
        self.assertEqual(wizard.wholesale_unallocated_amount, 0.0)
        wizard.action_create_payments()
        self.assertEqual(invoices.mapped("amount_residual"), core_residuals)
        self.assertEqual(
            invoices.mapped("payment_state"), ["paid", "partial", "not_paid"]
        )

    def test_split_newer_invoice_first(self):
        wizard = self._wizard(self.old | self.new | self.third, amount=1000.0)
        self._split(wizard, {self.new: 600.0, self.old: 400.0})
        wizard.action_create_payments()

        payment = self._customer_payments()
        self.assertEqual(len(payment), 1)
        self.assertRecordValues(
            payment, [{"amount": 1000.0, "state": "in_process", "is_reconciled": True}]
        )
        liquidity, counterparts, writeoffs = payment._seek_for_lines()
        self.assertEqual(liquidity.mapped("balance"), [1000.0])
        self.assertFalse(writeoffs)
        self.assertEqual(sorted(counterparts.mapped("balance")), [-600.0, -400.0])
        self.assertEqual(payment.reconciled_invoice_ids, self.old | self.new)
        self.assertRecordValues(
            self.old | self.new | self.third,
            [
                {"amount_residual": 100.0, "payment_state": "partial"},
                {"amount_residual": 100.0, "payment_state": "partial"},
                {"amount_residual": 300.0, "payment_state": "not_paid"},
            ],
        )
        self.assertIn(payment, self.old.matched_payment_ids)
        self.assertIn(payment, self.new.matched_payment_ids)
        self.assertNotIn(payment, self.third.matched_payment_ids)
        self.assertFalse(self._receivable(self.third).matched_credit_ids)
        # Each invoice got exactly its part, through one partial each.
        self.assertEqual(
            self._receivable(self.new).matched_credit_ids.mapped("amount"), [600.0]
        )
        self.assertEqual(
            self._receivable(self.old).matched_credit_ids.mapped("amount"), [400.0]
        )

    def test_unallocated_amount_stays_customer_credit(self):
        wizard = self._wizard(self.old | self.new | self.third, amount=1200.0)
        self._split(wizard, {self.new: 600.0, self.old: 400.0})
        self.assertEqual(wizard.wholesale_unallocated_amount, 200.0)
        wizard.action_create_payments()

        payment = self._customer_payments()
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.amount, 1200.0)
        liquidity, counterparts, _writeoffs = payment._seek_for_lines()
        self.assertEqual(liquidity.mapped("balance"), [1200.0])
        open_lines = counterparts.filtered(lambda line: not line.reconciled)
        self.assertEqual(open_lines.mapped("amount_residual"), [-200.0])
        self.assertFalse(payment.is_reconciled)
        # One line per invoice, labelled for it and reconciled with it alone.
        for invoice, amount in ((self.old, 400.0), (self.new, 600.0)):
            line = counterparts.filtered(
                lambda line, invoice=invoice: line.name == f"Payment of {invoice.name}"
            )
            self.assertEqual(line.balance, -amount)
            self.assertTrue(line.reconciled)
            self.assertEqual(line.matched_debit_ids.debit_move_id.move_id, invoice)
        self.assertEqual(
            (self.old | self.new | self.third).mapped("amount_residual"),
            [100.0, 100.0, 300.0],
        )
        # Core offers the 200 left as an outstanding credit on the open invoice.
        self.assertTrue(self.third.invoice_has_outstanding)

    def test_bad_splits_post_nothing(self):
        invoices = self.old | self.new | self.third
        wizard = self._wizard(invoices, amount=1000.0)

        self._split(wizard, {self.new: 600.0, self.old: -100.0})
        self._assert_refused(wizard, ValidationError, "cannot be negative")

        self._split(wizard, {self.new: 750.0})
        self._assert_refused(wizard, ValidationError, "is still due on it")

        self._split(wizard, {self.new: 700.0, self.old: 500.0})
        self._assert_refused(wizard, ValidationError, "more than the payment")

        self._split(wizard, {})
        self._assert_refused(wizard, ValidationError, "at least one invoice")

        # A line naming an invoice outside the payment (a client may send any
        # id) is refused too.
        other = self.init_invoice(
            "out_invoice", partner=self.partner_a, amounts=[100.0], post=True
        )
        self._split(wizard, {self.new: 600.0})
        wizard.wholesale_allocation_ids[:1].move_id = other
        self._assert_refused(wizard, ValidationError, "not one of the invoices")

    def test_currency_needs_a_rate(self):
        chf = self.setup_other_currency("CHF", rates=[])
        invoices = self._invoices(chf)
        old, new = invoices[:2]

        def pay():
            wizard = self._wizard(invoices, amount=1000.0, currency_id=chf.id)
            self.assertTrue(wizard.wholesale_allocation_active)
            self._split(wizard, {new: 600.0, old: 400.0})
            return wizard

        self._assert_refused(pay(), UserError, "has no exchange rate")
        # A rate after the payment date does not count either.
        rate = self.env["res.currency.rate"].create(
            {
                "currency_id": chf.id,
                "company_id": self.company.id,
                "name": "2025-05-01",
                "rate": 2.0,
            }
        )
        self._assert_refused(pay(), UserError, "has no exchange rate")

        rate.name = "2025-03-15"
        pay().action_create_payments()
        payment = self._customer_payments()
        self.assertEqual(len(payment), 1)
        self.assertRecordValues(payment, [{"amount": 1000.0, "currency_id": chf.id}])
        liquidity = payment._seek_for_lines()[0]
        self.assertEqual(liquidity.mapped("amount_currency"), [1000.0])
        self.assertEqual(liquidity.mapped("balance"), [500.0])
        self.assertRecordValues(
            invoices,
            [
                {"amount_residual": 100.0, "payment_state": "partial"},
                {"amount_residual": 100.0, "payment_state": "partial"},
                {"amount_residual": 300.0, "payment_state": "not_paid"},
            ],
        )

    def test_form_respreads_on_amount_keeps_edits(self):
        invoices = self.old | self.new | self.third
        # as the web client opens it: in the user's company
        form = Form(
            self.env["account.payment.register"]
            .with_user(self.invoicing_user)
            .with_context(
                allowed_company_ids=self.invoicing_user.company_id.ids,
                active_model="account.move",
                active_ids=invoices.ids,
            )
        )
        form.group_payment = True
        form.payment_date = self.pay_date
        form.amount = 800.0

        def amounts():
            return [vals["amount"] for vals in form.wholesale_allocation_ids._records]

        self.assertEqual(amounts(), [500.0, 300.0, 0.0])
        with form.wholesale_allocation_ids.edit(0) as line:
            line.amount = 200.0
        with form.wholesale_allocation_ids.edit(1) as line:
            line.amount = 600.0
        form.payment_date = fields.Date.from_string("2025-04-02")
        self.assertEqual(amounts(), [200.0, 600.0, 0.0])
        form.amount = 1000.0
        self.assertEqual(amounts(), [500.0, 500.0, 0.0])
        with form.wholesale_allocation_ids.edit(0) as line:
            line.amount = 400.0
        with form.wholesale_allocation_ids.edit(1) as line:
            line.amount = 600.0
        wizard = form.save()
        wizard.action_create_payments()
        self.assertEqual(invoices.mapped("amount_residual"), [100.0, 100.0, 300.0])

    def test_company_of_the_wizard(self):
        """Invoices of a second company are paid in that company, with that
        company's rates, by its own invoicing user; the first company's users
        cannot read the split."""
        data_b = self.setup_other_company(name="WR Alloc Company B")
        company_b = data_b["company"]
        user_b = new_test_user(
            self.env,
            login="wr_alloc_invoicing_b",
            groups="account.group_account_invoice",
            company_id=company_b.id,
        )
        # A rate of the first company only.
        chf = self.setup_other_currency("CHF", rates=[("2025-01-01", 2.0)])
        invoices = self._invoices(chf, company=company_b)
        old, new = invoices[:2]

        def pay():
            wizard = self._wizard(
                invoices,
                user=user_b,
                journal=data_b["default_journal_bank"],
                amount=1000.0,
                currency_id=chf.id,
            )
            self.assertEqual(wizard.company_id, company_b)
            self._split(wizard, {new: 600.0, old: 400.0})
            return wizard

        self._assert_refused(pay(), UserError, "has no exchange rate")
        self.env["res.currency.rate"].create(
            {
                "currency_id": chf.id,
                "company_id": company_b.id,
                "name": "2025-01-01",
                "rate": 4.0,
            }
        )
        wizard = pay()
        wizard.action_create_payments()
        payment = self._customer_payments()
        self.assertRecordValues(payment, [{"company_id": company_b.id}])
        self.assertEqual(payment._seek_for_lines()[0].mapped("balance"), [250.0])
        self.assertEqual(invoices.mapped("amount_residual"), [100.0, 100.0, 300.0])

        lines = wizard.wholesale_allocation_ids
        self.assertEqual(lines.company_id, company_b)
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            lines.with_user(self.invoicing_user).with_context(
                allowed_company_ids=self.company.ids
            ).read(["amount"])

    def test_split_payment_in_draft_keeps_its_lines(self):
        wizard = self._wizard(self.old | self.new | self.third, amount=1200.0)
        self._split(wizard, {self.new: 600.0, self.old: 400.0})
        wizard.action_create_payments()
        payment = self._customer_payments().with_user(self.invoicing_user)
        payment.action_draft()
        with self.assertRaises(UserError):
            payment.amount = 1300.0
        payment.memo = "WR alloc memo"
        self.assertEqual(
            sorted(payment.move_id.line_ids.mapped("balance")),
            [-600.0, -400.0, -200.0, 1200.0],
        )

    # -------------------------------------------------------------------------
    # Payments without a journal entry (core's flow, untouched)
    # -------------------------------------------------------------------------

    def _method_line_without_outstanding_account(self):
        """The bank journal's manual inbound method, with no outstanding
        account (what an Enterprise database may be configured with)."""
        method_line = self.bank_journal.inbound_payment_method_line_ids.filtered(
            lambda line: line.code == "manual"
        )[:1]
        self.assertTrue(method_line)
        method_line.payment_account_id = False
        return method_line

    def _as_with_accountant(self):
        """Invoices go 'in_payment' before 'paid': what the Accountant app's
        override of this hook returns, and the one thing core checks
        (``account.payment.create``) before forcing an outstanding account on
        a payment whose method line has none."""
        return patch.object(
            type(self.env["account.move"]),
            "_get_invoice_in_payment_state",
            lambda self: "in_payment",
        )

    def _assert_core_flow_without_entry(self, invoices):
        payment = self._customer_payments()
        self.assertEqual(len(payment), 1)
        self.assertRecordValues(
            payment,
            [{"amount": 1000.0, "move_id": False, "outstanding_account_id": False}],
        )
        # Core reconciles nothing (there is nothing to reconcile) and links
        # the payment to every invoice it was registered for.
        self.assertEqual(invoices.mapped("amount_residual"), [500.0, 700.0, 300.0])
        for invoice in invoices:
            self.assertIn(payment, invoice.matched_payment_ids)

    def test_no_split_when_the_payment_gets_no_entry(self):
        invoices = self.old | self.new | self.third
        method_line = self._method_line_without_outstanding_account()
        with self._as_with_accountant():
            wizard = self._wizard(
                invoices, amount=1000.0, payment_method_line_id=method_line.id
            )
            self.assertEqual(wizard.payment_method_line_id, method_line)
            self.assertFalse(wizard._wholesale_payment_gets_entry())
            self.assertFalse(wizard.wholesale_allocation_active)
            self.assertFalse(wizard.wholesale_allocation_ids)
            wizard.action_create_payments()
            self._assert_core_flow_without_entry(invoices)

    def test_split_when_core_forces_the_outstanding_account(self):
        """Without the Accountant app core gives every payment an entry, even
        when its method line has no outstanding account: the split applies."""
        invoices = self.old | self.new | self.third
        method_line = self._method_line_without_outstanding_account()
        wizard = self._wizard(
            invoices, amount=1000.0, payment_method_line_id=method_line.id
        )
        self.assertTrue(wizard._wholesale_payment_gets_entry())
        self.assertTrue(wizard.wholesale_allocation_active)
        self._split(wizard, {self.new: 600.0, self.old: 400.0})
        wizard.action_create_payments()
        payment = self._customer_payments()
        self.assertTrue(payment.move_id)
        self.assertTrue(payment.outstanding_account_id)
        self.assertEqual(invoices.mapped("amount_residual"), [100.0, 100.0, 300.0])

    def test_reconcile_falls_back_to_core_without_split_lines(self):
        """Should a payment come out of core without the split's lines (here:
        without any entry although the wizard expected one), core reconciles
        it instead of the wizard failing."""
        invoices = self.old | self.new | self.third
        method_line = self._method_line_without_outstanding_account()
        with (
            self._as_with_accountant(),
            patch.object(
                type(self.env["account.payment.register"]),
                "_wholesale_payment_gets_entry",
                lambda self: True,
            ),
        ):
            wizard = self._wizard(
                invoices, amount=1000.0, payment_method_line_id=method_line.id
            )
            self.assertTrue(wizard.wholesale_allocation_active)
            self._split(wizard, {self.new: 600.0, self.old: 400.0})
            wizard.action_create_payments()
            self._assert_core_flow_without_entry(invoices)
