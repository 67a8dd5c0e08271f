from odoo import fields, models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    wholesale_location_dest_id = fields.Many2one(
        "stock.location",
        string="Return To",
        domain="[('usage', '=', 'internal')]",
        help="Receive the returned goods here rather than where the return "
        "operation type puts them (the return goods wizard sends unsellable "
        "goods to the warehouse's damaged goods location).",
    )

    def _prepare_picking_default_values(self):
        vals = super()._prepare_picking_default_values()
        if self.wholesale_location_dest_id:
            vals["location_dest_id"] = self.wholesale_location_dest_id.id
        return vals
