from odoo import api, fields, models
from odoo.exceptions import UserError


class UomUom(models.Model):
    _inherit = "uom.uom"

    def write(self, vals):
        if {"relative_factor", "relative_uom_id", "factor"} & set(vals):
            self._wholesale_check_ratio_change(vals)
        return super().write(vals)

    def _wholesale_check_ratio_change(self, vals):
        """Say in plain words why the size of a unit cannot change.

        Core refuses too (stock), with a generic message; this names the
        ladders and the open documents that count in the unit.
        """
        for uom in self:
            changed = (
                "relative_factor" in vals
                and uom.relative_factor != vals["relative_factor"]
            ) or (
                "relative_uom_id" in vals
                and uom.relative_uom_id.id != (vals["relative_uom_id"] or False)
            )
            if not changed:
                continue
            steps = (
                self.env["wholesale.unit.step"].sudo().search([("uom_id", "=", uom.id)])
            )
            if steps:
                raise UserError(
                    self.env._(
                        "%(unit)s is a step of the unit ladder of %(products)s. "
                        "Changing its size would change how many pieces those "
                        "products count in it: edit their ladders instead (a new "
                        "size makes a new unit).",
                        unit=uom.name,
                        products=", ".join(
                            steps.product_tmpl_id[:5].mapped("display_name")
                        ),
                    )
                )
            moves = (
                self.env["stock.move"]
                .sudo()
                .search(
                    [
                        ("state", "not in", ("done", "cancel")),
                        "|",
                        ("product_uom", "=", uom.id),
                        ("packaging_uom_id", "=", uom.id),
                    ],
                    limit=5,
                )
            )
            if moves:
                raise UserError(
                    self.env._(
                        "You cannot change the size of %(unit)s: open transfers "
                        "(%(documents)s) count their goods in it, and their "
                        "quantities would change. Deliver or cancel them first, "
                        "or create a new unit.",
                        unit=uom.name,
                        documents=", ".join(sorted(set(moves.mapped("reference")))),
                    )
                )


class ProductUom(models.Model):
    _inherit = "product.uom"

    wholesale_retail_price = fields.Float(
        string="Retail Price of the Step",
        compute="_compute_wholesale_retail_price",
        digits="Product Price",
        help="The retail price of one such unit from the product's ladder; "
        "zero when the ladder sets none.",
    )

    @api.depends("uom_id", "product_id.product_tmpl_id.wholesale_step_ids.retail_price")
    def _compute_wholesale_retail_price(self):
        for packaging in self:
            template = packaging.product_id.product_tmpl_id
            step = template and template._wholesale_get_step(packaging.uom_id)
            packaging.wholesale_retail_price = step.retail_price if step else 0.0

    @api.model
    def _load_pos_data_fields(self, config):
        return super()._load_pos_data_fields(config) + ["wholesale_retail_price"]
