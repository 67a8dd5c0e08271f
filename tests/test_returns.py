from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import WholesalePoolCommon


@tagged("post_install", "-at_install")
class TestReturns(WholesalePoolCommon):
    """The return goods wizard, run as the people who return goods: a cashier
    (Point of Sale / User only) for POS sales, a salesperson with the
    Wholesale & Retail user rights for wholesale orders.

    Every test starts from a kettle (price 10, cost 6, no tax) with a ladder
    "Carton = 24 pieces" (its wholesale unit) and 100 pieces in WH/Stock.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.config = cls.basic_config
        cls.cashier = new_test_user(
            cls.env,
            login="wr_ret_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=cls.company.id,
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="wr_ret_salesperson",
            groups="sales_team.group_sale_salesman,wholesale_retail.group_wholesale_user",
            company_id=cls.company.id,
        )
        cls.storekeeper = new_test_user(
            cls.env,
            login="wr_ret_storekeeper",
            groups="stock.group_stock_user",
            company_id=cls.company.id,
        )
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Ret Wholesaler", "wholesale_customer": True}
        )
        cls.reason_damaged = cls.env.ref(
            "wholesale_retail.wholesale_return_reason_damaged"
        )
        cls.reason_mind = cls.env.ref(
            "wholesale_retail.wholesale_return_reason_changed_mind"
        )
        cls.payment_term = cls.env.ref("account.account_payment_term_30days")

    def setUp(self):
        super().setUp()
        self.product = self.create_product(
            "WR Ret Kettle %s" % self.id().rsplit(".", 1)[-1],
            self.categ_basic,
            10.0,
            6.0,
        )
        step = self.env["wholesale.unit.step"].create(
            {
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "name": "Carton",
                "pieces": 24,
                "is_wholesale_unit": True,
            }
        )
        self.carton = step.uom_id
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": self.product.id,
                    "location_id": self.stock.id,
                    "inventory_quantity": 100,
                }
            )
        )
        quant.action_apply_inventory()

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _free_in_stock(self):
        """Free pieces in WH/Stock (and its children): what can be sold."""
        self.env.invalidate_all()
        return self.product.with_context(location=self.stock.id).free_qty

    def _free_in_warehouse(self):
        self.env.invalidate_all()
        return self.product.with_context(warehouse_id=self.warehouse.id).free_qty

    def _sellable(self):
        self.env.invalidate_all()
        return self.product._wholesale_sellable_qty(self.warehouse)[self.product.id]

    def _pos_sale(self, qty):
        if not self.config.current_session_id:
            self.open_new_session()
        return self._sync(self.create_ui_order_data([(self.product, qty)]))

    def _wholesale_order(self, cartons, price=216.0, invoice=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "warehouse_id": self.warehouse.id,
                "payment_term_id": self.payment_term.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": cartons,
                            "product_uom_id": self.carton.id,
                            "tax_ids": [(5, 0, 0)],
                        },
                    )
                ],
            }
        )
        order.order_line.price_unit = price
        order.action_confirm()
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        if invoice:
            order._create_invoices().action_post()
        return order

    def _wizard(self, user, **vals):
        return self.env["wholesale.return.wizard"].with_user(user).create(vals)

    def _set_line(self, wizard, qty, uom=None, reason=None, disposition=None):
        line = wizard.line_ids.filtered(lambda l: l.product_id == self.product)
        self.assertEqual(len(line), 1)
        line.write(
            {
                "qty": qty,
                "uom_id": (uom or self.product.uom_id).id,
                "reason_id": (reason or self.reason_mind).id,
                "disposition": disposition or "stock",
            }
        )
        return line

    def _return_a_damaged_carton(self, order):
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self._set_line(
            wizard,
            1,
            uom=self.carton,
            reason=self.reason_damaged,
            disposition="damaged",
        )
        return wizard.action_confirm()

    def _logs(self, order):
        field = "sale_order_id" if order._name == "sale.order" else "pos_order_id"
        return self.env["wholesale.return.log"].search([(field, "=", order.id)])

    # ------------------------------------------------------------------
    # acceptance
    # ------------------------------------------------------------------
    def test_pos_return_restocks_refunds_and_logs(self):
        order = self._pos_sale(5)
        self.assertEqual(order.state, "paid")
        self.assertEqual(self._free_in_stock(), 95)
        wizard = self._wizard(self.cashier, pos_order_id=order.id)
        self.assertRecordValues(
            wizard.line_ids,
            [{"sold_qty": 5, "returned_qty": 0, "returnable_qty": 5}],
        )
        self._set_line(wizard, 2)
        action = wizard.action_confirm()
        # the pool is restocked at once
        self.assertEqual(self._free_in_stock(), 97)
        self.assertEqual(self._sellable(), 97)
        # core's refund order, paid in the open session with the sale's method
        refund = self.env["pos.order"].search(
            [("lines.refunded_orderline_id", "in", order.lines.ids)]
        )
        self.assertRecordValues(
            refund,
            [
                {
                    "state": "paid",
                    "is_refund": True,
                    "amount_total": -20.0,
                    "amount_paid": -20.0,
                    "session_id": self.pos_session.id,
                }
            ],
        )
        self.assertEqual(refund.lines.qty, -2)
        self.assertEqual(refund.payment_ids.amount, -20.0)
        self.assertEqual(
            refund.payment_ids.payment_method_id, order.payment_ids.payment_method_id
        )
        self.assertEqual(refund.picking_ids.state, "done")
        self.assertEqual(order.lines.refunded_qty, 2)
        log = self._logs(order)
        self.assertRecordValues(
            log,
            [
                {
                    "channel_id": self.config._wholesale_channel().id,
                    "product_id": self.product.id,
                    "qty": 2,
                    "qty_uom": 2,
                    "uom_id": self.product.uom_id.id,
                    "reason_id": self.reason_mind.id,
                    "disposition": "stock",
                    "value_sale": 20.0,
                    "value_cost": 12.0,
                    "refund_pos_order_id": refund.id,
                    "picking_id": refund.picking_ids.id,
                    "state": "done",
                    "user_id": self.cashier.id,
                }
            ],
        )
        # a cashier may not read the log: the action opens the refund
        self.assertEqual(action["params"]["next"]["res_model"], "pos.order")
        self.assertEqual(action["params"]["next"]["res_id"], refund.id)

    def test_wholesale_return_of_a_carton_with_credit_note(self):
        order = self._wholesale_order(3)
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self._free_in_stock(), 28)
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        line = self._set_line(wizard, 1, uom=self.carton)
        self.assertRecordValues(
            line, [{"sold_qty": 72, "returned_qty": 0, "qty_pieces": 24}]
        )
        action = wizard.action_confirm()
        self.assertEqual(self._free_in_stock(), 52)
        self.assertEqual(self._sellable(), 52)
        sale_line = order.order_line
        self.assertEqual(sale_line.qty_delivered, 2)
        credit_note = order.invoice_ids - invoice
        self.assertRecordValues(
            credit_note,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "amount_total": 216.0,
                    "reversed_entry_id": invoice.id,
                    "invoice_payment_term_id": self.payment_term.id,
                    "fiscal_position_id": invoice.fiscal_position_id.id,
                    "partner_id": invoice.partner_id.id,
                }
            ],
        )
        self.assertRecordValues(
            credit_note.invoice_line_ids,
            [{"quantity": 1, "product_uom_id": self.carton.id, "price_unit": 216.0}],
        )
        self.assertEqual(sale_line.qty_invoiced, 2)
        # the credit note settles the unpaid invoice's open amount
        self.assertEqual(invoice.amount_residual, 432.0)
        log = self._logs(order)
        return_picking = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "incoming"
        )
        self.assertRecordValues(
            log,
            [
                {
                    "channel_id": order.wholesale_channel_id.id,
                    "qty": 24,
                    "qty_uom": 1,
                    "uom_id": self.carton.id,
                    "value_sale": 216.0,
                    "value_cost": 144.0,
                    "picking_id": return_picking.id,
                    "credit_note_id": credit_note.id,
                    "state": "done",
                    "user_id": self.salesperson.id,
                }
            ],
        )
        self.assertEqual(return_picking.state, "done")
        self.assertEqual(return_picking.location_dest_id, self.stock)
        self.assertEqual(action["params"]["next"]["res_model"], "wholesale.return.log")
        # the next wizard sees the carton as returned
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self.assertRecordValues(
            wizard.line_ids,
            [{"sold_qty": 72, "returned_qty": 24, "returnable_qty": 48}],
        )

    def test_over_return_refused_counting_a_ticket_screen_refund(self):
        order = self._pos_sale(5)
        # the cashier refunds 2 on the ticket screen
        refund_data = self.create_ui_order_data(
            [
                {
                    "product": self.product,
                    "quantity": -2,
                    "refunded_orderline_id": order.lines.id,
                }
            ],
            {"is_refund": True},
        )
        refund = self._sync(refund_data)
        self.assertEqual(order.lines.refunded_qty, 2)
        self.assertEqual(self._free_in_stock(), 97)
        # the ticket screen's refund is in the return log (no reason asked)
        ticket_log = self._logs(order)
        self.assertRecordValues(
            ticket_log,
            [
                {
                    "refund_pos_order_id": refund.id,
                    "channel_id": self.config._wholesale_channel().id,
                    "product_id": self.product.id,
                    "qty": 2,
                    "reason_id": False,
                    "disposition": "stock",
                    "value_sale": 20.0,
                    "state": "done",
                }
            ],
        )
        # a replayed sync writes no second row
        self._sync(refund_data)
        self.assertEqual(self._logs(order), ticket_log)
        wizard = self._wizard(self.cashier, pos_order_id=order.id)
        self.assertRecordValues(
            wizard.line_ids, [{"sold_qty": 5, "returned_qty": 2, "returnable_qty": 3}]
        )
        self._set_line(wizard, 4)
        with self.assertRaisesRegex(
            UserError,
            r"WR Ret Kettle .*: 5 pcs sold, 2 pcs already returned, 4 pcs asked: "
            r"at most 3 pcs can come back",
        ):
            self._rollback_on_error(wizard.action_confirm)
        self.assertEqual(self._free_in_stock(), 97)
        self.assertEqual(self._logs(order), ticket_log)
        self.assertEqual(order.lines.refunded_qty, 2)
        # the 3 left can come back
        wizard.line_ids.qty = 3
        wizard.action_confirm()
        self.assertEqual(self._free_in_stock(), 100)
        self.assertEqual(order.lines.refunded_qty, 5)
        # the wizard's own refund is logged once, with its reason
        self.assertEqual(
            sorted(self._logs(order).mapped("qty")), [2, 3], "ticket 2 + wizard 3"
        )

    def test_damaged_pos_return_does_not_raise_sellable_stock(self):
        order = self._pos_sale(5)
        self.assertEqual(self._sellable(), 95)
        wizard = self._wizard(self.cashier, pos_order_id=order.id)
        self._set_line(wizard, 2, reason=self.reason_damaged, disposition="damaged")
        wizard.action_confirm()
        damaged = self.warehouse.wholesale_damaged_location_id
        self.assertEqual(damaged.usage, "internal")
        self.assertEqual(damaged.location_id, self.warehouse.view_location_id)
        self.assertNotIn(self.stock.parent_path, damaged.parent_path)
        self.assertEqual(damaged.warehouse_id, self.warehouse)
        # the refund brought 2 back to the shelf, and they left it at once
        self.assertEqual(self._free_in_stock(), 95)
        self.assertEqual(self._sellable(), 95)
        self.assertEqual(
            self.product.with_context(location=damaged.id).qty_available, 2
        )
        # in the warehouse's (valued) inventory, not in what can be sold
        self.assertEqual(self._free_in_warehouse(), 97)
        log = self._logs(order)
        self.assertEqual(log.disposition, "damaged")
        self.assertEqual(log.picking_id.location_dest_id, damaged)
        self.assertEqual(log.picking_id.state, "done")
        self.assertEqual(log.refund_pos_order_id.state, "paid")

    def test_damaged_and_scrapped_wholesale_returns(self):
        order = self._wholesale_order(3, invoice=False)
        self._return_a_damaged_carton(order)
        damaged = self.warehouse.wholesale_damaged_location_id
        self.assertEqual(self._sellable(), 28)
        self.assertEqual(
            self.product.with_context(location=damaged.id).qty_available, 24
        )
        self.assertEqual(order.order_line.qty_delivered, 2)
        # never invoiced: nothing to credit
        self.assertFalse(order.invoice_ids)
        self.assertFalse(self._logs(order).credit_note_id)
        # 5 pieces out of a carton, scrapped
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self._set_line(wizard, 5, reason=self.reason_damaged, disposition="scrap")
        wizard.action_confirm()
        log = self._logs(order).filtered(lambda log: log.disposition == "scrap")
        self.assertRecordValues(
            log, [{"qty": 5, "qty_uom": 5, "uom_id": self.product.uom_id.id}]
        )
        self.assertEqual(log.scrap_id.state, "done")
        self.assertEqual(log.scrap_id.scrap_location_id.usage, "inventory")
        self.assertEqual(self._sellable(), 28)
        self.assertEqual(
            self.product.with_context(location=damaged.id).qty_available, 24
        )
        self.assertAlmostEqual(order.order_line.qty_delivered, 43 / 24, places=2)

    def test_pieces_out_of_a_carton_credited_in_pieces(self):
        self.product.invoice_policy = "delivery"
        order = self._wholesale_order(3)
        invoice = order.invoice_ids
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self._set_line(wizard, 5)
        wizard.action_confirm()
        self.assertEqual(self._free_in_stock(), 33)
        credit_note = order.invoice_ids - invoice
        self.assertRecordValues(
            credit_note,
            [{"move_type": "out_refund", "state": "posted", "amount_total": 45.0}],
        )
        self.assertRecordValues(
            credit_note.invoice_line_ids,
            [
                {
                    "quantity": 5,
                    "product_uom_id": self.product.uom_id.id,
                    "price_unit": 9,
                }
            ],
        )
        # nothing left to invoice, nothing to credit twice
        self.assertAlmostEqual(order.order_line.qty_to_invoice, 0, places=2)

    # ------------------------------------------------------------------
    # finding the order, refusals
    # ------------------------------------------------------------------
    def test_reference_lookup(self):
        pos_order = self._pos_sale(3)
        wizard = self._wizard(self.cashier, reference=pos_order.pos_reference)
        self.assertEqual(wizard.pos_order_id, pos_order)
        self.assertFalse(wizard.sale_order_id)
        self.assertEqual(wizard.line_ids.sold_qty, 3)
        order = self._wholesale_order(1, invoice=False)
        order.client_order_ref = "PO-WR-7781"
        for reference in (order.name, " %s " % order.name.lower(), "PO-WR-7781"):
            wizard = self._wizard(self.salesperson, reference=reference)
            self.assertEqual(wizard.sale_order_id, order, reference)
            self.assertEqual(wizard.line_ids.sold_qty, 24)
        # the scan field of the form finds it too
        wizard = self.env["wholesale.return.wizard"].with_user(self.salesperson).new()
        wizard.reference = order.name
        wizard._onchange_reference()
        self.assertEqual(wizard.sale_order_id, order)
        with self.assertRaisesRegex(UserError, "No order with the reference NOPE-42"):
            self._wizard(self.salesperson, reference="NOPE-42")

    def test_fractional_piece_refused(self):
        order = self._wholesale_order(1, invoice=False)
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self._set_line(wizard, 0.1, uom=self.carton)
        with self.assertRaisesRegex(UserError, r"0\.1 .* is 2\.4 Units; return whole"):
            self._rollback_on_error(wizard.action_confirm)
        self._set_line(wizard, -1)
        with self.assertRaisesRegex(UserError, "must be positive"):
            self._rollback_on_error(wizard.action_confirm)
        wizard.line_ids.qty = 0
        with self.assertRaisesRegex(UserError, "on at least one line"):
            self._rollback_on_error(wizard.action_confirm)
        wizard.line_ids.write({"qty": 2, "reason_id": False})
        with self.assertRaisesRegex(UserError, "give the reason"):
            self._rollback_on_error(wizard.action_confirm)
        self.assertFalse(self._logs(order))
        self.assertEqual(order.order_line.qty_delivered, 1)

    def test_origin_of_another_company_refused(self):
        company_b = self.env["res.company"].create({"name": "WR Ret B"})
        self.env.user.company_ids |= company_b
        partner = self.env["res.partner"].create({"name": "WR Ret B customer"})
        self.product.company_id = False
        order_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company_b.id,
                    "order_line": [(0, 0, {"product_id": self.product.id})],
                }
            )
        )
        order_b.with_company(company_b).action_confirm()
        with self.assertRaisesRegex(UserError, "No order with the reference"):
            self._wizard(self.salesperson, reference=order_b.name)
        wizard = self._wizard(self.salesperson, sale_order_id=order_b.id)
        self.assertFalse(wizard.line_ids)
        with self.assertRaisesRegex(UserError, "not one of your current companies"):
            self._rollback_on_error(wizard.action_confirm)

    def test_pos_return_needs_an_open_session(self):
        order = self._pos_sale(5)
        wizard = self._wizard(self.cashier, pos_order_id=order.id)
        self._set_line(wizard, 1)
        self.pos_session.action_pos_session_closing_control()
        self.assertEqual(self.pos_session.state, "closed")
        with self.assertRaisesRegex(UserError, "open the point of sale"):
            self._rollback_on_error(wizard.action_confirm)
        self.assertFalse(self._logs(order))

    # ------------------------------------------------------------------
    # warehouse confirmation
    # ------------------------------------------------------------------
    def test_wholesale_return_waits_for_the_warehouse_scan(self):
        self.company.wholesale_return_needs_scan = True
        order = self._wholesale_order(3)
        invoice = order.invoice_ids
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self.assertTrue(wizard.needs_scan)
        self._set_line(wizard, 1, uom=self.carton)
        wizard.action_confirm()
        log = self._logs(order)
        picking = log.picking_id
        self.assertEqual(log.state, "waiting")
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self._free_in_stock(), 28)
        self.assertEqual(self._sellable(), 28)
        self.assertEqual(order.invoice_ids, invoice)
        # the waiting carton is not returnable twice
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self.assertEqual(wizard.line_ids.returnable_qty, 48)
        # the storekeeper scans and validates
        picking = picking.with_user(self.storekeeper)
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._free_in_stock(), 52)
        self.assertEqual(log.state, "done")
        self.assertEqual(log.date, picking.date_done, "the day the goods came")
        credit_note = order.invoice_ids - invoice
        self.assertRecordValues(
            credit_note,
            [{"move_type": "out_refund", "state": "posted", "amount_total": 216.0}],
        )
        self.assertEqual(log.credit_note_id, credit_note)

    def test_pos_return_waits_for_the_warehouse_scan(self):
        self.company.wholesale_return_needs_scan = True
        order = self._pos_sale(5)
        wizard = self._wizard(self.cashier, pos_order_id=order.id)
        self._set_line(wizard, 2)
        wizard.action_confirm()
        log = self._logs(order)
        self.assertEqual(log.state, "waiting")
        self.assertEqual(log.refund_pos_order_id.state, "paid")
        # refunded, but held out of the sellable stock
        self.assertEqual(self._free_in_stock(), 95)
        self.assertEqual(self._sellable(), 95)
        picking = log.picking_id.with_user(self.storekeeper)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(
            picking.location_id, self.warehouse.wholesale_return_location_id
        )
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(self._free_in_stock(), 97)
        self.assertEqual(self._sellable(), 97)
        self.assertEqual(log.state, "done")

    # ------------------------------------------------------------------
    # more POS cases
    # ------------------------------------------------------------------
    def test_pos_return_with_stock_moved_at_closing(self):
        self.company.point_of_sale_update_stock_quantities = "closing"
        order = self._pos_sale(5)
        self.assertFalse(order.picking_ids)
        self.assertEqual(self._sellable(), 95)
        wizard = self._wizard(self.cashier, pos_order_id=order.id)
        self.assertTrue(wizard.stock_at_closing)
        self._set_line(wizard, 2)
        action = wizard.action_confirm()
        self.assertIn("when its session closes", action["params"]["message"])
        log = self._logs(order)
        self.assertIn("when its session closes", log.note)
        self.assertEqual(log.refund_pos_order_id.state, "paid")
        self.assertFalse(log.picking_id)
        # the pool counts the refund at once, the shelf at the closing
        self.assertEqual(self._sellable(), 97)
        self.assertEqual(self._free_in_stock(), 100)
        self.pos_session.action_pos_session_closing_control()
        self.assertEqual(self.pos_session.state, "closed")
        self.assertEqual(self._free_in_stock(), 97)
        self.assertEqual(self._sellable(), 97)

    def test_invoiced_pos_sale_refunded_with_a_credit_note(self):
        self.open_new_session()
        order = self._sync(
            self.create_ui_order_data(
                [(self.product, 5)], customer=self.customer, is_invoiced=True
            )
        )
        self.assertEqual(order.account_move.state, "posted")
        wizard = self._wizard(self.cashier, pos_order_id=order.id)
        self._set_line(wizard, 2)
        wizard.action_confirm()
        refund = self._logs(order).refund_pos_order_id
        self.assertRecordValues(
            refund.account_move,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "amount_total": 20.0,
                    "reversed_entry_id": order.account_move.id,
                }
            ],
        )

    # ------------------------------------------------------------------
    # the form, the rights
    # ------------------------------------------------------------------
    def test_form_opened_from_a_delivery(self):
        order = self._wholesale_order(2)
        delivery = order.picking_ids
        wizard_model = (
            self.env["wholesale.return.wizard"]
            .with_user(self.salesperson)
            .with_context(default_picking_id=delivery.id)
        )
        with Form(wizard_model) as form:
            self.assertEqual(form.sale_order_id, order)
            form.reason_id = self.reason_damaged
            with form.line_ids.edit(0) as line:
                self.assertEqual(line.returnable_qty, 48)
                self.assertEqual(line.uom_id, self.carton)
                line.qty = 1
                self.assertEqual(line.qty_pieces, 24)
                self.assertEqual(line.reason_id, self.reason_damaged)
                line.disposition = "damaged"
        wizard = form.save()
        wizard.action_confirm()
        log = self._logs(order)
        self.assertRecordValues(
            log,
            [
                {
                    "qty": 24,
                    "reason_id": self.reason_damaged.id,
                    "disposition": "damaged",
                    "picking_id": delivery.return_ids.id,
                }
            ],
        )
        self.assertEqual(
            delivery.return_ids.location_dest_id,
            self.warehouse.wholesale_damaged_location_id,
        )

    def test_access_rights(self):
        order = self._pos_sale(5)
        wizard = self._wizard(self.cashier, pos_order_id=order.id)
        self._set_line(wizard, 1)
        wizard.action_confirm()
        log = self._logs(order)
        Log = self.env["wholesale.return.log"]
        Reason = self.env["wholesale.return.reason"]
        # the cashier returns goods but reads no log; reasons are readable
        self.assertFalse(Log.with_user(self.cashier).has_access("read"))
        self.assertTrue(Reason.with_user(self.cashier).has_access("read"))
        self.assertFalse(Reason.with_user(self.cashier).has_access("create"))
        # wholesale users read the log, nobody writes it but the wizard
        self.assertEqual(log.with_user(self.salesperson).qty, 1)
        manager = new_test_user(
            self.env,
            login="wr_ret_manager",
            groups="wholesale_retail.group_wholesale_manager",
            company_id=self.company.id,
        )
        for user in (self.salesperson, manager):
            for operation in ("write", "create", "unlink"):
                self.assertFalse(
                    Log.with_user(user).has_access(operation), (user.login, operation)
                )
        with self.assertRaises(AccessError):
            log.with_user(manager).qty = 10
        # managers keep the reasons
        self.assertFalse(Reason.with_user(self.salesperson).has_access("write"))
        reason = Reason.with_user(manager).create({"name": "WR Ret Late delivery"})
        self.assertTrue(reason.active)
        self.assertTrue(
            Reason.with_user(self.storekeeper).search([("id", "=", reason.id)])
        )
        # the log of another company is not seen
        company_b = self.env["res.company"].create({"name": "WR Ret Log B"})
        shared = self.env["product.product"].create({"name": "WR Ret Shared"})
        log_b = Log.sudo().create(
            {"company_id": company_b.id, "product_id": shared.id, "qty": 1}
        )
        self.assertEqual(
            Log.with_user(self.salesperson).search([("id", "in", (log | log_b).ids)]),
            log,
        )

    def test_cancelled_waiting_return_is_returnable_again(self):
        self.company.wholesale_return_needs_scan = True
        order = self._wholesale_order(3)
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self._set_line(wizard, 2, uom=self.carton)
        wizard.action_confirm()
        log = self._logs(order)
        log.picking_id.with_user(self.storekeeper).action_cancel()
        self.assertEqual(log.state, "cancel")
        self.assertEqual(self._free_in_stock(), 28)
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self.assertEqual(wizard.line_ids.returnable_qty, 72)
        self.assertEqual(len(order.invoice_ids), 1)

    # ------------------------------------------------------------------
    # the monthly report reads the log
    # ------------------------------------------------------------------
    def test_monthly_report_returns_by_reason_match_the_log(self):
        self.env.user.group_ids |= self.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )
        pos_order = self._pos_sale(5)
        wizard = self._wizard(self.cashier, pos_order_id=pos_order.id)
        self._set_line(wizard, 2)
        wizard.action_confirm()
        order = self._wholesale_order(3)
        self._return_a_damaged_carton(order)
        logs = self._logs(pos_order) | self._logs(order)
        self.assertEqual(set(logs.mapped("state")), {"done"})
        report = self.env["wholesale.monthly.report"].create(
            {
                "date_from": fields.Date.context_today(logs[0]),
                "company_id": self.company.id,
            }
        )
        report.action_compute()
        rows = {
            (row.channel_id, row.reason_id, row.disposition): row
            for row in report.return_ids
        }
        for log in logs:
            row = rows[log.channel_id, log.reason_id, log.disposition]
            self.assertRecordValues(
                row,
                [
                    {
                        "returns": 1,
                        "qty": log.qty,
                        "value_sale": log.value_sale,
                        "value_cost": log.value_cost,
                    }
                ],
            )
        self.assertEqual(len(report.return_ids), 2)
        self.assertEqual(sum(report.return_ids.mapped("qty")), 2 + 24)
        # a channel filter keeps that channel's returns
        counter = self.config._wholesale_channel()
        report.channel_ids = counter
        report.action_compute()
        self.assertEqual(report.return_ids.channel_id, counter)

    def test_order_settled_at_the_pos_returns_through_its_pos_order(self):
        """A wholesale order settled at the shop (pos_sale) left with the POS
        order, not a delivery: Return Goods opened from the sale order (or
        its number scanned) takes that POS order, and a carton comes back
        with a POS refund, its payment and a log row."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 2,
                            "product_uom_id": self.carton.id,
                            "tax_ids": [(5, 0, 0)],
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        self.open_new_session()
        data = self.create_ui_order_data(
            [
                {
                    "product": self.product,
                    "quantity": 48,
                    "sale_order_origin_id": order.id,
                    "sale_order_line_id": order.order_line.id,
                }
            ],
            customer=self.wholesaler,
        )
        pos_order = self._sync(data)
        self.assertEqual(pos_order.state, "paid")
        self.assertEqual(order.order_line.qty_delivered, 2)  # cartons
        self.assertEqual(self._free_in_stock(), 52)

        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self.assertEqual(wizard.pos_order_id, pos_order)
        self.assertFalse(wizard.sale_order_id)
        self.assertEqual(
            self.env["wholesale.return.wizard"]
            .with_user(self.salesperson)
            ._find_origin(order.name),
            (self.env["sale.order"], pos_order),
        )
        self._set_line(wizard, 1, uom=self.carton, reason=self.reason_damaged)
        wizard.action_confirm()

        self.assertEqual(self._free_in_stock(), 76)
        log = self._logs(pos_order)
        self.assertRecordValues(
            log,
            [
                {
                    "qty": 24,
                    "qty_uom": 1,
                    "uom_id": self.carton.id,
                    "reason_id": self.reason_damaged.id,
                    "state": "done",
                    "value_sale": 240.0,
                    # counted where the report counts the sale: the order's
                    "channel_id": order.wholesale_channel_id.id,
                }
            ],
        )
        self.assertEqual(log.refund_pos_order_id.state, "paid")
        self.assertEqual(log.refund_pos_order_id.amount_total, -240.0)
        self.assertEqual(
            log.refund_pos_order_id.lines.refunded_orderline_id, pos_order.lines
        )

    def _scan_part_of_the_return(self, picking, pieces, backorder):
        """The storekeeper receives ``pieces`` of a waiting return and, when
        that is less than announced, answers core's backorder question."""
        picking = picking.with_user(self.storekeeper)
        move = picking.move_ids
        move.quantity = self.product.uom_id._compute_quantity(
            pieces, move.product_uom, round=False
        )
        move.picked = True
        action = picking.button_validate()
        if isinstance(action, dict):  # less than announced: core asks
            self.assertEqual(action["res_model"], "stock.backorder.confirmation")
            confirmation = Form(
                self.env[action["res_model"]]
                .with_user(self.storekeeper)
                .with_context(action["context"])
            ).save()
            if backorder:
                confirmation.process()
            else:
                confirmation.process_cancel_backorder()
        self.assertEqual(picking.state, "done")

    def test_a_return_scanned_in_part_logs_what_came(self):
        """2 cartons announced, 1 received with a backorder: the log says 1
        carton done (credited), 1 carton waiting in the backorder; the
        backorder scanned later completes it and credits the second."""
        self.company.wholesale_return_needs_scan = True
        order = self._wholesale_order(3)
        invoice = order.invoice_ids
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self._set_line(wizard, 2, uom=self.carton, reason=self.reason_damaged)
        wizard.action_confirm()
        log = self._logs(order)
        self.assertRecordValues(log, [{"qty": 48, "qty_uom": 2, "state": "waiting"}])
        picking = log.picking_id

        self._scan_part_of_the_return(picking, 24, backorder=True)

        logs = self._logs(order).sorted("id")
        backorder = picking.backorder_ids
        self.assertEqual(len(backorder), 1)
        self.assertRecordValues(
            logs,
            [
                {
                    "qty": 24,
                    "qty_uom": 1,
                    "uom_id": self.carton.id,
                    "value_sale": 216.0,
                    "state": "done",
                    "picking_id": picking.id,
                    "reason_id": self.reason_damaged.id,
                },
                {
                    "qty": 24,
                    "qty_uom": 1,
                    "uom_id": self.carton.id,
                    "value_sale": 216.0,
                    "state": "waiting",
                    "picking_id": backorder.id,
                    "reason_id": self.reason_damaged.id,
                },
            ],
        )
        first_note = order.invoice_ids - invoice
        self.assertEqual(first_note.amount_total, 216.0)
        self.assertEqual(self._free_in_stock(), 52)

        self._scan_part_of_the_return(backorder, 24, backorder=False)
        self.assertEqual(logs.mapped("state"), ["done", "done"])
        second_note = order.invoice_ids - invoice - first_note
        self.assertEqual(second_note.amount_total, 216.0)
        self.assertEqual(self._free_in_stock(), 76)

    def test_a_return_scanned_short_without_backorder(self):
        """1 carton of the 2 announced came, no backorder: the log keeps 1
        carton (and its credit), and says the other did not come."""
        self.company.wholesale_return_needs_scan = True
        order = self._wholesale_order(3)
        invoice = order.invoice_ids
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self._set_line(wizard, 2, uom=self.carton)
        wizard.action_confirm()
        picking = self._logs(order).picking_id

        self._scan_part_of_the_return(picking, 24, backorder=False)

        log = self._logs(order)
        self.assertRecordValues(
            log, [{"qty": 24, "qty_uom": 1, "state": "done", "value_sale": 216.0}]
        )
        self.assertIn("not received", log.note)
        self.assertEqual((order.invoice_ids - invoice).amount_total, 216.0)
        self.assertEqual(self._free_in_stock(), 52)
        # the carton that never came may still come back
        wizard = self._wizard(self.salesperson, sale_order_id=order.id)
        self.assertEqual(wizard.line_ids.returnable_qty, 48)

    def test_ticket_refund_reasons_never_refuse_a_paid_refund(self):
        """A refund synced with a reason the POS still had cached but that
        was deleted since, or another company's, is taken without it; a valid
        one is written to the log. The cashier syncs, offline or not."""
        order = self._pos_sale(5)
        other_company = self.env["res.company"].create({"name": "WR Ret Other Co"})
        foreign = self.env["wholesale.return.reason"].create(
            {"name": "WR Foreign", "company_id": other_company.id}
        )
        deleted = self.env["wholesale.return.reason"].create({"name": "WR Gone"})
        gone_id = deleted.id
        deleted.unlink()
        for reason_id, expected in (
            (gone_id, False),
            (foreign.id, False),
            ("not an id", False),
            (self.reason_damaged.id, self.reason_damaged.id),
        ):
            data = self.create_ui_order_data(
                [
                    {
                        "product": self.product,
                        "quantity": -1,
                        "refunded_orderline_id": order.lines.id,
                    }
                ],
                {"is_refund": True, "wholesale_return_reason_id": reason_id},
            )
            refund = self.env["pos.order"].with_user(self.cashier).sync_from_ui([data])
            refund = self.env["pos.order"].search([("uuid", "=", data["uuid"])])
            self.assertEqual(refund.state, "paid", reason_id)
            log = self.env["wholesale.return.log"].search(
                [("refund_pos_order_id", "=", refund.id)]
            )
            self.assertRecordValues(log, [{"qty": 1, "reason_id": expected}])
        self.assertEqual(order.lines.refunded_qty, 4)
        self.assertEqual(self._free_in_stock(), 99)
