import io
import uuid
from collections import defaultdict
from datetime import date

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .test_monthly_report_languages import SHEETS

DAYS = 31  # March 2025


def weight(day):
    """Share of March left after a move on ``day`` at noon (UTC)."""
    return (DAYS + 0.5 - day) / DAYS


@tagged("post_install", "-at_install")
class TestMonthlyReport(TestPoSCommon):
    """The merged monthly report on a small fixture computed by hand.

    March 2025, company currency, all moves in WH/Stock:

    * Kettle (price 25, cost 15, a ladder: carton of 12 = its wholesale unit,
      pallet of 480), Fan (price 40, cost 30, no ladder); 100 kettles and 50
      fans counted on 20 Feb (their opening stock).
    * SO1 5 Mar: 2 cartons of kettles at 264 a carton, delivered.
    * SO2 8 Mar, in EUR (2 EUR = 1 company unit): 10 fans at 80 EUR, delivered.
    * Return 10 Mar: 6 kettles of SO1 come back.
    * POS1 12 Mar: 5 kettles + 2 fans; POS2 14 Mar: 3 kettles;
      POS3 15 Mar: refund of 1 kettle of POS1.
    * Count 20 Mar: 70 kettles on the shelf, book says 75.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )
        cls.env.user.tz = "UTC"
        cls.env.user.email = "boss@example.com"
        cls.warehouse = cls.company_data["default_warehouse"]
        cls.stock = cls.warehouse.lot_stock_id
        unit = cls.env.ref("uom.product_uom_unit")
        cls.kettle = cls.create_product("WR Kettle", cls.categ_basic, 25.0, 15.0)
        steps = cls.env["wholesale.unit.step"].create(
            [
                {
                    "product_tmpl_id": cls.kettle.product_tmpl_id.id,
                    "name": "Carton",
                    "pieces": 12,
                    "is_wholesale_unit": True,
                },
                {
                    "product_tmpl_id": cls.kettle.product_tmpl_id.id,
                    "name": "Pallet",
                    "pieces": 480,
                },
            ]
        )
        cls.carton = steps[0].uom_id
        cls.fan = cls.create_product("WR Fan", cls.categ_basic, 40.0, 30.0)
        cls.wholesaler = cls.env["res.partner"].create({"name": "WR Sub-distributor"})
        cls.env["res.currency.rate"].create(
            {
                "name": "2025-01-01",
                "rate": 2.0,
                "currency_id": cls.other_currency.id,
                "company_id": cls.company.id,
            }
        )
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "WR EUR", "currency_id": cls.other_currency.id}
        )
        with freeze_time("2025-02-20 12:00:00"):
            cls._count(cls.kettle, 100)
            cls._count(cls.fan, 50)
        with freeze_time("2025-03-05 12:00:00"):
            cls.so1 = cls._sell(cls.kettle, 2, cls.carton, 264.0)
        with freeze_time("2025-03-08 12:00:00"):
            cls.so2 = cls._sell(cls.fan, 10, unit, 80.0, cls.eur_pricelist)
        with freeze_time("2025-03-10 12:00:00"):
            picking = cls.so1.picking_ids
            wizard = (
                cls.env["stock.return.picking"]
                .with_context(active_id=picking.id, active_model="stock.picking")
                .create({})
            )
            wizard.product_return_moves.quantity = 6
            action = wizard.action_create_returns()
            cls._validate(cls.env["stock.picking"].browse(action["res_id"]))
        cls.config = cls.basic_config
        with freeze_time("2025-03-12 12:00:00"):
            cls._open_session()
            cls.pos1 = cls._pos([(cls.kettle, 5), (cls.fan, 2)])
        with freeze_time("2025-03-14 12:00:00"):
            cls._pos([(cls.kettle, 3)])
        with freeze_time("2025-03-15 12:00:00"):
            kettle_line = cls.pos1.lines.filtered(lambda l: l.product_id == cls.kettle)
            cls._pos(
                [
                    {
                        "product": cls.kettle,
                        "quantity": -1,
                        "refunded_orderline_id": kettle_line.id,
                    }
                ],
                {"is_refund": True},
            )
        with freeze_time("2025-03-20 12:00:00"):
            cls._count(cls.kettle, 70)

    # -- fixture helpers ---------------------------------------------------

    @classmethod
    def _count(cls, product, quantity):
        quant = cls.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", cls.stock.id)]
        )
        if quant:
            quant.with_context(inventory_mode=True).inventory_quantity = quantity
        else:
            quant = (
                cls.env["stock.quant"]
                .with_context(inventory_mode=True)
                .create(
                    {
                        "product_id": product.id,
                        "location_id": cls.stock.id,
                        "inventory_quantity": quantity,
                    }
                )
            )
        quant.action_apply_inventory()

    @classmethod
    def _validate(cls, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        assert picking.state == "done", picking.state

    @classmethod
    def _sell(cls, product, qty, uom, price, pricelist=None):
        vals = {
            "partner_id": cls.wholesaler.id,
            "warehouse_id": cls.warehouse.id,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "product_uom_qty": qty,
                        "product_uom_id": uom.id,
                        "price_unit": price,
                        "tax_ids": [(5, 0, 0)],
                    },
                )
            ],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].create(vals)
        order.order_line.price_unit = price
        order.action_confirm()
        cls._validate(order.picking_ids)
        return order

    @classmethod
    def _open_session(cls):
        cls.config.open_ui()
        cls.pos_session = cls.config.current_session_id
        cls.currency = cls.pos_session.currency_id
        cls.pricelist = cls.config.pricelist_id
        cls.pos_session.set_opening_control(0, None)

    @classmethod
    def _pos(cls, lines, order_args=None):
        data = cls.create_ui_order_data(
            cls, lines, order_args or {}, uuid=str(uuid.uuid4())
        )
        result = cls.env["pos.order"].sync_from_ui([data])
        return cls.env["pos.order"].browse(result["pos.order"][0]["id"])

    def _report(self, **vals):
        report = self.env["wholesale.monthly.report"].create(
            {"date_from": "2025-03-17", "company_id": self.company.id, **vals}
        )
        report.action_compute()
        return report

    def _rows(self, report):
        return {
            "total" if row.is_total else row.channel_id: row
            for row in report.summary_ids
        }

    def _sale_analysis(self, domain, groupby=()):
        """Odoo's own Sales Analysis for March 2025 (UTC company)."""
        return self.env["sale.report"]._read_group(
            [
                ("company_id", "=", self.company.id),
                ("date", ">=", "2025-03-01"),
                ("date", "<", "2025-04-01"),
                ("state", "in", ["sale", "paid", "done", "invoiced"]),
                *domain,
            ],
            list(groupby),
            ["price_subtotal:sum", "product_uom_qty:sum", "margin:sum"],
        )

    def _settle_at_the_pos(self):
        """A quotation for 12 kettles at 22, paid at the counter on 16 March
        (pos_sale: 12 at the POS price of 25)."""
        with freeze_time("2025-03-16 12:00:00"):
            quote = self.env["sale.order"].create(
                {
                    "partner_id": self.wholesaler.id,
                    "warehouse_id": self.warehouse.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.kettle.id,
                                "product_uom_qty": 12,
                                "price_unit": 22.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            data = self.create_ui_order_data(
                [
                    {
                        "product": self.kettle,
                        "quantity": 12,
                        "sale_order_origin_id": quote.id,
                        "sale_order_line_id": quote.order_line.id,
                    }
                ],
                customer=self.wholesaler,
                uuid=str(uuid.uuid4()),
            )
            self.env["pos.order"].sync_from_ui([data])
        return quote

    # -- tests ---------------------------------------------------------------

    def test_figures_by_hand(self):
        self.assertEqual(self.so2.currency_rate, 2.0)
        report = self._report()
        self.assertEqual(report.date_from, date(2025, 3, 1))
        self.assertEqual(report.days, DAYS)
        self.assertEqual(report.tz, "UTC")
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        counter = self.config._wholesale_channel()
        rows = self._rows(report)
        self.assertEqual(set(rows), {desk, counter, "total"})
        self.assertEqual(report.summary_ids[-1], rows["total"])
        # the desk, ordered basis: SO1 2 x 264 (cost 2 x 12 x 15), SO2 800 EUR
        # / 2 (cost 10 x 30). The 6 kettles that came back (Inventory's Return:
        # a row of the return log, at 264 / 12 = 22 a piece) are returns; no
        # credit note refunded them, so revenue keeps them.
        self.assertRecordValues(
            rows[desk],
            [
                {
                    "gross_revenue": 528 + 400,
                    "refunded_value": 0,
                    "returned_value": 6 * 22,
                    "revenue": 928,
                    "cogs": 360 + 300,
                    "margin": 928 - 660,
                    "gross_qty": 24 + 10,
                    "returned_qty": 6,
                    "qty_sold": 34,
                    "qty_cartons": 2,  # SO1's 24 kettles; fans have no carton
                }
            ],
        )
        self.assertAlmostEqual(rows[desk].return_rate_qty, 100 * 6 / 34)
        self.assertAlmostEqual(rows[desk].return_rate_value, 100 * 132 / 928)
        # the counter: 5 x 25 + 2 x 40, 3 x 25, refund 1 x 25
        self.assertRecordValues(
            rows[counter],
            [
                {
                    "gross_revenue": 205 + 75,
                    "refunded_value": 25,
                    "returned_value": 25,
                    "revenue": 255,
                    "cogs": 135 + 45 - 15,
                    "margin": 90,
                    "gross_qty": 10,
                    "returned_qty": 1,
                    "qty_sold": 9,
                    "qty_cartons": 0,  # 7 kettles: no whole carton
                }
            ],
        )
        total = rows["total"]
        self.assertAlmostEqual(total.revenue, 1183)
        self.assertAlmostEqual(total.cogs, 825)
        self.assertAlmostEqual(total.margin, 358)
        self.assertAlmostEqual(report.margin_percent, 100 * 358 / 1183)
        self.assertAlmostEqual(total.return_rate_value, 100 * (132 + 25) / 1208)
        self.assertAlmostEqual(total.return_rate_qty, 100 * 7 / 44)
        # time-weighted stock over March, valued at March's cost
        kettle_avg = 100 + (
            -24 * weight(5)
            + 6 * weight(10)
            - 5 * weight(12)
            - 3 * weight(14)
            + 1 * weight(15)
            - 5 * weight(20)
        )
        fan_avg = 50 - 10 * weight(8) - 2 * weight(12)
        avg_value = 15 * kettle_avg + 30 * fan_avg
        self.assertAlmostEqual(report.avg_stock_value, avg_value, places=2)
        self.assertAlmostEqual(total.avg_stock_value, avg_value, places=2)
        # both products are stocked: turnover = average value / daily cost
        self.assertAlmostEqual(report.stocked_cogs, 825)
        self.assertAlmostEqual(report.turnover_days, avg_value / (825 / DAYS), 4)
        self.assertFalse(rows[desk].turnover_days)  # no per-channel turnover
        self.assertAlmostEqual(report.opening_stock_value, 100 * 15 + 50 * 30)
        self.assertAlmostEqual(report.closing_stock_value, 70 * 15 + 38 * 30)
        # movers: kettle 31 sold (2 cartons + 7), 70 left; fan 12 sold, 38 left
        movers = {rec.product_id: rec for rec in report.product_ids}
        kettle, fan = movers[self.kettle], movers[self.fan]
        self.assertRecordValues(
            kettle | fan,
            [
                {
                    "qty_sold": 31,
                    "qty_cartons": 2,
                    "qty_loose": 7,
                    "cartons_label": "2 cartons + 7 pcs",
                    "closing_qty": 70,
                    "opening_qty": 100,
                    "unit_cost": 15,
                    "stock_value": 70 * 15,
                    "slow_rank": 2,
                    "top_rank": 1,
                    "last_sale_date": date(2025, 3, 14),
                    "no_sales": False,
                },
                {
                    "qty_sold": 12,
                    "qty_cartons": 0,
                    "qty_loose": 12,
                    "cartons_label": "12 pcs",
                    "closing_qty": 38,
                    "opening_qty": 50,
                    "unit_cost": 30,
                    "stock_value": 38 * 30,
                    "slow_rank": 1,
                    "top_rank": 2,
                    "last_sale_date": date(2025, 3, 12),
                    "no_sales": False,
                },
            ],
        )
        self.assertAlmostEqual(kettle.days_of_cover, 70 / (31 / DAYS))
        self.assertEqual(kettle.cover_label, "%.1f" % (70 / (31 / DAYS)))
        self.assertAlmostEqual(fan.days_of_cover, 38 / (12 / DAYS))
        self.assertAlmostEqual(kettle.avg_qty, kettle_avg, places=4)
        self.assertAlmostEqual(
            kettle.turnover_days, 15 * kettle_avg / ((360 + 105) / DAYS), 4
        )
        # reconciliation: one count of the month (the February one is out)
        self.assertRecordValues(
            report.adjustment_ids,
            [
                {
                    "kind": "difference",
                    "product_id": self.kettle.id,
                    "location_id": self.stock.id,
                    "book_qty": 75,
                    "counted_qty": 70,
                    "difference_qty": -5,
                    "difference_value": -75,
                }
            ],
        )
        self.assertAlmostEqual(report.adjustment_value, -75)
        self.assertFalse(report.opening_load_value)
        lines = report.line_ids.filtered(lambda l: l.product_id == self.kettle)
        self.assertEqual(lines.channel_id, desk | counter)
        # returns by reason: the 6 kettles returned with Inventory's Return
        # and the ticket-screen refund of 1 kettle (no reason asked by either)
        self.assertRecordValues(
            report.return_ids,
            [
                {
                    "channel_id": desk.id,
                    "reason_id": False,
                    "disposition": "stock",
                    "returns": 1,
                    "qty": 6,
                    "value_sale": 132,
                },
                {
                    "channel_id": counter.id,
                    "reason_id": False,
                    "disposition": "stock",
                    "returns": 1,
                    "qty": 1,
                    "value_sale": 25,
                },
            ],
        )

    def test_ordered_basis_equals_sales_analysis(self):
        """Each figure of the ordered basis is Odoo's Sales Analysis for the
        same filters, channel by channel, and the report says so."""
        report = self._report()
        self.assertEqual(report.check_source, "Sales Analysis + Point of Sale Analysis")
        self.assertAlmostEqual(report.check_revenue, 1183)
        self.assertAlmostEqual(report.check_qty, 43)
        self.assertAlmostEqual(report.check_difference, 0)
        analysis = {
            channel: (revenue, qty)
            for channel, revenue, qty, _margin in self._sale_analysis(
                [], ["wholesale_channel_id"]
            )
        }
        rows = self._rows(report)
        self.assertEqual(set(analysis), set(rows) - {"total"})
        for channel, (revenue, qty) in analysis.items():
            self.assertAlmostEqual(rows[channel].revenue, revenue)
            self.assertAlmostEqual(rows[channel].qty_sold, qty)
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        [(_revenue, _qty, desk_margin)] = self._sale_analysis(
            [("wholesale_channel_id", "=", desk.id)]
        )
        self.assertAlmostEqual(rows[desk].margin, desk_margin)
        # every POS line is costed: the whole margin is the analysis' margin
        pos_lines = self.env["pos.order.line"].search(
            [("order_id.session_id", "=", self.pos_session.id)]
        )
        self.assertTrue(all(pos_lines.mapped("is_total_cost_computed")))
        [(_revenue, _qty, margin)] = self._sale_analysis([])
        self.assertAlmostEqual(report.margin, margin)
        self.assertAlmostEqual(report.cogs, report.revenue - margin)
        # per product, as the Sales Analysis pivot by product shows it
        by_product = defaultdict(float)
        for line in report.line_ids:
            by_product[line.product_id] += line.revenue
        for product, revenue, _qty, _margin in self._sale_analysis([], ["product_id"]):
            self.assertAlmostEqual(by_product[product], revenue)
        # the point of sale's own analysis agrees on the counter
        [(pos_revenue,)] = self.env["report.pos.order"]._read_group(
            [("config_id", "=", self.config.id)], [], ["price_subtotal_excl:sum"]
        )
        self.assertAlmostEqual(rows[self.config._wholesale_channel()].revenue, 255)
        self.assertAlmostEqual(pos_revenue, 255)

    def test_web_shop_order_lands_in_its_channel(self):
        team = self.env["crm.team"].create({"name": "WR Web Team"})
        web = self.env["wholesale.sales.channel"].create(
            {"name": "WR Web Shop", "kind": "web", "team_id": team.id}
        )
        self.assertTrue(web.is_retail)
        with freeze_time("2025-03-18 12:00:00"):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.wholesaler.id,
                    "team_id": team.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.fan.id,
                                "product_uom_qty": 3,
                                "price_unit": 45.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            self.assertEqual(order.wholesale_channel_id, web)
            order.action_confirm()
        report = self._report()
        rows = self._rows(report)
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        self.assertAlmostEqual(rows[web].revenue, 135)
        self.assertAlmostEqual(rows[web].qty_sold, 3)
        self.assertAlmostEqual(rows[desk].revenue, 928)  # not in wholesale
        self.assertAlmostEqual(report.check_difference, 0)
        # the filter by channel: the web shop alone, checked the same way
        alone = self._report(channel_ids=[Command.set(web.ids)])
        self.assertEqual(alone.summary_ids.channel_id, web)
        self.assertAlmostEqual(alone.revenue, 135)
        self.assertAlmostEqual(alone.check_revenue, 135)
        # a salesperson without inventory rights takes an order: the desk's
        salesman = new_test_user(
            self.env,
            login="wr_report_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
        )
        quote = (
            self.env["sale.order"]
            .with_user(salesman)
            .create({"partner_id": self.wholesaler.id, "team_id": False})
        )
        self.assertEqual(quote.wholesale_channel_id, desk)

    def test_invoiced_basis_and_price_only_credit_note(self):
        with freeze_time("2025-03-20 12:00:00"):
            invoice = self.so1._create_invoices()
            invoice.invoice_date = "2025-03-20"
            invoice.action_post()
        with freeze_time("2025-03-25 12:00:00"):
            # a price correction: 10 off, no goods come back
            credit = self.env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.wholesaler.id,
                    "invoice_date": "2025-03-25",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.kettle.id,
                                "quantity": 1,
                                "price_unit": 10.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            credit.action_post()
        report = self._report(revenue_basis="invoiced")
        rows = self._rows(report)
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        counter = self.config._wholesale_channel()
        # SO1 invoiced 528, the credit note takes 10 off; SO2 is not invoiced
        self.assertAlmostEqual(rows[desk].gross_revenue, 528)
        self.assertAlmostEqual(rows[desk].refunded_value, 10)
        # the 6 kettles that came back are returns on both bases
        self.assertAlmostEqual(rows[desk].returned_value, 6 * 22)
        self.assertAlmostEqual(rows[desk].revenue, 518)
        # cost of goods = the values recorded on the month's moves to and from
        # the desk's customers: 24 kettles and 10 fans out, 6 kettles back
        moves = (self.so1 | self.so2).picking_ids.move_ids | self.env[
            "stock.move"
        ].search([("origin_returned_move_id", "in", self.so1.picking_ids.move_ids.ids)])
        recorded = sum(
            move.value * (1 if move.location_dest_id.usage == "customer" else -1)
            for move in moves
        )
        self.assertAlmostEqual(recorded, 360 + 300 - 90)
        self.assertAlmostEqual(rows[desk].cogs, recorded)
        # POS orders are paid up front: the same on both bases
        self.assertAlmostEqual(rows[counter].revenue, 255)
        self.assertAlmostEqual(rows[counter].cogs, 165)
        self.assertEqual(
            report.check_source, "Invoicing Analysis + Point of Sale Analysis"
        )
        [(invoiced,)] = self.env["account.invoice.report"]._read_group(
            [
                ("company_id", "=", self.company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ["out_invoice", "out_refund"]),
                ("invoice_date", ">=", "2025-03-01"),
                ("invoice_date", "<=", "2025-03-31"),
            ],
            [],
            ["price_subtotal:sum"],
        )
        self.assertAlmostEqual(invoiced, 518)
        self.assertAlmostEqual(report.check_revenue, 518 + 255)
        self.assertAlmostEqual(report.check_qty, 24 - 1 + 9)
        self.assertAlmostEqual(rows["total"].qty_sold, 24 - 1 + 9)
        self.assertAlmostEqual(report.revenue, 518 + 255)
        self.assertAlmostEqual(report.check_difference, 0)
        # the ordered basis does not see credit notes
        self.assertAlmostEqual(self._report().revenue, 1183)

    def test_past_month_keeps_its_cost(self):
        """March is valued at March's cost after the standard price changed."""
        with freeze_time("2025-04-10 12:00:00"):
            self.kettle.standard_price = 20.0
        march = self._report()
        kettle = march.product_ids.filtered(lambda r: r.product_id == self.kettle)
        self.assertEqual(kettle.unit_cost, 15)
        self.assertAlmostEqual(kettle.stock_value, 70 * 15)
        self.assertAlmostEqual(march.closing_stock_value, 70 * 15 + 38 * 30)
        april = self._report(date_from="2025-04-01")
        kettle = april.product_ids.filtered(lambda r: r.product_id == self.kettle)
        self.assertEqual(kettle.unit_cost, 20)
        self.assertAlmostEqual(kettle.stock_value, 70 * 20)
        self.assertAlmostEqual(kettle.opening_value, 70 * 15)

    def test_month_bounds_in_the_company_time_zone(self):
        """23:30 on 31 March in Los Angeles is 1 April in UTC: it is March's,
        on screen and in the email, whatever the user's time zone."""
        self.company.partner_id.tz = "America/Los_Angeles"
        with freeze_time("2025-04-01 06:30:00"):  # 31 March 23:30 local
            late = self._sell(self.fan, 1, self.env.ref("uom.product_uom_unit"), 40.0)
        with freeze_time("2025-03-01 07:30:00"):  # 28 February 23:30 local
            early = self._sell(self.fan, 1, self.env.ref("uom.product_uom_unit"), 40.0)
        self.assertEqual(late.date_order.day, 1)
        report = self._report()
        self.assertEqual(report.tz, "America/Los_Angeles")
        self.assertAlmostEqual(report.revenue, 1183 + 40)
        self.assertAlmostEqual(report.check_difference, 0)
        self.env.user.tz = "Asia/Bangkok"
        self.assertAlmostEqual(self._report().revenue, 1183 + 40)
        mails = self.env["wholesale.monthly.report"]._cron_send_monthly_report(
            companies=self.company, today=date(2025, 4, 1)
        )
        self.assertTrue(mails)
        sent = self.env["wholesale.monthly.report"].search(
            [
                ("company_id", "=", self.company.id),
                ("date_from", "=", "2025-03-01"),
                ("channel_ids", "=", False),
                ("revenue_basis", "=", "ordered"),
            ]
        )
        self.assertAlmostEqual(sent[:1].revenue, 1183 + 40)
        february = self._report(date_from="2025-02-01")
        self.assertAlmostEqual(february.revenue, 40)
        self.assertEqual(february.line_ids.product_id, early.order_line.product_id)
        # the cron asks for last month in the company's time zone: at 06:30 UTC
        # on 1 April it is still 31 March in Los Angeles
        model = self.env["wholesale.monthly.report"]
        with freeze_time("2025-04-01 06:30:00"):
            self.assertEqual(model._last_month_of(self.company), date(2025, 2, 1))
        with freeze_time("2025-04-01 08:30:00"):
            self.assertEqual(model._last_month_of(self.company), date(2025, 3, 1))

    def test_opening_stock_is_not_a_difference(self):
        february = self._report(date_from="2025-02-01")
        self.assertEqual(
            set(february.adjustment_ids.mapped("kind")), {"opening"}, "first counts"
        )
        self.assertFalse(february.adjustment_value)
        self.assertAlmostEqual(february.opening_load_value, 100 * 15 + 50 * 30)

    def test_slow_movers_top_n_and_no_sales(self):
        idle = self.create_product("WR Idle Lamp", self.categ_basic, 9.0, 4.0)
        with freeze_time("2025-02-20 12:00:00"):
            self._count(idle, 30)
        self.company.wholesale_slow_movers_limit = 1
        report = self._report()
        idle_row = report.product_ids.filtered(lambda r: r.product_id == idle)
        self.assertRecordValues(
            idle_row,
            [{"no_sales": True, "slow_rank": 1, "days_of_cover": 0, "top_rank": 0}],
        )
        self.assertEqual(idle_row.cover_label, "no sales")
        self.assertEqual(report.slow_mover_ids, idle_row)
        self.assertEqual(report.top_mover_ids.product_id, self.kettle)
        self.assertEqual(report._slow_movers(), idle_row)
        # the XLSX ranks every product
        workbook = openpyxl.load_workbook(io.BytesIO(report._render_xlsx()))
        slow = workbook["Slow Movers"]
        self.assertEqual([slow.cell(r, 1).value for r in range(5, 8)], [1, 2, 3])
        self.assertEqual(slow["C5"].value, "WR Idle Lamp")
        self.assertEqual(slow["E5"].value, "Yes")
        self.assertIsNone(slow["D5"].value)  # no cover figure without sales

    def test_failing_company_does_not_stop_the_others(self):
        company_b = self.env["res.company"].create({"name": "WR Company B"})
        self.env.user.company_ids |= company_b
        # a real failure: an unknown time zone on company B's address
        self.env.cr.execute(
            "UPDATE res_partner SET tz = 'Mars/Olympus' WHERE id = %s",
            [company_b.partner_id.id],
        )
        company_b.partner_id.invalidate_recordset(["tz"])
        with self.assertLogs(
            "odoo.addons.wholesale_retail.reports.monthly_report_exports", "ERROR"
        ) as logs:
            mails = (
                self.env["wholesale.monthly.report"]
                .with_context(force_report_rendering=False)
                ._cron_send_monthly_report(
                    companies=company_b | self.company, today=date(2025, 4, 1)
                )
            )
        self.assertIn("WR Company B", logs.output[0])
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.model, "wholesale.monthly.report")
        report = self.env["wholesale.monthly.report"].browse(mails.res_id)
        self.assertEqual(report.company_id, self.company)
        self.assertAlmostEqual(report.revenue, 1183)
        self.assertFalse(
            self.env["wholesale.monthly.report"].search(
                [("company_id", "=", company_b.id)]
            )
        )

    def test_filters_channel_warehouse_company(self):
        counter = self.config._wholesale_channel()
        retail = self._report(channel_ids=[Command.set(counter.ids)])
        self.assertEqual(retail.summary_ids.channel_id, counter)
        self.assertAlmostEqual(retail.revenue, 255)
        self.assertAlmostEqual(retail.check_difference, 0)
        self.assertEqual(retail.line_ids.channel_id, counter)
        empty_wh = self.env["stock.warehouse"].create(
            {"name": "WR Empty", "code": "WRE", "company_id": self.company.id}
        )
        other = self._report(warehouse_ids=[(6, 0, empty_wh.ids)])
        self.assertFalse(other.revenue)
        self.assertFalse(other.check_revenue)
        self.assertFalse(other.product_ids)
        self.assertFalse(other.adjustment_ids)
        self.assertEqual(len(other.summary_ids), 1)  # the total alone
        # a user of the company sees it; a report of another company is refused
        user = new_test_user(
            self.env,
            login="wr_report_user",
            groups="wholesale_retail.group_wholesale_user",
            company_id=self.company.id,
            tz="UTC",
        )
        mine = (
            self.env["wholesale.monthly.report"]
            .with_user(user)
            .create({"date_from": "2025-03-01"})
        )
        mine.action_compute()
        self.assertAlmostEqual(mine.revenue, 1183)
        company_b = self.env["res.company"].create({"name": "WR Company B"})
        foreign = (
            self.env["wholesale.monthly.report"]
            .with_context(allowed_company_ids=company_b.ids)
            .create({"date_from": "2025-03-01", "company_id": company_b.id})
        )
        foreign.action_compute()
        self.assertFalse(foreign.revenue)
        self.assertNotIn(
            foreign, self.env["wholesale.monthly.report"].with_user(user).search([])
        )
        with self.assertRaises(AccessError):
            self.env["wholesale.monthly.report"].with_user(user).create(
                {"date_from": "2025-03-01", "company_id": company_b.id}
            )

    def test_xlsx_pdf_and_cron(self):
        # wkhtmltopdf fetches the report's CSS from report.url; while tests run
        # at install the HTTP server waits for the registry, and wkhtmltopdf
        # would wait for ever. A closed local port makes it render unstyled at once.
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        report = self._report()
        workbook = openpyxl.load_workbook(io.BytesIO(report._render_xlsx()))
        self.assertEqual(workbook.sheetnames, list(SHEETS))
        summary = workbook["Summary"]
        self.assertEqual(summary.freeze_panes, "A5")
        self.assertEqual(summary["A4"].value, "Channel")
        self.assertEqual(summary["D4"].value, "Revenue")
        by_channel = {
            summary.cell(row, 1).value: row for row in range(5, summary.max_row + 1)
        }
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        self.assertLessEqual(
            {desk.name, self.config.name, "Total", "Difference"}, set(by_channel)
        )
        total_revenue = summary.cell(by_channel["Total"], 4).value
        self.assertIsInstance(total_revenue, float | int)
        self.assertAlmostEqual(total_revenue, 1183)
        self.assertAlmostEqual(summary.cell(by_channel[desk.name], 5).value, 660)
        self.assertEqual(summary.cell(by_channel["Difference"], 4).value, 0)
        slow = workbook["Slow Movers"]
        self.assertEqual(slow["C5"].value, "WR Fan")
        self.assertEqual(slow["L5"].value.date(), date(2025, 3, 12))
        recon = workbook["Reconciliation"]
        self.assertEqual(recon["A5"].value, "Inventory Difference")
        self.assertEqual(recon["H5"].value, -5)
        self.assertAlmostEqual(recon["I5"].value, -75)

        pdf = report.with_context(force_report_rendering=True)._render_pdf()
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = self.env["ir.actions.report"]._render_qweb_html(
            "wholesale_retail.action_report_monthly", report.ids
        )[0]
        self.assertIn(b"<svg", html)
        self.assertIn(b"WR Fan", html)
        self.assertIn(b"1,183.00", html)  # thousands separators
        self.assertIn(b"2 cartons + 7 pcs", html)
        self.assertIn(b"Sales Analysis", html)

        mails = (
            self.env["wholesale.monthly.report"]
            .with_context(force_report_rendering=True)
            ._cron_send_monthly_report(companies=self.company, today=date(2025, 4, 1))
        )
        self.assertEqual(len(mails), 1)
        self.assertIn(self.env.user.partner_id, mails.recipient_ids)
        self.assertEqual(
            sorted(mails.attachment_ids.mapped("mimetype")),
            [
                "application/pdf",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ],
        )
        self.assertEqual(mails.state, "outgoing")
        sent = self.env["wholesale.monthly.report"].search(
            [("company_id", "=", self.company.id), ("date_from", "=", "2025-03-01")]
        )
        self.assertAlmostEqual(sent[:1].revenue, 1183)
        # a retried run does not mail the month again
        again = (
            self.env["wholesale.monthly.report"]
            .with_context(force_report_rendering=True)
            ._cron_send_monthly_report(companies=self.company, today=date(2025, 4, 1))
        )
        self.assertFalse(again)
        self.assertTrue(sent.mailed_on)
        # the cron runs at noon UTC: the 1st or the 2nd in every time zone
        cron = self.env.ref("wholesale_retail.ir_cron_wholesale_monthly_report")
        self.assertEqual(cron.nextcall.hour, 12)

    def test_empty_month_says_why(self):
        report = self._report(date_from="2025-01-01")
        self.assertFalse(report.line_ids)
        self.assertFalse(report.product_ids)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "wholesale_retail.action_report_monthly", report.ids
        )[0]
        self.assertIn(b"there is nothing to reconcile", html)
        self.assertIn(b"No stocked product was sold in this month", html)

    def test_wholesale_order_settled_at_the_pos(self):
        """pos_sale: a quotation paid at the counter. Ordered, the sale order
        counts (at its price, in its channel) and the POS line does not, as in
        Odoo's Sales Analysis; invoiced, the POS payment is the revenue, in
        the order's channel."""
        quote = self._settle_at_the_pos()
        self.assertEqual(quote.state, "sale")
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        counter = self.config._wholesale_channel()
        ordered = self._report()
        rows = self._rows(ordered)
        self.assertAlmostEqual(rows[desk].revenue, 928 + 12 * 22)
        self.assertAlmostEqual(rows[counter].revenue, 255)
        self.assertAlmostEqual(ordered.check_difference, 0)
        invoiced = self._report(revenue_basis="invoiced")
        rows = self._rows(invoiced)
        self.assertAlmostEqual(rows[desk].revenue, 12 * 25)  # paid at the POS
        self.assertAlmostEqual(rows[counter].revenue, 255)
        self.assertAlmostEqual(invoiced.check_difference, 0)

    def test_filters_on_the_invoiced_basis_are_checked_line_by_line(self):
        """A POS line that settles a wholesale order is the order's channel's;
        an invoice line without an order (a manual credit note) is the
        desk's; a warehouse keeps the lines of its orders only. The check
        against Odoo's reports attributes each line the same way."""
        self._settle_at_the_pos()
        with freeze_time("2025-03-20 12:00:00"):
            invoice = self.so1._create_invoices()
            invoice.invoice_date = "2025-03-20"
            invoice.action_post()
            credit = self.env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.wholesaler.id,
                    "invoice_date": "2025-03-20",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.fan.id,
                                "quantity": 1,
                                "price_unit": 7.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            credit.action_post()
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        counter = self.config._wholesale_channel()
        # desk: SO1's invoice 528, the credit note -7, the settlement 300
        only_desk = self._report(
            revenue_basis="invoiced", channel_ids=[Command.set(desk.ids)]
        )
        self.assertAlmostEqual(only_desk.revenue, 528 - 7 + 12 * 25)
        self.assertAlmostEqual(only_desk.check_difference, 0)
        only_counter = self._report(
            revenue_basis="invoiced", channel_ids=[Command.set(counter.ids)]
        )
        self.assertAlmostEqual(only_counter.revenue, 255)
        self.assertAlmostEqual(only_counter.check_difference, 0)
        # the warehouse: its orders' invoice lines and its POS; not the
        # manual credit note, which belongs to no warehouse
        in_warehouse = self._report(
            revenue_basis="invoiced", warehouse_ids=[Command.set(self.warehouse.ids)]
        )
        self.assertAlmostEqual(in_warehouse.revenue, 528 + 12 * 25 + 255)
        self.assertAlmostEqual(in_warehouse.check_difference, 0)
        # the stock and its movers stay the whole pool's under a filter
        everything = self._report(revenue_basis="invoiced")
        self.assertAlmostEqual(only_counter.turnover_days, everything.turnover_days)
        self.assertEqual(
            only_counter.product_ids.mapped("qty_sold"),
            everything.product_ids.mapped("qty_sold"),
        )

    def test_down_payment_at_the_pos(self):
        """A down payment taken at the counter on a quotation: ordered, the
        order counts and the payment does not (it is not a sale); invoiced,
        the payment counts in the order's channel."""
        down_payment = self.env["product.product"].create(
            {"name": "WR Down Payment", "type": "service", "list_price": 100.0}
        )
        self.config.down_payment_product_id = down_payment
        with freeze_time("2025-03-16 12:00:00"):
            quote = self.env["sale.order"].create(
                {
                    "partner_id": self.wholesaler.id,
                    "warehouse_id": self.warehouse.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.fan.id,
                                "product_uom_qty": 10,
                                "price_unit": 40.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            quote.action_confirm()
            data = self.create_ui_order_data(
                [
                    {
                        "product": down_payment,
                        "quantity": 1,
                        "sale_order_origin_id": quote.id,
                    }
                ],
                customer=self.wholesaler,
                uuid=str(uuid.uuid4()),
            )
            self.env["pos.order"].sync_from_ui([data])
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        counter = self.config._wholesale_channel()
        ordered = self._report()
        rows = self._rows(ordered)
        self.assertAlmostEqual(rows[desk].revenue, 928 + 400)
        self.assertAlmostEqual(rows[counter].revenue, 255)
        self.assertAlmostEqual(ordered.check_difference, 0)
        invoiced = self._report(revenue_basis="invoiced")
        rows = self._rows(invoiced)
        self.assertAlmostEqual(rows[desk].revenue, 100)
        self.assertAlmostEqual(rows[counter].revenue, 255)
        self.assertAlmostEqual(invoiced.check_difference, 0)

    def test_channels_keep_their_reports(self):
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company)
        counter = self.config._wholesale_channel()
        with self.assertRaises(UserError):
            desk.unlink()
        with self.assertRaises(UserError):
            counter.unlink()
        # a web shop that a report counts cannot be deleted either
        team = self.env["crm.team"].create({"name": "WR Shop Team"})
        web = self.env["wholesale.sales.channel"].create(
            {"name": "WR Shop", "kind": "web", "team_id": team.id}
        )
        order = self.env["sale.order"].create(
            {"partner_id": self.wholesaler.id, "team_id": team.id}
        )
        self.assertEqual(order.wholesale_channel_id, web)
        # the order moves to another team: the web shop lets it go
        order.team_id = self.env["crm.team"].create({"name": "WR Phone"})
        self.assertEqual(order.wholesale_channel_id, desk)
        order.team_id = team
        self.assertEqual(order.wholesale_channel_id, web)
        with freeze_time("2025-03-18 12:00:00"):
            order.write(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.fan.id,
                                "product_uom_qty": 1,
                                "price_unit": 45.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ]
                }
            )
            order.action_confirm()
        self._report()
        with self.assertRaises(UserError), self.cr.savepoint():
            web.unlink()
        web.action_archive()
        self.assertAlmostEqual(self._rows(self._report())[web].revenue, 45)

    def test_another_company_stays_out(self):
        """Company B's sales, POS and counts never reach company A's report."""
        company_b = self.env["res.company"].create({"name": "WR Company B"})
        self.env.user.company_ids |= company_b
        env_b = self.env(
            context=dict(self.env.context, allowed_company_ids=company_b.ids)
        )
        product_b = env_b["product.product"].create(
            {
                "name": "WR B Lamp",
                "is_storable": True,
                "list_price": 10.0,
                "company_id": company_b.id,
            }
        )
        partner_b = env_b["res.partner"].create({"name": "WR B Buyer"})
        with freeze_time("2025-03-10 12:00:00"):
            order_b = env_b["sale.order"].create(
                {
                    "partner_id": partner_b.id,
                    "company_id": company_b.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product_b.id,
                                "product_uom_qty": 5,
                                "price_unit": 10.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            order_b.action_confirm()
        report_b = (
            self.env["wholesale.monthly.report"]
            .with_context(allowed_company_ids=company_b.ids)
            .create({"date_from": "2025-03-01", "company_id": company_b.id})
        )
        report_b.action_compute()
        self.assertAlmostEqual(report_b.revenue, 50)
        self.assertAlmostEqual(report_b.check_difference, 0)
        mine = self._report()
        self.assertAlmostEqual(mine.revenue, 1183)
        self.assertNotIn(product_b, mine.line_ids.product_id)

    def test_counting_one_lot_is_checked_against_that_lot(self):
        lamp = self.create_product("WR Lot Lamp", self.categ_basic, 9.0, 4.0)
        lamp.tracking = "lot"
        lots = self.env["stock.lot"].create(
            [{"name": name, "product_id": lamp.id} for name in ("WR-L1", "WR-L2")]
        )
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)

        def count(lot, quantity):
            quant = Quant.search(
                [
                    ("product_id", "=", lamp.id),
                    ("location_id", "=", self.stock.id),
                    ("lot_id", "=", lot.id),
                ]
            ) or Quant.create(
                {
                    "product_id": lamp.id,
                    "location_id": self.stock.id,
                    "lot_id": lot.id,
                    "inventory_quantity": quantity,
                }
            )
            quant.inventory_quantity = quantity
            quant.action_apply_inventory()

        with freeze_time("2025-02-20 12:00:00"):
            count(lots[0], 10)
            count(lots[1], 5)
        with freeze_time("2025-03-21 12:00:00"):
            count(lots[0], 8)
        february = self._report(date_from="2025-02-01")
        rows = february.adjustment_ids.filtered(lambda a: a.product_id == lamp)
        # the first count of the product, lot by lot: its opening stock
        self.assertEqual(rows.mapped("kind"), ["opening", "opening"])
        self.assertAlmostEqual(february.opening_load_value, 100 * 15 + 50 * 30 + 60)
        self.assertFalse(february.adjustment_value)
        march = self._report()
        row = march.adjustment_ids.filtered(lambda a: a.product_id == lamp)
        self.assertRecordValues(
            row,
            [
                {
                    "kind": "difference",
                    "book_qty": 10,
                    "counted_qty": 8,
                    "difference_qty": -2,
                    "difference_value": -8,
                }
            ],
        )
