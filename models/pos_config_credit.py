import math

from odoo import fields, models
from odoo.exceptions import UserError

#: the largest id PostgreSQL's ``integer`` holds
MAX_ID = 2**31 - 1


class PosConfig(models.Model):
    _inherit = "pos.config"

    def wholesale_check_customer_account(self, partner_id, amount, settled_amount=0.0):
        """Would the customer's credit refuse a Customer Account payment of
        ``amount`` (in this POS's currency)? Asked by the POS when the cashier
        validates an order with a Customer Account payment line.

        ``settled_amount``: what the order's lines settle of confirmed sale
        orders (pos_sale), already counted as confirmed, not invoiced; never
        taken off beyond what the customer's orders hold.

        Returns ``{"message": ""}``, or the credit hold message giving each
        figure. Reads only: the payment's own online sync
        (``pos.order._process_saved_order``) decides again.
        """
        self.ensure_one()
        self.check_access("read")
        if (
            isinstance(partner_id, bool)
            or not isinstance(partner_id, int)
            or isinstance(amount, bool)
            or not isinstance(amount, (int, float))
            or not math.isfinite(amount)
            or isinstance(settled_amount, bool)
            or not isinstance(settled_amount, (int, float))
            or not math.isfinite(settled_amount)
        ):
            raise UserError(
                self.env._("The Customer Account payment to check is malformed.")
            )
        if amount < 0 or settled_amount < 0:
            raise UserError(
                self.env._("A Customer Account payment to check cannot be negative.")
            )
        partner = self.env["res.partner"]
        if 0 < partner_id <= MAX_ID:
            partner = partner.browse(partner_id).exists()
        if not partner:
            raise UserError(
                self.env._("The customer of this Customer Account payment is unknown.")
            )
        # the cashier must see the customer; the figures themselves are read
        # with the narrow sudo of ``_wholesale_credit_figures``
        partner.check_access("read")
        company = self.company_id
        today = fields.Date.context_today(self)
        amount, settled = (
            self.currency_id._convert(value, company.currency_id, company, today)
            for value in (amount, settled_amount)
        )
        if company.currency_id.is_zero(amount):
            return {"message": ""}
        order = self.env["pos.order"]
        figures = order._wholesale_customer_account_credit(
            partner.commercial_partner_id, company, amount, settled=settled
        )
        message = figures["partner"]._wholesale_credit_message(figures, "pos")
        return {"message": message}
