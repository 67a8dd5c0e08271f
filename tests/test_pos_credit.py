from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import WholesalePoolCommon, customer_invoice


def _over_limit(receivable, to_invoice, amount, total):
    """The line of the credit message that says the limit (100.00) is passed."""
    return (
        r"Receivable .*%s \+ confirmed, not invoiced .*%s \+ this Customer "
        r"Account payment .*%s = .*%s, above the credit limit of .*100\.00"
        % tuple(
            value.replace(".", r"\.")
            for value in (receivable, to_invoice, amount, total)
        )
    )


def _post_invoice(env, partner, amount, days_ago=0):
    """A posted customer invoice of ``amount``, due on its date (today unless
    ``days_ago``)."""
    date = fields.Date.subtract(fields.Date.context_today(partner), days=days_ago)
    return customer_invoice(env, partner, amount, date)


@tagged("post_install", "-at_install")
class TestPosCustomerAccountCredit(WholesalePoolCommon):
    """The POS Customer Account payment is credit: the customer's credit limit,
    overdue invoices and hold refuse it online; a late (offline) order is
    accepted and its overrun noted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.soap = cls.create_product("WR Credit Soap", cls.categ_basic, 1.0, 0.5)
        cls.adjust_inventory([cls.soap], [500])
        # not a wholesale customer: any Customer Account payment is credit
        cls.customer = cls.env["res.partner"].create(
            {"name": "WR Credit Customer", "credit_limit": 100.0}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "WR Credit Buyer", "parent_id": cls.customer.id}
        )
        _post_invoice(cls.env, cls.customer, 80.0)
        cls.config = cls.basic_config
        cls.cashier = new_test_user(
            cls.env,
            login="wr_credit_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=cls.company.id,
        )

    def _account_order(self, qty, partner=None, method=None):
        """Order data of ``qty`` soaps at 1.00 paid on Customer Account."""
        return self.create_ui_order_data(
            [(self.soap, qty)],
            customer=partner or self.contact,
            payments=[(method or self.pay_later_pm, qty)],
        )

    def _check(self, amount, config=None, partner=None, settled=0.0):
        config = (config or self.config).with_user(self.cashier)
        return config.wholesale_check_customer_account(
            (partner or self.contact).id, amount, settled_amount=settled
        )["message"]

    def test_setup(self):
        self.assertEqual(self.pay_later_pm.type, "pay_later")
        self.assertEqual(self.customer.credit, 80.0)
        self.assertIn(self.pay_later_pm, self.config.payment_method_ids)

    def test_online_payment_over_the_limit_is_refused_before_anything_is_written(self):
        self.open_new_session()
        data = self._account_order(30)
        with self.assertRaisesRegex(
            UserError, _over_limit("80.00", "0.00", "30.00", "110.00")
        ):
            self._rollback_on_error(self._sync, data, online=True)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assertEqual(self.soap.qty_available, 500)
        # the same amount in cash is no credit: it goes through
        cash = self._account_order(30, method=self.cash_pm1)
        self.assertEqual(self._sync(cash, online=True).state, "paid")
        # under the limit, on account, it goes through
        order = self._sync(self._account_order(15), online=True)
        self.assertRecordValues(order, [{"state": "paid", "amount_paid": 15.0}])
        self.assertFalse(
            order.message_ids.filtered(lambda m: "beyond" in (m.body or ""))
        )
        # the open session's sale on account is in no journal item yet, but
        # it counts: 80 + 15 + 10 > 100
        self.assertEqual(self.customer.credit, 80.0)
        data = self._account_order(10)
        with self.assertRaisesRegex(
            UserError, _over_limit("80.00", "15.00", "10.00", "105.00")
        ):
            self._rollback_on_error(self._sync, data, online=True)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assertEqual(self.soap.qty_available, 455)
        # the cashier's question gives the same answer
        self.assertRegex(
            self._check(10.0), _over_limit("80.00", "15.00", "10.00", "105.00")
        )
        self.assertEqual(self._check(5.0), "")

    def test_offline_order_over_the_limit_is_accepted_and_noted(self):
        self.open_new_session()
        data = self._account_order(30)
        order = self._sync(data)  # a late sync: no online mark
        self.assertRecordValues(order, [{"state": "paid", "amount_paid": 30.0}])
        self.assertEqual(self.soap.qty_available, 470)
        notes = order.message_ids.filtered(
            lambda m: "beyond the customer's credit" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertRegex(
            notes.body, r"80\.00 \+ confirmed, not invoiced .*0\.00 \+ this Customer"
        )
        # the next online payment sees that sale
        self.assertRegex(
            self._check(1.0), _over_limit("80.00", "30.00", "1.00", "111.00")
        )

    def test_closed_session_sales_are_counted_once(self):
        self.open_new_session()
        self._sync(self._account_order(15), online=True)
        self.pos_session.action_pos_session_closing_control()
        self.assertEqual(self.pos_session.state, "closed")
        self.customer.invalidate_recordset(["credit"])
        self.assertEqual(self.customer.credit, 95.0)
        self.assertEqual(self._check(5.0), "")
        self.assertRegex(
            self._check(10.0), _over_limit("95.00", "0.00", "10.00", "105.00")
        )

    def test_settling_a_sale_order_on_account_counts_it_once(self):
        """A confirmed order of 15 is already on the account (not invoiced):
        settling it at the POS on Customer Account adds no new credit."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.soap.id,
                            "product_uom_qty": 15,
                            "price_unit": 1.0,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.amount_to_invoice, 15.0)
        self.assertRegex(
            self._check(15.0), _over_limit("80.00", "15.00", "15.00", "110.00")
        )
        self.assertEqual(self._check(15.0, settled=15.0), "")
        # never more than the orders hold: 50 "settled" takes off 15
        self.assertRegex(
            self._check(25.0, settled=50.0),
            _over_limit("80.00", "0.00", "25.00", "105.00"),
        )
        with self.assertRaisesRegex(UserError, "cannot be negative"):
            self._check(5.0, settled=-15.0)
        # the payment's own sync counts the settled order once
        self.open_new_session()
        data = self.create_ui_order_data(
            [
                {
                    "product": self.soap,
                    "quantity": 15,
                    "sale_order_line_id": order.order_line.id,
                }
            ],
            customer=self.contact,
            payments=[(self.pay_later_pm, 15)],
        )
        pos_order = self._sync(data, online=True)
        self.assertRecordValues(pos_order, [{"state": "paid", "amount_paid": 15.0}])
        self.assertEqual(pos_order.lines.sale_order_line_id, order.order_line)
        self.assertRegex(
            self._check(10.0), _over_limit("80.00", "15.00", "10.00", "105.00")
        )

    def test_hold_and_overdue_refuse_under_the_limit(self):
        self.customer.wholesale_customer = True
        self.customer.wholesale_credit_hold = True
        self.customer.wholesale_credit_hold_reason = "WR cheque bounced"
        self.assertIn("Put on hold by a manager: WR cheque bounced", self._check(1.0))
        self.open_new_session()
        data = self._account_order(1)
        with self.assertRaisesRegex(UserError, "WR cheque bounced"):
            self._rollback_on_error(self._sync, data, online=True)
        self.customer.wholesale_credit_hold = False
        self.assertEqual(self._check(1.0), "")
        # an invoice overdue beyond the tolerance holds the account too
        self.customer.credit_limit = 0.0  # no limit
        old = _post_invoice(self.env, self.customer, 5.0, days_ago=100)
        due = old.line_ids.filtered("date_maturity").date_maturity
        days = (fields.Date.context_today(old) - due).days
        self.assertGreater(days, self.customer.wholesale_overdue_tolerance)
        self.assertIn("%s is %s days overdue" % (old.name, days), self._check(1.0))
        # a refund to the account is never refused
        self.assertEqual(self._check(0.0), "")
        # the tolerance and the hold are a wholesale customer's terms: a
        # retail customer's old invoice holds nothing
        self.customer.wholesale_customer = False
        self.assertEqual(self._check(1.0), "")

    def test_amount_in_the_pos_currency(self):
        """15.00 in a POS whose currency is worth two of the company's is 30.00."""
        config = self.other_currency_config
        self.assertEqual(
            config.currency_id._convert(
                15.0,
                self.company.currency_id,
                self.company,
                fields.Date.context_today(config),
            ),
            30.0,
        )
        self.assertRegex(
            self._check(15.0, config=config),
            _over_limit("80.00", "0.00", "30.00", "110.00"),
        )
        self.assertEqual(self._check(10.0, config=config), "")

    def test_bad_input_is_refused_clearly(self):
        with self.assertRaisesRegex(UserError, "cannot be negative"):
            self._check(-5.0)
        config = self.config.with_user(self.cashier)
        for partner_id in (self.customer.id + 10**6, 0, -1, 2**40):
            with self.assertRaisesRegex(UserError, "customer .* is unknown"):
                config.wholesale_check_customer_account(partner_id, 5.0)
        for partner_id, amount in (("1", 5.0), (self.customer.id, "5"), (True, 1.0)):
            with self.assertRaisesRegex(UserError, "malformed"):
                self.config.with_user(self.cashier).wholesale_check_customer_account(
                    partner_id, amount
                )
        with self.assertRaisesRegex(UserError, "malformed"):
            self._check(float("nan"))
        # a customer of another company stays out of the cashier's sight
        other = self.env["res.partner"].create(
            {
                "name": "WR Other Company Customer",
                "company_id": self.env["res.company"]
                .create({"name": "WR Other Credit Company"})
                .id,
            }
        )
        with self.assertRaises(AccessError):
            self._check(5.0, partner=other)


