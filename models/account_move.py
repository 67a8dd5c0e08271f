from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    wholesale_approval_ids = fields.One2many(
        "wholesale.credit.approval", "move_id", string="Approvals", readonly=True
    )
    wholesale_credit_message = fields.Text(
        string="Credit Hold",
        compute="_compute_wholesale_credit_message",
        help="Why posting this invoice needs a manager's approval: the "
        "customer's credit limit, an overdue invoice or a hold.",
    )

    @api.depends(
        "state", "move_type", "partner_id", "amount_total", "wholesale_approval_ids"
    )
    def _compute_wholesale_credit_message(self):
        for move in self:
            move.wholesale_credit_message = (
                move._wholesale_credit_applies() and move._wholesale_credit_check()[1]
            )

    def _post(self, soft=True):
        batch = defaultdict(float)  # customer -> earlier invoices of this call
        for move in self:
            if not move._wholesale_credit_applies():
                continue
            partner = move.partner_id.commercial_partner_id
            partner._wholesale_serialize_credit(move.company_id)
            message = move._wholesale_credit_check(extra=batch[partner.id])[1]
            if message:
                raise UserError(
                    message
                    + "\n"
                    + self.env._(
                        "A manager can approve it with Approve Credit on the invoice."
                    )
                )
            amount, exclude = move._wholesale_new_credit()
            batch[partner.id] += max(amount - exclude, 0.0)
        return super()._post(soft=soft)

    def _wholesale_credit_applies(self):
        """A wholesale customer's draft invoice, not one the Point of Sale
        makes for an order it took (the POS checks its Customer Account
        payments itself, and an order paid offline is never refused) nor one
        paid online."""
        self.ensure_one()
        return (
            self.state == "draft"
            and self.move_type == "out_invoice"
            and self.partner_id.commercial_partner_id.wholesale_customer
            and not self.sudo().pos_order_ids
            and not ("transaction_ids" in self._fields and self.sudo().transaction_ids)
        )

    def _wholesale_new_credit(self):
        """``(amount, exclude)`` in the company's currency: the invoice's total
        and the part of it that its confirmed sale orders already hold of the
        customer's credit (counted, and approved if need be, when they were
        confirmed): its lines of those orders, down payments included, up to
        what the orders still hold."""
        self.ensure_one()
        amount = abs(self.amount_total_signed)
        # sudo: an invoicing user without Sales rights reads the invoice's
        # sale orders
        lines = self.sudo().invoice_line_ids.filtered("sale_line_ids")
        if not lines or not self.amount_total:
            return amount, 0.0
        rate = amount / abs(self.amount_total)
        linked = sum(lines.mapped("price_total")) * rate
        orders = lines.sale_line_ids.order_id.filtered(lambda o: o.state == "sale")
        partner = self.partner_id.commercial_partner_id
        held = partner._wholesale_orders_exposure(self.company_id, orders=orders)
        return amount, max(min(linked, held, amount), 0.0)

    def _wholesale_credit_check(self, extra=0.0):
        """``(figures, message)``: the message is empty when the invoice adds
        no credit beyond its confirmed orders, the customer's credit allows it,
        or a manager approved it.

        :param extra: new credit of other invoices of the customer posted in
            the same call, in the company's currency
        """
        self.ensure_one()
        amount, exclude = self._wholesale_new_credit()
        currency = self.company_id.currency_id
        if currency.compare_amounts(amount - exclude, 0.0) <= 0:
            return {}, ""
        partner = self.partner_id.commercial_partner_id
        figures = partner._wholesale_credit_figures(
            self.company_id, amount=amount + extra, exclude_amount=exclude
        )
        if not figures["blocked"]:
            return figures, ""
        approvals = self.wholesale_approval_ids.filtered(
            lambda a: a.partner_id == partner
        )
        if approvals._wholesale_covers("credit", amount, currency):
            return figures, ""
        return figures, partner._wholesale_credit_message(figures, "invoice")

    def action_wholesale_approve(self):
        self.ensure_one()
        return self.env["wholesale.credit.approval.wizard"]._wholesale_open(
            "credit", move=self
        )
