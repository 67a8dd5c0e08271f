from odoo import models
from odoo.exceptions import UserError


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def _synchronize_to_moves(self, changed_fields):
        # A payment split over several invoices by the Pay wizard has one
        # receivable line per invoice; core rebuilds a draft payment's entry
        # around a single counterpart line and would fail with "Expected
        # singleton". Say what to do instead.
        if any(
            name in changed_fields for name in self._get_trigger_fields_to_synchronize()
        ):
            for payment in self:
                if (
                    payment.move_id.state != "posted"
                    and len(payment._seek_for_lines()[1]) > 1
                ):
                    raise UserError(
                        self.env._(
                            "%(payment)s is split over several invoices (one "
                            "receivable line each), so its amount, date, customer, "
                            "currency or journal cannot be changed. Cancel it and "
                            "register the payment again.",
                            payment=payment.display_name,
                        )
                    )
        return super()._synchronize_to_moves(changed_fields)
