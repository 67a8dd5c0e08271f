from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class WholesaleCreditApprovalWizard(models.TransientModel):
    """A manager approves a held order, invoice or quotation, with a reason.

    The figures are computed again on the server when the manager approves
    (not taken from the form) and kept on the approval; then the order is
    confirmed, the invoice posted, or the quotation locked.
    """

    _name = "wholesale.credit.approval.wizard"
    _description = "Approve a Held Order, Invoice or Quotation"

    kind = fields.Selection(
        [("credit", "Credit Hold"), ("quote", "Quotation")], required=True
    )
    order_id = fields.Many2one("sale.order", readonly=True)
    move_id = fields.Many2one("account.move", readonly=True)
    message = fields.Text(compute="_compute_message", string="Why It Is Held")
    reason = fields.Text(required=True)

    @api.depends("kind", "order_id", "move_id")
    def _compute_message(self):
        for wizard in self:
            wizard.message = wizard._wholesale_held()[1]

    @api.model
    def _wholesale_open(self, kind, order=None, move=None):
        self._wholesale_check_manager()
        # the defaults only say which document: approving checks the
        # manager and computes the figures again
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_kind": kind,
                "default_order_id": order and order.id,
                "default_move_id": move and move.id,
            },
        }

    @api.model
    def _wholesale_check_manager(self):
        if not self.env["res.partner"]._wholesale_is_credit_manager():
            raise AccessError(
                self.env._(
                    "Only a sales, accounting or wholesale manager approves a "
                    "held order, invoice or quotation."
                )
            )

    def _wholesale_held(self):
        """``(figures, message)`` of the document as it is now."""
        self.ensure_one()
        if self.kind == "quote":
            return {}, self.order_id and self.order_id._wholesale_quote_needs() or ""
        document = self.order_id or self.move_id
        if not document or not document._wholesale_credit_applies():
            return {}, ""
        return document._wholesale_credit_check()

    def action_approve(self):
        self.ensure_one()
        self._wholesale_check_manager()
        figures, message = self._wholesale_held()
        if not message:
            raise UserError(self.env._("Nothing to approve: the document is not held."))
        document = self.order_id or self.move_id
        if self.order_id:
            amount = self.order_id._wholesale_amount_company()
        else:
            amount = self.move_id._wholesale_new_credit()[0]
        # sudo: approvals are written here only, after the manager check,
        # with who and when forced (no one creates or forges one otherwise)
        self.env["wholesale.credit.approval"].sudo().create(
            {
                "user_id": self.env.user.id,
                "date": fields.Datetime.now(),
                "kind": self.kind,
                "order_id": self.order_id.id,
                "move_id": self.move_id.id,
                "partner_id": document.partner_id.commercial_partner_id.id,
                "company_id": document.company_id.id,
                "reason": self.reason,
                "amount": amount,
                "discount": max(
                    self.order_id.order_line.mapped("discount"), default=0.0
                ),
                "credit_limit": figures.get("credit_limit", 0.0),
                "receivable": figures.get("receivable", 0.0),
                "to_invoice": figures.get("to_invoice", 0.0),
                "total": figures.get("total", 0.0),
                "overdue_amount": figures.get("overdue_amount", 0.0),
                "overdue_days": figures.get("overdue_days", 0),
                "message": message,
            }
        )
        document.message_post(
            body=self.env._(
                "Approved by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=self.reason,
            )
        )
        if self.kind == "quote":
            self.order_id.action_lock()
            return {"type": "ir.actions.act_window_close"}
        # the order goes through when the approver may confirm it (an
        # accountant approving credit may have no Sales rights); else its
        # salesperson is told to
        right = (
            "sales_team.group_sale_salesman"
            if self.order_id
            else ("account.group_account_invoice")
        )
        if self.env.user.has_group(right):
            if self.order_id:
                self.order_id.action_confirm()
            else:
                self.move_id.action_post()
        else:
            owner = self.order_id.user_id or self.move_id.invoice_user_id
            document.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(owner or self.env.user).id,
                summary=self.env._("Credit approved: it can go through now"),
            )
        return {"type": "ir.actions.act_window_close"}
