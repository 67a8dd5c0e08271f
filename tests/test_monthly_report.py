import io
import uuid
from datetime import date

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

DAYS = 31  # March 2025


def weight(day):
    """Share of March left after a move on ``day`` at noon (UTC)."""
    return (DAYS + 0.5 - day) / DAYS


@tagged("post_install", "-at_install")
class TestMonthlyReport(TestPoSCommon):
    """The merged monthly report on a small fixture computed by hand.

    March 2025, company currency, all moves in WH/Stock:

    * Kettle (price 25, cost 15, packagings: carton of 12, pallet of 480),
      Fan (price 40, cost 30, no packaging); 100 kettles and 50 fans
      counted on 20 Feb.
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
        cls.carton = cls.env["uom.uom"].create(
            {"name": "WR Carton 12", "relative_factor": 12, "relative_uom_id": unit.id}
        )
        cls.pallet = cls.env["uom.uom"].create(
            {"name": "WR Pallet", "relative_factor": 480, "relative_uom_id": unit.id}
        )
        cls.kettle = cls.create_product("WR Kettle", cls.categ_basic, 25.0, 15.0)
        cls.kettle.uom_ids = cls.carton | cls.pallet
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

    # -- tests ---------------------------------------------------------------

    def test_figures_by_hand(self):
        self.assertEqual(self.so2.currency_rate, 2.0)
        report = self._report()
        self.assertEqual(report.date_from, date(2025, 3, 1))
        self.assertEqual(report.days, DAYS)
        rows = {row.channel: row for row in report.summary_ids}
        self.assertEqual(set(rows), {"wholesale", "retail", "total"})
        # wholesale: SO1 2 x 264 (cost 2 x 12 x 15), SO2 800 EUR / 2 (cost 10 x 30)
        # minus the return of 6 kettles at 264 / 12 = 22 (cost 15)
        self.assertRecordValues(
            rows["wholesale"],
            [
                {
                    "gross_revenue": 528 + 400,
                    "returned_value": 6 * 22,
                    "revenue": 528 + 400 - 132,
                    "cogs": 360 + 300 - 90,
                    "margin": 796 - 570,
                    "gross_qty": 24 + 10,
                    "returned_qty": 6,
                    "qty_sold": 28,
                    "qty_cartons": 18 / 12,
                }
            ],
        )
        self.assertAlmostEqual(rows["wholesale"].return_rate_value, 100 * 132 / 928)
        self.assertAlmostEqual(rows["wholesale"].return_rate_qty, 100 * 6 / 34)
        # retail: 5 x 25 + 2 x 40, 3 x 25, refund 1 x 25
        self.assertRecordValues(
            rows["retail"],
            [
                {
                    "gross_revenue": 205 + 75,
                    "returned_value": 25,
                    "revenue": 255,
                    "cogs": 135 + 45 - 15,
                    "margin": 90,
                    "gross_qty": 10,
                    "returned_qty": 1,
                    "qty_sold": 9,
                    "qty_cartons": 7 / 12,
                }
            ],
        )
        total = rows["total"]
        self.assertAlmostEqual(total.revenue, 1051)
        self.assertAlmostEqual(total.cogs, 735)
        self.assertAlmostEqual(total.margin, 316)
        self.assertAlmostEqual(total.margin_percent, 100 * 316 / 1051)
        self.assertAlmostEqual(report.margin_percent, 100 * 316 / 1051)
        self.assertAlmostEqual(total.return_rate_value, 100 * (132 + 25) / 1208)
        # time-weighted stock over March, valued at cost
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
        self.assertAlmostEqual(total.avg_stock_value, avg_value, places=2)
        self.assertAlmostEqual(total.turnover_days, avg_value / (735 / DAYS), places=4)
        self.assertAlmostEqual(
            rows["retail"].turnover_days, avg_value / (165 / DAYS), places=4
        )
        # movers: kettle 25 sold, 70 left; fan 12 sold, 38 left
        movers = {rec.product_id: rec for rec in report.product_ids}
        kettle, fan = movers[self.kettle], movers[self.fan]
        self.assertRecordValues(
            kettle | fan,
            [
                {
                    "qty_sold": 25,
                    "closing_qty": 70,
                    "opening_qty": 100,
                    "stock_value": 70 * 15,
                    "slow_rank": 2,
                    "top_rank": 1,
                    "last_sale_date": date(2025, 3, 14),
                    "no_sales": False,
                },
                {
                    "qty_sold": 12,
                    "closing_qty": 38,
                    "opening_qty": 50,
                    "stock_value": 38 * 30,
                    "slow_rank": 1,
                    "top_rank": 2,
                    "last_sale_date": date(2025, 3, 12),
                    "no_sales": False,
                },
            ],
        )
        self.assertAlmostEqual(kettle.days_of_cover, 70 / (25 / DAYS))
        self.assertAlmostEqual(fan.days_of_cover, 38 / (12 / DAYS))
        self.assertAlmostEqual(kettle.avg_qty, kettle_avg, places=4)
        # reconciliation: one count of the month (the February one is out)
        self.assertRecordValues(
            report.adjustment_ids,
            [
                {
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
        lines = report.line_ids.filtered(lambda l: l.product_id == self.kettle)
        self.assertEqual(sorted(lines.mapped("channel")), ["retail", "wholesale"])

    def test_filters_channel_warehouse_company(self):
        retail = self._report(channels="retail")
        self.assertEqual(retail.summary_ids.mapped("channel"), ["retail", "total"])
        self.assertAlmostEqual(retail.revenue, 255)
        self.assertFalse(retail.line_ids.filtered(lambda l: l.channel == "wholesale"))
        empty_wh = self.env["stock.warehouse"].create(
            {"name": "WR Empty", "code": "WRE", "company_id": self.company.id}
        )
        other = self._report(warehouse_ids=[(6, 0, empty_wh.ids)])
        self.assertFalse(other.revenue)
        self.assertFalse(other.product_ids)
        self.assertFalse(other.adjustment_ids)
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
        self.assertAlmostEqual(mine.revenue, 1051)
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
        self.assertEqual(
            workbook.sheetnames,
            [
                "Summary",
                "Sales by Product",
                "Slow Movers",
                "Top Movers",
                "Reconciliation",
            ],
        )
        summary = workbook["Summary"]
        self.assertEqual(summary.freeze_panes, "A5")
        self.assertEqual(summary["A4"].value, "Channel")
        self.assertEqual(summary["D4"].value, "Revenue")
        by_channel = {
            summary.cell(row, 1).value: row for row in range(5, summary.max_row + 1)
        }
        self.assertEqual(set(by_channel), {"Wholesale", "Retail", "Total"})
        total_revenue = summary.cell(by_channel["Total"], 4).value
        self.assertIsInstance(total_revenue, float | int)
        self.assertAlmostEqual(total_revenue, 1051)
        self.assertAlmostEqual(summary.cell(by_channel["Wholesale"], 5).value, 570)
        slow = workbook["Slow Movers"]
        self.assertEqual(slow["C5"].value, "WR Fan")
        self.assertEqual(slow["J5"].value.date(), date(2025, 3, 12))
        recon = workbook["Reconciliation"]
        self.assertEqual(recon["G5"].value, -5)
        self.assertAlmostEqual(recon["H5"].value, -75)

        pdf = report.with_context(force_report_rendering=True)._render_pdf()
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = self.env["ir.actions.report"]._render_qweb_html(
            "wholesale_retail.action_report_monthly", report.ids
        )[0]
        self.assertIn(b"<svg", html)
        self.assertIn(b"WR Fan", html)

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
        self.assertAlmostEqual(sent[:1].revenue, 1051)
        self.assertTrue(
            self.env.ref("wholesale_retail.ir_cron_wholesale_monthly_report")
        )
