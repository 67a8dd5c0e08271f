from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    wholesale_low_stock_threshold = fields.Float(
        string="Low Stock Threshold",
        default=10.0,
        help="Products with fewer pieces on hand than this are listed as low in "
        "stock on the Wholesale & Retail overview.",
    )
