from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import WholesalePoolCommon

NOW = "2026-03-17 11:00:00"  # 15:00 in Dubai


@tagged("post_install", "-at_install")
class TestDashboard(WholesalePoolCommon):
    """The Overview's figures count the documents of the current company, and
    each figure's action lists exactly the records it counts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.wholesale_low_stock_threshold = 10
        cls.warehouse.wholesale_oversell_policy = "backorder"
        tax7 = cls.taxes["tax7"]
        cls.kettle = cls.create_product("WR Dash Kettle", cls.categ_basic, 25.0, 15.0)
        cls.fan = cls.create_product(
            "WR Dash Fan", cls.categ_basic, 40.0, 30.0, tax_ids=tax7.ids
        )
        cls.heater = cls.create_product("WR Dash Heater", cls.categ_basic, 60.0, 45.0)
        cls.adjust_inventory([cls.kettle, cls.fan], [100, 4])
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Dash Wholesaler", "wholesale_customer": True}
        )
        cls.other_company = cls.env["res.company"].create(
            {"name": "WR Dash Other Company"}
        )
        cls.wr_user = new_test_user(
            cls.env,
            login="wr_dash_figures",
            groups="wholesale_retail.group_wholesale_user",
            company_id=cls.company.id,
            company_ids=[Command.set([cls.company.id, cls.other_company.id])],
            tz="Asia/Dubai",
        )
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "WR Dash EUR", "currency_id": cls.other_currency.id}
        )
        team = cls.env["crm.team"].create({"name": "WR Dash Web Team"})
        cls.web = cls.env["wholesale.sales.channel"].create(
            {"name": "WR Dash Web Shop", "kind": "web", "team_id": team.id}
        )
        cls.marketplace = cls.env["wholesale.sales.channel"].create(
            {"name": "WR Dash Marketplace", "kind": "marketplace"}
        )
        cls.pos_channel = cls.basic_config._wholesale_channel()

    def _overview(self, user=None):
        # the web client sends the user's time zone in the context
        return (
            self.env["wholesale.overview"]
            .with_user(user or self.wr_user)
            .with_context(tz="Asia/Dubai")
        )

    def _order(self, product, qty, date=None, confirm=True, **vals):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                ],
                **vals,
            }
        )
        if confirm:
            order.action_confirm()
        if date:
            order.date_order = date
        return order

    def _incident(self, product, company, warehouse, state="open"):
        incidents = self.env["wholesale.oversell.incident"].with_company(company)
        return incidents.create(
            {
                "product_id": product.id,
                "company_id": company.id,
                "warehouse_id": warehouse.id,
                "quantity_sold": 2,
                "quantity_short": 1,
                "state": state,
            }
        )

    def _listed(self, key, user=None):
        """The records the figure's action lists, searched as the user's list
        would search them."""
        action = self._overview(user).action_open_figure(key)
        self.assertEqual(action["type"], "ir.actions.act_window")
        model = self.env[action["res_model"]].with_user(user or self.wr_user)
        model = model.with_context(**action["context"])
        return model.search(action["domain"])

    def _amount(self, orders):
        """Untaxed total of ``orders`` in the company's currency."""
        company = self.company
        total = 0.0
        for order in orders:
            untaxed = (
                order.amount_untaxed
                if order._name == "sale.order"
                else order.amount_total - order.amount_tax
            )
            total += order.currency_id._convert(
                untaxed, company.currency_id, company, order.date_order.date()
            )
        return total

    @freeze_time(NOW)
    def test_figures_and_their_lists(self):
        # the wholesale desk: 48 + 2 kettles today in Dubai (21:00 UTC
        # yesterday is 01:00 today there), 4 earlier this month, 1 in euros,
        # 3 last month and a quotation
        today_big = self._order(self.kettle, 48)
        today_night = self._order(self.kettle, 2, date="2026-03-16 21:00:00")
        earlier = self._order(self.kettle, 4, date="2026-03-16 19:00:00")
        in_euros = self._order(
            self.kettle,
            1,
            date="2026-03-10 08:00:00",
            pricelist_id=self.eur_pricelist.id,
        )
        self._order(self.kettle, 3, date="2026-02-27 10:00:00")
        quotation = self._order(self.kettle, 5, confirm=False)
        # a heater on order with none in stock: waiting for stock
        waiting = self._order(self.heater, 5)
        self.assertEqual(
            waiting.picking_ids.filtered(lambda p: p.state != "cancel").state,
            "confirmed",
        )
        # the web shop sold today; the marketplace sold nothing
        web_order = self._order(self.kettle, 6, team_id=self.web.team_id.id)
        self.assertEqual(web_order.wholesale_channel_id, self.web)
        # the point of sale: a fan (taxed 7 %) and two kettles
        self.config = self.basic_config
        self.open_new_session()
        pos_order = self._sync(
            self.create_ui_order_data([(self.fan, 1), (self.kettle, 2)])
        )
        self.assertAlmostEqual(pos_order.amount_total - pos_order.amount_tax, 90.0)
        self.assertGreater(pos_order.amount_tax, 0)
        # incidents: one open, one settled, one of another company
        open_incident = self._incident(self.fan, self.company, self.warehouse)
        self._incident(self.kettle, self.company, self.warehouse, state="done")
        other_warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.other_company.id)], limit=1
        )
        other_product = self.env["product.product"].create(
            {
                "name": "WR Dash Other Lamp",
                "is_storable": True,
                "company_id": self.other_company.id,
            }
        )
        self._incident(other_product, self.other_company, other_warehouse)
        # another company's confirmed order
        other_goods = self.env["product.product"].create(
            {
                "name": "WR Dash Other Goods",
                "type": "consu",
                "list_price": 10.0,
                "company_id": self.other_company.id,
            }
        )
        other_order = (
            self.env["sale.order"]
            .with_company(self.other_company)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.other_company.id,
                    "order_line": [
                        Command.create(
                            {"product_id": other_goods.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
        )
        other_order.with_company(self.other_company).action_confirm()
        self.env.flush_all()

        data = self._overview().get_dashboard_data()
        self.assertEqual(data["company"]["id"], self.company.id)
        self.assertEqual(data["currency_id"], self.company.currency_id.id)
        self.assertEqual(data["date"], "2026-03-17")
        channels = {row["key"]: row for row in data["channels"]}
        self.assertEqual(data["channels"][0]["key"], "desk")
        self.assertIn(str(self.pos_channel.id), channels)
        self.assertIn(str(self.web.id), channels)
        self.assertNotIn(str(self.marketplace.id), channels)

        desk = channels["desk"]
        desk_today = today_big | today_night | waiting
        desk_month = desk_today | earlier | in_euros
        self.assertEqual(desk["today"]["count"], 3)
        self.assertAlmostEqual(desk["today"]["amount"], 48 * 25 + 2 * 25 + 5 * 60)
        self.assertEqual(desk["month"]["count"], 5)
        # 25 a kettle, in euros at 2 euros a unit of the company's currency
        self.assertEqual(in_euros.currency_id, self.other_currency)
        self.assertAlmostEqual(
            in_euros.currency_id._convert(
                in_euros.amount_untaxed,
                self.company.currency_id,
                self.company,
                in_euros.date_order.date(),
            ),
            25.0,
        )
        self.assertAlmostEqual(desk["month"]["amount"], 1550 + 4 * 25 + 25)
        self.assertEqual(self._listed("sales:today:desk"), desk_today)
        self.assertEqual(self._listed("sales:month:desk"), desk_month)
        self.assertNotIn(quotation, self._listed("sales:month:desk"))
        for period, orders in (("today", desk_today), ("month", desk_month)):
            self.assertAlmostEqual(desk[period]["amount"], self._amount(orders))

        web = channels[str(self.web.id)]
        self.assertEqual((web["today"]["count"], web["today"]["amount"]), (1, 150.0))
        self.assertEqual(self._listed(web["today"]["key"]), web_order)

        pos = channels[str(self.pos_channel.id)]
        self.assertEqual(pos["today"]["count"], 1)
        self.assertAlmostEqual(pos["today"]["amount"], 90.0)
        self.assertEqual(pos["month"]["count"], 1)
        self.assertEqual(self._listed(pos["today"]["key"]), pos_order)
        self.assertAlmostEqual(self._amount(self._listed(pos["month"]["key"])), 90.0)

        # the open oversell incident of this company only
        self.assertEqual(data["oversell_open"]["count"], 1)
        self.assertEqual(self._listed("oversell_open"), open_incident)

        # the wholesale order waiting for the heaters
        self.assertEqual(data["waiting_orders"]["count"], 1)
        self.assertAlmostEqual(data["waiting_orders"]["amount"], 300.0)
        self.assertEqual(self._listed("waiting_orders"), waiting)

        # low stock: 3 fans and no heater on hand; 98 kettles are plenty
        low = self._listed("low_stock")
        self.assertEqual(data["low_stock"]["count"], len(low))
        self.assertIn(self.fan, low)
        self.assertIn(self.heater, low)
        self.assertNotIn(self.kettle, low)
        self.assertNotIn(other_product, low)
        self.assertEqual(low.filtered(lambda p: p == self.fan).qty_available, 3)
        self.assertEqual(low.filtered(lambda p: p == self.fan).free_qty, 3)
        self.assertEqual(low.filtered(lambda p: p == self.heater).qty_available, 0)
        # the lowest few are shown, each with what the list says of it, in the
        # addon's quantity words (on a database with other products, ours may
        # not be among the few)
        rows = data["low_stock"]["products"]
        self.assertTrue(rows)
        lowest = [row["qty_available"] for row in rows]
        self.assertEqual(lowest, sorted(lowest))
        by_id = {product.id: product for product in low}
        for row in rows:
            product = by_id[row["id"]]
            self.assertEqual(row["qty_available"], product.qty_available)
            self.assertEqual(row["free_qty"], product.free_qty)
            self.assertEqual(
                row["free_text"], product._wholesale_qty_text(product.free_qty)
            )
        listed_ids = {row["id"] for row in rows}
        unlisted = low.filtered(lambda p: p.id not in listed_ids)
        if unlisted:  # none shown has more on hand than one left out
            self.assertGreaterEqual(min(unlisted.mapped("qty_available")), max(lowest))
        # where the fan and the heater are among the few (always on a fresh
        # database), in the addon's quantity words
        shown = {row["id"]: row for row in rows}
        if self.fan.id in shown:
            self.assertEqual(shown[self.fan.id]["free_text"], "3 pcs")
        if self.heater.id in shown:
            self.assertEqual(shown[self.heater.id]["on_hand_text"], "0 pcs")

        # stock value: what the company's quants are worth at their cost
        valued = self._listed("stock_value")
        self.assertIn(self.kettle, valued)
        self.assertIn(self.fan, valued)
        self.assertNotIn(self.heater, valued)
        self.assertEqual(data["stock_value"]["count"], len(valued))
        quants = self.env["stock.quant"].search(
            [
                ("company_id", "=", self.company.id),
                ("location_id.usage", "in", ("internal", "transit")),
            ]
        )
        self.assertAlmostEqual(
            data["stock_value"]["amount"],
            sum(q.quantity * q.product_id.standard_price for q in quants),
        )
        kettles = quants.filtered(lambda q: q.product_id == self.kettle)
        self.assertEqual(sum(kettles.mapped("quantity")), 98)

        # the other company, switched to, sees its own order and incident
        other = self._overview().with_company(self.other_company)
        other_data = other.get_dashboard_data()
        other_desk = other_data["channels"][0]
        self.assertEqual(other_desk["today"]["count"], 1)
        self.assertEqual(other_data["oversell_open"]["count"], 1)
        self.assertEqual(
            other.action_open_figure("sales:today:desk")["domain"][0],
            ("company_id", "=", self.other_company.id),
        )

    def test_nothing_is_created_per_visit(self):
        Overview = self.env["wholesale.overview"].with_user(self.wr_user)
        self.assertTrue(Overview._abstract)
        self.env.flush_all()
        query = """
            SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)
              FROM pg_stat_xact_user_tables
        """
        self.env.cr.execute(query)
        before = self.env.cr.fetchone()[0]
        first = Overview.get_dashboard_data()
        second = Overview.get_dashboard_data()
        for key in ("stock_value", "low_stock", "oversell_open", "waiting_orders"):
            Overview.action_open_figure(key)
        self.env.flush_all()
        self.env.cr.execute(query)
        self.assertEqual(self.env.cr.fetchone()[0], before, "no row was written")
        self.assertEqual(first, second)

    def test_rights_and_keys(self):
        plain = new_test_user(self.env, login="wr_dash_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["wholesale.overview"].with_user(plain).get_dashboard_data()
        with self.assertRaises(AccessError):
            self.env["wholesale.overview"].with_user(plain).action_open_figure(
                "oversell_open"
            )
        Overview = self.env["wholesale.overview"].with_user(self.wr_user)
        other_desk = self.env["wholesale.sales.channel"].search(
            [("company_id", "=", self.other_company.id), ("kind", "=", "wholesale")]
        )
        for key in ("nothing", "sales:today:abc", f"sales:week:{self.web.id}", 42):
            with self.assertRaises(UserError):
                Overview.action_open_figure(key)
        # another company's channel is not a figure of this company
        with self.assertRaises(UserError):
            Overview.action_open_figure(f"sales:today:{other_desk.id}")
        # the menu opens the dashboard, for a wholesale user
        menu = self.env.ref("wholesale_retail.wholesale_overview_menu")
        action = self.env.ref("wholesale_retail.wholesale_overview_action_dashboard")
        self.assertEqual(menu.action, action)
        self.assertEqual(action.tag, "wholesale_retail.dashboard")
        visible = self.env["ir.ui.menu"].with_user(self.wr_user)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        visible = self.env["ir.ui.menu"].with_user(plain)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    """A wholesale user opens the Overview from the menu and its figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        products = cls.env["product.product"].create(
            [
                {"name": name, "is_storable": True, "list_price": 20.0}
                for name in ("WR Dash Oversold Fan", "WR Dash Settled Fan")
            ]
        )
        cls.env["stock.quant"]._update_available_quantity(
            products[0], warehouse.lot_stock_id, 50
        )
        for product, state in zip(products, ("open", "done"), strict=True):
            cls.env["wholesale.oversell.incident"].create(
                {
                    "product_id": product.id,
                    "warehouse_id": warehouse.id,
                    "quantity_sold": 3,
                    "quantity_short": 1,
                    "state": state,
                }
            )
        partners = cls.env["res.partner"].create(
            [
                {"name": "WR Dash Wholesaler", "wholesale_customer": True},
                {"name": "WR Dash Prospect", "wholesale_customer": True},
            ]
        )
        orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "warehouse_id": warehouse.id,
                    "order_line": [
                        Command.create(
                            {"product_id": products[0].id, "product_uom_qty": 2}
                        )
                    ],
                }
                for partner in partners
            ]
        )
        orders[0].action_confirm()
        new_test_user(
            cls.env,
            login="wr_dash_user",
            groups="wholesale_retail.group_wholesale_user",
            company_id=company.id,
        )

    def test_dashboard_tour(self):
        self.start_tour("/odoo", "WholesaleRetailDashboardTour", login="wr_dash_user")
