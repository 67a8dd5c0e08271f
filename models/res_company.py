from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .stock_warehouse import OVERSELL_POLICIES


class ResCompany(models.Model):
    _inherit = "res.company"

    wholesale_low_stock_threshold = fields.Float(
        string="Low Stock Threshold",
        default=10.0,
        help="Products with fewer pieces on hand than this are listed as low in "
        "stock on the Wholesale & Retail overview.",
    )

    wholesale_slow_movers_limit = fields.Integer(
        string="Slow Movers Listed",
        default=20,
        help="How many slow and top movers the monthly report lists on screen, "
        "in the PDF and in the email; the XLSX ranks them all.",
    )

    wholesale_monthly_report_email = fields.Boolean(
        string="Email the Monthly Report",
        default=True,
        help="On the 1st of each month, last month's report (PDF and XLSX) of "
        "this company is emailed to its recipients. Off: nothing is sent; the "
        "report can still be opened, printed and exported from Reporting.",
    )
    wholesale_monthly_report_partner_ids = fields.Many2many(
        "res.partner",
        "res_company_wholesale_monthly_report_partner_rel",
        "company_id",
        "partner_id",
        string="Monthly Report Recipients",
        domain="[('email', '!=', False)]",
        help="Who receives the monthly report email. Empty: the Wholesale & "
        "Retail managers of the company who have an email.",
    )
    wholesale_default_oversell_policy = fields.Selection(
        OVERSELL_POLICIES,
        string="Default Oversell Policy",
        required=True,
        default="refuse",
        help="The wholesale oversell policy a new warehouse of this company "
        "starts with; each warehouse's own policy is set in the Oversell Policy "
        "list.\n"
        "Refuse: a wholesale order beyond the free stock is not confirmed.\n"
        "Confirm with a backorder: the order is confirmed, the free stock is "
        "reserved and the rest waits as a backorder.",
    )

    wholesale_return_needs_scan = fields.Boolean(
        string="Returns Wait for a Warehouse Scan",
        help="A confirmed return leaves its transfer ready in the warehouse: "
        "the goods come back into stock (and a wholesale customer's credit "
        "note is issued) only when the warehouse validates it, after scanning "
        "them.",
    )

    wholesale_quote_approval_amount = fields.Monetary(
        string="Quotations Approved Above",
        currency_field="currency_id",
        help="A wholesale quotation whose total (in the company's currency) is "
        "above this amount needs a manager's approval before it is sent or "
        "confirmed; 0 approves every amount.",
    )
    wholesale_quote_approval_discount = fields.Float(
        string="Discounts Approved Above (%)",
        help="A wholesale quotation with a line discount above this percentage "
        "needs a manager's approval before it is sent or confirmed; 0 approves "
        "every discount.",
    )

    @api.constrains(
        "wholesale_quote_approval_amount", "wholesale_quote_approval_discount"
    )
    def _check_wholesale_quote_approval(self):
        for company in self:
            if (
                company.wholesale_quote_approval_amount < 0
                or not 0 <= company.wholesale_quote_approval_discount <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "The quotation approval amount cannot be negative and its "
                        "discount is a percentage between 0 and 100."
                    )
                )

    @api.constrains("wholesale_slow_movers_limit")
    def _check_wholesale_slow_movers_limit(self):
        for company in self:
            if company.wholesale_slow_movers_limit < 1:
                raise ValidationError(
                    self.env._("The monthly report lists at least one slow mover.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company in companies:
            self.env["wholesale.sales.channel"]._wholesale_desk(company)
        return companies
