from odoo import api, fields, models
from odoo.exceptions import UserError


class WholesaleLadderApply(models.TransientModel):
    """Copy one product's unit ladder onto the selected products."""

    _name = "wholesale.ladder.apply"
    _description = "Apply a Unit Ladder to Products"

    source_tmpl_id = fields.Many2one(
        "product.template",
        string="Copy the Ladder of",
        required=True,
        domain="[('wholesale_step_ids', '!=', False)]",
    )
    product_tmpl_ids = fields.Many2many(
        "product.template",
        string="Products",
        default=lambda self: self._default_product_tmpl_ids(),
    )
    include_prices = fields.Boolean(
        string="Copy Step Prices",
        help="Also copy the retail and wholesale price of each step. Barcodes are "
        "never copied: each product keeps its own.",
    )
    include_quantity_rules = fields.Boolean(
        string="Copy Minimum and Multiple", default=True
    )
    step_summary = fields.Char(string="Ladder", compute="_compute_step_summary")

    def _default_product_tmpl_ids(self):
        if self.env.context.get("active_model") == "product.template":
            return self.env["product.template"].browse(
                self.env.context.get("active_ids", [])
            )
        return self.env["product.template"]

    @api.depends("source_tmpl_id")
    def _compute_step_summary(self):
        for wizard in self:
            wizard.step_summary = ", ".join(
                "%s = %g %s" % (s.name, s.pieces, s.base_uom_id.name)
                for s in wizard.source_tmpl_id.wholesale_step_ids
            )

    def action_apply(self):
        self.ensure_one()
        source = self.source_tmpl_id
        targets = self.product_tmpl_ids - source
        if not targets:
            raise UserError(self.env._("Select the products to give this ladder."))
        other_unit = targets.filtered(lambda t: t.uom_id != source.uom_id)
        if other_unit:
            raise UserError(
                self.env._(
                    "The ladder of %(ladder)s counts in %(unit)s, but %(products)s "
                    "count in another unit. Nothing was changed.",
                    ladder=source.display_name,
                    unit=source.uom_id.name,
                    products=", ".join(other_unit[:5].mapped("display_name")),
                )
            )
        steps = [
            {
                "name": step.name,
                "pieces": step.pieces,
                "retail_price": self.include_prices and step.retail_price,
                "wholesale_price": self.include_prices and step.wholesale_price,
            }
            for step in source.wholesale_step_ids
        ]
        wholesale_step = source._wholesale_get_wholesale_step().name
        rules = {}
        if self.include_quantity_rules:
            rules = {
                "min_qty": source.wholesale_min_qty,
                "multiple": source.wholesale_qty_multiple,
            }
        targets._wholesale_set_ladder(steps, wholesale_step=wholesale_step, **rules)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "The ladder of %(ladder)s was applied to %(count)s products.",
                    ladder=source.display_name,
                    count=len(targets),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
