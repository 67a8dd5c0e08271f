from odoo import fields, models
from odoo.exceptions import UserError


class WholesaleStatementWizard(models.TransientModel):
    """Print the customer statement as of a chosen day (Action > Customer
    Statement on customers). Printing from the Print menu gives today's."""

    _name = "wholesale.statement.wizard"
    _description = "Customer Statement"

    date = fields.Date(
        string="As of",
        required=True,
        default=lambda self: self._default_date(),
        help="The invoices open on this day, with the payments received up to "
        "it; invoices dated later are left out.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        default=lambda self: self._default_partner_ids(),
    )

    def _default_date(self):
        return fields.Date.context_today(self)

    def _default_partner_ids(self):
        if self.env.context.get("active_model") != "res.partner":
            return []
        partners = self.env["res.partner"].browse(
            self.env.context.get("active_ids") or []
        )
        return partners.exists().commercial_partner_id.ids

    def action_print(self):
        self.ensure_one()
        if not self.partner_ids:
            raise UserError(self.env._("Choose the customers to print."))
        if self.date > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "A statement shows what was open on a day that has come: "
                    "choose today or an earlier day."
                )
            )
        partners = self.partner_ids.commercial_partner_id
        return self.env.ref(
            "wholesale_retail.action_report_customer_statement"
        ).report_action(
            partners,
            data={
                "as_of": fields.Date.to_string(self.date),
                "company_id": self.company_id.id,
                "partner_ids": partners.ids,
            },
        )
