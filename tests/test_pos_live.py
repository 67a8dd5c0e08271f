import uuid

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import tour_code

#: /jsonrpc warns on every call that it is deprecated (the tours act in the
#: back office through it, as an external client would)
JSONRPC_LOGGER = "odoo.addons.rpc.controllers.jsonrpc"


@tagged("post_install", "-at_install")
class TestPosLiveAvailability(TestPointOfSaleHttpCommon):
    """Every open POS shows, and enforces before payment, what it may sell.

    The tours run as a cashier with only the "Point of Sale / User" rights;
    back-office changes happen during the tour, over /jsonrpc, as users with
    their own rights (a salesperson with stock rights, a second cashier).
    """

    def setUp(self):
        super().setUp()
        self.env.user.group_ids |= self.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )
        self.stock = self.main_pos_config.picking_type_id.default_location_src_id
        self.warehouse = self.main_pos_config.picking_type_id.warehouse_id
        self.cashier = new_test_user(
            self.env,
            login="wr_cashier",
            password="wr_cashier",
            name="WR Cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
        )
        self.backoffice = new_test_user(
            self.env,
            login="wr_backoffice",
            password="wr_backoffice",
            name="WR Back Office",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,"
            "stock.group_stock_manager",
        )

    def _product(self, name, on_hand, price=10.0):
        product = self.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "available_in_pos": True,
                "list_price": price,
                "taxes_id": False,
            }
        )
        self.env["stock.quant"]._update_available_quantity(product, self.stock, on_hand)
        self.assertEqual(product.qty_available, on_hand)
        return product

    def _rule(self, name, product, threshold, action):
        """A product rule for this warehouse that restricts the main POS only."""
        return self.env["wholesale.channel.rule"].create(
            {
                "name": name,
                "scope": "product",
                "product_id": product.id,
                "warehouse_id": self.warehouse.id,
                "channel_ids": [(6, 0, self.main_pos_config._wholesale_channel().ids)],
                "threshold": threshold,
                "action": action,
            }
        )

    def _default_rule_name(self):
        rule = self.env["wholesale.channel.rule"].search(
            [
                ("warehouse_id", "=", self.warehouse.id),
                ("is_warehouse_default", "=", True),
            ]
        )
        self.assertEqual(rule.action, "protect", "the default rule of a warehouse")
        return rule.name

    def _availability(self, product, config=None):
        config = config or self.main_pos_config
        self.env.invalidate_all()
        return config.with_user(self.cashier).wholesale_availability(product.ids)[
            "products"
        ][product.id]

    def _tour_code(self, tour_name, data):
        """Start ``tour_name`` with ``window.wholesaleLiveTour`` = ``data``
        plus the database and the back-office users' credentials."""
        users = {"backoffice": {"uid": self.backoffice.id, "password": "wr_backoffice"}}
        users.update(data.pop("users", {}))
        data = {"db": self.env.cr.dbname, "users": users, **data}
        return tour_code(tour_name, self._get_url(), wholesaleLiveTour=data)

    def _paid_lines(self, product, config=None):
        config = config or self.main_pos_config
        self.env.invalidate_all()
        return self.env["pos.order.line"].search(
            [
                ("product_id", "=", product.id),
                ("order_id.config_id", "=", config.id),
            ]
        )

    def test_block_rule_refuses_beyond_sellable(self):
        """25 on hand, "block below 20": the tile says 5, the sixth piece is
        refused (click and numpad), the order of 5 is paid. Under "warn below
        20", 2 of the 1 that may be sold are warned about, not refused, at
        the POS nor at payment."""
        drill = self._product("WR Live Drill", 25)
        self._rule("WR drill block below 20", drill, 20, "block")
        torch = self._product("WR Live Torch", 21)
        self._rule("WR torch warn below 20", torch, 20, "warn")
        self.assertEqual(self._availability(torch)["qty"], 1.0)
        self.assertEqual(
            self._availability(drill),
            {
                "qty": 5.0,
                "action": "block",
                "rule": "WR drill block below 20",
                "step": False,
                "steps": [],
                "unit": "pcs",
            },
        )
        self.main_pos_config.with_user(self.cashier).open_ui()
        with mute_logger(JSONRPC_LOGGER):
            self.start_pos_tour(
                "WholesaleRetailLiveBlockTour",
                login="wr_cashier",
                code=self._tour_code("WholesaleRetailLiveBlockTour", {}),
            )
        lines = self._paid_lines(drill)
        self.assertRecordValues(lines, [{"qty": 5.0}])
        self.assertEqual(lines.order_id.state, "paid")
        self.assertAlmostEqual(lines.order_id.amount_paid, 70.0)
        self.assertRecordValues(self._paid_lines(torch), [{"qty": 2.0}])
        self.assertEqual(self._paid_lines(torch).order_id, lines.order_id)
        self.assertEqual(drill.qty_available, 20)
        self.assertEqual(torch.qty_available, 19)

    def test_hide_rule_takes_product_off_the_list_live(self):
        """30 on hand, "hide below 20": listed with 10 to sell; a wholesale
        order of 15 confirmed in the back office while the POS is open takes it
        out of the list and the search, without a reload."""
        lamp = self._product("WR Live Lamp", 30)
        rule = self._rule("WR lamp hide below 20", lamp, 20, "hide")
        manager = new_test_user(
            self.env,
            login="wr_manager",
            password="wr_manager",
            name="WR Wholesale Manager",
            groups="base.group_user,wholesale_retail.group_wholesale_manager",
        )
        wholesaler = self.env["res.partner"].create(
            {"name": "WR Live Wholesaler", "wholesale_customer": True}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": wholesaler.id,
                "user_id": self.backoffice.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [(0, 0, {"product_id": lamp.id, "product_uom_qty": 15})],
            }
        )
        self.assertEqual(self._availability(lamp)["qty"], 10.0)
        self.main_pos_config.with_user(self.cashier).open_ui()
        with mute_logger(JSONRPC_LOGGER):
            self.start_pos_tour(
                "WholesaleRetailLiveHideTour",
                login="wr_cashier",
                code=self._tour_code(
                    "WholesaleRetailLiveHideTour",
                    {
                        "saleOrderId": order.id,
                        "ruleId": rule.id,
                        "users": {
                            "manager": {"uid": manager.id, "password": "wr_manager"}
                        },
                    },
                ),
            )
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(rule.threshold, 10)
        self.assertEqual(
            self._availability(lamp),
            {
                "qty": 5.0,
                "action": "hide",
                "rule": "WR lamp hide below 20",
                "step": False,
                "steps": [],
                "unit": "pcs",
            },
        )
        self.assertFalse(self._paid_lines(lamp))

    def test_sale_on_another_pos_updates_the_tile(self):
        """Another POS of the same warehouse sells 4 of 12: the open POS's
        tile goes from 12 to 8 without a reload."""
        kettle = self._product("WR Live Kettle", 12)
        kettle.product_tmpl_id._wholesale_set_ladder(
            [{"name": "Box", "pieces": 6}], wholesale_step="Box"
        )
        other_cashier = new_test_user(
            self.env,
            login="wr_cashier2",
            password="wr_cashier2",
            name="WR Second Cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
        )
        other = self.env["pos.config"].create(
            {
                "name": "WR Second Shop",
                "module_pos_restaurant": False,
                "picking_type_id": self.main_pos_config.picking_type_id.id,
                "payment_method_ids": [(6, 0, self.bank_payment_method.ids)],
            }
        )
        self.assertEqual(other.picking_type_id.warehouse_id, self.warehouse)
        other.with_user(other_cashier).open_ui()
        self.main_pos_config.with_user(self.cashier).open_ui()
        order_uuid = str(uuid.uuid4())
        now = fields.Datetime.to_string(fields.Datetime.now())
        other_order = {
            "uuid": order_uuid,
            "name": f"Order {order_uuid}",
            "session_id": other.current_session_id.id,
            "user_id": other_cashier.id,
            "pricelist_id": other.pricelist_id.id,
            "fiscal_position_id": False,
            "partner_id": False,
            "date_order": now,
            "state": "paid",
            "to_invoice": False,
            "last_order_preparation_change": "{}",
            "amount_total": 40.0,
            "amount_tax": 0.0,
            "amount_paid": 40.0,
            "amount_return": 0.0,
            "lines": [
                (
                    0,
                    0,
                    {
                        "product_id": kettle.id,
                        "qty": 4,
                        "price_unit": 10.0,
                        "price_subtotal": 40.0,
                        "price_subtotal_incl": 40.0,
                        "discount": 0.0,
                        "tax_ids": [(6, 0, [])],
                        "pack_lot_ids": [],
                    },
                )
            ],
            "payment_ids": [
                (
                    0,
                    0,
                    {
                        "amount": 40.0,
                        "name": now,
                        "payment_method_id": self.bank_payment_method.id,
                    },
                )
            ],
        }
        with mute_logger(JSONRPC_LOGGER):
            self.start_pos_tour(
                "WholesaleRetailLiveOtherPosTour",
                login="wr_cashier",
                code=self._tour_code(
                    "WholesaleRetailLiveOtherPosTour",
                    {
                        "users": {
                            "cashier2": {
                                "uid": other_cashier.id,
                                "password": "wr_cashier2",
                            }
                        },
                        "otherPosOrder": other_order,
                    },
                ),
            )
        sold = self._paid_lines(kettle, config=other)
        self.assertRecordValues(sold, [{"qty": 4.0}])
        self.assertEqual(sold.order_id.state, "paid")
        self.assertFalse(self._paid_lines(kettle))
        self.assertEqual(kettle.qty_available, 8)
        self.assertEqual(
            self._availability(kettle),
            {
                "qty": 8.0,
                "action": "protect",
                "rule": self._default_rule_name(),
                "step": ["Box", 6.0],
                "steps": [["Box", 6.0]],
                "unit": "pcs",
            },
        )

    def _payment_refusal(self, tour_name):
        """The stock drops while the cashier is on the payment screen: the
        payment is refused, the order keeps its line and payment, the cashier
        lowers the quantity and pays."""
        heater = self._product("WR Live Heater", 25)
        self._rule("WR heater block below 20", heater, 20, "block")
        quant = self.env["stock.quant"].search(
            [("product_id", "=", heater.id), ("location_id", "=", self.stock.id)]
        )
        quant.with_context(inventory_mode=True).inventory_quantity = 22
        self.assertEqual(heater.qty_available, 25, "counted, not applied yet")
        self.main_pos_config.with_user(self.cashier).open_ui()
        with mute_logger(JSONRPC_LOGGER):
            self.start_pos_tour(
                tour_name,
                login="wr_cashier",
                code=self._tour_code(tour_name, {"quantId": quant.id}),
            )
        lines = self._paid_lines(heater)
        self.assertRecordValues(lines, [{"qty": 2.0}])
        order = lines.order_id
        self.assertEqual(order.state, "paid")
        self.assertAlmostEqual(order.amount_total, 20.0)
        self.assertEqual(order.payment_ids.mapped("amount"), [20.0])
        self.assertEqual(
            self.env["pos.order"].search_count(
                [("config_id", "=", self.main_pos_config.id)]
            ),
            1,
            "one order: the refused payment left no other",
        )
        self.assertEqual(heater.qty_available, 20)
        self.assertFalse(order.wholesale_oversell_incident_ids)

    def test_refusal_at_payment_keeps_the_order(self):
        self._payment_refusal("WholesaleRetailLivePaymentRefusalTour")

    def test_refusal_at_payment_behind_the_feedback_screen(self):
        """With automatic printing that skips the receipt screen, the POS shows
        "Amount Paid" while it sends the payment: a refusal brings the cashier
        back to the payment screen of the order (not to a new order after 5 s,
        with the refused one left behind)."""
        self.main_pos_config.write(
            {"iface_print_auto": True, "iface_print_skip_screen": True}
        )
        self._payment_refusal("WholesaleRetailLivePaymentRefusalFeedbackTour")
