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
            self.env["wholesale.overview"].with_user(plain).create({})

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
        action = (
            self.env["wholesale.overview"]
            .with_user(self.wr_user)
            .action_open_overview()
        )
        overview = self.env["wholesale.overview"].browse(action["res_id"])
        self.assertEqual(overview.create_uid, self.wr_user)
        overview = overview.with_user(self.wr_user)
        self.assertEqual(overview.wholesale_order_count, 1)
        self.assertAlmostEqual(overview.wholesale_sales_today, 48 * 25.0)
        self.assertEqual(overview.retail_order_count, 1)
        self.assertAlmostEqual(overview.retail_sales_today, 2 * 25.0 + 40.0)
        # 98 kettles and 3 fans on hand (the POS picking is validated at once)
        self.assertAlmostEqual(overview.stock_value, 98 * 15.0 + 3 * 30.0)
        self.assertIn(self.fan, overview.low_stock_product_ids)
        self.assertNotIn(self.kettle, overview.low_stock_product_ids)

    def test_overview_is_per_company(self):
        other = self.env["res.company"].create({"name": "WR Other Company"})
        overview = self.env["wholesale.overview"].create({"company_id": other.id})
        visible = self.env["wholesale.overview"].with_user(self.wr_user).search([])
        self.assertNotIn(overview, visible)

    def test_settings_threshold(self):
        settings = self.env["res.config.settings"].create(
            {"wholesale_low_stock_threshold": 3}
        )
        settings.execute()
        self.assertEqual(self.env.company.wholesale_low_stock_threshold, 3)
