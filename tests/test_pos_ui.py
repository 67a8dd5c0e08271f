from odoo import fields
from odoo.tests import new_test_user, tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


@tagged("post_install", "-at_install")
class TestUnitLadderPosUi(TestPointOfSaleHttpCommon):
    """The POS sells a scanned carton as one carton at the carton price.

    The cartons' GTIN-14 use the company prefix 0999001, not the demo shop's
    0890123: the tests also run on the demo database."""

    def _wholesale_carton_product(self, name, barcode):
        """A storable product with a "Carton = 24" step (60.00) and 100 on hand."""
        product = self.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 3.0,
                "taxes_id": False,
            }
        )
        product.product_tmpl_id._wholesale_set_ladder(
            [
                {
                    "name": "Carton",
                    "pieces": 24,
                    "barcode": barcode,
                    "retail_price": 60.0,
                    "wholesale_price": 55.0,
                }
            ],
            wholesale_step="Carton",
        )
        stock = self.main_pos_config.picking_type_id.default_location_src_id
        self.env["stock.quant"]._update_available_quantity(product, stock, 100)
        self.assertEqual(product.qty_available, 100)
        return product

    def _wholesale_cashier(self):
        """A cashier with only the "Point of Sale / User" rights."""
        return new_test_user(
            self.env,
            login="wr_cashier",
            password="wr_cashier",
            name="WR Cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
        )

    def _wholesale_assert_carton_sold(self, product):
        """One paid line of one carton: 24 pieces at 2.50, and 76 left."""
        line = self.env["pos.order.line"].search([("product_id", "=", product.id)])
        self.assertRecordValues(
            line,
            [
                {
                    "qty": 24,
                    "price_unit": 2.5,
                    "price_subtotal_incl": 60.0,
                    "wholesale_uom_id": product.uom_ids.id,
                }
            ],
        )
        self.assertEqual(line.order_id.state, "paid")
        self.env.invalidate_all()
        self.assertEqual(product.qty_available, 76)
        return line

    def setUp(self):
        super().setUp()
        self.env.user.group_ids |= self.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )

    def test_scan_carton_in_pos(self):
        product = self._wholesale_carton_product("WR Tour Detergent", "WRTOUR024")

        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("WholesaleRetailUnitLadderTour", login="pos_user")

        self._wholesale_assert_carton_sold(product)

    def test_carton_line_reads_as_a_carton(self):
        """A carton of 100 at 263.35, scanned by a cashier with only the POS
        User rights: the line and the receipt read "1 Carton (100)" at 263.35
        a carton (not "100" at "2.63 / Units"), and the money keeps its cents:
        the order is paid 263.35, not 100 x 2.63 = 263.00; the carton's refund
        gives 263.35 back and its invoice says 263.35."""
        product = self.env["product.product"].create(
            {
                "name": "WR Carton Rice",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 2.75,
                "taxes_id": False,
            }
        )
        product.product_tmpl_id._wholesale_set_ladder(
            [
                {
                    "name": "Carton",
                    "pieces": 100,
                    "barcode": "WRRICE100",
                    "retail_price": 263.35,
                    "wholesale_price": 250.0,
                }
            ],
            wholesale_step="Carton",
        )
        carton = product.uom_ids
        self.assertEqual(carton.name, "Carton (100)")
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        self.assertEqual(price_digits, 2, "263.35 / 100 does not fit this precision")
        stock = self.main_pos_config.picking_type_id.default_location_src_id
        self.env["stock.quant"]._update_available_quantity(product, stock, 1000)
        cashier = self._wholesale_cashier()

        self.main_pos_config.with_user(cashier).open_ui()
        self.start_pos_tour("WholesaleRetailCartonLineTour", login="wr_cashier")

        line = self.env["pos.order.line"].search(
            [("product_id", "=", product.id), ("qty", ">", 0)]
        )
        self.assertRecordValues(
            line,
            [
                {
                    "qty": 100,
                    "price_subtotal": 263.35,
                    "price_subtotal_incl": 263.35,
                    "wholesale_uom_id": carton.id,
                }
            ],
        )
        self.assertAlmostEqual(line.price_unit, 2.6335, places=9)
        self.assertRecordValues(
            line.order_id, [{"state": "paid", "amount_total": 263.35}]
        )
        self.assertAlmostEqual(sum(line.order_id.payment_ids.mapped("amount")), 263.35)
        refund = line.refund_orderline_ids
        self.assertRecordValues(
            refund,
            [
                {
                    "qty": -100,
                    "refunded_orderline_id": line.id,
                    "wholesale_uom_id": carton.id,
                }
            ],
        )
        self.assertAlmostEqual(refund.price_unit, 2.6335, places=9)
        self.assertRecordValues(
            refund.order_id, [{"state": "paid", "amount_total": -263.35}]
        )
        self.env.invalidate_all()
        self.assertEqual(product.qty_available, 1000, "100 sold, 100 back")
        # invoiced afterwards, the sale keeps its cents on the invoice too
        sale = line.order_id
        sale.partner_id = self.env["res.partner"].create({"name": "WR Rice Buyer"})
        sale.action_pos_order_invoice()
        self.assertRecordValues(sale.account_move, [{"amount_total": 263.35}])
        self.assertAlmostEqual(
            sale.account_move.invoice_line_ids.price_unit, 2.6335, places=9
        )

    def test_scan_gs1_carton_read_as_lot_by_nomenclature(self):
        """A GTIN-14 carton code starting with "10" scans as the carton.

        The default nomenclature (with stock) reads "10..." as a lot number,
        ahead of the product catch-all. A customer card ("042...") scanned in
        the same order still sets the customer: the other rules still work.
        """
        nomenclature = self.main_pos_config.company_id.nomenclature_id
        lot_rule = nomenclature.rule_ids.filtered(lambda r: r.type == "lot")
        self.assertEqual(lot_rule.pattern, "10", "the conflict this test is about")
        product = self._wholesale_carton_product("WR Dragon Cola", "10999001007064")
        self.env["res.partner"].create(
            {"name": "WR Barcode Customer", "barcode": "0421000000015"}
        )
        cashier = self._wholesale_cashier()

        self.main_pos_config.with_user(cashier).open_ui()
        self.start_pos_tour("WholesaleRetailGs1CartonTour", login="wr_cashier")

        line = self._wholesale_assert_carton_sold(product)
        self.assertEqual(line.order_id.partner_id.name, "WR Barcode Customer")

    def test_scan_carton_of_product_not_loaded_at_start(self):
        """Cartons of products that the POS did not load at start scan too.

        With ``point_of_sale.limited_product_count`` the POS loads only some
        products and looks the others up on the server when scanned. Core looks
        up product barcodes only, and only when the nomenclature reads the code
        as a product: neither a "10..." carton nor a "20..." one was found.
        """
        self.env["product.template"].search([]).write({"is_favorite": False})
        self.env["ir.config_parameter"].sudo().set_param(
            "point_of_sale.limited_product_count", "1"
        )
        self.env["product.product"].create(
            {"name": "WR Loaded Filler", "available_in_pos": True, "is_favorite": True}
        )
        as_lot = self._wholesale_carton_product("WR Lazy Cola", "10999001007071")
        as_product = self._wholesale_carton_product("WR Lazy Tea", "20999001007061")
        self.env["res.partner"].create(
            {"name": "WR Barcode Customer", "barcode": "0421000000015"}
        )
        cashier = self._wholesale_cashier()

        self.main_pos_config.with_user(cashier).open_ui()
        loaded = (
            self.main_pos_config.current_session_id.with_user(cashier)
            .load_data(["product.template"])
            .get("product.template", [])
        )
        loaded_ids = {template["id"] for template in loaded}
        self.assertTrue(loaded_ids, "the POS loads some products")
        self.assertFalse(
            {as_lot.product_tmpl_id.id, as_product.product_tmpl_id.id} & loaded_ids,
            "both products are loaded only when scanned",
        )
        self.start_pos_tour("WholesaleRetailLazyCartonTour", login="wr_cashier")

        self._wholesale_assert_carton_sold(as_lot)
        line = self._wholesale_assert_carton_sold(as_product)
        self.assertEqual(line.order_id.partner_id.name, "WR Barcode Customer")

    def test_payment_screen_refuses_before_payment(self):
        """A sale that would take stock held for a wholesale order is refused
        when the cashier opens the payment screen, before any card is charged."""
        product = self.env["product.product"].create(
            {
                "name": "WR Held Kettle",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 30.0,
                "taxes_id": False,
            }
        )
        stock = self.main_pos_config.picking_type_id.default_location_src_id
        self.env["stock.quant"]._update_available_quantity(product, stock, 10)
        wholesaler = self.env["res.partner"].create(
            {"name": "WR Held Wholesaler", "wholesale_customer": True}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": wholesaler.id,
                "warehouse_id": self.main_pos_config.picking_type_id.warehouse_id.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 8})
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.picking_ids.move_ids.quantity, 8)
        cashier = self._wholesale_cashier()
        self.main_pos_config.with_user(cashier).open_ui()
        self.start_pos_tour("WholesaleRetailPaymentCheckTour", login="wr_cashier")
        paid = self.env["pos.order.line"].search(
            [("product_id", "=", product.id), ("order_id.state", "!=", "draft")]
        )
        self.assertFalse(paid)
        self.env.invalidate_all()
        self.assertEqual(product.qty_available, 10)

    # ------------------------------------------------------------------
    # Returns (issue 12): the ticket screen and the Return Goods wizard
    # ------------------------------------------------------------------
    def test_ticket_screen_refunds_a_carton_as_the_carton(self):
        """Two cartons sold, one refunded from the ticket screen by a cashier
        with only the POS User rights: the refund is one carton (24 pieces
        at 2.50, the carton unit kept), the reason goes with it, the pool
        gets 24 back and the return log has one row of 1 carton."""
        product = self._wholesale_carton_product("WR Refund Detergent", "WRREF024")
        damaged = self.env.ref("wholesale_retail.wholesale_return_reason_damaged")
        carton = product.uom_ids
        cashier = self._wholesale_cashier()

        self.main_pos_config.with_user(cashier).open_ui()
        self.start_pos_tour("WholesaleRetailCartonRefundTour", login="wr_cashier")

        sold = self.env["pos.order.line"].search(
            [("product_id", "=", product.id), ("qty", ">", 0)]
        )
        self.assertRecordValues(
            sold, [{"qty": 48, "price_unit": 2.5, "wholesale_uom_id": carton.id}]
        )
        refund = self.env["pos.order"].search(
            [("lines.refunded_orderline_id", "in", sold.ids)]
        )
        self.assertEqual(len(refund), 1)
        self.assertRecordValues(
            refund,
            [
                {
                    "state": "paid",
                    "amount_total": -60.0,
                    "wholesale_return_reason_id": damaged.id,
                }
            ],
        )
        self.assertRecordValues(
            refund.lines,
            [
                {
                    "qty": -24,
                    "price_unit": 2.5,
                    "wholesale_uom_id": carton.id,
                    "refunded_orderline_id": sold.id,
                }
            ],
        )
        log = self.env["wholesale.return.log"].search(
            [("refund_pos_order_id", "=", refund.id)]
        )
        self.assertRecordValues(
            log,
            [
                {
                    "pos_order_id": sold.order_id.id,
                    "pos_line_id": sold.id,
                    "product_id": product.id,
                    "qty": 24,
                    "uom_id": carton.id,
                    "qty_uom": 1,
                    "reason_id": damaged.id,
                    "disposition": "stock",
                    "value_sale": 60.0,
                    "state": "done",
                    "channel_id": self.main_pos_config._wholesale_channel().id,
                }
            ],
        )
        self.env.invalidate_all()
        self.assertEqual(product.qty_available, 76, "100 - 48 sold + 24 back")

    def test_return_wizard_from_a_scanned_receipt(self):
        """Return Goods, opened empty by a cashier (POS User rights only): the
        receipt's barcode scanned on the form finds the POS sale; two pieces
        go back with a POS refund and its payment, and a log row."""
        product = self.env["product.product"].create(
            {
                "name": "WR Scan Kettle",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 10.0,
                "taxes_id": False,
            }
        )
        stock = self.main_pos_config.picking_type_id.default_location_src_id
        self.env["stock.quant"]._update_available_quantity(product, stock, 10)
        cashier = self._wholesale_cashier()
        self.main_pos_config.with_user(cashier).open_ui()
        session = self.main_pos_config.current_session_id
        method = (
            self.main_pos_config.payment_method_ids.filtered(
                lambda m: not m.is_cash_count
            )[:1]
            or self.main_pos_config.payment_method_ids[:1]
        )
        uuid = "7b0a1c2e-0000-4000-8000-000000000042"
        self.env["pos.order"].with_user(cashier).sync_from_ui(
            [
                {
                    "amount_paid": 50.0,
                    "amount_return": 0,
                    "amount_tax": 0,
                    "amount_total": 50.0,
                    "date_order": fields.Datetime.to_string(fields.Datetime.now()),
                    "fiscal_position_id": False,
                    "pricelist_id": self.main_pos_config.pricelist_id.id,
                    "name": "Order 00042-001-0001",
                    "pos_reference": "Order 00042-001-0001",
                    "lines": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "qty": 5,
                                "price_unit": 10.0,
                                "discount": 0,
                                "price_subtotal": 50.0,
                                "price_subtotal_incl": 50.0,
                                "tax_ids": [(6, 0, [])],
                                "pack_lot_ids": [],
                            },
                        )
                    ],
                    "partner_id": False,
                    "session_id": session.id,
                    "payment_ids": [
                        (
                            0,
                            0,
                            {
                                "amount": 50.0,
                                "name": fields.Datetime.now(),
                                "payment_method_id": method.id,
                            },
                        )
                    ],
                    "uuid": uuid,
                    "user_id": cashier.id,
                    "to_invoice": False,
                }
            ]
        )
        sale = self.env["pos.order"].search([("uuid", "=", uuid)])
        self.assertEqual(sale.state, "paid")
        self.assertEqual(sale.pos_reference, "Order 00042-001-0001")
        self.env.invalidate_all()
        self.assertEqual(product.qty_available, 5)

        self.start_tour(
            "/odoo/action-wholesale_retail.wholesale_return_wizard_action",
            "WholesaleRetailReturnWizardScanTour",
            login="wr_cashier",
        )

        wrong = self.env.ref("wholesale_retail.wholesale_return_reason_wrong_item")
        log = self.env["wholesale.return.log"].search([("pos_order_id", "=", sale.id)])
        self.assertRecordValues(
            log,
            [
                {
                    "qty": 2,
                    "reason_id": wrong.id,
                    "disposition": "stock",
                    "value_sale": 20.0,
                    "state": "done",
                    "user_id": cashier.id,
                }
            ],
        )
        refund = log.refund_pos_order_id
        self.assertRecordValues(
            refund,
            [{"refunded_order_id": sale.id, "amount_total": -20.0, "state": "paid"}],
        )
        self.assertAlmostEqual(sum(refund.payment_ids.mapped("amount")), -20.0)
        self.env.invalidate_all()
        self.assertEqual(product.qty_available, 7, "the pool gets the 2 back at once")
