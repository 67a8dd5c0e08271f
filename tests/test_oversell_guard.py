from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import WholesalePoolCommon


@tagged("post_install", "-at_install")
class TestOversellGuard(WholesalePoolCommon):
    """One stock pool: no oversell between wholesale orders, deliveries and POS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rice = cls.create_product("WR Rice Cooker", cls.categ_basic, 30.0, 20.0)
        cls.soap = cls.create_product("WR Soap", cls.categ_basic, 2.0, 1.0)
        cls.adjust_inventory([cls.rice, cls.soap], [10, 50])
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Sub-distributor", "wholesale_customer": True}
        )
        cls.retail_customer = cls.env["res.partner"].create({"name": "WR Walk-in"})
        cls.config = cls.basic_config

    def _order(self, partner, product, qty):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                ],
            }
        )

    def _pool_version(self, product):
        row = self.env["wholesale.stock.pool"].search(
            [("product_id", "=", product.id), ("warehouse_id", "=", self.warehouse.id)]
        )
        return row.version

    # ------------------------------------------------------------------
    # Wholesale confirmation
    # ------------------------------------------------------------------
    def test_wholesale_confirmation_refused_says_what_is_available(self):
        self.assertEqual(self.warehouse.wholesale_oversell_policy, "refuse")
        order = self._order(self.wholesaler, self.rice, 12)
        with self.assertRaisesRegex(UserError, r"12 pcs ordered, only 10 pcs"):
            self._rollback_on_error(order.action_confirm)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)
        self.assertEqual(
            self.rice.with_context(warehouse_id=self.warehouse.id).free_qty, 10
        )
        # within the free quantity it confirms, reserves and bumps the pool row
        order.order_line.product_uom_qty = 10
        order.action_confirm()
        self.assertEqual(order.picking_ids.move_ids.quantity, 10)
        self.assertGreaterEqual(self._pool_version(self.rice), 1)
        # the reserved stock is not free for the next wholesale order
        with self.assertRaisesRegex(UserError, r"only 0 pcs free"):
            self._order(self.wholesaler, self.rice, 1).action_confirm()

    def test_wholesale_confirmation_backorder_policy(self):
        self.warehouse.wholesale_oversell_policy = "backorder"
        order = self._order(self.wholesaler, self.rice, 12)
        order.action_confirm()
        move = order.picking_ids.move_ids
        self.assertEqual(order.state, "sale")
        self.assertEqual(move.state, "partially_available")
        self.assertEqual(move.quantity, 10)
        self.assertEqual(move.product_uom_qty, 12)

    def test_retail_order_and_guard_off_keep_core_behaviour(self):
        # a non-wholesale order beyond stock is confirmed as in core
        order = self._order(self.retail_customer, self.rice, 15)
        order.action_confirm()
        self.assertEqual(order.picking_ids.move_ids.quantity, 10)
        # guard off: no pool row is touched, a wholesale order is not refused
        self.env["ir.config_parameter"].set_param(
            "wholesale_retail.oversell_guard", "0"
        )
        version = self._pool_version(self.rice)
        wholesale = self._order(self.wholesaler, self.rice, 5)
        wholesale.action_confirm()
        self.assertEqual(wholesale.state, "sale")
        self.assertEqual(self._pool_version(self.rice), version)

    # ------------------------------------------------------------------
    # Delivery validation
    # ------------------------------------------------------------------
    def _deliver_beyond_free_stock(self):
        """A wholesale order reserves 6 of 10; a retail delivery of 4 is
        validated for 8: refused, the wholesale reservation untouched."""
        wholesale = self._order(self.wholesaler, self.rice, 6)
        wholesale.action_confirm()
        retail = self._order(self.retail_customer, self.rice, 4)
        retail.action_confirm()
        picking = retail.picking_ids
        picking.move_ids.quantity = 8
        picking.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "reserved for the wholesale order"):
            self._rollback_on_error(picking.button_validate)
        self.assertEqual(wholesale.picking_ids.move_ids.quantity, 6)
        return wholesale, picking

    def test_delivery_never_takes_a_reservation_silently(self):
        wholesale, picking = self._deliver_beyond_free_stock()
        self.assertEqual(picking.state, "assigned")
        # with the backorder policy it goes through, and the robbed transfer says so
        self.warehouse.wholesale_oversell_policy = "backorder"
        picking.move_ids.quantity = 8
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.rice.qty_available, 2)
        robbed = wholesale.picking_ids
        self.assertIn(
            "The validation of %s took 4 pcs of WR Rice Cooker" % picking.name,
            robbed.message_ids[0].body,
        )

    def test_damaged_returns_hide_no_reservation_taking(self):
        """Returned goods kept in the warehouse's Damaged location are not
        free stock: delivering beyond the free stock still takes the
        wholesale order's reservation, and is refused."""
        damaged = self.warehouse._wholesale_return_location("damaged")
        self.env["stock.quant"]._update_available_quantity(self.rice, damaged, 5)
        self._deliver_beyond_free_stock()

    # ------------------------------------------------------------------
    # POS
    # ------------------------------------------------------------------
    def test_pos_online_sale_beyond_free_stock_is_refused(self):
        self.assertEqual(self.config.picking_type_id.warehouse_id, self.warehouse)
        self._order(self.wholesaler, self.rice, 8).action_confirm()
        self.open_new_session()
        data = self.create_ui_order_data([(self.rice, 3), (self.soap, 1)])
        with self.assertRaisesRegex(
            UserError, r"WR Rice Cooker: 3 pcs in the order, 2 pcs may be sold here"
        ):
            self._rollback_on_error(self._sync, data, online=True)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assertEqual(self.soap.qty_available, 50)
        # within the sellable quantity, the online sale goes through
        order = self._sync(self.create_ui_order_data([(self.rice, 2)]), online=True)
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.rice.qty_available, 8)
        self.assertFalse(order.wholesale_oversell_incident_ids)
        self.assertEqual(
            self.rice._wholesale_sellable_qty(self.warehouse)[self.rice.id], 0
        )

    def _default_rule(self):
        rule = self.env["wholesale.channel.rule"].search(
            [
                ("warehouse_id", "=", self.warehouse.id),
                ("is_warehouse_default", "=", True),
            ]
        )
        self.assertEqual(len(rule), 1)
        return rule

    def test_pos_policy_per_warehouse(self):
        """Default: only stock that wholesale orders hold is protected."""
        default = self._default_rule()
        self.assertRecordValues(
            default,
            [
                {
                    "action": "protect",
                    "threshold": 0.0,
                    "scope": "all",
                    "channel_ids": [],
                }
            ],
        )
        self.open_new_session()
        # no wholesale order holds soap: the online sale beyond stock goes
        # through (core POS behaviour) and the incident says so
        order = self._sync(self.create_ui_order_data([(self.soap, 52)]), online=True)
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.soap.qty_available, -2)
        self.assertRecordValues(
            order.wholesale_oversell_incident_ids,
            [{"product_id": self.soap.id, "quantity_short": 2.0}],
        )
        # "refuse" refuses every online sale beyond the free quantity
        default.action = "block"
        data = self.create_ui_order_data([(self.rice, 11)])
        with self.assertRaisesRegex(UserError, r"WR Rice Cooker: 11 pcs"):
            self._rollback_on_error(self._sync, data, online=True)
        self.assertEqual(self.rice.qty_available, 10)
        # "allow" never refuses, even stock held for a wholesale order
        self._order(self.wholesaler, self.rice, 8).action_confirm()
        default.action = "warn"
        order = self._sync(self.create_ui_order_data([(self.rice, 3)]), online=True)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.wholesale_oversell_incident_ids.quantity_short, 1.0)

    def test_late_offline_order_is_accepted_with_an_incident(self):
        self.open_new_session()
        data = self.create_ui_order_data([(self.rice, 13)])
        order = self._sync(data)  # no online mark: it was paid while offline
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(self.rice.qty_available, -3)
        incident = order.wholesale_oversell_incident_ids
        self.assertRecordValues(
            incident,
            [
                {
                    "product_id": self.rice.id,
                    "warehouse_id": self.warehouse.id,
                    "quantity_sold": 13,
                    "quantity_available": 10,
                    "quantity_short": 3,
                    "session_id": self.pos_session.id,
                    "company_id": self.company.id,
                    "state": "open",
                }
            ],
        )
        self.assertTrue(incident.date)
        self.assertIn(self.stock_manager, incident.activity_ids.user_id)
        incident.action_settle()
        self.assertEqual(incident.state, "done")
        self.assertFalse(incident.activity_ids)
        # the company rule: another company's incident is not visible
        other = self.env["res.company"].create({"name": "WR Other Co"})
        foreign = self.env["wholesale.oversell.incident"].create(
            {
                "company_id": other.id,
                "product_id": self.env["product.product"]
                .create({"name": "WR Foreign", "company_id": other.id})
                .id,
                "warehouse_id": self.env["stock.warehouse"]
                .search([("company_id", "=", other.id)], limit=1)
                .id,
                "quantity_short": 1,
            }
        )
        visible = (
            self.env["wholesale.oversell.incident"]
            .with_user(self.stock_manager)
            .search([])
        )
        self.assertIn(incident, visible)
        self.assertNotIn(foreign, visible)

    # ------------------------------------------------------------------
    # Availability API
    # ------------------------------------------------------------------
    def test_sellable_quantity_api_one_query(self):
        self._order(self.wholesaler, self.rice, 4).action_confirm()
        products = (
            self.rice
            | self.soap
            | self.env["product.product"].create(
                {"name": "WR Empty", "is_storable": True}
            )
        )
        self.env.flush_all()
        with self.assertQueryCount(1):
            sellable = products._wholesale_sellable_qty(self.warehouse, channel="pos")
        self.assertEqual(
            sellable, {self.rice.id: 6, self.soap.id: 50, products[2].id: 0}
        )
        with self.assertRaises(ValueError):
            products._wholesale_sellable_qty(self.warehouse, channel="fax")

    def test_pos_availability_payload_storable_products_only(self):
        self.rice.product_tmpl_id._wholesale_set_ladder(
            [{"name": "Carton", "pieces": 12}]
        )
        service = self.env["product.product"].create(
            {"name": "WR Gift Wrap", "type": "service"}
        )
        missing = self.env["product.product"].search([], order="id desc", limit=1)
        ids = [self.soap.id, service.id, missing.id + 1000, self.rice.id]
        payload = self.config._wholesale_availability_payload(ids)
        self.assertEqual(list(payload), [self.soap.id, self.rice.id])
        self.assertEqual(payload[self.rice.id]["qty"], 10)
        self.assertEqual(payload[self.rice.id]["step"], ["Carton", 12])
        self.assertEqual(payload[self.soap.id]["qty"], 50)
        self.assertFalse(payload[self.soap.id]["step"])
        availability = (self.rice | service)._wholesale_channel_availability(
            self.config._wholesale_channel(), warehouse=self.warehouse
        )
        self.assertIsNone(availability[service.id]["qty"])
        self.assertEqual(availability[self.rice.id]["free"], 10)
