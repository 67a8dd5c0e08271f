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

    @api.model_create_multi
    def create(self, vals_list):
        """A refund line of a carton line is a carton refund: it keeps the
        scanned unit (a POS that did not send it, or a backend refund)."""
        refunded_ids = [
            vals["refunded_orderline_id"]
            for vals in vals_list
            if vals.get("refunded_orderline_id") and not vals.get("wholesale_uom_id")
        ]
        if refunded_ids:
            units = {
                line.id: line.wholesale_uom_id.id
                for line in self.browse(refunded_ids).exists()
                if line.wholesale_uom_id
            }
            for vals in vals_list:
                unit = units.get(vals.get("refunded_orderline_id"))
                if unit and not vals.get("wholesale_uom_id"):
                    vals["wholesale_uom_id"] = unit
        return super().create(vals_list)
