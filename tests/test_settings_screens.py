from datetime import date

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

GUARD_PARAM = "wholesale_retail.oversell_guard"


@tagged("post_install", "-at_install")
class TestSettingsScreens(TransactionCase):
    """The merchant's screens: ladders in whole pieces, readable units on order
    lines, the ladder wizard's prices, and one Settings section for every
    option of the addon. Run as the users who work these screens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.email = "shop@example.com"
        # Settings are Odoo's administrators' (res.config.settings ACL); the
        # Wholesale & Retail block is for those who are also its managers.
        cls.admin_manager = new_test_user(
            cls.env,
            login="wr_set_admin_manager",
            groups="base.group_system,wholesale_retail.group_wholesale_manager",
            email="admin.manager@example.com",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.plain_admin = new_test_user(
            cls.env,
            login="wr_set_plain_admin",
            groups="base.group_system",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.manager = new_test_user(
            cls.env,
            login="wr_set_manager",
            groups="wholesale_retail.group_wholesale_manager",
            email="manager@example.com",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        # editing products (their ladder tab, the ladder wizard) takes Odoo's
        # "Products: Create" right, which the wholesale manager group implies
        cls.ladder_manager = cls.manager
        cls.wholesale_user = new_test_user(
            cls.env,
            login="wr_set_user",
            groups="wholesale_retail.group_wholesale_user",
            email="user@example.com",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        Template = cls.env["product.template"]
        cls.cooker = Template.create(
            {"name": "WR Set Cooker", "is_storable": True, "list_price": 3.0}
        )
        cls.cooker._wholesale_set_ladder(
            [
                {"name": "Dozen", "pieces": 12},
                {
                    "name": "Carton",
                    "pieces": 24,
                    "retail_price": 66.0,
                    "wholesale_price": 60.0,
                },
                {"name": "Pallet", "count": 40, "of": "Carton"},
            ],
            wholesale_step="Carton",
        )
        cls.fan = Template.create({"name": "WR Set Fan", "is_storable": True})
        cls.lamp = Template.create({"name": "WR Set Lamp", "is_storable": True})

    # ------------------------------------------------------------------
    # Ladder screens
    # ------------------------------------------------------------------
    def _pieces_nodes(self, model, view_type, view_id=False, user=None):
        views = (
            self.env[model]
            .with_user(user or self.ladder_manager)
            .get_views([(view_id, view_type)])
        )
        arch = etree.fromstring(views["views"][view_type]["arch"])
        return arch.xpath("//field[@name='pieces']")

    def test_pieces_are_whole_numbers_on_every_ladder_screen(self):
        # the Unit Ladders list, a step's form, the product's Unit Ladder tab
        # (for the manager who edits it and the user who reads it)
        step_list = self.env.ref("wholesale_retail.wholesale_unit_step_view_list")
        screens = [
            self._pieces_nodes("wholesale.unit.step", "list", step_list.id),
            self._pieces_nodes("wholesale.unit.step", "form"),
            self._pieces_nodes("product.template", "form"),
            self._pieces_nodes("product.template", "form", user=self.wholesale_user),
        ]
        for nodes in screens:
            self.assertEqual(len(nodes), 1)
            self.assertEqual(nodes[0].get("digits"), "[16, 0]")
        # the wizard names the ladder in whole pieces
        wizard = Form(self.env["wholesale.ladder.apply"].with_user(self.ladder_manager))
        wizard.source_tmpl_id = self.cooker
        self.assertEqual(
            wizard.step_summary,
            "Dozen = 12 Units, Carton = 24 Units, Pallet = 960 Units",
        )
        # the Unit Ladders list sums nothing when grouped by product: the
        # pieces and prices of a dozen and of a pallet do not add up
        Step = self.env["wholesale.unit.step"].with_user(self.manager)
        described = Step.fields_get(
            ["pieces", "retail_price", "wholesale_price"], ["aggregator"]
        )
        for name in ("pieces", "retail_price", "wholesale_price"):
            self.assertFalse(described[name].get("aggregator"), name)
        action = self.env.ref("wholesale_retail.wholesale_unit_step_action")
        self.assertIn("search_default_group_product", action.context)
        groups = Step.formatted_read_group(
            [("product_tmpl_id", "in", (self.cooker | self.fan).ids)],
            ["product_tmpl_id"],
            ["__count"],
        )
        self.assertEqual(
            [(g["product_tmpl_id"][0], g["__count"]) for g in groups],
            [(self.cooker.id, 3)],
        )
        # whole numbers are still checked: 2.5 pieces are refused, not rounded
        with self.assertRaisesRegex(ValidationError, "whole number"):
            Step.create({"product_tmpl_id": self.fan.id, "name": "Box", "pieces": 6.5})
        box = Step.create({"product_tmpl_id": self.fan.id, "name": "Box", "pieces": 6})
        self.assertEqual(box.uom_id.name, "Box (6)")
        with self.assertRaisesRegex(ValidationError, "whole number"):
            box.pieces = 2.5
        form = Form(self.fan.with_user(self.ladder_manager))
        with form.wholesale_step_ids.new() as line:
            line.name = "Crate"
            line.pieces = 10.5
        with self.assertRaisesRegex(ValidationError, "whole number"):
            form.save()
        self.assertEqual(self.fan.wholesale_step_ids, box)

    def test_order_line_unit_column_shows_the_whole_unit_name(self):
        salesperson = new_test_user(
            self.env,
            login="wr_set_salesperson",
            groups="sales_team.group_sale_salesman,uom.group_uom",
        )
        views = (
            self.env["sale.order"].with_user(salesperson).get_views([(False, "form")])
        )
        arch = etree.fromstring(views["views"]["form"]["arch"])
        [unit] = arch.xpath(
            "//field[@name='order_line']/list"
            "/field[@name='product_uom_id'][not(@column_invisible)]"
        )
        self.assertEqual(unit.get("width"), "110px")
        self.assertEqual(unit.get("widget"), "many2one_uom")
        # "Carton (24)" and "Carton (10)" differ by their names
        self.lamp._wholesale_set_ladder([{"name": "Carton", "pieces": 10}])
        names = (
            (self.cooker | self.lamp)
            .wholesale_step_ids.filtered(lambda s: s.name == "Carton")
            .uom_id.mapped("display_name")
        )
        self.assertEqual(sorted(names), ["Carton (10)", "Carton (24)"])

    def test_apply_ladder_copies_prices_by_default_and_warns_of_missing_ones(self):
        Wizard = self.env["wholesale.ladder.apply"].with_user(self.ladder_manager)
        form = Form(
            Wizard.with_context(
                active_model="product.template",
                active_ids=(self.fan | self.lamp).ids,
            )
        )
        self.assertTrue(form.include_prices, "prices are copied unless unticked")
        self.assertFalse(form.price_warning)
        form.source_tmpl_id = self.cooker
        # the dozen and the pallet have no prices of their own: said, not hidden
        self.assertIn("Dozen (retail price and wholesale price)", form.price_warning)
        self.assertIn("Pallet (retail price and wholesale price)", form.price_warning)
        self.assertNotIn("Carton", form.price_warning)
        form.include_prices = False
        self.assertIn("Step prices are not copied", form.price_warning)
        form.include_prices = True
        form.save().action_apply()
        for template in self.fan | self.lamp:
            carton = template.wholesale_step_ids.filtered(lambda s: s.name == "Carton")
            self.assertRecordValues(
                carton, [{"retail_price": 66.0, "wholesale_price": 60.0}]
            )
        # a ladder whose steps all have prices: no warning
        self.cooker.wholesale_step_ids.write(
            {"retail_price": 100.0, "wholesale_price": 90.0}
        )
        form = Form(Wizard)
        form.source_tmpl_id = self.cooker
        self.assertFalse(form.price_warning)
        # the wizard's form shows the warning above its fields
        arch = etree.fromstring(
            Wizard.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(
            arch.xpath("//div[hasclass('alert-warning')]/field[@name='price_warning']")
        )

    # ------------------------------------------------------------------
    # Settings > Wholesale & Retail
    # ------------------------------------------------------------------
    def _settings(self, user, **values):
        settings = self.env["res.config.settings"].with_user(user).create(values)
        settings.execute()
        return settings

    def test_guard_switch_round_trip(self):
        Param = self.env["ir.config_parameter"].sudo()
        Pool = self.env["wholesale.stock.pool"]
        Param.search([("key", "=", GUARD_PARAM)]).unlink()
        self.assertTrue(Pool._guard_enabled())
        Settings = self.env["res.config.settings"].with_user(self.admin_manager)
        self.assertTrue(
            Settings.default_get(["wholesale_oversell_guard"])[
                "wholesale_oversell_guard"
            ]
        )
        # unticking writes "0": a deleted parameter would read as "on"
        self._settings(self.admin_manager, wholesale_oversell_guard=False)
        self.assertEqual(Param.get_param(GUARD_PARAM), "0")
        self.assertFalse(Pool._guard_enabled())
        self.assertFalse(
            Settings.default_get(["wholesale_oversell_guard"])[
                "wholesale_oversell_guard"
            ]
        )
        # saving other settings keeps it off
        self._settings(self.admin_manager, wholesale_low_stock_threshold=7)
        self.assertFalse(Pool._guard_enabled())
        self.assertEqual(self.company.wholesale_low_stock_threshold, 7)
        # off, a wholesale order beyond the free stock of a "refuse" warehouse
        # is confirmed as in core Odoo; on again, it is refused
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        warehouse.wholesale_oversell_policy = "refuse"
        wholesaler = self.env["res.partner"].create(
            {"name": "WR Set Wholesaler", "wholesale_customer": True}
        )

        def order():
            return (
                self.env["sale.order"]
                .with_user(self.manager)
                .create(
                    {
                        "partner_id": wholesaler.id,
                        "warehouse_id": warehouse.id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": self.fan.product_variant_id.id,
                                    "product_uom_qty": 5,
                                },
                            )
                        ],
                    }
                )
            )

        unguarded = order()
        unguarded.action_confirm()
        self.assertEqual(unguarded.state, "sale")
        self._settings(self.admin_manager, wholesale_oversell_guard=True)
        self.assertEqual(Param.get_param(GUARD_PARAM), "1")
        self.assertTrue(Pool._guard_enabled())
        self.assertTrue(
            Settings.default_get(["wholesale_oversell_guard"])[
                "wholesale_oversell_guard"
            ]
        )
        guarded = order()
        with self.assertRaisesRegex(UserError, "Not enough free stock"):
            guarded.action_confirm()
        # only Odoo's administrators reach the settings, the guard included
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.manager).create(
                {"wholesale_oversell_guard": False}
            )
        self.assertTrue(Pool._guard_enabled())

    def test_settings_section_for_a_wholesale_manager(self):
        form = Form(self.env["res.config.settings"].with_user(self.admin_manager))
        arch = form._view["tree"]
        [app] = arch.xpath("//app[@name='wholesale_retail']")
        for field in (
            "wholesale_oversell_guard",
            "wholesale_default_oversell_policy",
            "wholesale_low_stock_threshold",
            "wholesale_quote_approval_amount",
            "wholesale_quote_approval_discount",
            "wholesale_return_needs_scan",
            "wholesale_monthly_report_email",
            "wholesale_monthly_report_partner_ids",
            "wholesale_slow_movers_limit",
        ):
            self.assertTrue(app.xpath(".//field[@name='%s']" % field), field)
        # every setting says what it does
        for setting in app.xpath(".//setting"):
            self.assertTrue(setting.get("help"), setting.get("id"))
        self.assertTrue(form.wholesale_oversell_guard)
        self.assertEqual(form.wholesale_default_oversell_policy, "refuse")
        self.assertTrue(form.wholesale_monthly_report_email)
        # the links open the lists that hold the other options, for this user
        buttons = app.xpath(".//button[@type='object']")
        self.assertEqual(
            {b.get("name") for b in buttons},
            {
                "action_wholesale_open_oversell_policies",
                "action_wholesale_open_channel_rules",
                "action_wholesale_open_sales_channels",
                "action_wholesale_open_unit_ladders",
                "action_wholesale_open_return_reasons",
            },
        )
        settings = form.save()
        expected = {
            "action_wholesale_open_oversell_policies": "stock.warehouse",
            "action_wholesale_open_channel_rules": "wholesale.channel.rule",
            "action_wholesale_open_sales_channels": "wholesale.sales.channel",
            "action_wholesale_open_unit_ladders": "wholesale.unit.step",
            "action_wholesale_open_return_reasons": "wholesale.return.reason",
        }
        for method, model in expected.items():
            action = getattr(settings, method)()
            self.assertEqual(action["type"], "ir.actions.act_window", method)
            self.assertEqual(action["res_model"], model, method)
            # the manager of the block opens it: its views load and it lists
            Model = self.env[model].with_user(self.admin_manager)
            Model.get_views(action["views"])
            Model.search_count([])
        # an administrator who is not a wholesale manager does not see the block
        other = Form(self.env["res.config.settings"].with_user(self.plain_admin))
        self.assertFalse(other._view["tree"].xpath("//app[@name='wholesale_retail']"))

    def test_policy_list_explains_each_choice_and_new_warehouse_default(self):
        action = self.env.ref(
            "wholesale_retail.stock_warehouse_action_wholesale_policy"
        )
        Warehouse = self.env["stock.warehouse"].with_user(self.manager)
        views = Warehouse.get_views([(action.view_id.id, "list")])
        arch = etree.fromstring(views["views"]["list"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='wholesale_oversell_policy_effect']"))
        warehouse = Warehouse.search([("company_id", "=", self.company.id)], limit=1)
        warehouse.wholesale_oversell_policy = "refuse"
        self.assertIn("not confirmed", warehouse.wholesale_oversell_policy_effect)
        warehouse.wholesale_oversell_policy = "backorder"
        self.assertIn("backorder", warehouse.wholesale_oversell_policy_effect)
        help_text = Warehouse.fields_get(["wholesale_oversell_policy"], ["help"])[
            "wholesale_oversell_policy"
        ]["help"]
        self.assertIn("Refuse:", help_text)
        self.assertIn("Confirm with a backorder:", help_text)
        # new warehouses start with the company's default, set in Settings
        self._settings(
            self.admin_manager, wholesale_default_oversell_policy="backorder"
        )
        self.assertEqual(self.company.wholesale_default_oversell_policy, "backorder")
        # (core's second warehouse turns on multi-warehouses: an administrator's)
        created = (
            self.env["stock.warehouse"]
            .with_user(self.admin_manager)
            .create({"name": "WR Set North", "code": "WRSN"})
        )
        self.assertEqual(created.wholesale_oversell_policy, "backorder")
        other = self.env["res.company"].create({"name": "WR Set Other"})
        self.assertEqual(other.wholesale_default_oversell_policy, "refuse")
        self.assertEqual(
            self.env["stock.warehouse"]
            .search([("company_id", "=", other.id)])
            .wholesale_oversell_policy,
            "refuse",
        )
        self.env.user.company_ids |= other
        created_other = self.env["stock.warehouse"].create(
            {"name": "WR Set Other 2", "code": "WRSO", "company_id": other.id}
        )
        self.assertEqual(created_other.wholesale_oversell_policy, "refuse")

    # ------------------------------------------------------------------
    # The monthly email
    # ------------------------------------------------------------------
    def _run_cron(self):
        return (
            self.env["wholesale.monthly.report"]
            .with_context(force_report_rendering=False)
            ._cron_send_monthly_report(companies=self.company, today=date(2025, 4, 1))
        )

    def test_monthly_email_goes_to_the_managers_by_default(self):
        mails = self._run_cron()
        self.assertEqual(len(mails), 1)
        self.assertIn(self.manager.partner_id, mails.recipient_ids)
        self.assertIn(self.admin_manager.partner_id, mails.recipient_ids)
        self.assertNotIn(self.wholesale_user.partner_id, mails.recipient_ids)
        self.assertTrue(all(mails.recipient_ids.mapped("email")))

    def test_monthly_email_goes_to_the_chosen_recipients(self):
        accountant = self.env["res.partner"].create(
            {"name": "WR Set Accountant", "email": "books@example.com"}
        )
        no_email = self.env["res.partner"].create({"name": "WR Set No Email"})
        self._settings(
            self.admin_manager,
            wholesale_monthly_report_partner_ids=[(6, 0, (accountant | no_email).ids)],
        )
        self.assertEqual(
            self.company.wholesale_monthly_report_partner_ids, accountant | no_email
        )
        mails = self._run_cron()
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, accountant)
        self.assertEqual(len(mails.attachment_ids), 2)

    def test_monthly_email_off_sends_nothing(self):
        self._settings(self.admin_manager, wholesale_monthly_report_email=False)
        self.assertFalse(self.company.wholesale_monthly_report_email)
        Mail = self.env["mail.mail"]
        before = Mail.search_count([("model", "=", "wholesale.monthly.report")])
        self.assertFalse(self._run_cron())
        self.assertEqual(
            Mail.search_count([("model", "=", "wholesale.monthly.report")]), before
        )
        # on again, the month is mailed
        self._settings(self.admin_manager, wholesale_monthly_report_email=True)
        self.assertEqual(len(self._run_cron()), 1)
