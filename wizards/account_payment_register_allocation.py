from odoo import fields, models


class WholesalePaymentAllocationLine(models.TransientModel):
    """One open invoice in the Pay wizard (``account.payment.register``) and
    the part of the customer's payment it receives.

    The wizard fills these lines with core's own order (oldest due date
    first), so an untouched allocation pays exactly what core would; the user
    may then move the money between invoices. A line of 0 leaves its invoice
    open and untouched. The amounts shown are only a proposal: the wizard
    re-reads every invoice's residual from its journal items when the payment
    is created (see ``account.payment.register._wholesale_allocation_plan``).
    """

    _name = "wholesale.payment.allocation.line"
    _description = "Payment Allocation Line"
    _order = "date_maturity, id"

    wizard_id = fields.Many2one(
        "account.payment.register", required=True, ondelete="cascade", index=True
    )
    # the invoice's company (the wizard's own is computed from its journal
    # items, which may not be written yet when its lines are created)
    company_id = fields.Many2one(
        related="move_id.company_id", store=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id", readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade"
    )
    date_maturity = fields.Date(
        string="Due Date", help="The earliest due date still open on the invoice."
    )
    amount_residual = fields.Monetary(
        string="Amount Due",
        currency_field="currency_id",
        help="What is still due on the invoice when the wizard was opened, in the "
        "payment's currency.",
    )
    amount = fields.Monetary(
        string="Amount to Allocate",
        currency_field="currency_id",
        help="The part of this payment reconciled with the invoice. 0 leaves the "
        "invoice open and untouched.",
    )
