from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    wholesale_customer = fields.Boolean(
        string="Wholesale Customer",
        help="Buys by the carton or pallet, on credit terms. Wholesale customers "
        "get the wholesale units and prices on their sale orders.",
    )
