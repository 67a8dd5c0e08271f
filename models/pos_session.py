from odoo import api, models

from .wholesale_stock_pool import POS_CLOSING, server_mark


class PosSession(models.Model):
    _inherit = "pos.session"

    def _create_picking_at_end_of_session(self):
        """Mark the closing picking: what it takes is recorded on the session."""
        with server_mark(POS_CLOSING, self.id):
            return super()._create_picking_at_end_of_session()

    @api.model
    def _load_pos_data_models(self, config):
        # the ticket screen's return reasons
        return [*super()._load_pos_data_models(config), "wholesale.return.reason"]
