from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    wholesale_low_stock_threshold = fields.Float(
        related="company_id.wholesale_low_stock_threshold",
        readonly=False,
    )
    wholesale_slow_movers_limit = fields.Integer(
        related="company_id.wholesale_slow_movers_limit",
        readonly=False,
    )
    wholesale_return_needs_scan = fields.Boolean(
        related="company_id.wholesale_return_needs_scan",
        readonly=False,
    )
    wholesale_quote_approval_amount = fields.Monetary(
        related="company_id.wholesale_quote_approval_amount",
        currency_field="currency_id",
        readonly=False,
    )
    wholesale_quote_approval_discount = fields.Float(
        related="company_id.wholesale_quote_approval_discount",
        readonly=False,
    )
