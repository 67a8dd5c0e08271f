from contextlib import contextmanager

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon


@tagged("post_install", "-at_install")
class TestUnitLadder(TestPoSCommon):
    """Unit ladders: one stock count sold by piece, dozen, carton and pallet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref(
            "wholesale_retail.group_wholesale_manager"
        ) | cls.env.ref("uom.group_uom")
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.categ_ladder = cls.env["product.category"].create({"name": "WR Ladders"})
        cls.cooker = cls.create_product("WR Rice Cooker", cls.categ_ladder, 3.0, 2.0)
        cls.cooker.barcode = "WRCOOK001"
        cls.cooker_tmpl = cls.cooker.product_tmpl_id
        cls.cooker_tmpl._wholesale_set_ladder(
            [
                {"name": "Dozen", "pieces": 12, "barcode": "WRCOOK012"},
                {
                    "name": "Carton",
                    "count": 2,
                    "of": "Dozen",
                    "barcode": "WRCOOK024",
                    "retail_price": 66.0,
                    "wholesale_price": 60.0,
                },
                {"name": "Pallet", "count": 40, "of": "Carton"},
            ],
            wholesale_step="Carton",
        )
        cls.carton = cls.cooker_tmpl._wholesale_get_step_by_name("Carton").uom_id
        cls.kettle = cls.create_product("WR Ladder Kettle", cls.categ_ladder, 5.0)
        cls.wholesaler = cls.env["res.partner"].create(
            {"name": "WR Sub-distributor", "wholesale_customer": True}
        )
        cls.retailer = cls.env["res.partner"].create({"name": "WR Walk-in"})

    @contextmanager
    def _raises(self, exception, regex):
        """assertRaises (rolled back to a savepoint) plus a check of the words."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    def _deliver(self, order):
        picking = order.picking_ids
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    # ------------------------------------------------------------------
    def test_ladder_editing_through_form(self):
        template = self.kettle.product_tmpl_id
        with Form(template) as form:
            with form.wholesale_step_ids.new() as step:
                step.name = "Carton"
                step.pieces = 24
                step.barcode = "WRKET024"
                step.retail_price = 120.0
                step.wholesale_price = 100.0
                step.is_wholesale_unit = True
            with form.wholesale_step_ids.new() as step:
                step.name = "Pallet"
                step.pieces = 960
        carton, pallet = template.wholesale_step_ids.sorted("pieces")
        # the global units: shared with the cooker's carton, under the base unit
        self.assertEqual(carton.uom_id, self.carton)
        self.assertRecordValues(
            carton.uom_id | pallet.uom_id,
            [
                {"name": "Carton (24)", "relative_uom_id": self.unit.id, "factor": 24},
                {
                    "name": "Pallet (960)",
                    "relative_uom_id": self.unit.id,
                    "factor": 960,
                },
            ],
        )
        self.assertTrue(pallet.uom_id._has_common_reference(self.unit))
        self.assertEqual(template.uom_ids, carton.uom_id | pallet.uom_id)
        self.assertEqual(template.wholesale_uom_id, self.carton)
        self.assertRecordValues(
            self.kettle.product_uom_ids,
            [{"uom_id": self.carton.id, "barcode": "WRKET024"}],
        )
        # edit: new barcode, pallet of 480, no more carton
        with Form(template) as form:
            with form.wholesale_step_ids.edit(1) as step:
                step.pieces = 480
            with form.wholesale_step_ids.edit(0) as step:
                step.barcode = "WRKET024B"
        self.assertEqual(pallet.uom_id.name, "Pallet (480)")
        self.assertEqual(self.kettle.product_uom_ids.barcode, "WRKET024B")
        self.assertEqual(template.uom_ids, carton.uom_id | pallet.uom_id)
        with Form(template) as form:
            form.wholesale_step_ids.remove(0)
        self.assertEqual(template.uom_ids, pallet.uom_id)
        self.assertFalse(self.kettle.product_uom_ids)
        # the cooker still has its carton of 24
        self.assertIn(self.carton, self.cooker_tmpl.uom_ids)

    def test_bulk_ladders_import_and_wizard(self):
        cooker_steps = self.cooker_tmpl.wholesale_step_ids
        self.assertEqual(cooker_steps.mapped("pieces"), [12, 24, 960])
        self.assertEqual(
            self.cooker.product_uom_ids.mapped("barcode"), ["WRCOOK012", "WRCOOK024"]
        )
        fan = self.create_product("WR Ladder Fan", self.categ_ladder, 9.0)
        lamp = self.create_product("WR Ladder Lamp", self.categ_ladder, 4.0)
        # Odoo's standard import of ladder lines
        result = self.env["wholesale.unit.step"].load(
            ["product_tmpl_id", "name", "pieces", "barcode", "wholesale_price"],
            [
                ["WR Ladder Fan", "Box", "6", "WRFAN006", "50"],
                ["WR Ladder Fan", "Carton", "24", "", "190"],
            ],
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(fan.uom_ids.mapped("name"), ["Box (6)", "Carton (24)"])
        self.assertEqual(fan.product_uom_ids.barcode, "WRFAN006")
        # "apply this ladder to the selected products"
        self.cooker_tmpl.wholesale_min_qty = 5
        self.cooker_tmpl.wholesale_qty_multiple = 1
        wizard = Form(
            self.env["wholesale.ladder.apply"].with_context(
                active_model="product.template",
                active_ids=(fan | lamp).product_tmpl_id.ids,
            )
        )
        wizard.source_tmpl_id = self.cooker_tmpl
        wizard.include_prices = True
        wizard.save().action_apply()
        for product in fan | lamp:
            template = product.product_tmpl_id
            self.assertEqual(template.wholesale_uom_id, self.carton)
            self.assertEqual(template.wholesale_min_qty, 5)
            self.assertEqual(
                template._wholesale_get_step(self.carton).wholesale_price, 60.0
            )
        self.assertEqual(
            lamp.wholesale_step_ids.mapped("name"), ["Dozen", "Carton", "Pallet"]
        )
        self.assertFalse(lamp.product_uom_ids, "barcodes are never copied")
        # the fan keeps its own box and barcode: the wizard drops nothing
        self.assertEqual(
            fan.wholesale_step_ids.mapped("name"), ["Box", "Dozen", "Carton", "Pallet"]
        )
        self.assertEqual(fan.product_uom_ids.barcode, "WRFAN006")

    def test_apply_ladder_keeps_what_a_product_has(self):
        """The wizard adds and updates steps; it never wipes or drops any."""
        lamp = self.create_product("WR Ladder Lamp", self.categ_ladder, 4.0)
        lamp_tmpl = lamp.product_tmpl_id
        lamp_tmpl._wholesale_set_ladder(
            [
                {"name": "Box", "pieces": 6, "barcode": "WRLAMP006"},
                {
                    "name": "Carton",
                    "pieces": 24,
                    "barcode": "WRLAMP024",
                    "retail_price": 90.0,
                    "wholesale_price": 80.0,
                },
            ],
            wholesale_step="Box",
        )
        lamp_tmpl.write({"wholesale_min_qty": 3, "wholesale_qty_multiple": 2})
        # the cooker sets a minimum but no multiple (its category's rule)
        self.cooker_tmpl.write({"wholesale_min_qty": 5, "wholesale_qty_multiple": 0})

        def apply(include_prices):
            wizard = Form(
                self.env["wholesale.ladder.apply"].with_context(
                    active_model="product.template", active_ids=lamp_tmpl.ids
                )
            )
            wizard.source_tmpl_id = self.cooker_tmpl
            wizard.include_prices = include_prices
            wizard.save().action_apply()
            lamp_tmpl.invalidate_recordset()
            return {s.name: s for s in lamp_tmpl.wholesale_step_ids}

        steps = apply(include_prices=False)
        self.assertEqual(list(steps), ["Box", "Dozen", "Carton", "Pallet"])
        self.assertEqual(steps["Carton"].uom_id, self.carton)
        self.assertRecordValues(
            steps["Carton"] | steps["Box"] | steps["Dozen"],
            [
                {
                    "barcode": "WRLAMP024",
                    "retail_price": 90.0,
                    "wholesale_price": 80.0,
                    "is_wholesale_unit": True,
                },
                {
                    "barcode": "WRLAMP006",
                    "retail_price": 0.0,
                    "wholesale_price": 0.0,
                    "is_wholesale_unit": False,
                },
                {
                    "barcode": False,
                    "retail_price": 0.0,
                    "wholesale_price": 0.0,
                    "is_wholesale_unit": False,
                },
            ],
        )
        self.assertEqual(
            sorted(lamp.product_uom_ids.mapped("barcode")), ["WRLAMP006", "WRLAMP024"]
        )
        self.assertEqual(lamp_tmpl.wholesale_uom_id, self.carton)
        # a minimum is copied, a multiple the source does not set is not wiped
        self.assertEqual(lamp_tmpl.wholesale_min_qty, 5)
        self.assertEqual(lamp_tmpl.wholesale_qty_multiple, 2)

        steps = apply(include_prices=True)
        self.assertEqual(list(steps), ["Box", "Dozen", "Carton", "Pallet"])
        self.assertRecordValues(
            steps["Carton"],
            [
                {
                    "barcode": "WRLAMP024",
                    "retail_price": 66.0,
                    "wholesale_price": 60.0,
                    "is_wholesale_unit": True,
                }
            ],
        )
        self.assertEqual(steps["Box"].barcode, "WRLAMP006")
        self.assertEqual(
            lamp.product_uom_ids.filtered(lambda p: p.uom_id == self.carton).barcode,
            "WRLAMP024",
        )
        # the source is untouched
        self.assertEqual(
            self.cooker.product_uom_ids.mapped("barcode"), ["WRCOOK012", "WRCOOK024"]
        )

    def test_wholesale_order_in_cartons(self):
        self.adjust_inventory([self.cooker], [100])
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.wholesaler
            with form.order_line.new() as line:
                line.product_id = self.cooker
                self.assertEqual(line.product_uom_id, self.carton)
                self.assertEqual(line.price_unit, 60.0)
                line.product_uom_qty = 3
        order = form.record
        order.action_confirm()
        move = order.order_line.move_ids
        self.assertRecordValues(
            move,
            [
                {
                    "product_uom": self.unit.id,
                    "product_uom_qty": 72,
                    "packaging_uom_id": self.carton.id,
                }
            ],
        )
        self._deliver(order)
        self.assertEqual(self.cooker.qty_available, 100 - 72)
        invoice = order._create_invoices()
        self.assertRecordValues(
            invoice.invoice_line_ids,
            [{"product_uom_id": self.carton.id, "quantity": 3, "price_unit": 60.0}],
        )
        # a retail customer buys pieces at the piece price, cartons at the retail
        # carton price
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.retailer
            with form.order_line.new() as line:
                line.product_id = self.cooker
                self.assertEqual(line.product_uom_id, self.unit)
                self.assertEqual(line.price_unit, 3.0)
                line.product_uom_id = self.carton
                self.assertEqual(line.price_unit, 66.0)

    def test_rice_cooker_one_count(self):
        """100 pieces; wholesale delivers 2 cartons of 24; the POS sells 5: 47."""
        self.adjust_inventory([self.cooker], [100])
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "order_line": [
                    (0, 0, {"product_id": self.cooker.id, "product_uom_qty": 2})
                ],
            }
        )
        self.assertEqual(order.order_line.product_uom_id, self.carton)
        order.action_confirm()
        self._deliver(order)
        self.config = self.basic_config
        self.open_new_session()
        self.env["pos.order"].sync_from_ui(
            [self.create_ui_order_data([(self.cooker, 5)])]
        )
        self.env.invalidate_all()
        self.assertEqual(self.cooker.qty_available, 47)
        self.assertEqual(self.cooker_tmpl.qty_available, 47)
        self.assertEqual(self.cooker.free_qty, 47)
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", self.cooker.id),
                ("location_id.usage", "=", "internal"),
            ]
        )
        self.assertEqual(sum(quants.mapped("quantity")), 47)

    def test_pos_carton_line_and_refund(self):
        """A scanned carton line keeps pieces in qty; its refund gives 24 back."""
        self.adjust_inventory([self.cooker], [100])
        self.config = self.basic_config
        self.open_new_session()
        carton_line = {
            "product": self.cooker,
            "quantity": 24,
            "price_unit": 2.75,
            "price_subtotal": 66.0,
            "price_subtotal_incl": 66.0,
            "price_type": "manual",
            "wholesale_uom_id": self.carton.id,
        }
        self.env["pos.order"].sync_from_ui([self.create_ui_order_data([carton_line])])
        order = self.pos_session.order_ids
        self.assertRecordValues(
            order.lines,
            [
                {
                    "qty": 24,
                    "price_subtotal_incl": 66.0,
                    "wholesale_uom_id": self.carton.id,
                }
            ],
        )
        self.assertEqual(self.cooker.qty_available, 76)
        order.refund()
        refund = self.pos_session.order_ids.filtered(lambda o: o.state == "draft")
        self.assertRecordValues(
            refund.lines,
            [{"qty": -24, "price_unit": 2.75}],
        )
        self.assertAlmostEqual(refund.amount_total, -66.0)
        payment = (
            self.env["pos.make.payment"]
            .with_context(active_ids=refund.ids, active_id=refund.id)
            .create({"payment_method_id": self.cash_pm1.id, "amount": -66.0})
        )
        payment.check()
        self.assertEqual(refund.state, "paid")
        self.env.invalidate_all()
        self.assertEqual(self.cooker.qty_available, 100)

    def test_wholesale_minimum_and_multiple(self):
        self.adjust_inventory([self.cooker, self.kettle], [500, 500])
        self.cooker_tmpl.write({"wholesale_min_qty": 5, "wholesale_qty_multiple": 1})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "order_line": [
                    (0, 0, {"product_id": self.cooker.id, "product_uom_qty": 3})
                ],
            }
        )
        with self._raises(UserError, r"WR Rice Cooker.*at least 5 Carton \(24\)"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        order.order_line.product_uom_qty = 5.5
        with self._raises(UserError, r"multiples of 1 Carton \(24\)"):
            order.action_confirm()
        # 144 pieces = 6 full cartons
        order.order_line.write({"product_uom_id": self.unit.id, "product_uom_qty": 144})
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # category rule for a product without its own rule; retail is free
        self.categ_ladder.wholesale_min_qty = 10
        kettle_order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "order_line": [
                    (0, 0, {"product_id": self.kettle.id, "product_uom_qty": 4})
                ],
            }
        )
        with self._raises(UserError, r"WR Ladder Kettle.*at least 10 Units"):
            kettle_order.action_confirm()
        kettle_order.partner_id = self.retailer
        kettle_order.action_confirm()
        self.assertEqual(kettle_order.state, "sale")

    def test_bad_inputs_raise_and_change_nothing(self):
        template = self.kettle.product_tmpl_id
        Uom = self.env["uom.uom"].with_context(active_test=False)
        uom_count = Uom.search_count([])

        def assert_unchanged():
            self.assertFalse(template.wholesale_step_ids)
            self.assertFalse(template.uom_ids)
            self.assertFalse(self.kettle.product_uom_ids)
            self.assertEqual(Uom.search_count([]), uom_count)

        for pieces, message in (
            (0, "more than zero"),
            (-6, "more than zero"),
            (2.5, "whole number"),
        ):
            with self._raises(ValidationError, message):
                template._wholesale_set_ladder([{"name": "Box", "pieces": pieces}])
            assert_unchanged()
        with self._raises(ValidationError, "does not count in Units"):
            self.env["wholesale.unit.step"].create(
                {
                    "product_tmpl_id": template.id,
                    "name": "Sack",
                    "uom_id": self.env.ref("uom.product_uom_kgm").id,
                }
            )
        assert_unchanged()
        for barcode, owner in (
            ("WRCOOK001", "barcode of the product"),
            ("WRCOOK024", "step Carton of WR Rice Cooker"),
        ):
            with self._raises(ValidationError, owner):
                template._wholesale_set_ladder(
                    [{"name": "Carton", "pieces": 24, "barcode": barcode}]
                )
            assert_unchanged()
        packaging = self.env["product.uom"].create(
            {"product_id": self.cooker.id, "uom_id": self.unit.id, "barcode": "WRPACK1"}
        )
        with self._raises(ValidationError, "used by WR Rice Cooker for the unit"):
            template._wholesale_set_ladder(
                [{"name": "Carton", "pieces": 24, "barcode": packaging.barcode}]
            )
        assert_unchanged()

    def test_change_step_used_by_open_moves(self):
        self.adjust_inventory([self.cooker], [100])
        order = self.env["sale.order"].create(
            {
                "partner_id": self.wholesaler.id,
                "order_line": [
                    (0, 0, {"product_id": self.cooker.id, "product_uom_qty": 3})
                ],
            }
        )
        order.action_confirm()
        step = self.cooker_tmpl._wholesale_get_step(self.carton)
        with (
            self._raises(UserError, "open documents still count in Carton"),
            Form(self.cooker_tmpl) as form,
            form.wholesale_step_ids.edit(1) as line,
        ):
            line.pieces = 20
        with self._raises(UserError, "open documents still count in Carton"):
            step.unlink()
        with self._raises(UserError, "step of the unit ladder of"):
            self.carton.relative_factor = 20
        self.assertEqual(step.pieces, 24)
        self.assertEqual(step.uom_id, self.carton)
        self.assertEqual(self.carton.factor, 24)
        self.assertIn(self.carton, self.cooker_tmpl.uom_ids)
        # once delivered, the step may change: it moves to a new unit
        self._deliver(order)
        step.pieces = 20
        self.assertEqual(step.uom_id.name, "Carton (20)")
        self.assertEqual(self.carton.factor, 24)
        self.assertNotIn(self.carton, self.cooker_tmpl.uom_ids)
        self.assertEqual(
            self.cooker.product_uom_ids.filtered(
                lambda p: p.barcode == "WRCOOK024"
            ).uom_id,
            step.uom_id,
        )