@tagged("post_install", "-at_install")
class TestPosCustomerAccountCreditUi(TestPointOfSaleHttpCommon):
    """A cashier (POS User rights only) paying on Customer Account beyond the
    customer's credit gets the figures in a dialog and the order is not paid;
    a customer with room pays."""

    def test_customer_account_credit_in_pos(self):
        self.main_pos_config.company_id.account_use_credit_limit = True
        product = self.env["product.product"].create(
            {
                "name": "WR Credit Kettle",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 30.0,
                "taxes_id": False,
            }
        )
        stock = self.main_pos_config.picking_type_id.default_location_src_id
        self.env["stock.quant"]._update_available_quantity(product, stock, 10)
        over = self.env["res.partner"].create(
            {"name": "WR Credit Over", "credit_limit": 100.0}
        )
        _post_invoice(self.env, over, 80.0)
        room = self.env["res.partner"].create(
            {"name": "WR Credit Room", "credit_limit": 100.0}
        )
        account = self.env["pos.payment.method"].create(
            {"name": "Customer Account", "split_transactions": True}
        )
        self.main_pos_config.payment_method_ids |= account
        cashier = new_test_user(
            self.env,
            login="wr_credit_pos_cashier",
            password="wr_credit_pos_cashier",
            name="WR Credit Cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
        )
        self.main_pos_config.with_user(cashier).open_ui()
        self.start_pos_tour(
            "WholesaleRetailCustomerAccountCreditTour", login="wr_credit_pos_cashier"
        )
        orders = self.env["pos.order"].search([("lines.product_id", "=", product.id)])
        self.assertFalse(
            orders.filtered(lambda o: o.partner_id == over and o.state != "draft")
        )
        paid = orders.filtered(lambda o: o.state != "draft")
        self.assertRecordValues(
            paid, [{"partner_id": room.id, "state": "paid", "amount_paid": 30.0}]
        )
        self.assertEqual(paid.payment_ids.payment_method_id, account)
        self.env.invalidate_all()
        self.assertEqual(product.qty_available, 9)
