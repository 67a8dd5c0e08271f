from odoo import api, fields, models


class WholesaleReturnReason(models.Model):
    """Why goods came back: the list the return wizard offers and the monthly
    report's returns-by-reason section groups on."""

    _name = "wholesale.return.reason"
    _inherit = "pos.load.mixin"
    _description = "Return Reason"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to offer the reason in every company.",
    )

    # ------------------------------------------------------------------
    # Point of Sale: the ticket screen offers the same list for its refunds
    # ------------------------------------------------------------------
    @api.model
    def _load_pos_data_domain(self, data, config):
        return [
            ("active", "=", True),
            ("company_id", "in", [False, config.company_id.id]),
        ]

    @api.model
    def _load_pos_data_fields(self, config):
        return ["id", "name", "sequence"]
