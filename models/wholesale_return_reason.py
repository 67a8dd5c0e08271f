from odoo import fields, models


class WholesaleReturnReason(models.Model):
    """Why goods came back: the list the return wizard offers and the monthly
    report's returns-by-reason section groups on."""

    _name = "wholesale.return.reason"
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
