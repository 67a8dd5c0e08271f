from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.i18n import format_list


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
        default=True,
        help="Also copy the retail and wholesale price of each step (the prices "
        "it sets). Without it, a step a product already has keeps its prices, "
        "and a new step has none: it sells at the pricelist price (the piece "
        "price times the pieces). Barcodes are never copied: each product keeps "
        "its own, and keeps the steps this ladder does not have.",
    )
    include_quantity_rules = fields.Boolean(
        string="Copy Minimum and Multiple",
        default=True,
        help="Also copy the wholesale minimum and multiple that the ladder's "
        "product sets; one it leaves to its category is not copied.",
    )
    step_summary = fields.Char(string="Ladder", compute="_compute_step_summary")
    price_warning = fields.Text(compute="_compute_price_warning")

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

    @api.depends(
        "include_prices",
        "source_tmpl_id.wholesale_step_ids.retail_price",
        "source_tmpl_id.wholesale_step_ids.wholesale_price",
    )
    @api.depends_context("lang")
    def _compute_price_warning(self):
        """Say which steps will show no price of their own on the products,
        rather than leave 0.00 steps without a word."""
        for wizard in self:
            steps = wizard.source_tmpl_id.wholesale_step_ids
            if not steps:
                wizard.price_warning = False
            elif not wizard.include_prices:
                wizard.price_warning = self.env._(
                    "Step prices are not copied: a step the products do not have "
                    "yet is added without prices (0.00) and sells at the pricelist "
                    "price, the piece price times the pieces."
                )
            else:
                missing = []
                for step in steps:
                    kinds = wizard._missing_price_kinds(step)
                    if kinds:
                        missing.append(
                            self.env._(
                                "%(step)s (%(prices)s)",
                                step=step.name,
                                prices=format_list(
                                    self.env, kinds, lang_code=self.env.lang or "en_US"
                                ),
                            )
                        )
                wizard.price_warning = bool(missing) and self.env._(
                    "These steps of %(ladder)s have no price of their own: "
                    "%(steps)s. Where a product does not have the price yet, it "
                    "shows 0.00 and the step sells at the pricelist price (the "
                    "piece price times the pieces). Set the prices on %(ladder)s "
                    "first to copy them.",
                    ladder=wizard.source_tmpl_id.display_name,
                    steps="; ".join(missing),
                )

    def _missing_price_kinds(self, step):
        kinds = []
        if not step.retail_price:
            kinds.append(self.env._("retail price"))
        if not step.wholesale_price:
            kinds.append(self.env._("wholesale price"))
        return kinds

    def action_apply(self):
        """Add the source's steps to the products, or update the steps they
        already have (see ``product.template._wholesale_set_ladder``): a
        product keeps its steps, barcodes and, unless prices are copied, its
        prices; only values the source sets are copied."""
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
        steps = []
        for step in source.wholesale_step_ids:
            spec = {"name": step.name, "pieces": step.pieces}
            if self.include_prices:
                spec.update(
                    retail_price=step.retail_price,
                    wholesale_price=step.wholesale_price,
                )
            steps.append(spec)
        # no wholesale unit on the source: each product keeps its own
        wholesale_step = source._wholesale_get_wholesale_step().name or None
        rules = {}
        if self.include_quantity_rules:
            # zero is "the category's rule": it does not clear a product's own
            if source.wholesale_min_qty:
                rules["min_qty"] = source.wholesale_min_qty
            if source.wholesale_qty_multiple:
                rules["multiple"] = source.wholesale_qty_multiple
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
