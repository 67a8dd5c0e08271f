from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    wholesale_low_stock_threshold = fields.Float(
        string="Low Stock Threshold",
        default=10.0,
        help="Products with fewer pieces on hand than this are listed as low in "
        "stock on the Wholesale & Retail overview.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company in companies:
            self.env["wholesale.sales.channel"]._wholesale_desk(company)
        return companies
