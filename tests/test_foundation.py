from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon


@tagged("post_install", "-at_install")
class TestFoundation(TestPoSCommon):
    """The app installs, its groups work, and the overview counts real documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )
        cls.company.wholesale_low_stock_threshold = 10
        cls.kettle = cls.create_product("WR Kettle", cls.categ_basic, 25.0, 15.0)
        cls.fan = cls.create_product("WR Fan", cls.categ_basic, 40.0, 30.0)
        cls.adjust_inventory([cls.kettle, cls.fan], [100, 4])
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Sub-distributor", "wholesale_customer": True}
        )
        cls.wr_user = new_test_user(
            cls.env,
            login="wr_user",
            groups="wholesale_retail.group_wholesale_user",
            company_id=cls.company.id,
        )

    def test_groups_and_menu(self):
        manager = self.env.ref("wholesale_retail.group_wholesale_manager")
        user = self.env.ref("wholesale_retail.group_wholesale_user")
        self.assertIn(user, manager.implied_ids)
        self.assertIn(manager, self.env.ref("base.user_admin").group_ids)
        self.assertTrue(self.wr_user.has_group("sales_team.group_sale_salesman"))
        root = self.env.ref("wholesale_retail.wholesale_retail_menu_root")
        visible = self.env["ir.ui.menu"].with_user(self.wr_user)._visible_menu_ids()
        self.assertIn(root.id, visible)
        plain = new_test_user(self.env, login="wr_plain", groups="base.group_user")
        visible = self.env["ir.ui.menu"].with_user(plain)._visible_menu_ids()
        self.assertNotIn(root.id, visible)
        with self.assertRaises(AccessError):
            self.env["wholesale.overview"].with_user(plain).get_dashboard_data()

    def test_overview_counts_both_channels(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "order_line": [
                    (0, 0, {"product_id": self.kettle.id, "product_uom_qty": 48})
                ],
            }
        )
        order.action_confirm()
        self.config = self.basic_config
        self.open_new_session()
        self.env["pos.order"].sync_from_ui(
            [self.create_ui_order_data([(self.kettle, 2), (self.fan, 1)])]
        )
        overview = self.env["wholesale.overview"].with_user(self.wr_user)
        data = overview.get_dashboard_data()
        desk, *others = data["channels"]
        self.assertEqual(desk["today"]["count"], 1)
        self.assertAlmostEqual(desk["today"]["amount"], 48 * 25.0)
        retail = [row["today"] for row in others if row["kind"] == "pos"]
        self.assertEqual(sum(today["count"] for today in retail), 1)
        self.assertAlmostEqual(sum(today["amount"] for today in retail), 90.0)
        # 98 kettles and 3 fans on hand (the POS picking is validated at once)
        self.assertAlmostEqual(data["stock_value"]["amount"], 98 * 15.0 + 3 * 30.0)
        # low stock: the products the figure's list holds (the dashboard
        # itself shows only the lowest few of them)
        action = overview.action_open_figure("low_stock")
        low = (
            self.env[action["res_model"]]
            .with_user(self.wr_user)
            .with_context(**action["context"])
            .search(action["domain"])
        )
        self.assertIn(self.fan, low)
        self.assertNotIn(self.kettle, low)

    def test_overview_is_per_company(self):
        self.env["res.company"].create({"name": "WR Other Company"})
        overview = self.env["wholesale.overview"].with_user(self.wr_user)
        self.assertEqual(
            overview.get_dashboard_data()["company"]["id"], self.company.id
        )

    def test_settings_threshold(self):
        settings = self.env["res.config.settings"].create(
            {"wholesale_low_stock_threshold": 3}
        )
        settings.execute()
        self.assertEqual(self.env.company.wholesale_low_stock_threshold, 3)
