from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import WholesalePoolCommon, customer_invoice


@tagged("post_install", "-at_install")
class TestCreditTerms(WholesalePoolCommon):
    """Credit hold and quotation approval, as the people who meet them: a
    salesperson confirms, an invoicing user posts, a sales or accounting
    manager approves.

    The company checks credit limits; "WR Credit Wholesaler" may owe 1,000.00
    and sells a rice cooker at 100.00, without tax.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.salesperson = new_test_user(
            cls.env,
            login="wr_credit_salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="wr_credit_invoicing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="wr_credit_sales_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        cls.account_manager = new_test_user(
            cls.env,
            login="wr_credit_account_manager",
            groups="account.group_account_manager,base.group_partner_manager",
            company_id=cls.company.id,
        )
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Credit Wholesaler", "wholesale_customer": True}
        )
        cls.wholesaler.with_company(cls.company).credit_limit = 1000.0
        cls.product = cls.env["product.product"].create(
            {
                "name": "WR Credit Rice Cooker",
                "type": "consu",
                "list_price": 100.0,
                "taxes_id": False,
                "invoice_policy": "order",
            }
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _order(self, qty, partner=None, user=None, discount=0.0):
        env = self.env(user=user or self.salesperson)
        return (
            env["sale.order"]
            .with_company(self.company)
            .create(
                {
                    "partner_id": (partner or self.wholesaler).id,
                    "company_id": self.company.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": qty,
                                "price_unit": 100.0,
                                "discount": discount,
                                "tax_ids": [(6, 0, [])],
                            },
                        )
                    ],
                }
            )
        )

    def _invoice(self, amount, days_ago=0, partner=None, post=True):
        day = fields.Date.context_today(self.env.user) - timedelta(days=days_ago)
        return customer_invoice(
            self.env,
            partner or self.wholesaler,
            amount,
            day,
            company=self.company,
            post=post,
        )

    def _approve(self, document, user, reason):
        action = document.with_user(user).action_wholesale_approve()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        wizard.reason = reason
        return wizard.save().action_approve()

    # ------------------------------------------------------------------
    # credit hold on confirmation
    # ------------------------------------------------------------------
    def test_over_limit_order_blocked_then_approved(self):
        self._invoice(600.0)
        order = self._order(5)  # 500.00: 600 + 500 = 1,100 > 1,000
        self.assertIn("1,100.00", order.wholesale_credit_message)
        with self.assertRaises(UserError) as caught:
            order.action_confirm()
        message = str(caught.exception)
        for figure in ("600.00", "500.00", "1,100.00", "1,000.00", "100.00"):
            self.assertIn(figure, message)
        self.assertIn("WR Credit Wholesaler", message)
        self.assertEqual(order.state, "draft")

        # a salesperson cannot approve, not even by calling the wizard
        with self.assertRaises(AccessError):
            order.action_wholesale_approve()
        wizard = self.env["wholesale.credit.approval.wizard"].create(
            {"kind": "credit", "order_id": order.id, "reason": "self-approved"}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesperson).action_approve()

        self._approve(order, self.sales_manager, "Paid 600 by cheque today")
        self.assertEqual(order.state, "sale")
        approval = order.wholesale_approval_ids
        self.assertEqual(len(approval), 1)
        self.assertRecordValues(
            approval,
            [
                {
                    "kind": "credit",
                    "user_id": self.sales_manager.id,
                    "reason": "Paid 600 by cheque today",
                    "partner_id": self.wholesaler.id,
                    "credit_limit": 1000.0,
                    "receivable": 600.0,
                    "to_invoice": 0.0,
                    "amount": 500.0,
                    "total": 1100.0,
                }
            ],
        )
        self.assertTrue(approval.date)
        self.assertIn("1,100.00", approval.message)
        # kept as given
        with self.assertRaises(UserError):
            approval.with_user(self.sales_manager).reason = "changed"
        with self.assertRaises(UserError):
            approval.with_user(self.sales_manager).unlink()

        # the confirmed order now counts: a further order of 100 is held
        # (600 receivable + 500 to invoice + 100)
        second = self._order(1)
        with self.assertRaises(UserError) as caught:
            second.action_confirm()
        self.assertIn("1,200.00", str(caught.exception))

    def test_under_limit_and_retail_orders_go_through(self):
        self._invoice(600.0)
        order = self._order(4)  # 600 + 400 = 1,000: at the limit, not above
        self.assertFalse(order.wholesale_credit_message)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        retail = self.env["res.partner"].create({"name": "WR Credit Retail"})
        retail.with_company(self.company).credit_limit = 10.0
        retail_order = self._order(5, partner=retail)
        retail_order.action_confirm()  # core only warns for other customers
        self.assertEqual(retail_order.state, "sale")

    def test_overdue_invoice_holds_the_customer(self):
        self.wholesaler.with_company(self.company).credit_limit = 0.0  # no limit
        self._invoice(250.0, days_ago=45)
        order = self._order(1)
        with self.assertRaises(UserError) as caught:
            order.action_confirm()
        message = str(caught.exception)
        self.assertIn("45 days overdue", message)
        self.assertIn("tolerance of 30 days", message)
        self.assertIn("250.00", message)
        # the tolerance is the managers' to change
        with self.assertRaises(AccessError):
            self.wholesaler.with_user(self.salesperson).wholesale_overdue_tolerance = 60
        self.wholesaler.with_user(self.sales_manager).wholesale_overdue_tolerance = 60
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_manual_hold_with_its_reason(self):
        with self.assertRaises(AccessError):
            self.wholesaler.with_user(self.salesperson).write(
                {"wholesale_credit_hold": True, "wholesale_credit_hold_reason": "x"}
            )
        self.wholesaler.with_user(self.account_manager).write(
            {
                "wholesale_credit_hold": True,
                "wholesale_credit_hold_reason": "Cheque returned unpaid",
            }
        )
        order = self._order(1)
        with self.assertRaises(UserError) as caught:
            order.action_confirm()
        self.assertIn("Cheque returned unpaid", str(caught.exception))
        # an accountant approves; without Sales rights the salesperson confirms
        self._approve(order, self.account_manager, "Cash on delivery agreed")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.activity_ids.user_id, self.salesperson)
        self.assertEqual(order.wholesale_approval_ids.user_id, self.account_manager)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_approval_covers_only_its_order(self):
        self._invoice(900.0)
        order = self._order(2)
        self._approve(order, self.sales_manager, "Known customer")
        self.assertEqual(order.state, "sale")
        # a copy of the approved order is a new order: held again
        copy = order.copy()
        self.assertFalse(copy.wholesale_approval_ids)
        with self.assertRaises(UserError):
            copy.with_user(self.salesperson).action_confirm()

    # ------------------------------------------------------------------
    # credit hold on invoices
    # ------------------------------------------------------------------
    def test_invoice_post_blocked_then_approved(self):
        self._invoice(700.0)
        invoice = self._invoice(400.0, post=False).with_user(self.invoicing_user)
        with self.assertRaises(UserError) as caught:
            invoice.action_post()
        message = str(caught.exception)
        for figure in ("700.00", "400.00", "1,100.00", "1,000.00"):
            self.assertIn(figure, message)
        self.assertEqual(invoice.state, "draft")
        self._approve(invoice, self.account_manager, "Bank guarantee received")
        self.assertEqual(invoice.state, "posted")
        self.assertRecordValues(
            invoice.wholesale_approval_ids,
            [{"move_id": invoice.id, "amount": 400.0, "receivable": 700.0}],
        )

    def test_invoice_of_a_confirmed_order_is_not_held_again(self):
        self._invoice(500.0)
        order = self._order(5)  # 1,000: at the limit
        order.action_confirm()
        # the limit is lowered: the confirmed order's invoice adds no credit
        self.wholesaler.with_company(self.company).credit_limit = 600.0
        invoice = order._create_invoices()
        invoice.with_user(self.invoicing_user).action_post()
        self.assertEqual(invoice.state, "posted")

    # ------------------------------------------------------------------
    # quotation approval
    # ------------------------------------------------------------------
    def test_quote_above_amount_approved_and_locked(self):
        self.company.wholesale_quote_approval_amount = 500.0
        self.wholesaler.with_company(self.company).credit_limit = 0.0
        order = self._order(6)  # 600.00
        self.assertIn("600.00", order.wholesale_quote_message)
        with self.assertRaises(UserError):
            order.action_quotation_send()
        with self.assertRaises(UserError):
            order.action_confirm()
        with self.assertRaises(AccessError):
            order.action_wholesale_approve()
        self._approve(order, self.sales_manager, "Yearly contract price")
        self.assertTrue(order.locked)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.wholesale_approval_ids.kind, "quote")
        self.assertFalse(order.wholesale_quote_message)
        # locked with Odoo's own lock: its lines cannot change
        with self.assertRaises(UserError):
            order.order_line.product_uom_qty = 10
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_quote_discount_needs_approval_again_when_raised(self):
        self.company.wholesale_quote_approval_discount = 10.0
        self.wholesaler.with_company(self.company).credit_limit = 0.0
        order = self._order(1, discount=15.0)
        self.assertIn("15", order.wholesale_quote_message)
        self._approve(order, self.sales_manager, "Clearance")
        self.assertFalse(order.wholesale_quote_message)
        order.with_user(self.sales_manager).action_unlock()
        order.order_line.discount = 20.0
        self.assertTrue(order.wholesale_quote_message)
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_bad_settings_refused(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.company.wholesale_quote_approval_discount = 120.0
        with self.assertRaises(ValidationError):
            self.company.wholesale_quote_approval_amount = -1.0

    def test_other_company_credit_and_approvals_stay_apart(self):
        """The receivable another company holds does not count here, and its
        approvals are not seen here."""
        other = self.setup_other_company(name="WR Credit Other Co")["company"]
        other.account_use_credit_limit = True
        self.wholesaler.with_company(other).credit_limit = 1000.0
        self.env.user.company_ids |= other
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.wholesaler.id,
                    "company_id": other.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        (0, 0, {"name": "WR other", "price_unit": 900.0, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        # here, 900 owed to the other company does not count: 500 < 1,000
        order = self._order(5)
        self.assertFalse(order.wholesale_credit_message)
        order.action_confirm()
        # there, it does
        other_order = (
            self.env["sale.order"]
            .with_company(other)
            .create(
                {
                    "partner_id": self.wholesaler.id,
                    "company_id": other.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 2,
                                "price_unit": 100.0,
                                "tax_ids": [(6, 0, [])],
                            },
                        )
                    ],
                }
            )
        )
        self.assertIn("1,100.00", other_order.wholesale_credit_message)
        self.env.user.group_ids |= self.env.ref("sales_team.group_sale_manager")
        self._approve(other_order.with_company(other), self.env.user, "Other co")
        self.assertEqual(other_order.wholesale_approval_ids.company_id, other)
        seen = (
            self.env["wholesale.credit.approval"]
            .with_user(self.sales_manager)
            .search([("partner_id", "=", self.wholesaler.id)])
        )
        self.assertFalse(seen)

    # ------------------------------------------------------------------
    # review: exposure of every confirmed order, batches, payments taken
    # ------------------------------------------------------------------
    def test_orders_invoiced_on_delivery_count_before_delivery(self):
        self.product.invoice_policy = "delivery"
        self.wholesaler.with_company(self.company).credit_limit = 1500.0
        first = self._order(10)
        first.action_confirm()  # 1,000: nothing delivered, nothing to invoice
        second = self._order(10)
        with self.assertRaises(UserError) as caught:
            second.action_confirm()
        self.assertRegex(
            str(caught.exception), r"confirmed, not invoiced \$\s1,000\.00"
        )

    def test_down_payment_invoice_of_an_approved_order_posts(self):
        self._invoice(900.0)
        order = self._order(5)
        self._approve(order, self.sales_manager, "Prepayment asked")
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 50})
        )
        wizard.create_invoices()
        down_payment = order.invoice_ids
        self.assertEqual(down_payment.amount_total, 250.0)
        down_payment.with_user(self.invoicing_user).action_post()
        self.assertEqual(down_payment.state, "posted")
        # the order now holds 250 less; the final invoice goes through too
        final = order._create_invoices(final=True)
        final.with_user(self.invoicing_user).action_post()
        self.assertEqual(final.state, "posted")

    def test_orders_confirmed_together_count_together(self):
        first, second = self._order(6), self._order(6)  # 600 + 600 > 1,000
        with self.assertRaises(UserError):
            (first | second).action_confirm()
        self.assertEqual((first | second).mapped("state"), ["draft", "draft"])

    def test_order_paid_online_is_confirmed_even_when_held(self):
        self._invoice(950.0)
        order = self._order(2)
        self.env["payment.transaction"].sudo().create(
            {
                "provider_id": self.env["payment.provider"]
                .sudo()
                .create({"name": "WR Credit Provider", "company_id": self.company.id})
                .id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "reference": "WR-CREDIT-TX-1",
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": self.wholesaler.id,
                "sale_order_ids": [(6, 0, order.ids)],
                "state": "done",
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_portal_confirmation_of_a_held_order_waits_for_a_manager(self):
        self._invoice(950.0)
        order = self._order(2)
        portal = new_test_user(
            self.env, login="wr_credit_portal", groups="base.group_portal"
        )
        # as the portal's signature does: sudo, the customer's user
        order.with_user(portal).sudo().action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.activity_ids.user_id, self.salesperson)
        self.assertIn("1,150.00", order.message_ids[0].body)

    def test_credit_terms_are_the_managers_even_at_creation(self):
        clerk = new_test_user(
            self.env,
            login="wr_credit_clerk",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=self.company.id,
        )
        Partner = self.env["res.partner"].with_user(clerk)
        with self.assertRaises(AccessError):
            Partner.create({"name": "WR lax", "wholesale_overdue_tolerance": 9999})
        with self.assertRaises(AccessError):
            Partner.with_context(default_wholesale_credit_hold=True).create(
                {"name": "WR lax 2"}
            )
        Partner.create({"name": "WR plain"})  # the defaults are fine
        # approvals are written by the approval form only
        with self.assertRaises(AccessError):
            self.env["wholesale.credit.approval"].with_user(self.sales_manager).create(
                {
                    "kind": "credit",
                    "partner_id": self.wholesaler.id,
                    "company_id": self.company.id,
                    "reason": "forged",
                }
            )
