import importlib.util
import json
from pathlib import Path

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import WholesalePoolCommon

MIGRATION = (
    Path(__file__).resolve().parent.parent
    / "migrations"
    / "19.0.1.1.0"
    / "post-migrate.py"
)


@tagged("post_install", "-at_install")
class TestChannelRules(WholesalePoolCommon):
    """Which rule holds stock back from which channel, and what it leaves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.household = Category.create({"name": "WR Household"})
        cls.kitchen = Category.create(
            {"name": "WR Kitchen", "parent_id": cls.household.id}
        )
        cls.kettle = cls.create_product("WR Kettle", cls.categ_basic, 20.0, 10.0)
        cls.kettle.categ_id = cls.kitchen
        cls.pan = cls.create_product("WR Pan", cls.categ_basic, 15.0, 8.0)
        cls.pan.categ_id = cls.kitchen
        cls.broom = cls.create_product("WR Broom", cls.categ_basic, 5.0, 2.0)
        cls.broom.categ_id = cls.household
        cls.adjust_inventory([cls.kettle, cls.pan, cls.broom], [100, 100, 100])
        cls.kettle.product_tmpl_id._wholesale_set_ladder(
            [{"name": "Carton", "pieces": 12, "barcode": "WRKETTLE12"}],
            wholesale_step="Carton",
        )
        cls.config = cls.basic_config
        cls.pos = cls.config._wholesale_channel()
        cls.desk = cls.env["wholesale.sales.channel"]._wholesale_desk(cls.company)
        cls.Rule = cls.env["wholesale.channel.rule"]
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Rules Sub-distributor", "wholesale_customer": True}
        )

    def _rule(self, name, **values):
        return self.Rule.create({"name": name, **values})

    def _availability(self, channel=None, products=None):
        products = products or (self.kettle | self.pan | self.broom)
        return products._wholesale_channel_availability(
            channel or self.pos, warehouse=self.warehouse
        )

    def _qty(self, product, channel=None):
        return self._availability(channel, product)[product.id]["qty"]

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------
    def test_channels_of_pos_and_company(self):
        self.assertRecordValues(
            self.pos,
            [
                {
                    "kind": "pos",
                    "pos_config_id": self.config.id,
                    "warehouse_id": self.warehouse.id,
                    "is_retail": True,
                    "name": self.config.name,
                }
            ],
        )
        self.assertRecordValues(self.desk, [{"kind": "wholesale", "is_retail": False}])
        config = self.env["pos.config"].create({"name": "WR Kiosk"})
        self.assertEqual(config._wholesale_channel().name, "WR Kiosk")
        config.name = "WR Kiosk 2"
        self.assertEqual(config._wholesale_channel().name, "WR Kiosk 2")
        # the warehouse's default rule: protect, for every retail channel
        self.assertRecordValues(
            self.Rule.search([("warehouse_id", "=", self.warehouse.id)]),
            [{"is_warehouse_default": True, "action": "protect", "threshold": 0.0}],
        )
        warehouse = self.env["stock.warehouse"].create(
            {"name": "WR Annex", "code": "WRAX", "company_id": self.company.id}
        )
        self.assertEqual(warehouse.wholesale_channel_rule_ids.action, "protect")

    # ------------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------------
    def test_no_rule_but_the_default_leaves_the_free_quantity(self):
        values = self._availability()[self.kettle.id]
        self.assertEqual(values["qty"], 100)
        self.assertEqual(values["free"], 100)
        self.assertEqual(values["action"], "protect")
        # non-storable products are not limited
        service = self.env["product.product"].create(
            {"name": "WR Delivery fee", "type": "service"}
        )
        self.assertIsNone(self._availability(products=service)[service.id]["qty"])

    def test_the_most_specific_scope_wins(self):
        everything = self._rule("Keep 5", threshold=5, action="block")
        household = self._rule(
            "Household 10", scope="category", categ_id=self.household.id, threshold=10
        )
        kitchen = self._rule(
            "Kitchen 20",
            scope="category",
            categ_id=self.kitchen.id,
            threshold=20,
            action="hide",
        )
        kettle = self._rule(
            "Kettle 30", scope="product", product_id=self.kettle.id, threshold=30
        )
        availability = self._availability()
        self.assertEqual(availability[self.kettle.id]["rule_id"], kettle.id)
        self.assertEqual(availability[self.kettle.id]["qty"], 70)
        # the deepest category before its parent
        self.assertEqual(availability[self.pan.id]["rule_id"], kitchen.id)
        self.assertEqual(availability[self.pan.id]["action"], "hide")
        self.assertEqual(availability[self.pan.id]["qty"], 80)
        self.assertEqual(availability[self.broom.id]["rule_id"], household.id)
        # a warehouse's own rule before the company-wide one of the same scope
        annex = self._rule(
            "Main warehouse keeps 40", threshold=40, warehouse_id=self.warehouse.id
        )
        other = self.env["product.product"].create(
            {"name": "WR Mop", "is_storable": True, "categ_id": self.categ_basic.id}
        )
        self.assertEqual(
            self._availability(products=other)[other.id]["rule_id"], annex.id
        )
        annex.active = False
        self.assertEqual(
            self._availability(products=other)[other.id]["rule_id"], everything.id
        )

    def test_priority_decides_between_rules_of_the_same_scope(self):
        low = self._rule("Low", threshold=5, priority=1)
        high = self._rule("High", threshold=50, priority=9)
        self.assertEqual(self._availability()[self.broom.id]["rule_id"], high.id)
        high.priority = 0
        self.assertEqual(self._availability()[self.broom.id]["rule_id"], low.id)
        # priority does not beat a more specific scope
        broom = self._rule(
            "Broom", scope="product", product_id=self.broom.id, threshold=1, priority=-5
        )
        high.priority = 99
        self.assertEqual(self._availability()[self.broom.id]["rule_id"], broom.id)

    def test_threshold_in_a_unit_of_the_ladder(self):
        cartons = self._rule(
            "Below 2 cartons",
            scope="category",
            categ_id=self.kitchen.id,
            threshold=2,
            threshold_unit="carton",
        )
        fallback = self._rule("Keep 3", threshold=3)
        availability = self._availability()
        # the kettle's carton is 12 pieces: 24 held back
        self.assertEqual(availability[self.kettle.id]["rule_id"], cartons.id)
        self.assertEqual(availability[self.kettle.id]["qty"], 76)
        # the pan has no carton: the next rule holds
        self.assertEqual(availability[self.pan.id]["rule_id"], fallback.id)
        self.assertEqual(availability[self.pan.id]["qty"], 97)

    def test_channel_buffer_and_never_below_zero(self):
        self._rule("Keep 90", threshold=90)
        self.pos.buffer_qty = 5
        self.assertEqual(self._qty(self.broom), 5)
        self.pos.buffer_qty = 15
        values = self._availability()[self.broom.id]
        self.assertEqual(values["qty"], 0)
        self.assertEqual(values["held"], 105)
        # the buffer holds without any rule
        self.Rule.search([]).unlink()
        self.assertEqual(self._qty(self.broom), 85)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.pos.buffer_qty = -1
            self.pos.flush_recordset()

    def test_rules_restrict_their_channels_only(self):
        kiosk = self.env["pos.config"].create({"name": "WR Kiosk"})._wholesale_channel()
        self._rule("Kiosk keeps 60", threshold=60, channel_ids=[(6, 0, kiosk.ids)])
        self.assertEqual(self._qty(self.broom, kiosk), 40)
        self.assertEqual(self._qty(self.broom), 100)
        # a rule without channels restricts retail channels, not the desk
        self._rule("Retail keeps 20", threshold=20, priority=50)
        self.assertEqual(self._qty(self.broom), 80)
        self.assertEqual(self._qty(self.broom, self.desk), 100)
        # the desk only when it is named
        self._rule(
            "Desk leaves 10 for retail",
            threshold=10,
            priority=60,
            channel_ids=[(6, 0, self.desk.ids)],
        )
        self.assertEqual(self._qty(self.broom, self.desk), 90)

    def test_archived_or_deleted_channels_keep_their_rules_narrow(self):
        kiosk_config = self.env["pos.config"].create({"name": "WR Kiosk"})
        kiosk = kiosk_config._wholesale_channel()
        rule = self._rule(
            "Kiosk keeps 60", threshold=60, channel_ids=[(6, 0, kiosk.ids)]
        )
        self.assertEqual(rule.channel_scope, "listed")
        # archiving the kiosk's channel neither frees it nor spreads the rule
        kiosk.active = False
        self.assertEqual(self._qty(self.broom, kiosk), 40)
        self.assertEqual(self._qty(self.broom), 100)
        # nor does a client's context that shows archived records
        rule.active = False
        self.assertEqual(
            self._availability(products=self.broom)[self.broom.id]["qty"], 100
        )
        sneaky = self.config.with_context(active_test=False)
        self._rule(
            "Kiosk and shop keep 95",
            threshold=95,
            priority=50,
            channel_ids=[(6, 0, self.pos.ids)],
        )
        archived_warn = self._rule(
            "Old warn",
            threshold=0,
            priority=99,
            action="warn",
            scope="product",
            product_id=self.broom.id,
        )
        archived_warn.active = False
        self.open_new_session()
        message = sneaky.wholesale_check_order(
            [{"product_id": self.broom.id, "qty": 6}]
        )
        self.assertIn("rule: Kiosk and shop keep 95", message["message"])
        # deleting the listed channel leaves a rule that restricts nothing
        rule.active = True
        kiosk_config.unlink()
        self.assertFalse(rule.channel_ids)
        self.assertEqual(rule.channel_scope, "listed")
        self.assertEqual(self._qty(self.broom), 5)
        with (
            self.assertRaisesRegex(ValidationError, "list at least one"),
            self.env.cr.savepoint(),
        ):
            rule.threshold = 61

    def test_bad_rules_are_refused_and_change_nothing(self):
        with (
            self.assertRaisesRegex(
                ValidationError, "no unit ladder has a step of that name"
            ),
            self.env.cr.savepoint(),
        ):
            self._rule("Typo", threshold=2, threshold_unit="Cartno")
        with (
            self.assertRaisesRegex(ValidationError, "for WR Pan"),
            self.env.cr.savepoint(),
        ):
            self._rule(
                "No pan carton",
                scope="product",
                product_id=self.pan.id,
                threshold=2,
                threshold_unit="Carton",
            )
        self.assertFalse(self.Rule.search([("name", "in", ("Typo", "No pan carton"))]))
        # a scope written over RPC drops the target of the former scope
        rule = self._rule("Pan", scope="product", product_id=self.pan.id, threshold=3)
        rule.write({"scope": "all"})
        self.assertFalse(rule.product_id)
        with (
            self.assertRaisesRegex(ValidationError, "same scope"),
            self.env.cr.savepoint(),
        ):
            self._rule("Everything 4", threshold=4)
            self._rule("Everything 5", threshold=5)

    def test_contradicting_rules_are_refused_naming_both(self):
        first = self._rule("Keep 20 for wholesale", threshold=20, action="hide")
        with (
            self.assertRaisesRegex(
                ValidationError,
                r'"Keep 30 for wholesale" and "Keep 20 for wholesale" have the '
                "same scope",
            ),
            self.env.cr.savepoint(),
        ):
            self._rule("Keep 30 for wholesale", threshold=30, action="hide")
        # the same rule twice agrees; another priority or channel does not clash
        self._rule("Keep 20 again", threshold=20, action="hide")
        self._rule("Keep 30, more important", threshold=30, priority=11)
        kiosk = self.env["pos.config"].create({"name": "WR Kiosk"})._wholesale_channel()
        desk_rule = self._rule(
            "Desk keeps 5", threshold=5, channel_ids=[(6, 0, self.desk.ids)]
        )
        # a write that makes two rules clash is refused too
        with (
            self.assertRaisesRegex(ValidationError, "Desk keeps 5"),
            self.env.cr.savepoint(),
        ):
            desk_rule.channel_ids = [(6, 0, kiosk.ids)]
        with (
            self.assertRaisesRegex(ValidationError, "needs a product"),
            self.env.cr.savepoint(),
        ):
            self._rule("No product", scope="product")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            first.threshold = -1
            first.flush_recordset()

    def test_many_products_in_a_few_queries(self):
        products = self.env["product.product"].create(
            [
                {
                    "name": f"WR Bulk {i}",
                    "is_storable": True,
                    "categ_id": self.kitchen.id,
                }
                for i in range(300)
            ]
        )
        self._rule(
            "Kitchen keeps 2", scope="category", categ_id=self.kitchen.id, threshold=2
        )
        self._rule("One", scope="product", product_id=products[7].id, threshold=1)
        self.env.invalidate_all()
        with self.assertQueryCount(20):
            availability = products._wholesale_channel_availability(
                self.pos, warehouse=self.warehouse
            )
        self.assertEqual(len(availability), 300)
        self.assertEqual(availability[products[7].id]["held"], 1)
        self.assertEqual(availability[products[8].id]["held"], 2)

    # ------------------------------------------------------------------
    # Enforcement
    # ------------------------------------------------------------------
    def test_pos_block_hide_warn_at_payment(self):
        rule = self._rule(
            "Keep 20 for wholesale",
            scope="product",
            product_id=self.kettle.id,
            threshold=95,
            action="block",
        )
        self.open_new_session()
        check = self.config.wholesale_check_order
        self.assertFalse(check([{"product_id": self.kettle.id, "qty": 5}])["message"])
        message = check([{"product_id": self.kettle.id, "qty": 6}])["message"]
        self.assertIn("6 pcs in the order, 5 pcs may be sold here", message)
        self.assertIn("Keep 20 for wholesale", message)
        data = self.create_ui_order_data([(self.kettle, 6)])
        with self.assertRaisesRegex(UserError, "rule: Keep 20 for wholesale"):
            self._rollback_on_error(self._sync, data, online=True)
        self.assertEqual(self.kettle.qty_available, 100)
        for action in ("hide", "block"):
            rule.action = action
            self.assertTrue(
                check([{"product_id": self.kettle.id, "qty": 6}])["message"]
            )
        # warn never refuses; nothing is oversold, so no incident either
        rule.action = "warn"
        order = self._sync(self.create_ui_order_data([(self.kettle, 6)]), online=True)
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.wholesale_oversell_incident_ids)
        # an order paid offline is never refused
        rule.action = "block"
        order = self._sync(self.create_ui_order_data([(self.kettle, 10)]))
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.kettle.qty_available, 84)

    def test_wholesale_desk_rule_refuses_confirmation(self):
        self._rule(
            "Leave 30 for the shop",
            threshold=30,
            action="block",
            channel_ids=[(6, 0, self.desk.ids)],
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    (0, 0, {"product_id": self.pan.id, "product_uom_qty": 71})
                ],
            }
        )
        with self.assertRaisesRegex(UserError, r"71 pcs ordered, only 70 pcs"):
            self._rollback_on_error(order.action_confirm)
        order.order_line.product_uom_qty = 70
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------------
    # Live push
    # ------------------------------------------------------------------
    def _pushed(self, config):
        self.env.cr.precommit.run()
        messages = (
            self.env["bus.bus"]
            .sudo()
            .search([("channel", "like", config.access_token)], order="id")
        )
        return [
            json.loads(m.message)["payload"]
            for m in messages
            if json.loads(m.message)["type"].endswith("-WHOLESALE_AVAILABILITY")
        ]

    def test_one_message_per_open_pos_for_a_100_line_confirmation(self):
        products = self.env["product.product"].create(
            [{"name": f"WR Line {i}", "is_storable": True} for i in range(100)]
        )
        stock = self.warehouse.lot_stock_id
        for product in products:
            self.env["stock.quant"]._update_available_quantity(product, stock, 50)
        self._rule("Keep 10", threshold=10, action="hide")
        self.open_new_session()
        other = self.env["pos.config"].create({"name": "WR Second Till"})
        other.open_ui()
        self._pushed(self.config)
        self.env["bus.bus"].sudo().search([]).unlink()
        # a salesperson without inventory rights confirms: every POS hears it
        salesperson = new_test_user(
            self.env,
            login="wr_rules_salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
        )
        order = (
            self.env["sale.order"]
            .with_user(salesperson)
            .create(
                {
                    "partner_id": self.wholesaler.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": 15})
                        for product in products
                    ],
                }
            )
        )
        order.action_confirm()
        for config in (self.config, other):
            messages = self._pushed(config)
            self.assertEqual(len(messages), 1, config.name)
            self.assertEqual(messages[0], {"product_ids": products.ids})
        # what the POS then reads, after the commit
        self.assertEqual(
            self.config.wholesale_availability(products[:1].ids)["products"][
                products[0].id
            ],
            {
                "qty": 25.0,
                "action": "hide",
                "rule": "Keep 10",
                "step": False,
                "steps": [],
                "unit": "pcs",
            },
        )
        # a till in another warehouse hears nothing
        annex = self.env["stock.warehouse"].create(
            {"name": "WR Annex", "code": "WRAN", "company_id": self.company.id}
        )
        far = self.env["pos.config"].create(
            {"name": "WR Annex Till", "picking_type_id": annex.pos_type_id.id}
        )
        far.open_ui()
        self.env.cr.precommit.run()  # the annex's default rule: a reload for all
        self.env["bus.bus"].sudo().search([]).unlink()
        self.env["stock.quant"]._update_available_quantity(products[0], stock, 1)
        self.assertEqual(self._pushed(far), [])
        self.assertEqual(
            self._pushed(self.config)[-1], {"product_ids": products[:1].ids}
        )
        # a rule change asks the open POS to reload
        self.Rule.search([("name", "=", "Keep 10")]).threshold = 5
        self.assertEqual(self._pushed(self.config)[-1], {"reload": True})

    def _sale_on_one_till_reaches_the_other(self, mode, left):
        self._rule("Keep 90", threshold=90, action="block")
        self.company.point_of_sale_update_stock_quantities = mode
        other = self.env["pos.config"].create({"name": "WR Second Till"})
        self.open_new_session()
        self.assertEqual(self.pos_session.update_stock_at_closing, mode == "closing")
        other.open_ui()
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()
        self._sync(self.create_ui_order_data([(self.broom, 5)]))
        # the order's picking runs in a savepoint, whose flush may send a first
        # message before the commit: the POS reads figures once the transaction
        # has committed, whatever the number of messages
        messages = self._pushed(other)
        self.assertTrue(messages)
        self.assertTrue(all(m == {"product_ids": self.broom.ids} for m in messages))
        availability = other.wholesale_availability(self.broom.ids)["products"]
        self.assertEqual(availability[self.broom.id]["qty"], left)
        # the till that sold may not sell beyond what is left either
        message = self.config.wholesale_check_order(
            [{"product_id": self.broom.id, "qty": left + 1}]
        )["message"]
        self.assertIn("rule: Keep 90", message)

    def test_a_sale_on_one_till_reaches_the_other(self):
        self._sale_on_one_till_reaches_the_other("real", 5)

    def test_a_sale_on_one_till_reaches_the_other_closing_mode(self):
        self._sale_on_one_till_reaches_the_other("closing", 5)

    def test_changes_that_move_no_stock_are_announced_too(self):
        self.open_new_session()
        config = self.config

        def announced():
            messages = self._pushed(config)
            self.env["bus.bus"].sudo().search([]).unlink()
            return {pid for m in messages for pid in m.get("product_ids", [])}

        announced()
        # the category picks the rule
        self.broom.categ_id = self.kitchen
        self.assertIn(self.broom.id, announced())
        # the ladder counts thresholds and tiles in steps
        self.pan.product_tmpl_id._wholesale_set_ladder([{"name": "Box", "pieces": 6}])
        self.assertIn(self.pan.id, announced())
        # a confirmed sale's promise, with the guard off
        self.env["ir.config_parameter"].set_param(
            "wholesale_retail.oversell_guard", "0"
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    (0, 0, {"product_id": self.kettle.id, "product_uom_qty": 5})
                ],
            }
        )
        order.action_confirm()
        self.assertIn(self.kettle.id, announced())
        move = order.picking_ids.move_ids
        order.picking_ids.do_unreserve()
        announced()
        move.product_uom_qty = 3
        self.assertIn(self.kettle.id, announced())

    def test_pos_reads_only_its_company_products(self):
        other = self.env["res.company"].create({"name": "WR Other Co"})
        secret = self.env["product.product"].create(
            {"name": "WR Secret", "is_storable": True, "company_id": other.id}
        )
        payload = self.config._wholesale_availability_payload(
            [secret.id, self.broom.id]
        )
        self.assertEqual(list(payload), [self.broom.id])

    def test_cashier_reads_availability_and_nothing_else(self):
        cashier = new_test_user(
            self.env,
            login="wr_rules_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=self.company.id,
        )
        self._rule("Keep 20", threshold=20, action="hide")
        result = self.config.with_user(cashier).wholesale_availability(
            [self.kettle.id, self.broom.id]
        )
        self.assertEqual(
            result["products"][self.kettle.id],
            {
                "qty": 80.0,
                "action": "hide",
                "rule": "Keep 20",
                "step": ["Carton", 12.0],
                "steps": [["Carton", 12.0]],
                "unit": "pcs",
            },
        )
        with self.assertRaises(UserError):
            self.config.with_user(cashier).wholesale_availability(["1; DROP"])
        with self.assertRaises(AccessError):
            self.Rule.with_user(cashier).create({"name": "Mine", "threshold": 0})
        with self.assertRaises(AccessError):
            self.pos.with_user(cashier).buffer_qty = 1

    def test_other_company_rules_and_channels_stay_apart(self):
        other = self.env["res.company"].create({"name": "WR Other Co"})
        desk = self.env["wholesale.sales.channel"].search(
            [("company_id", "=", other.id), ("kind", "=", "wholesale")]
        )
        self.assertEqual(len(desk), 1)
        self.Rule.create(
            {"name": "Other keeps 99", "threshold": 99, "company_id": other.id}
        )
        self.assertEqual(self._qty(self.broom), 100)
        user = new_test_user(
            self.env,
            login="wr_rules_other_manager",
            groups="wholesale_retail.group_wholesale_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        names = self.Rule.with_user(user).search([]).mapped("name")
        self.assertNotIn("Other keeps 99", names)

    # ------------------------------------------------------------------
    # Upgrade from 19.0.1.0.0
    # ------------------------------------------------------------------
    def test_upgrade_turns_the_pos_policy_into_default_rules(self):
        second = self.env["stock.warehouse"].create(
            {"name": "WR Depot", "code": "WRDP", "company_id": self.company.id}
        )
        third = self.env["stock.warehouse"].create(
            {"name": "WR Yard", "code": "WRYD", "company_id": self.company.id}
        )
        warehouses = self.warehouse | second | third
        # the database as 19.0.1.0.0 left it: the policy on the warehouse, no
        # channel, no rule
        self.Rule.with_context(active_test=False).search([]).unlink()
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM wholesale_sales_channel")
        self.env.invalidate_all()
        self.env.cr.execute(
            "ALTER TABLE stock_warehouse "
            "ADD COLUMN wholesale_pos_oversell_policy varchar"
        )
        for warehouse, policy in zip(
            warehouses, ("refuse", "allow", "protect_wholesale"), strict=True
        ):
            self.env.cr.execute(
                "UPDATE stock_warehouse SET wholesale_pos_oversell_policy = %s "
                "WHERE id = %s",
                [policy, warehouse.id],
            )
        spec = importlib.util.spec_from_file_location("wr_migrate", MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "19.0.1.0.0")
        self.env.invalidate_all()
        for warehouse, action in zip(
            warehouses, ("block", "warn", "protect"), strict=True
        ):
            self.assertRecordValues(
                self.Rule.search([("warehouse_id", "=", warehouse.id)]),
                [
                    {
                        "action": action,
                        "threshold": 0.0,
                        "scope": "all",
                        "is_warehouse_default": True,
                        "channel_scope": "retail",
                        "channel_ids": [],
                    }
                ],
            )
        self.assertTrue(self.config._wholesale_channel_records())
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = "
            "'stock_warehouse' AND column_name = 'wholesale_pos_oversell_policy'"
        )
        self.assertFalse(self.env.cr.fetchone())
        # behaviour kept: "refuse" still refuses beyond the free quantity
        self.open_new_session()
        message = self.config.wholesale_check_order(
            [{"product_id": self.broom.id, "qty": 101}]
        )["message"]
        self.assertIn("101 pcs in the order, 100 pcs may be sold here", message)
