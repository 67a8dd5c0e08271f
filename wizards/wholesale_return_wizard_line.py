from odoo import api, fields, models
from odoo.tools import float_compare, float_round

PIECE_DIGITS = 4


class WholesaleReturnWizardLine(models.TransientModel):
    """One line of the original order in the return wizard: what was sold
    (delivered, for a sale order), what already came back, and what is
    returned now, in any unit of the product's ladder."""

    _name = "wholesale.return.wizard.line"
    _description = "Return Goods Line"

    wizard_id = fields.Many2one(
        "wholesale.return.wizard", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    sale_line_id = fields.Many2one("sale.order.line", readonly=True)
    pos_line_id = fields.Many2one("pos.order.line", string="POS Line", readonly=True)
    product_uom_id = fields.Many2one(
        related="product_id.uom_id", string="Base Unit", readonly=True
    )
    sold_qty = fields.Float(
        string="Sold",
        digits="Product Unit",
        readonly=True,
        help="Pieces sold on this line (for a sale order: delivered), in the "
        "product's unit.",
    )
    returned_qty = fields.Float(
        string="Already Returned",
        digits="Product Unit",
        readonly=True,
        help="Pieces already returned: POS refunds, from the ticket screen too, "
        "and the sale order's return transfers, done or waiting.",
    )
    returnable_qty = fields.Float(
        string="Returnable",
        digits="Product Unit",
        compute="_compute_returnable_qty",
        help="Pieces that may still come back.",
    )
    allowed_uom_ids = fields.Many2many("uom.uom", compute="_compute_allowed_uom_ids")
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        domain="[('id', 'in', allowed_uom_ids)]",
        help="The product's unit or a step of its ladder (a carton).",
    )
    qty = fields.Float(
        string="Quantity to Return", digits="Product Unit", help="In the unit chosen."
    )
    qty_pieces = fields.Float(
        string="Pieces to Return",
        digits="Product Unit",
        compute="_compute_qty_pieces",
    )
    reason_id = fields.Many2one(
        "wholesale.return.reason",
        string="Reason",
        compute="_compute_reason_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    disposition = fields.Selection(
        [
            ("stock", "Back to Stock"),
            ("damaged", "Damaged Goods Location"),
            ("scrap", "Scrap"),
        ],
        compute="_compute_disposition",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )

    @api.depends("sold_qty", "returned_qty")
    def _compute_returnable_qty(self):
        for line in self:
            line.returnable_qty = max(line.sold_qty - line.returned_qty, 0.0)

    @api.depends("product_id")
    def _compute_allowed_uom_ids(self):
        for line in self:
            line.allowed_uom_ids = line.product_id._wholesale_return_uoms()

    @api.depends("qty", "uom_id", "product_id")
    def _compute_qty_pieces(self):
        for line in self:
            line.qty_pieces = line._wholesale_pieces()

    @api.depends("wizard_id.reason_id")
    def _compute_reason_id(self):
        for line in self:
            line.reason_id = line.wizard_id.reason_id or line.reason_id

    @api.depends("wizard_id.disposition")
    def _compute_disposition(self):
        for line in self:
            line.disposition = line.wizard_id.disposition or line.disposition or "stock"

    def _wholesale_pieces(self):
        """The quantity to return in the product's unit, unrounded."""
        self.ensure_one()
        base = self.product_id.uom_id
        unit = self.uom_id or base
        return unit._compute_quantity(self.qty, base, round=False)

    def _wholesale_needs_whole_pieces(self):
        """Products counted in pieces (their unit is in the tree of Units)
        come back in whole pieces; goods sold by weight or length need not."""
        self.ensure_one()
        units = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        return bool(units) and self.product_id.uom_id._has_common_reference(units)

    def _wholesale_is_fraction(self):
        self.ensure_one()
        pieces = self._wholesale_pieces()
        return bool(
            self._wholesale_needs_whole_pieces()
            and float_compare(
                pieces,
                float_round(pieces, precision_digits=0),
                precision_digits=PIECE_DIGITS,
            )
        )
