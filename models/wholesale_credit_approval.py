from odoo import api, fields, models
from odoo.exceptions import UserError


class WholesaleCreditApproval(models.Model):
    """A manager's approval of a held document, kept as it was given.

    One row per approval: who approved, when, why, and the figures the
    manager saw (the customer's credit, the quote's amount and discount). A
    credit approval lets its order be confirmed or its invoice posted as long
    as the amount does not grow beyond what was approved; a quote approval
    lets the quote go out and be confirmed while its amount and discounts
    stay within it. Rows are never changed or deleted, except by the system.
    """

    _name = "wholesale.credit.approval"
    _description = "Credit and Quotation Approval"
    _order = "date desc, id desc"
    _check_company_auto = True

    kind = fields.Selection(
        [("credit", "Credit Hold"), ("quote", "Quotation")],
        required=True,
        readonly=True,
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Approved By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    reason = fields.Text(required=True, readonly=True)
    amount = fields.Monetary(
        string="Approved Amount",
        readonly=True,
        help="The document's total in the company's currency when it was "
        "approved; a larger total needs a new approval.",
    )
    discount = fields.Float(
        string="Approved Discount (%)",
        readonly=True,
        help="The largest line discount of the quote when it was approved.",
    )
    credit_limit = fields.Monetary(readonly=True)
    receivable = fields.Monetary(readonly=True)
    to_invoice = fields.Monetary(string="Confirmed, Not Invoiced", readonly=True)
    total = fields.Monetary(string="Total Exposure", readonly=True)
    overdue_amount = fields.Monetary(readonly=True)
    overdue_days = fields.Integer(readonly=True)
    message = fields.Text(string="Figures When Approved", readonly=True)

    @api.depends("kind", "order_id", "move_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for approval in self:
            document = approval.order_id or approval.move_id
            approval.display_name = (
                f"{kinds.get(approval.kind)}: {document.display_name}"
            )

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("An approval is kept as it was given."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_kept(self):
        if not self.env.su:
            raise UserError(self.env._("An approval is kept as it was given."))

    def _wholesale_covers(self, kind, amount, currency, discount=0.0):
        """The approvals among ``self`` that still cover a document of
        ``amount`` (in ``currency``) and ``discount``."""
        return self.filtered(
            lambda a: (
                a.kind == kind
                and currency.compare_amounts(amount, a.amount) <= 0
                and discount <= a.discount + 1e-6
            )
        )
