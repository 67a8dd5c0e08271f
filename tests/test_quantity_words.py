from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import WholesalePoolCommon


@tagged("post_install", "-at_install")
class TestQuantityWords(WholesalePoolCommon):
    """Every quantity in the words of the product's ladder: "25 cartons (600
    pcs)", and refusals that say what is free and who holds the rest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("uom.group_uom")
        categ = cls.env["product.category"].create({"name": "WR Words"})
        cls.kettle = cls.create_product("WR Words Kettle", categ, 30.0, 20.0)
        cls.kettle.product_tmpl_id._wholesale_set_ladder(
            [
                {"name": "Carton", "pieces": 24},
                {"name": "Pallet", "count": 40, "of": "Carton"},
            ],
            wholesale_step="Carton",
        )
        cls.carton = cls.kettle.product_tmpl_id._wholesale_get_step_by_name(
            "Carton"
        ).uom_id
        # 733 on hand: 240 go to the first wholesale order, 493 stay free
        cls.adjust_inventory([cls.kettle], [733])
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Words Distributor", "wholesale_customer": True}
        )
        cls.cashier = new_test_user(
            cls.env,
            login="wr_words_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=cls.company.id,
        )
        cls.salesman = new_test_user(
            cls.env,
            login="wr_words_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.config = cls.basic_config

    def _order(self, cartons, user=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.env.user)
            .create(
                {
                    "partner_id": self.wholesaler.id,
                    "warehouse_id": self.warehouse.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.kettle.id,
                                "product_uom_qty": cartons,
                                "product_uom_id": self.carton.id,
                            },
                        )
                    ],
                }
            )
        )

    def test_formatter_speaks_the_ladder(self):
        text = self.kettle._wholesale_qty_text
        self.assertEqual(text(600, uom=self.carton), "25 cartons (600 pcs)")
        self.assertEqual(text(493), "20 cartons + 13 pcs")
        self.assertEqual(text(960), "1 pallet (960 pcs)")
        self.assertEqual(text(1920, uom=self.carton), "80 cartons (1,920 pcs)")
        self.assertEqual(text(13), "13 pcs")
        self.assertEqual(text(0.0), "0 pcs")
        # another language: its number format, the ladder's names as they are
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.kettle.with_context(lang="fr_FR")._wholesale_qty_text
        self.assertEqual(french(48), "2 Carton (48 pcs)")
        self.assertRegex(french(1920, uom=self.carton), r"^80 Carton \(1\D920 pcs\)$")

    def test_units_that_are_not_whole(self):
        kg = self.env.ref("uom.product_uom_kgm")
        rice = self.env["product.product"].create(
            {"name": "WR Words Rice", "is_storable": True, "uom_id": kg.id}
        )
        self.assertEqual(rice._wholesale_qty_text(2.5), "2.5 kg")
        self.assertEqual(rice._wholesale_qty_text(3.0), "3 kg")
        rice.product_tmpl_id._wholesale_set_ladder([{"name": "Sack", "pieces": 25}])
        self.assertEqual(rice._wholesale_qty_text(53.5), "2 sacks + 3.5 kg")

    def test_views_say_quantities_in_the_ladder_words(self):
        order = self._order(25, user=self.salesman)
        self.assertEqual(order.order_line.wholesale_qty_text, "25 cartons (600 pcs)")
        order.order_line.product_uom_qty = 20.5
        self.assertEqual(order.order_line.wholesale_qty_text, "20 cartons + 12 pcs")
        incident = (
            self.env["wholesale.oversell.incident"]
            .sudo()
            .create(
                {
                    "product_id": self.kettle.id,
                    "warehouse_id": self.warehouse.id,
                    "quantity_sold": 48,
                    "quantity_available": 20,
                    "quantity_short": 28,
                }
            )
        )
        self.assertRecordValues(
            incident,
            [
                {
                    "sold_text": "2 cartons (48 pcs)",
                    "available_text": "20 pcs",
                    "short_text": "1 carton + 4 pcs",
                }
            ],
        )

    def test_over_stock_confirmation_says_free_and_held_in_cartons(self):
        first = self._order(10)
        first.action_confirm()
        self.assertEqual(first.picking_ids.move_ids.quantity, 240)
        second = self._order(25, user=self.salesman)
        with self.assertRaises(UserError) as caught:
            self._rollback_on_error(second.action_confirm)
        message = str(caught.exception)
        self.assertIn(
            "WR Words Kettle: 25 cartons (600 pcs) ordered, only 20 cartons + 13 "
            "pcs free in",
            message,
        )
        self.assertIn(f"Held: 10 cartons (240 pcs) for {first.name}.", message)
        self.assertEqual(second.state, "draft")

    def test_pos_refusal_names_the_order_that_holds_the_stock(self):
        first = self._order(10)
        first.action_confirm()
        self.company.point_of_sale_update_stock_quantities = "closing"
        self.open_new_session()
        check = self.config.with_user(self.cashier).wholesale_check_order(
            [{"product_id": self.kettle.id, "qty": 500}]
        )
        self.assertIn(
            "WR Words Kettle: 20 cartons + 20 pcs in the order, 20 cartons + 13 "
            "pcs may be sold here from",
            check["message"],
        )
        self.assertIn(f"Held: 10 cartons (240 pcs) for {first.name}.", check["message"])
        # what an open session sold and has not moved yet is held by its POS
        self.assertTrue(self.pos_session.update_stock_at_closing)
        data = self.create_ui_order_data([(self.kettle, 48)])
        self._sync(data, online=True)
        check = self.config.with_user(self.cashier).wholesale_check_order(
            [{"product_id": self.kettle.id, "qty": 480}]
        )
        self.assertIn("18 cartons + 13 pcs may be sold here", check["message"])
        self.assertIn(f"2 cartons (48 pcs) for {self.config.name}", check["message"])


@tagged("post_install", "-at_install")
class TestQuantityWordsTour(HttpCase):
    """In Chromium, as a salesperson: the order line and the refusal of an
    over-stock wholesale confirmation read in cartons."""

    def test_over_stock_confirmation_reads_in_cartons(self):
        env = self.env
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        kettle = env["product.product"].create(
            {"name": "WR Tour Kettle", "is_storable": True, "list_price": 30.0}
        )
        kettle.product_tmpl_id._wholesale_set_ladder(
            [{"name": "Carton", "pieces": 24}], wholesale_step="Carton"
        )
        carton = kettle.product_tmpl_id._wholesale_get_step_by_name("Carton").uom_id
        env["stock.quant"]._update_available_quantity(
            kettle, warehouse.lot_stock_id, 733
        )
        customer = env["res.partner"].create(
            {"name": "WR Tour Distributor", "wholesale_customer": True}
        )
        salesman = new_test_user(
            env,
            login="wr_tour_salesman",
            groups="sales_team.group_sale_salesman,uom.group_uom",
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "warehouse_id": warehouse.id,
                    "user_id": salesman.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": kettle.id,
                                "product_uom_qty": cartons,
                                "product_uom_id": carton.id,
                            },
                        )
                    ],
                }
                for cartons in (10, 25)
            ]
        )
        orders[0].action_confirm()
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{orders[1].id}",
            "WholesaleRetailCartonWordingTour",
            login=salesman.login,
        )
        self.assertEqual(orders[1].state, "draft")
