from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import float_compare, float_is_zero, float_round

#: Digits of the pieces field. Pieces are whole (``_wholesale_check_pieces``),
#: and the ladder's views show them without decimals (``digits="[16, 0]"``);
#: the field keeps decimals so that "2.5 pieces" is refused, never rounded.
PIECES_DIGITS = 4


class WholesaleUnitStep(models.Model):
    """One step of a product's unit ladder: "Carton = 24 pieces".

    A step is per product; the unit it stands for is a global ``uom.uom``
    named like "Carton (24)", placed directly under the product's base unit
    (``relative_uom_id`` = base unit, ``relative_factor`` = pieces), so that
    every step shares the base unit's tree. Two products with cartons of 24
    share one "Carton (24)". A pallet of 40 cartons of 24 is the unit
    "Pallet (960)" under the base unit as well: every step counts base units.

    Saving a step keeps the template's ``uom_ids`` (its packagings) and the
    variant's ``product.uom`` barcode in step with it.

    A step belongs to its product's company (``company_id``, stored for the
    company record rule); the steps of a product without a company are
    shared, like the product.
    """

    _name = "wholesale.unit.step"
    _description = "Unit Ladder Step"
    _order = "product_tmpl_id, sequence, pieces, id"

    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="product_tmpl_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(
        string="Step",
        required=True,
        help="What the step is called: Dozen, Carton, Pallet...",
    )
    pieces = fields.Float(
        required=True,
        digits=(16, PIECES_DIGITS),
        # the pieces of a dozen and of a pallet do not add up to anything
        aggregator=None,
        help="How many base units (pieces, bottles) one step holds. "
        "A whole number greater than zero.",
    )
    base_uom_id = fields.Many2one(related="product_tmpl_id.uom_id", string="Base Unit")
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        ondelete="restrict",
        help="The global unit this step stands for. It is found or created from "
        "the step's name and pieces; pick an existing unit to reuse it.",
    )
    barcode = fields.Char(
        copy=False, help="Scanned at the POS or in the warehouse: one step."
    )
    currency_id = fields.Many2one(related="product_tmpl_id.currency_id")
    retail_price = fields.Monetary(
        aggregator=None,
        help="Price of one step for retail customers and at the POS. "
        "Empty: the piece price times the pieces. On sale orders, a pricelist "
        "rule for the product or its category replaces it; no pricelist "
        "discount is taken off it.",
    )
    wholesale_price = fields.Monetary(
        aggregator=None,
        help="Price of one step for wholesale customers. "
        "Empty: the pricelist price in this unit. A pricelist rule for the "
        "product or its category replaces it; no pricelist discount is taken "
        "off it.",
    )
    is_wholesale_unit = fields.Boolean(
        string="Wholesale Unit",
        help="Sale orders of wholesale customers default to this step.",
    )

    @api.constrains("pieces")
    def _check_pieces(self):
        for step in self:
            self._wholesale_check_pieces(step.pieces, step.name)

    def _wholesale_unit_pieces_mismatch(self):
        """Check the step's unit is in its product's tree; return the pieces the
        unit holds when they differ from the step's, else ``False``."""
        self.ensure_one()
        self._wholesale_check_uom_tree(self.uom_id, self.product_tmpl_id)
        pieces = self._wholesale_pieces_of(self.uom_id, self.product_tmpl_id)
        if float_compare(pieces, self.pieces, precision_digits=PIECES_DIGITS):
            return pieces
        return False

    @api.constrains("uom_id", "pieces", "product_tmpl_id")
    def _check_uom(self):
        for step in self:
            if step.uom_id:
                pieces = step._wholesale_unit_pieces_mismatch()
                if pieces is not False:
                    raise ValidationError(
                        self.env._(
                            "The step %(step)s holds %(pieces)s pieces but its "
                            "unit %(unit)s holds %(unit_pieces)s.",
                            step=step.name,
                            pieces=step.pieces,
                            unit=step.uom_id.name,
                            unit_pieces=pieces,
                        )
                    )

    @api.constrains("is_wholesale_unit", "product_tmpl_id")
    def _check_single_wholesale_unit(self):
        for template in self.product_tmpl_id:
            if len(template.wholesale_step_ids.filtered("is_wholesale_unit")) > 1:
                raise ValidationError(
                    self.env._(
                        "%(product)s can have only one wholesale unit.",
                        product=template.display_name,
                    )
                )

    @api.constrains("barcode", "uom_id", "product_tmpl_id")
    def _check_barcode(self):
        for step in self.filtered("barcode"):
            if len(step.product_tmpl_id.product_variant_ids) > 1:
                raise ValidationError(
                    self.env._(
                        "%(product)s has several variants: set the barcode of its "
                        "%(step)s on each variant (Unit Barcodes) rather than on "
                        "the ladder.",
                        product=step.product_tmpl_id.display_name,
                        step=step.name,
                    )
                )
            step._wholesale_check_barcode_free(step.barcode, step.product_tmpl_id, step)

    @api.onchange("uom_id")
    def _onchange_uom_id(self):
        for step in self.filtered(lambda s: s.uom_id and s.product_tmpl_id.uom_id):
            step._wholesale_check_uom_tree(step.uom_id, step.product_tmpl_id)
            step.pieces = step._wholesale_pieces_of(step.uom_id, step.product_tmpl_id)
            if not step.name:
                step.name = step.uom_id.name

    @api.onchange("name", "pieces")
    def _onchange_name_pieces(self):
        for step in self.filtered("uom_id"):
            expected = step._wholesale_pieces_of(step.uom_id, step.product_tmpl_id)
            if float_compare(expected, step.pieces, precision_digits=PIECES_DIGITS):
                step.uom_id = False

    @api.onchange("retail_price", "pieces")
    def _onchange_retail_price(self):
        """Warn when the POS cannot hit the step price exactly.

        The POS keeps the line in pieces at (step price / pieces) per piece,
        rounded to the "Product Price" precision.
        """
        digits = self.env["decimal.precision"].precision_get("Product Price")
        for step in self:
            if not step.retail_price or step.pieces <= 0:
                continue
            per_piece = float_round(
                step.retail_price / step.pieces, precision_digits=digits
            )
            total = float_round(per_piece * step.pieces, precision_digits=digits)
            if float_compare(total, step.retail_price, precision_digits=digits):
                return {
                    "warning": {
                        "title": self.env._("Price per piece is rounded"),
                        "message": self.env._(
                            "The POS sells a %(step)s as %(pieces)s pieces at "
                            "%(per_piece)s each, which makes %(total)s rather than "
                            "%(price)s. Choose a price that divides by %(pieces)s.",
                            step=step.name or "",
                            pieces="%g" % step.pieces,
                            per_piece=per_piece,
                            total=total,
                            price=step.retail_price,
                        ),
                    }
                }
        return None

    @api.model_create_multi
    def create(self, vals_list):
        Template = self.env["product.template"]
        for vals in vals_list:
            template = Template.browse(vals.get("product_tmpl_id"))
            vals.update(self._wholesale_prepare_unit_vals(vals, template))
        steps = super().create(vals_list)
        steps.product_tmpl_id._wholesale_sync_ladder()
        return steps

    def write(self, vals):
        unit_keys = {"name", "pieces", "uom_id", "product_tmpl_id"}
        if not unit_keys & set(vals) and "barcode" not in vals:
            result = super().write(vals)
            if "is_wholesale_unit" in vals:
                # the POS tiles count in the wholesale unit
                self.product_tmpl_id._wholesale_announce_availability()
            return result
        released = []
        for step in self:
            step_vals = dict(vals)
            template = (
                self.env["product.template"].browse(vals["product_tmpl_id"])
                if vals.get("product_tmpl_id")
                else step.product_tmpl_id
            )
            if unit_keys & set(vals):
                step_vals.setdefault("name", step.name)
                step_vals.setdefault("pieces", step.pieces)
                if "uom_id" not in vals and (
                    step_vals["name"] != step.name
                    or float_compare(
                        step_vals["pieces"],
                        step.pieces,
                        precision_digits=PIECES_DIGITS,
                    )
                    or template != step.product_tmpl_id
                ):
                    step_vals["uom_id"] = False
                elif "uom_id" not in vals:
                    step_vals["uom_id"] = step.uom_id.id
                # refuse before any unit is created
                if step.uom_id and (
                    step_vals["uom_id"] != step.uom_id.id
                    or template != step.product_tmpl_id
                ):
                    step._wholesale_check_not_in_use()
                step_vals.update(self._wholesale_prepare_unit_vals(step_vals, template))
            released.append((step.product_tmpl_id, step.uom_id, step.barcode))
            super(WholesaleUnitStep, step).write(step_vals)
        self._wholesale_release(released)
        self.product_tmpl_id._wholesale_sync_ladder()
        return True

    def unlink(self):
        for step in self.filtered("uom_id"):
            step._wholesale_check_not_in_use()
        released = [(s.product_tmpl_id, s.uom_id, s.barcode) for s in self]
        templates = self.product_tmpl_id
        result = super().unlink()
        self._wholesale_release(released)
        templates.exists()._wholesale_sync_ladder()
        return result

    # ------------------------------------------------------------------
    # Validation helpers (raise before anything is created)
    # ------------------------------------------------------------------
    @api.model
    def _wholesale_check_pieces(self, pieces, name):
        if pieces is False or pieces is None:
            pieces = 0.0
        if float_compare(pieces, 0.0, precision_digits=PIECES_DIGITS) <= 0:
            raise ValidationError(
                self.env._(
                    "The step %(step)s must hold more than zero pieces "
                    "(it says %(pieces)s).",
                    step=name or "?",
                    pieces=pieces,
                )
            )
        if not float_is_zero(
            pieces - float_round(pieces, precision_digits=0),
            precision_digits=PIECES_DIGITS,
        ):
            raise ValidationError(
                self.env._(
                    "The step %(step)s must hold a whole number of pieces "
                    "(it says %(pieces)s). Use a smaller base unit to sell "
                    "parts of a piece.",
                    step=name or "?",
                    pieces=pieces,
                )
            )

    @api.model
    def _wholesale_check_uom_tree(self, uom, template):
        base = template.uom_id
        if not base:
            return
        if not uom._has_common_reference(base) or uom.factor < base.factor:
            raise ValidationError(
                self.env._(
                    "The unit %(unit)s cannot be a step of %(product)s: it does not "
                    "count in %(base)s (the product's base unit). A step must be a "
                    "whole number of %(base)s.",
                    unit=uom.name,
                    product=template.display_name,
                    base=base.name,
                )
            )

    @api.model
    def _wholesale_pieces_of(self, uom, template):
        return float_round(
            uom.factor / template.uom_id.factor, precision_digits=PIECES_DIGITS
        )

    @api.model
    def _wholesale_check_barcode_free(self, barcode, template, step=None):
        """Raise a clear error when ``barcode`` is used elsewhere."""
        if not barcode:
            return
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        owner = Product.search([("barcode", "=", barcode)], limit=1)
        if owner:
            raise ValidationError(
                self.env._(
                    "The barcode %(barcode)s is already the barcode of the product "
                    "%(product)s.",
                    barcode=barcode,
                    product=owner.display_name,
                )
            )
        other_steps = self.sudo().search(
            [("barcode", "=", barcode), ("id", "not in", step.ids if step else [])],
            limit=1,
        )
        if other_steps:
            raise ValidationError(
                self.env._(
                    "The barcode %(barcode)s is already used by the step %(step)s of "
                    "%(product)s.",
                    barcode=barcode,
                    step=other_steps.name,
                    product=other_steps.product_tmpl_id.display_name,
                )
            )
        packagings = self.env["product.uom"].sudo().search([("barcode", "=", barcode)])
        # a packaging barcode of the same product is taken over by the step
        own = packagings.filtered(lambda p: p.product_id.product_tmpl_id == template)
        if packagings - own:
            other = (packagings - own)[0]
            raise ValidationError(
                self.env._(
                    "The barcode %(barcode)s is already used by %(product)s for the "
                    "unit %(unit)s.",
                    barcode=barcode,
                    product=other.product_id.display_name,
                    unit=other.uom_id.name,
                )
            )

    def _wholesale_open_documents(self):
        """Open transfers and quotations of this step's product in its unit."""
        self.ensure_one()
        variants = self.product_tmpl_id.with_context(
            active_test=False
        ).product_variant_ids
        moves = (
            self.env["stock.move"]
            .sudo()
            .search(
                [
                    ("product_id", "in", variants.ids),
                    ("state", "not in", ("done", "cancel")),
                    "|",
                    ("product_uom", "=", self.uom_id.id),
                    ("packaging_uom_id", "=", self.uom_id.id),
                ]
            )
        )
        order_lines = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("product_id", "in", variants.ids),
                    ("product_uom_id", "=", self.uom_id.id),
                    ("state", "in", ("draft", "sent")),
                ]
            )
        )
        return moves, order_lines

    def _wholesale_check_not_in_use(self):
        self.ensure_one()
        moves, order_lines = self._wholesale_open_documents()
        if not moves and not order_lines:
            return
        names = (moves.picking_id.mapped("name") or moves.mapped("reference")) + (
            order_lines.order_id.mapped("name")
        )
        raise UserError(
            self.env._(
                "You cannot change or remove the step %(step)s of %(product)s: "
                "open documents still count in %(unit)s (%(documents)s). Their "
                "quantities would change size. Deliver, confirm or cancel them "
                "first, or add a new step instead of changing this one.",
                step=self.name,
                product=self.product_tmpl_id.display_name,
                unit=self.uom_id.name,
                documents=", ".join(sorted(set(names))[:5]),
            )
        )

    # ------------------------------------------------------------------
    # Units and barcodes
    # ------------------------------------------------------------------
    @api.model
    def _wholesale_prepare_unit_vals(self, vals, template):
        """Validate a step's values and find or create its unit.

        :return: values to write (``uom_id``, ``name``, ``pieces``)
        """
        if not template:
            return {}
        res = {}
        uom = self.env["uom.uom"].browse(vals.get("uom_id") or [])
        if uom:
            self._wholesale_check_uom_tree(uom, template)
            pieces = self._wholesale_pieces_of(uom, template)
            res["pieces"] = pieces
            res["name"] = vals.get("name") or uom.name
        else:
            pieces = vals.get("pieces")
        name = res.get("name") or vals.get("name")
        self._wholesale_check_pieces(pieces, name)
        if not uom:
            uom = self._wholesale_find_or_create_uom(name, pieces, template.uom_id)
            res["uom_id"] = uom.id
        return res

    @api.model
    def _wholesale_uom_name(self, name, pieces, base):
        if base == self.env.ref("uom.product_uom_unit", raise_if_not_found=False):
            return "%s (%g)" % (name, pieces)
        return "%s (%g %s)" % (name, pieces, base.name)

    @api.model
    def _wholesale_find_or_create_uom(self, name, pieces, base):
        """The global unit "<name> (<pieces>)" directly under ``base``.

        Units are global records; creating the derived unit of a ladder step is
        a technical consequence of editing the ladder, hence sudo.
        """
        Uom = self.env["uom.uom"].sudo().with_context(active_test=False)
        uom_name = self._wholesale_uom_name(name, pieces, base)
        for uom in Uom.search(
            [("relative_uom_id", "=", base.id), ("name", "=", uom_name)]
        ):
            if not float_compare(
                uom.relative_factor, pieces, precision_digits=PIECES_DIGITS
            ):
                if not uom.active:
                    uom.active = True
                return uom.sudo(False)
        return Uom.create(
            {
                "name": uom_name,
                "relative_uom_id": base.id,
                "relative_factor": pieces,
                "is_pos_groupable": base.is_pos_groupable,
            }
        ).sudo(False)

    @api.model
    def _wholesale_release(self, released):
        """Forget units and barcodes that no step of the product uses any more."""
        ProductUom = self.env["product.uom"].sudo()
        for template, uom, barcode in released:
            if not template.exists() or not uom:
                continue
            remaining = template.wholesale_step_ids.filtered(
                lambda s, u=uom: s.uom_id == u
            )
            if barcode and barcode not in remaining.mapped("barcode"):
                ProductUom.search(
                    [
                        ("product_id", "in", template.product_variant_ids.ids),
                        ("uom_id", "=", uom.id),
                        ("barcode", "=", barcode),
                    ]
                ).unlink()
            if not remaining and uom in template.uom_ids:
                template.sudo().uom_ids = [Command.unlink(uom.id)]
