from odoo import api, fields, models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    wholesale_uom_id = fields.Many2one(
        "uom.uom",
        string="Scanned Unit",
        help="The ladder unit the line was sold in (a carton scanned at the "
        "POS). The line's quantity stays in the product's unit.",
    )

    @api.model
    def _load_pos_data_fields(self, config):
        return super()._load_pos_data_fields(config) + ["wholesale_uom_id"]
