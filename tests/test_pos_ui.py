from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


@tagged("post_install", "-at_install")
class TestUnitLadderPosUi(TestPointOfSaleHttpCommon):
    """The POS sells a scanned carton as one carton at the carton price."""

    def test_scan_carton_in_pos(self):
        self.env.user.group_ids |= self.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )
        product = self.env["product.product"].create(
            {
                "name": "WR Tour Detergent",
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
                    "barcode": "WRTOUR024",
                    "retail_price": 60.0,
                    "wholesale_price": 55.0,
                }
            ],
            wholesale_step="Carton",
        )
        stock = self.main_pos_config.picking_type_id.default_location_src_id
        self.env["stock.quant"]._update_available_quantity(product, stock, 100)
        self.assertEqual(product.qty_available, 100)

        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("WholesaleRetailUnitLadderTour", login="pos_user")

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
