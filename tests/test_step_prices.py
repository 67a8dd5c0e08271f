from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sale.tests.common import SaleCommon


@tagged("post_install", "-at_install")
class TestStepPrices(SaleCommon):
    """Step prices and pricelist discounts never stack on a sale line.

    A discount rule of the pricelist for the product (or its category) wins
    over the step price; otherwise the step price applies alone, with no
    pricelist discount on top of it. The salesperson has no inventory rights.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enable_discounts()
        cls.cooker = cls._create_product(name="WR Step Cooker", list_price=3.0)
        cls.cooker.product_tmpl_id._wholesale_set_ladder(
            [
                {
                    "name": "Carton",
                    "pieces": 24,
                    "retail_price": 66.0,
                    "wholesale_price": 60.0,
                }
            ],
            wholesale_step="Carton",
        )
        cls.carton = cls.cooker.uom_ids
        cls.item_pricelist = cls._create_pricelist(
            name="WR Wholesale 10% on the cooker",
            item_ids=[
                (
                    0,
                    0,
                    {
                        "applied_on": "1_product",
                        "product_tmpl_id": cls.cooker.product_tmpl_id.id,
                        "compute_price": "percentage",
                        "percent_price": 10.0,
                    },
                )
            ],
        )
        cls.global_pricelist = cls._create_pricelist(
            name="WR Wholesale 10% on everything",
            item_ids=[
                (
                    0,
                    0,
                    {
                        "applied_on": "3_global",
                        "compute_price": "percentage",
                        "percent_price": 10.0,
                    },
                )
            ],
        )
        cls.plain_pricelist = cls._create_pricelist(name="WR No Rule")
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Step Wholesaler", "wholesale_customer": True}
        )
        cls.retailer = cls.env["res.partner"].create({"name": "WR Step Retailer"})
        cls.salesperson = new_test_user(
            cls.env,
            login="wr_step_salesperson",
            groups="sales_team.group_sale_salesman,uom.group_uom",
        )

    def _order_two_cartons(self, partner, pricelist):
        """The salesperson orders 2 cartons of the cooker for ``partner``."""
        partner.property_product_pricelist = pricelist
        with Form(self.env["sale.order"].with_user(self.salesperson)) as form:
            form.partner_id = partner
            with form.order_line.new() as line:
                line.product_id = self.cooker
                line.product_uom_id = self.carton
                line.product_uom_qty = 2
        order = form.record
        self.assertEqual(order.pricelist_id, pricelist)
        return order.order_line

    def test_pricelist_rule_on_the_product_wins(self):
        # the pricelist gives 10% off the carton's list price (24 x 3 = 72)
        for partner in (self.wholesaler, self.retailer):
            line = self._order_two_cartons(partner, self.item_pricelist)
            self.assertRecordValues(
                line,
                [{"price_unit": 72.0, "discount": 10.0, "price_subtotal": 129.6}],
            )
        # the same rule on the category
        self.item_pricelist.item_ids.write(
            {
                "applied_on": "2_product_category",
                "categ_id": self.cooker.categ_id.id,
            }
        )
        line = self._order_two_cartons(self.wholesaler, self.item_pricelist)
        self.assertRecordValues(
            line, [{"price_unit": 72.0, "discount": 10.0, "price_subtotal": 129.6}]
        )
        # a pricelist that includes its discount in the price: the same total
        self.env.user.group_ids -= self.group_discount_per_so_line
        line = self._order_two_cartons(self.wholesaler, self.item_pricelist)
        self.assertRecordValues(
            line, [{"price_unit": 64.8, "discount": 0.0, "price_subtotal": 129.6}]
        )

    def test_step_price_alone_without_a_product_rule(self):
        for pricelist in (self.plain_pricelist, self.global_pricelist):
            line = self._order_two_cartons(self.wholesaler, pricelist)
            self.assertRecordValues(
                line, [{"price_unit": 60.0, "discount": 0.0, "price_subtotal": 120.0}]
            )
            line = self._order_two_cartons(self.retailer, pricelist)
            self.assertRecordValues(
                line, [{"price_unit": 66.0, "discount": 0.0, "price_subtotal": 132.0}]
            )
        # pieces are no step: the pricelist's discount applies as in core
        line.write({"product_uom_id": self.cooker.uom_id.id, "product_uom_qty": 10})
        self.assertRecordValues(
            line, [{"price_unit": 3.0, "discount": 10.0, "price_subtotal": 27.0}]
        )
        # a fixed price rule on the product prices pieces, not the carton
        self.plain_pricelist.item_ids = [
            (
                0,
                0,
                {
                    "applied_on": "1_product",
                    "product_tmpl_id": self.cooker.product_tmpl_id.id,
                    "compute_price": "fixed",
                    "fixed_price": 2.8,
                },
            )
        ]
        line = self._order_two_cartons(self.wholesaler, self.plain_pricelist)
        self.assertRecordValues(
            line, [{"price_unit": 60.0, "discount": 0.0, "price_subtotal": 120.0}]
        )
        line.write({"product_uom_id": self.cooker.uom_id.id, "product_uom_qty": 10})
        self.assertRecordValues(line, [{"price_unit": 2.8, "price_subtotal": 28.0}])
        line = self._order_two_cartons(self.retailer, self.global_pricelist)
        # "Update Prices" keeps to the same rule
        line.write({"product_uom_id": self.carton.id, "product_uom_qty": 2})
        line.order_id.with_user(self.salesperson).action_update_prices()
        self.assertRecordValues(
            line, [{"price_unit": 66.0, "discount": 0.0, "price_subtotal": 132.0}]
        )
