from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAccess(TransactionCase):
    """Who may read and write what, tested as the real users, never as admin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "WR Access B"})
        cls.wholesale_user = new_test_user(
            cls.env,
            login="wr_acc_user",
            groups="wholesale_retail.group_wholesale_user",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
            tz="UTC",
        )
        cls.wholesale_manager = new_test_user(
            cls.env,
            login="wr_acc_manager",
            groups="wholesale_retail.group_wholesale_manager",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="wr_acc_salesperson",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        # may create and edit contacts, and sees inventory, but sells nothing
        cls.clerk = new_test_user(
            cls.env,
            login="wr_acc_clerk",
            groups="base.group_user,base.group_partner_manager,stock.group_stock_user",
        )
        cls.stock_manager = new_test_user(
            cls.env,
            login="wr_acc_stock_manager",
            groups="stock.group_stock_manager",
        )
        cls.wholesale_company = cls.env["res.partner"].create(
            {"name": "WR Acc Traders", "is_company": True, "wholesale_customer": True}
        )

    def _arch(self, model, user, view_type="form", view_ref=None):
        views = (
            self.env[model]
            .with_user(user)
            .get_views([(view_ref and self.env.ref(view_ref).id, view_type)])
        )
        return etree.fromstring(views["views"][view_type]["arch"])

    # ------------------------------------------------------------------
    # Monthly report
    # ------------------------------------------------------------------
    def test_monthly_report_tables_are_read_only(self):
        Report = self.env["wholesale.monthly.report"].with_user(self.wholesale_user)
        report = Report.create({"date_from": "2025-03-01"})
        report.action_compute()
        self.assertEqual(report.state, "done")
        summary = report.summary_ids
        # no sale in that month: the total row alone
        self.assertEqual(summary.mapped("is_total"), [True])
        for model in (
            "wholesale.monthly.report.summary",
            "wholesale.monthly.report.line",
            "wholesale.monthly.report.product",
            "wholesale.monthly.report.adjustment",
        ):
            Section = self.env[model].with_user(self.wholesale_user)
            self.assertTrue(Section.has_access("read"), model)
            for operation in ("write", "create", "unlink"):
                self.assertFalse(Section.has_access(operation), (model, operation))
        with self.assertRaises(AccessError):
            summary[0].with_user(self.wholesale_user).revenue = 1e6
        with self.assertRaises(AccessError):
            self.env["wholesale.monthly.report.line"].with_user(
                self.wholesale_user
            ).create(
                {
                    "report_id": report.id,
                    "channel_id": self.env["wholesale.sales.channel"]
                    ._wholesale_desk(self.env.company)
                    .id,
                    "product_id": self.env["product.product"].search([], limit=1).id,
                }
            )
        with self.assertRaises(AccessError):
            summary.with_user(self.wholesale_user).unlink()
        self.assertEqual(len(report.summary_ids), 1)
        # computing again replaces the rows; the XLSX reads them
        report.action_compute()
        self.assertEqual(len(report.summary_ids), 1)
        self.assertTrue(report._render_xlsx().startswith(b"PK"))
        # a user deletes a report of hers with its rows
        report.unlink()
        self.assertFalse(summary.exists())

    def test_monthly_report_buttons(self):
        form = self._arch(
            "wholesale.monthly.report",
            self.wholesale_user,
            view_ref="wholesale_retail.wholesale_monthly_report_view_form",
        )
        buttons = form.xpath("//button[@type='object']/@name")
        for name in ("action_compute", "action_print_pdf", "action_download_xlsx"):
            self.assertIn(name, buttons)
        section = self._arch(
            "wholesale.monthly.report.line",
            self.wholesale_user,
            view_type="list",
            view_ref="wholesale_retail.wholesale_monthly_report_line_view_list",
        )
        self.assertEqual(
            (section.get("create"), section.get("edit"), section.get("delete")),
            ("0", "0", "0"),
        )

    # ------------------------------------------------------------------
    # Unit ladders
    # ------------------------------------------------------------------
    def test_ladder_steps_follow_the_product_company(self):
        own, foreign, shared = self.env["product.template"].create(
            [
                {"name": "WR Acc Own", "company_id": self.company.id},
                {"name": "WR Acc Foreign", "company_id": self.company_b.id},
                {"name": "WR Acc Shared", "company_id": False},
            ]
        )
        for template in own | foreign | shared:
            template._wholesale_set_ladder([{"name": "Carton", "pieces": 12}])
        self.assertEqual(foreign.wholesale_step_ids.company_id, self.company_b)
        self.assertFalse(shared.wholesale_step_ids.company_id)
        Step = self.env["wholesale.unit.step"].with_user(self.wholesale_user)
        visible = Step.search([("product_tmpl_id", "in", (own | foreign | shared).ids)])
        self.assertEqual(visible, own.wholesale_step_ids | shared.wholesale_step_ids)
        with self.assertRaises(AccessError):
            foreign.wholesale_step_ids.with_user(self.wholesale_user).read(["name"])
        # a manager of company A cannot edit company B's ladder either
        with self.assertRaises(AccessError):
            foreign.wholesale_step_ids.with_user(self.wholesale_manager).write(
                {"wholesale_price": 1.0}
            )
        own.wholesale_step_ids.with_user(self.wholesale_manager).write(
            {"wholesale_price": 5.0}
        )
        self.assertEqual(own.wholesale_step_ids.wholesale_price, 5.0)
        # the step's company follows its product
        shared.company_id = self.company_b
        self.assertEqual(shared.wholesale_step_ids.company_id, self.company_b)

    def test_ladder_tab_and_wizard_by_rights(self):
        # no wholesale rights: no ladder tab
        form = self._arch("product.template", self.clerk)
        self.assertFalse(form.xpath("//page[@name='wholesale_unit_ladder']"))
        # a wholesale user reads the ladder but cannot change it
        form = self._arch("product.template", self.wholesale_user)
        steps = form.xpath(
            "//page[@name='wholesale_unit_ladder']"
            "//field[@name='wholesale_step_ids']/list"
        )
        self.assertEqual(len(steps), 1)
        self.assertEqual(
            (steps[0].get("create"), steps[0].get("edit"), steps[0].get("delete")),
            ("False", "False", "False"),
        )
        # the manager edits it
        form = self._arch("product.template", self.wholesale_manager)
        steps = form.xpath("//field[@name='wholesale_step_ids']/list")
        self.assertEqual(len(steps), 1)
        self.assertIsNone(steps[0].get("create"))
        # "Apply a Unit Ladder" is offered to those who may run it
        action = self.env.ref("wholesale_retail.wholesale_ladder_apply_action")
        Actions = self.env["ir.actions.actions"]
        for user, offered in (
            (self.clerk, False),
            (self.wholesale_user, False),
            (self.wholesale_manager, True),
        ):
            bindings = Actions.with_user(user).get_bindings("product.template")
            ids = [a["id"] for a in bindings.get("action", [])]
            self.assertEqual(action.id in ids, offered, user.login)
        with self.assertRaises(AccessError):
            self.env["wholesale.ladder.apply"].with_user(self.wholesale_user).create({})

    # ------------------------------------------------------------------
    # Warehouses and incidents
    # ------------------------------------------------------------------
    def test_oversell_policy_and_incidents_by_rights(self):
        fields = ("wholesale_oversell_policy",)
        for user, shown in (
            (self.wholesale_user, False),
            (self.stock_manager, True),
            (self.wholesale_manager, True),
        ):
            form = self._arch("stock.warehouse", user)
            for fname in fields:
                self.assertEqual(
                    bool(form.xpath("//field[@name='%s']" % fname)),
                    shown,
                    (user.login, fname),
                )
        incident_form = "wholesale_retail.wholesale_oversell_incident_view_form"
        for user, shown in (
            (self.wholesale_user, False),
            (self.stock_manager, True),
            (self.wholesale_manager, True),
        ):
            form = self._arch(
                "wholesale.oversell.incident", user, view_ref=incident_form
            )
            self.assertEqual(
                bool(form.xpath("//button[@name='action_settle']")),
                shown,
                user.login,
            )
        menu = self.env.ref("wholesale_retail.wholesale_oversell_incident_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.wholesale_user)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.clerk)._visible_menu_ids())

    # ------------------------------------------------------------------
    # Wholesale customer flag
    # ------------------------------------------------------------------
    def test_wholesale_flag_is_a_commercial_field(self):
        Partner = self.env["res.partner"].with_user(self.salesperson)
        company = Partner.create(
            {
                "name": "WR Acc Wholesale Co",
                "is_company": True,
                "wholesale_customer": True,
            }
        )
        contact = Partner.create({"name": "WR Acc Buyer", "parent_id": company.id})
        self.assertTrue(contact.wholesale_customer)
        self.assertIn(
            "wholesale_customer", self.env["res.partner"]._commercial_fields()
        )
        # an order for the contact person is a wholesale order
        self.assertTrue(
            self.env["sale.order"]
            .with_user(self.salesperson)
            .new({"partner_id": contact.id})
            .wholesale_customer
        )
        company.wholesale_customer = False
        self.assertFalse(contact.wholesale_customer)
        company.wholesale_customer = True
        self.assertTrue(contact.wholesale_customer)
        # the contact form shows the company's flag, read-only
        form = self._arch("res.partner", self.salesperson)
        (node,) = form.xpath("//field[@name='wholesale_customer']")
        self.assertEqual(node.get("readonly"), "not is_company and parent_id")

    def test_wholesale_flag_is_for_salespeople_only(self):
        company = self.wholesale_company
        Partner = self.env["res.partner"].with_user(self.clerk)
        # the form shows it read-only
        form = self._arch("res.partner", self.clerk)
        (node,) = form.xpath("//field[@name='wholesale_customer']")
        self.assertEqual(node.get("readonly"), "1")
        with (
            Form(company.with_user(self.clerk)) as partner_form,
            self.assertRaises(AssertionError),
        ):
            partner_form.wholesale_customer = False
        # the server refuses it, whatever the client sends
        with self.assertRaisesRegex(AccessError, "salespeople"):
            company.with_user(self.clerk).wholesale_customer = False
        with self.assertRaisesRegex(AccessError, "salespeople"):
            Partner.create({"name": "WR Acc Sneaky", "wholesale_customer": True})
        with self.assertRaisesRegex(AccessError, "salespeople"):
            Partner.with_context(default_wholesale_customer=True).create(
                {"name": "WR Acc Sneaky", "is_company": True}
            )
        plain = Partner.create({"name": "WR Acc Plain Co", "is_company": True})
        with self.assertRaisesRegex(AccessError, "salespeople"):
            Partner.create(
                {
                    "name": "WR Acc Sneaky",
                    "parent_id": plain.id,
                    "wholesale_customer": True,
                }
            )
        self.assertTrue(company.wholesale_customer)
        self.assertFalse(Partner.search([("name", "=", "WR Acc Sneaky")]))
        # everything else stays open to the clerk, and contacts follow the company
        company.with_user(self.clerk).phone = "+1 555 0100"
        contact = Partner.create(
            {"name": "WR Acc Clerk's Buyer", "parent_id": company.id}
        )
        self.assertTrue(contact.wholesale_customer)
        contact.parent_id = plain
        self.assertEqual(contact.commercial_partner_id, plain)
        self.assertFalse(contact.wholesale_customer)
        # a default sent by the client does not flag a contact either
        buyer = Partner.with_context(default_wholesale_customer=True).create(
            {"name": "WR Acc Plain Buyer", "parent_id": plain.id}
        )
        self.assertFalse(buyer.wholesale_customer)
        self.assertFalse(
            self.env["sale.order"].new({"partner_id": contact.id}).wholesale_customer
        )


@tagged("post_install", "-at_install")
class TestAccessHttp(HttpCase):
    """The XLSX download of a monthly report works for a plain wholesale user."""

    def test_xlsx_route_as_wholesale_user(self):
        user = new_test_user(
            self.env,
            login="wr_acc_xlsx",
            groups="wholesale_retail.group_wholesale_user",
            tz="UTC",
        )
        report = (
            self.env["wholesale.monthly.report"]
            .with_user(user)
            .create({"date_from": "2025-03-01"})
        )
        report.action_compute()
        self.authenticate(user.login, "wr_acc_xlsx")
        response = self.url_open("/wholesale_retail/monthly_report/%d/xlsx" % report.id)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"))
