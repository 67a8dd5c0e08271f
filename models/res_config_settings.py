from odoo import api, fields, models

from .wholesale_stock_pool import GUARD_PARAM


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
    wholesale_default_oversell_policy = fields.Selection(
        related="company_id.wholesale_default_oversell_policy",
        readonly=False,
    )
    wholesale_monthly_report_email = fields.Boolean(
        related="company_id.wholesale_monthly_report_email",
        readonly=False,
    )
    wholesale_monthly_report_partner_ids = fields.Many2many(
        related="company_id.wholesale_monthly_report_partner_ids",
        readonly=False,
    )
    # Not a ``config_parameter`` field: unticking one deletes the parameter,
    # and a missing parameter means "on" (wholesale.stock.pool._guard_enabled).
    wholesale_oversell_guard = fields.Boolean(
        string="Oversell Guard",
        groups="base.group_system",
        help="On: sale confirmations, reservations, delivery validations and "
        "Point of Sale payments of a product in a warehouse run one after the "
        "other, each checked against the sellable stock (the warehouse's "
        "oversell policy and the channel rules apply), so two sales can never "
        "take the last pieces twice.\n"
        "Off: Odoo's standard behaviour: nothing waits and nothing is refused "
        "for lack of stock; wholesale orders are confirmed whatever the "
        "oversell policy, and the stock may go below zero. For every company "
        "of the database.",
    )

    @api.model
    def get_values(self):
        res = super().get_values()
        if self.env.is_system():
            res["wholesale_oversell_guard"] = self.env[
                "wholesale.stock.pool"
            ]._guard_enabled()
        return res

    def set_values(self):
        super().set_values()
        if not self.env.is_system():
            return
        # "0" explicitly when off: a missing parameter reads as "on"
        value = "1" if self.wholesale_oversell_guard else "0"
        if self.env["wholesale.stock.pool"]._guard_enabled() != (value == "1"):
            self.env["ir.config_parameter"].sudo().set_param(GUARD_PARAM, value)

    # Links to the lists that hold the rest of the addon's options
    def _wholesale_open(self, xml_id):
        return self.env["ir.actions.act_window"]._for_xml_id(xml_id)

    def action_wholesale_open_oversell_policies(self):
        return self._wholesale_open(
            "wholesale_retail.stock_warehouse_action_wholesale_policy"
        )

    def action_wholesale_open_channel_rules(self):
        return self._wholesale_open("wholesale_retail.wholesale_channel_rule_action")

    def action_wholesale_open_sales_channels(self):
        return self._wholesale_open("wholesale_retail.wholesale_sales_channel_action")

    def action_wholesale_open_unit_ladders(self):
        return self._wholesale_open("wholesale_retail.wholesale_unit_step_action")

    def action_wholesale_open_return_reasons(self):
        return self._wholesale_open("wholesale_retail.wholesale_return_reason_action")
