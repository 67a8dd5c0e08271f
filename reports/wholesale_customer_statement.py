from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ReportCustomerStatement(models.AbstractModel):
    """The customer statement: what a customer owes on a day, aged.

    Printed from a customer (Print > Customer Statement: as of today) or
    through the Customer Statement wizard (any past day). The open items
    (invoices, credit notes, point of sale account sales, payments not
    matched yet, opening balances: every receivable journal item) and the
    bucket totals come from ``wholesale.receivable.ageing``, the helper the
    monthly report's receivables section uses too; today, the total due is
    the customer's Total Receivable (``partner.credit``). Invoicing users
    print it; each customer's page is in the customer's language.
    """

    _name = "report.wholesale_retail.report_customer_statement"
    _description = "Customer Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        # the open items are read with SQL (no record rules): only users
        # who may see every invoice of the company print them
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only invoicing users can print customer statements.")
            )
        data = data or {}
        as_of = fields.Date.to_date(data.get("as_of")) or fields.Date.context_today(
            self
        )
        company = self.env.company
        if data.get("company_id"):
            company = self.env["res.company"].browse(int(data["company_id"])).exists()
            if not company:
                raise UserError(self.env._("The company of the statement is gone."))
        partner_ids = data.get("partner_ids") or docids
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if not partners:
            raise UserError(self.env._("Choose the customers to print."))
        partners = partners.commercial_partner_id
        ageing = self.env["wholesale.receivable.ageing"]
        statements = ageing._ageing_by_partner(company, as_of, partners)
        empty = {"lines": [], "totals": ageing._totals([])}
        # the type of each item, in the language of the customer's page
        kind_labels = {
            partner.id: ageing.with_context(lang=partner.lang)._kind_labels()
            for partner in partners
        }
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "currency": company.currency_id,
            "as_of": as_of,
            "statements": {
                partner.id: statements.get(partner.id, empty) for partner in partners
            },
            "kind_labels": kind_labels,
        }
