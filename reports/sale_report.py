from odoo import fields, models


class SaleReport(models.Model):
    """Odoo's Sales Analysis, groupable by the addon's sales channel.

    A sale order counts in its own channel (the wholesale desk when it has
    none); a POS order in the channel of its point of sale. The monthly
    report reconciles its ordered revenue against this report.
    """

    _inherit = "sale.report"

    wholesale_channel_id = fields.Many2one(
        "wholesale.sales.channel", string="Sales Channel", readonly=True
    )

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["wholesale_channel_id"] = """COALESCE(s.wholesale_channel_id, (
            SELECT desk.id FROM wholesale_sales_channel desk
             WHERE desk.company_id = s.company_id AND desk.kind = 'wholesale'
             LIMIT 1))"""
        return res

    def _available_additional_pos_fields(self):
        res = super()._available_additional_pos_fields()
        res["wholesale_channel_id"] = "wr_channel.id"
        return res

    def _from_pos(self):
        return (
            super()._from_pos()
            + """
            LEFT JOIN wholesale_sales_channel wr_channel
                   ON wr_channel.pos_config_id = config.id
            """
        )

    def _group_by_pos(self):
        return super()._group_by_pos() + ",\n            wr_channel.id"
