from datetime import timedelta

from odoo import fields
from odoo.tests import Form, new_test_user, tagged

from .common import WholesalePoolCommon


@tagged("post_install", "-at_install")
class TestReturnLog(WholesalePoolCommon):
    """Every goods return writes its row of the return log once, whichever
    way it was made, and the monthly report reads its returns from the log.

    A kettle (price 10, cost 6, no tax) with a ladder "Carton = 24 pieces"
    (its wholesale unit), 200 pieces in WH/Stock; wholesale orders sell
    cartons at 216 (9 a piece).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.stock = cls.warehouse.lot_stock_id
        cls.config = cls.basic_config
        cls.storekeeper = new_test_user(
            cls.env,
            login="wr_log_storekeeper",
            groups="stock.group_stock_user",
            company_id=cls.company.id,
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="wr_log_salesperson",
            groups="sales_team.group_sale_salesman,wholesale_retail.group_wholesale_user",
            company_id=cls.company.id,
        )
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Log Wholesaler", "wholesale_customer": True}
        )
        cls.reason_damaged = cls.env.ref(
            "wholesale_retail.wholesale_return_reason_damaged"
        )
        cls.product = cls.create_product("WR Log Kettle", cls.categ_basic, 10.0, 6.0)
        step = cls.env["wholesale.unit.step"].create(
            {
                "product_tmpl_id": cls.product.product_tmpl_id.id,
                "name": "Carton",
                "pieces": 24,
                "is_wholesale_unit": True,
            }
        )
        cls.carton = step.uom_id
        cls.fan = cls.create_product("WR Log Fan", cls.categ_basic, 40.0, 30.0)
        for product in cls.product | cls.fan:
            quant = (
                cls.env["stock.quant"]
                .with_context(inventory_mode=True)
                .create(
                    {
                        "product_id": product.id,
                        "location_id": cls.stock.id,
                        "inventory_quantity": 200,
                    }
                )
            )
            quant.action_apply_inventory()
        cls.Log = cls.env["wholesale.return.log"]

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _validate(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def _wholesale_order(self, qty, product=None, price=216.0):
        """``qty`` cartons of kettles at 216, or ``qty`` pieces of
        ``product`` at ``price``."""
        product = product or self.product
        uom = self.carton if product == self.product else product.uom_id
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom_id": uom.id,
                            "tax_ids": [(5, 0, 0)],
                        },
                    )
                ],
            }
        )
        order.order_line.price_unit = price
        order.action_confirm()
        self._validate(order.picking_ids)
        return order

    def _core_return(self, order, pieces, user=None, destination=None):
        """Inventory's own Return button on the order's delivery, validated by
        ``user`` (the storekeeper)."""
        delivery = order.picking_ids.filtered(
            lambda p: p.location_dest_id.usage == "customer"
        )
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = pieces
        action = wizard.action_create_returns()
        picking = self.env["stock.picking"].browse(action["res_id"])
        if destination:
            picking.location_dest_id = destination
            picking.move_ids.location_dest_id = destination
        self._validate(picking.with_user(user or self.storekeeper))
        return picking

    def _wizard_return(self, order, qty, uom, disposition="stock"):
        wizard = (
            self.env["wholesale.return.wizard"]
            .with_user(self.salesperson)
            .create({"sale_order_id": order.id})
        )
        wizard.line_ids.write(
            {
                "qty": qty,
                "uom_id": uom.id,
                "reason_id": self.reason_damaged.id,
                "disposition": disposition,
            }
        )
        wizard.action_confirm()
        return self.Log.search([("sale_order_id", "=", order.id)])

    def _pos_sale_and_ticket_refund(self, sold, refunded):
        """A POS sale, then a refund on the ticket screen (``sync_from_ui``
        with the refund payload the ticket screen sends)."""
        if not self.config.current_session_id:
            self.open_new_session()
        order = self._sync(self.create_ui_order_data([(self.product, sold)]))
        refund = self._sync(
            self.create_ui_order_data(
                [
                    {
                        "product": self.product,
                        "quantity": -refunded,
                        "refunded_orderline_id": order.lines.id,
                    }
                ],
                {"is_refund": True},
            )
        )
        self.assertEqual(refund.state, "paid")
        return order, refund

    def _report(self):
        report = self.env["wholesale.monthly.report"].create(
            {
                "date_from": fields.Date.context_today(self.Log),
                "company_id": self.company.id,
            }
        )
        report.action_compute()
        return report

    # ------------------------------------------------------------------
    # one row per return
    # ------------------------------------------------------------------
    def test_core_return_of_a_delivery_is_logged_once(self):
        order = self._wholesale_order(3)
        line = order.order_line
        picking = self._core_return(order, 30)
        move = picking.move_ids
        log = self.Log.search([("picking_id", "=", picking.id)])
        self.assertRecordValues(
            log,
            [
                {
                    "auto_logged": True,
                    "company_id": self.company.id,
                    "channel_id": order.wholesale_channel_id.id,
                    "warehouse_id": self.warehouse.id,
                    "sale_order_id": order.id,
                    "sale_line_id": line.id,
                    "partner_id": self.wholesaler.id,
                    "product_id": self.product.id,
                    "qty": 30,
                    # 30 pieces are not a whole number of cartons
                    "uom_id": self.product.uom_id.id,
                    "qty_uom": 30,
                    "reason_id": False,
                    "disposition": "stock",
                    "value_sale": 30 * 9.0,
                    "value_cost": 30 * 6.0,
                    "state": "done",
                    "date": move.date,
                    "user_id": self.storekeeper.id,
                }
            ],
        )
        self.assertTrue(order.wholesale_channel_id)
        self.assertAlmostEqual(abs(move.value), log.value_cost)
        # a whole carton comes back as a carton, into the damaged location
        damaged = self.warehouse._wholesale_return_location("damaged")
        picking = self._core_return(order, 24, destination=damaged)
        log = self.Log.search([("picking_id", "=", picking.id)])
        self.assertRecordValues(
            log,
            [
                {
                    "qty": 24,
                    "uom_id": self.carton.id,
                    "qty_uom": 1,
                    "disposition": "damaged",
                    "value_sale": 216.0,
                }
            ],
        )
        self.assertEqual(self.Log.search_count([("sale_order_id", "=", order.id)]), 2)

    def test_core_return_received_in_two_parts_is_logged_in_two_rows(self):
        """Inventory's Return of 30 pieces received 10 now (a backorder for
        the rest), 20 later: a row of 10 on the transfer, one of 20 on its
        backorder, each dated when its goods came."""
        order = self._wholesale_order(3)
        delivery = order.picking_ids
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 30
        picking = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        picking = picking.with_user(self.storekeeper)
        picking.move_ids.quantity = 10
        picking.move_ids.picked = True
        action = picking.button_validate()
        Form(
            self.env[action["res_model"]]
            .with_user(self.storekeeper)
            .with_context(action["context"])
        ).save().process()
        backorder = picking.backorder_ids
        self.assertEqual(len(backorder), 1)
        self._validate(backorder.with_user(self.storekeeper))
        logs = self.Log.search([("sale_order_id", "=", order.id)]).sorted("id")
        self.assertRecordValues(
            logs,
            [
                {"picking_id": picking.id, "qty": 10, "auto_logged": True},
                {"picking_id": backorder.id, "qty": 20, "auto_logged": True},
            ],
        )
        self.assertEqual(logs[1].date, backorder.move_ids.date)

    def test_wizard_return_is_logged_once(self):
        order = self._wholesale_order(3)
        logs = self._wizard_return(order, 1, self.carton, "damaged")
        # the wizard validated its own return transfer: its row only
        self.assertEqual(len(logs), 1)
        self.assertRecordValues(
            logs,
            [
                {
                    "auto_logged": False,
                    "reason_id": self.reason_damaged.id,
                    "qty": 24,
                    "uom_id": self.carton.id,
                    "disposition": "damaged",
                    "state": "done",
                }
            ],
        )
        self.assertEqual(logs.picking_id.state, "done")
        self.assertEqual(
            self.Log.search_count([("picking_id", "=", logs.picking_id.id)]), 1
        )
        # with the warehouse scan: the row waits, the storekeeper's validation
        # completes it and writes no second row
        self.company.wholesale_return_needs_scan = True
        logs = self._wizard_return(order, 1, self.carton) - logs
        self.assertEqual(logs.state, "waiting")
        self._validate(logs.picking_id.with_user(self.storekeeper))
        self.assertEqual(logs.state, "done")
        self.assertEqual(
            self.Log.search([("picking_id", "=", logs.picking_id.id)]), logs
        )
        self.assertEqual(self.Log.search_count([("sale_order_id", "=", order.id)]), 2)

    def test_ticket_screen_refund_is_logged_once(self):
        order, refund = self._pos_sale_and_ticket_refund(5, 2)
        logs = self.Log.search([("pos_order_id", "=", order.id)])
        self.assertRecordValues(
            logs, [{"refund_pos_order_id": refund.id, "qty": 2, "value_sale": 20.0}]
        )
        # the POS refund's own transfer is not a sale order's: no second row
        self.assertEqual(
            self.Log.search_count([("picking_id", "in", refund.picking_ids.ids)]), 1
        )

    # ------------------------------------------------------------------
    # the monthly report reads the log
    # ------------------------------------------------------------------
    def test_monthly_report_returns_equal_the_log(self):
        # counter: 5 sold at 10, 2 refunded on the ticket screen
        self._pos_sale_and_ticket_refund(5, 2)
        # desk: 3 cartons; the wizard returns one (damaged), Inventory's Return
        # brings 6 pieces back; neither is refunded (no invoice)
        order = self._wholesale_order(3)
        self._wizard_return(order, 1, self.carton, "damaged")
        self._core_return(order, 6)
        # fans sold last month come back this month: a line with no sale
        old = self._wholesale_order(5, self.fan, 40.0)
        old.date_order = fields.Datetime.now() - timedelta(days=45)
        self._core_return(old, 2)
        logs = self.Log.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(logs), 4)
        self.assertEqual(set(logs.mapped("state")), {"done"})
        report = self._report()
        desk = order.wholesale_channel_id
        counter = self.config._wholesale_channel()
        rows = {
            "total" if row.is_total else row.channel_id: row
            for row in report.summary_ids
        }
        self.assertEqual(set(rows), {desk, counter, "total"})
        # revenue is what it was: refunds lower it, returns do not
        self.assertRecordValues(
            rows[counter],
            [
                {
                    "gross_revenue": 50.0,
                    "refunded_value": 20.0,
                    "revenue": 30.0,
                    "gross_qty": 5,
                    "qty_sold": 3,
                    "returned_qty": 2,
                    "returned_value": 20.0,
                    "return_rate_qty": 40.0,
                    "return_rate_value": 40.0,
                }
            ],
        )
        self.assertRecordValues(
            rows[desk],
            [
                {
                    "gross_revenue": 648.0,
                    "refunded_value": 0.0,
                    "revenue": 648.0,
                    "gross_qty": 72,
                    "qty_sold": 72,
                }
            ],
        )
        self.assertEqual(report.check_difference, 0)
        for channel, row in rows.items():
            channel_logs = (
                logs
                if isinstance(channel, str)
                else logs.filtered(lambda log, c=channel: log.channel_id == c)
            )
            qty = sum(channel_logs.mapped("qty"))
            value = sum(channel_logs.mapped("value_sale"))
            self.assertAlmostEqual(row.returned_qty, qty)
            self.assertAlmostEqual(row.returned_value, value)
            self.assertAlmostEqual(row.return_rate_qty, 100 * qty / row.gross_qty)
            self.assertAlmostEqual(
                row.return_rate_value, 100 * value / row.gross_revenue
            )
        self.assertAlmostEqual(rows[desk].returned_qty, 24 + 6 + 2)
        self.assertAlmostEqual(rows[desk].returned_value, 30 * 9.0 + 2 * 40.0)
        self.assertAlmostEqual(rows["total"].returned_qty, 34)
        self.assertAlmostEqual(
            report.return_rate_value, rows["total"].return_rate_value
        )
        self.assertAlmostEqual(report.revenue, 678.0)
        # per line: the kettles sold this month, and last month's fans that
        # came back (no sale: revenue 0)
        lines = report.line_ids.filtered(lambda line: line.channel_id == desk)
        self.assertRecordValues(
            lines.sorted(lambda line: line.product_id == self.fan),
            [
                {
                    "product_id": self.product.id,
                    "gross_revenue": 648.0,
                    "revenue": 648.0,
                    "returned_qty": 30,
                    "returned_value": 270.0,
                    "return_rate_qty": 100 * 30 / 72,
                    "return_rate_value": 100 * 270 / 648,
                },
                {
                    "product_id": self.fan.id,
                    "gross_revenue": 0.0,
                    "revenue": 0.0,
                    "returned_qty": 2,
                    "returned_value": 80.0,
                    "return_rate_qty": 0.0,
                    "return_rate_value": 0.0,
                },
            ],
        )
        self.assertEqual(sum(report.return_ids.mapped("qty")), sum(logs.mapped("qty")))
        # rows of another month are not counted
        logs[0].sudo().date = fields.Datetime.now() - timedelta(days=62)
        report.action_compute()
        self.assertAlmostEqual(
            report.summary_ids.filtered("is_total").returned_qty, 34 - logs[0].qty
        )

    # ------------------------------------------------------------------
    # the backfill of databases older than the log
    # ------------------------------------------------------------------
    def test_backfill_creates_the_missing_rows_once(self):
        __, refund = self._pos_sale_and_ticket_refund(5, 2)
        order = self._wholesale_order(3)
        wizard_log = self._wizard_return(order, 1, self.carton)
        picking = self._core_return(order, 6)
        missing = self.Log.search([("auto_logged", "=", True)])
        missing |= self.Log.search([("refund_pos_order_id", "=", refund.id)])
        self.assertEqual(len(missing), 2)
        expected = missing.read(
            [
                "product_id",
                "qty",
                "value_sale",
                "value_cost",
                "channel_id",
                "picking_id",
            ]
        )
        for vals in expected:
            del vals["id"]
        missing.sudo().unlink()
        # a database from before the log: refunds back-dated
        refund.date_order = fields.Datetime.now() - timedelta(days=3)
        # (chunks of one record: the cache emptied between them)
        self.assertEqual(self.Log._wholesale_backfill(chunk=1), 2)
        created = self.Log.search(
            [
                "|",
                ("refund_pos_order_id", "=", refund.id),
                ("picking_id", "=", picking.id),
                ("auto_logged", "=", True),
            ]
        )
        self.assertEqual(len(created), 2)
        got = created.sorted(lambda log: bool(log.refund_pos_order_id), reverse=True)
        self.assertRecordValues(
            got[0],
            [
                {
                    "refund_pos_order_id": refund.id,
                    "date": refund.date_order,
                    "auto_logged": True,
                }
            ],
        )
        self.assertRecordValues(
            got[1],
            [
                {
                    "picking_id": picking.id,
                    "sale_line_id": order.order_line.id,
                    "date": picking.move_ids.date,
                    "auto_logged": True,
                }
            ],
        )
        fresh = got.read(list(expected[0]))
        for vals in fresh:
            del vals["id"]
        self.assertCountEqual(fresh, expected)
        # the wizard's row is left alone, and a second run writes nothing
        self.assertTrue(wizard_log.exists())
        self.assertEqual(self.Log._wholesale_backfill(), 0)
        self.assertEqual(
            self.Log.search_count([("company_id", "=", self.company.id)]), 3
        )
