from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import ONLINE, WholesalePoolCommon


@tagged("post_install", "-at_install")
class TestPoolFlows(WholesalePoolCommon):
    """Everyday flows that must keep the one pool right, as real users run them.

    Each test starts from a fresh product with 10 pieces on hand, default
    settings unless it says otherwise, and acts as the user who does it in a
    shop: a cashier with only the Point of Sale / User rights, a salesperson.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.config = cls.basic_config
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Flow Wholesaler", "wholesale_customer": True}
        )
        cls.cashier = new_test_user(
            cls.env,
            login="wr_flow_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=cls.company.id,
        )

    def setUp(self):
        super().setUp()
        self.product = self.create_product(
            "WR Flow Kettle %s" % self.id().rsplit(".", 1)[-1],
            self.categ_basic,
            30.0,
            20.0,
        )
        self.adjust_inventory([self.product], [10])

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _wholesale_order(self, qty, confirm=True, product=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": (product or self.product).id,
                            "product_uom_qty": qty,
                        },
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _sync(self, data, online=False, user=None, context=None):
        orders = self.env["pos.order"].with_user(user or self.env.user)
        ctx = dict(context or {})
        if online:
            ctx[ONLINE] = data["uuid"]
        orders.with_context(**ctx).sync_from_ui([data])
        return self.env["pos.order"].search([("uuid", "=", data["uuid"])])

    def _version(self):
        self.env.invalidate_all()  # the row is bumped in SQL
        row = self.env["wholesale.stock.pool"].search(
            [
                ("product_id", "=", self.product.id),
                ("warehouse_id", "=", self.warehouse.id),
            ]
        )
        return row.version

    def _on_hand(self):
        self.env.invalidate_all()
        return self.product.with_context(warehouse_id=self.warehouse.id).qty_available

    def _sellable(self):
        self.env.invalidate_all()
        return self.product._wholesale_sellable_qty(self.warehouse)[self.product.id]

    # ------------------------------------------------------------------
    # 1. stock moved at the session closing
    # ------------------------------------------------------------------
    def test_closing_mode_sales_count_and_the_closing_moves_the_goods(self):
        self.company.point_of_sale_update_stock_quantities = "closing"
        self.open_new_session()
        self.assertTrue(self.pos_session.update_stock_at_closing)
        order = self._sync(self.create_ui_order_data([(self.product, 8)]))
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.picking_ids)
        self.assertEqual(self._on_hand(), 10)  # the quants wait for the closing
        self.assertEqual(self._sellable(), 2)
        # the refuse policy counts the session's sales
        wholesale = self._wholesale_order(5, confirm=False)
        with self.assertRaisesRegex(UserError, r"5 pcs ordered, only 2 pcs"):
            self._rollback_on_error(wholesale.action_confirm)
        self.assertEqual(wholesale.state, "draft")
        # with the backorder policy the order reserves 5 of the 10 in the quants;
        # the closing must still move the 8 sold, take 3 of that reservation,
        # and say so, never leave the POS picking open
        self.warehouse.wholesale_oversell_policy = "backorder"
        wholesale.action_confirm()
        self.assertEqual(wholesale.picking_ids.move_ids.quantity, 5)
        self.pos_session.action_pos_session_closing_control()
        self.assertEqual(self.pos_session.state, "closed")
        pos_picking = self.pos_session.picking_ids
        self.assertEqual(pos_picking.mapped("state"), ["done"])
        self.assertEqual(self._on_hand(), 2)
        incident = self.env["wholesale.oversell.incident"].search(
            [("product_id", "=", self.product.id)]
        )
        self.assertRecordValues(
            incident,
            [
                {
                    "quantity_sold": 8,
                    "quantity_short": 3,
                    "session_id": self.pos_session.id,
                    "picking_id": pos_picking.id,
                    "warehouse_id": self.warehouse.id,
                }
            ],
        )
        self.assertIn(self.stock_manager, incident.activity_ids.user_id)
        self.assertIn("took 3 pcs", wholesale.picking_ids.message_ids[0].body or "")

    # ------------------------------------------------------------------
    # 2. a wholesale order settled at the shop (pos_sale)
    # ------------------------------------------------------------------
    def _settlement_data(self, order, qty):
        line = order.order_line
        return self.create_ui_order_data(
            [
                {
                    "product": self.product,
                    "quantity": qty,
                    "sale_order_origin_id": order.id,
                    "sale_order_line_id": line.id,
                }
            ],
            customer=self.wholesaler,
        )

    def test_settling_a_reserved_wholesale_order_at_the_pos(self):
        order = self._wholesale_order(10)
        self.assertEqual(order.picking_ids.move_ids.quantity, 10)
        self.assertEqual(self._sellable(), 0)
        self.open_new_session()
        data = self._settlement_data(order, 10)
        # the cashier's payment screen asks first, then pays online
        lines = [
            {
                "product_id": self.product.id,
                "qty": 10,
                "sale_order_line_id": order.order_line.id,
            }
        ]
        check = self.config.with_user(self.cashier).wholesale_check_order(
            lines, partner_id=self.wholesaler.id
        )
        self.assertEqual(check, {"message": False})
        # the same lines for another customer take nothing of that order
        check = self.config.with_user(self.cashier).wholesale_check_order(lines)
        self.assertIn("10 pcs in the order, 0 pcs may be sold here", check["message"])
        # (settling a sale order needs sales rights in core pos_sale)
        pos_order = self._sync(data, online=True)
        self.assertEqual(pos_order.state, "paid")
        self.assertFalse(pos_order.wholesale_oversell_incident_ids)
        self.assertEqual(self._on_hand(), 0)
        self.assertEqual(order.order_line.qty_delivered, 10)
        self.assertEqual(order.picking_ids.mapped("state"), ["cancel"])

    def test_a_settlement_takes_only_what_it_settles(self):
        """Settling 1 of a reserved order does not free its other 9 for the
        rest of the POS order, and a line pointing at another customer's
        order takes nothing of it."""
        order = self._wholesale_order(10)
        self.open_new_session()
        data = self.create_ui_order_data(
            [
                {
                    "product": self.product,
                    "quantity": 1,
                    "sale_order_origin_id": order.id,
                    "sale_order_line_id": order.order_line.id,
                },
                (self.product, 9),
            ],
            customer=self.wholesaler,
        )
        with self.assertRaisesRegex(
            UserError, r"10 pcs in the order, 1 pcs may be sold here"
        ):
            self._rollback_on_error(self._sync, data, online=True)
        stranger = self.env["res.partner"].create({"name": "WR Flow Stranger"})
        data = self.create_ui_order_data(
            [
                {
                    "product": self.product,
                    "quantity": 2,
                    "sale_order_origin_id": order.id,
                    "sale_order_line_id": order.order_line.id,
                }
            ],
            customer=stranger,
        )
        with self.assertRaisesRegex(
            UserError, r"2 pcs in the order, 0 pcs may be sold here"
        ):
            self._rollback_on_error(self._sync, data, online=True)
        self.assertEqual(order.picking_ids.move_ids.quantity, 10)

    def test_settling_offline_records_no_false_incident(self):
        order = self._wholesale_order(10)
        self.open_new_session()
        pos_order = self._sync(self._settlement_data(order, 10))
        self.assertEqual(pos_order.state, "paid")
        self.assertFalse(
            self.env["wholesale.oversell.incident"].search(
                [("product_id", "=", self.product.id)]
            )
        )
        self.assertEqual(self._on_hand(), 0)

    def test_pos_sale_confirms_a_quotation_after_the_goods_left(self):
        """pos_sale confirms the quotation it settled during the sync: the
        wholesale rules (minimum, refusal beyond stock) must not undo a sale
        whose goods and money have moved."""
        # another wholesale order holds 6: only 4 are sellable
        self._wholesale_order(6)
        # the quotation is below the product's wholesale minimum and asks for
        # more than is sellable: a salesperson could not confirm it
        self.product.product_tmpl_id.wholesale_min_qty = 100
        quotation = self._wholesale_order(10, confirm=False)
        self.open_new_session()
        pos_order = self._sync(self._settlement_data(quotation, 4))
        self.assertEqual(pos_order.state, "paid")
        self.assertEqual(quotation.state, "sale")
        # a salesperson confirming the same kind of order still meets the rules
        other = self._wholesale_order(10, confirm=False)
        with self.assertRaisesRegex(UserError, "at least 100"):
            self._rollback_on_error(other.action_confirm)

    # ------------------------------------------------------------------
    # 3. a cashier with the POS User rights only
    # ------------------------------------------------------------------
    def test_cashier_with_pos_rights_gets_the_clear_refusal(self):
        self._wholesale_order(8)
        self.open_new_session()
        data = self.create_ui_order_data([(self.product, 3)])
        lines = [{"product_id": self.product.id, "qty": 3, "sale_order_line_id": False}]
        check = self.config.with_user(self.cashier).wholesale_check_order(lines)
        self.assertIn("3 pcs in the order, 2 pcs may be sold here", check["message"])
        with self.assertRaisesRegex(
            UserError, r"3 pcs in the order, 2 pcs may be sold here"
        ):
            self._rollback_on_error(self._sync, data, online=True, user=self.cashier)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        # offline, the same sale is accepted and recorded
        order = self._sync(data, user=self.cashier)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(
            order.sudo().wholesale_oversell_incident_ids.quantity_short, 1.0
        )

    def test_payment_screen_check_rejects_malformed_lines(self):
        with self.assertRaises(UserError):
            self.config.with_user(self.cashier).wholesale_check_order("nope")
        self.assertEqual(
            self.config.with_user(self.cashier).wholesale_check_order(
                [{"product_id": 0, "qty": 5}]
            ),
            {"message": False},
        )

    # ------------------------------------------------------------------
    # Paths that reserve or consume
    # ------------------------------------------------------------------
    def test_detailed_operations_reservation_takes_the_pool_row(self):
        self.warehouse.out_type_id.reservation_method = "manual"
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 4,
                            "location_id": self.stock.id,
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        self.assertEqual(picking.move_ids.quantity, 0)
        before = self._version()
        self.env["stock.move.line"].create(
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": self.product.id,
                "location_id": self.stock.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "quantity": 4,
            }
        )
        self.assertGreater(self._version(), before)
        before = self._version()
        picking.move_line_ids.quantity = 3
        self.assertGreater(self._version(), before)

    def test_manual_reservation_two_wholesale_orders_for_the_last_10(self):
        self.warehouse.out_type_id.reservation_method = "manual"
        first = self._wholesale_order(10)
        self.assertEqual(first.state, "sale")
        self.assertEqual(first.picking_ids.move_ids.quantity, 0)  # nothing reserved
        self.assertEqual(self._sellable(), 0)
        second = self._wholesale_order(10, confirm=False)
        with self.assertRaisesRegex(UserError, r"10 pcs ordered, only 0 pcs"):
            self._rollback_on_error(second.action_confirm)
        self.assertEqual(second.state, "draft")

    def test_stock_outside_the_source_location_is_not_sellable(self):
        quality = self.env["stock.location"].create(
            {
                "name": "WR Quality Control",
                "usage": "internal",
                "location_id": self.warehouse.view_location_id.id,
            }
        )
        self.env["stock.quant"]._update_available_quantity(self.product, quality, 5)
        self.assertEqual(
            self.product.with_context(warehouse_id=self.warehouse.id).free_qty, 15
        )
        self.assertEqual(self._sellable(), 10)
        order = self._wholesale_order(12, confirm=False)
        with self.assertRaisesRegex(UserError, r"12 pcs ordered, only 10 pcs"):
            self._rollback_on_error(order.action_confirm)

    def test_receipts_and_the_scheduler_take_no_pool_row(self):
        self.warehouse.out_type_id.reservation_method = "manual"
        order = self._wholesale_order(4)
        move = order.picking_ids.move_ids
        self.assertEqual(move.quantity, 0)
        move.reservation_date = move.date.date()  # due: the scheduler reserves it
        before = self._version()
        self.env["stock.rule"].run_scheduler()
        self.assertEqual(move.quantity, 4)  # the scheduler reserved it
        self.assertEqual(self._version(), before)
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 5,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": self.stock.id,
                        },
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.quantity = 5
        receipt.move_ids.picked = True
        receipt._action_done()
        self.assertEqual(self._on_hand(), 15)
        self.assertEqual(self._version(), before)

    # ------------------------------------------------------------------
    # Client context cannot relax a check
    # ------------------------------------------------------------------
    def test_client_context_keys_relax_nothing(self):
        relaxing = {
            "wholesale_retail_allow_oversell": True,
            "wholesale_retail_exclude_pos_order_ids": list(range(1, 1000)),
        }
        wholesale = self._wholesale_order(6)
        retail = self.env["sale.order"].create(
            {
                "partner_id": self.partner_a.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 4})
                ],
            }
        )
        retail.action_confirm()
        picking = retail.picking_ids
        picking.move_ids.quantity = 8
        picking.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "reserved for the wholesale order"):
            self._rollback_on_error(picking.with_context(**relaxing).button_validate)
        self.assertEqual(wholesale.picking_ids.move_ids.quantity, 6)
        # the POS online check ignores them too
        self.open_new_session()
        data = self.create_ui_order_data([(self.product, 3)])
        with self.assertRaisesRegex(UserError, r"3 pcs in the order"):
            self._rollback_on_error(
                self._sync, data, online=True, user=self.cashier, context=relaxing
            )
        # and a wholesale confirmation too
        more = self._wholesale_order(1, confirm=False)
        with self.assertRaisesRegex(UserError, "only 0 pcs free"):
            self._rollback_on_error(more.with_context(**relaxing).action_confirm)
