from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    wholesale_min_qty = fields.Float(
        string="Wholesale Minimum",
        digits="Product Unit",
        help="Least quantity a wholesale order may hold of each product of this "
        "category, counted in the product's wholesale unit. Products may set "
        "their own.",
    )
    wholesale_qty_multiple = fields.Float(
        string="Wholesale Multiple",
        digits="Product Unit",
        help="Wholesale order lines of this category must be a multiple of this, "
        "counted in the product's wholesale unit (1: only full cartons).",
    )
