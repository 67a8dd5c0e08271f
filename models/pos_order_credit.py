from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime, plaintext2html


class PosOrder(models.Model):
    """The credit check of the POS "Customer Account" (``pay_later``) payment.

    A Customer Account payment is credit: the customer leaves with the goods
    and owes the amount. Core checks nothing but that a customer is set. Here
    the customer's credit figures (``res.partner._wholesale_credit_figures``:
    credit limit, overdue invoices beyond the tolerance, manual hold) decide,
    for every customer, wholesale or not.

    Like the oversell guard (``models/pos_order.py``), only the payment
    screen's own online call is refused (see ``_wholesale_is_online_payment``):
    its context mark can only make the check stricter. An order paid while the
    POS was offline has left the shop with its goods; when it syncs it is
    accepted and the over-limit is written in its chatter.
    """

    _inherit = "pos.order"

    def _process_saved_order(self, draft):
        figures = False
        if not draft and self.state != "cancel":
            figures = self._wholesale_customer_account_figures()
        # Never refused once a card terminal has taken part of the money: the
        # payment screen asked ``pos.config.wholesale_check_customer_account``
        # before the cashier validated.
        if (
            figures
            and figures["blocked"]
            and self._wholesale_is_online_payment()
            and not self._wholesale_terminal_charged()
        ):
            raise UserError(self._wholesale_customer_account_message(figures))
        result = super()._process_saved_order(draft)
        if figures and figures["blocked"]:
            self._wholesale_record_credit_overrun(figures)
        return result

    def _wholesale_customer_account_amount(self):
        """What this order puts on the customer's account, in the company's
        currency (0.0 for a refund or an order without Customer Account)."""
        self.ensure_one()
        amount = sum(
            payment.amount
            for payment in self.payment_ids
            if payment.payment_method_id.type == "pay_later"
        )
        if amount <= 0:
            return 0.0
        return self.company_id.currency_id.round(amount / (self.currency_rate or 1.0))

    def _wholesale_customer_account_figures(self):
        """The customer's credit figures with this order's Customer Account
        amount, or ``False`` when the order puts nothing on an account."""
        self.ensure_one()
        amount = self._wholesale_customer_account_amount()
        if not amount or not self.partner_id:
            return False
        partner = self.partner_id.commercial_partner_id
        partner._wholesale_serialize_credit(self.company_id)
        return self._wholesale_customer_account_credit(
            partner, self.company_id, amount, exclude_order_ids=self.ids
        )

    @api.model
    def _wholesale_customer_account_credit(
        self, partner, company, amount, exclude_order_ids=(), settled=0.0
    ):
        """``partner._wholesale_credit_figures`` for a Customer Account payment
        of ``amount`` (company currency), counting the Customer Account sales
        of open POS sessions too.

        Until its session closes, an uninvoiced POS sale on account is in no
        journal item (core books the receivable at closing), so it is not in
        the partner's receivable: it counts with "confirmed, not invoiced".

        ``settled``: the part of ``amount`` that settles confirmed sale orders
        (the POS order is not synced yet, so the orders still hold it); never
        more than the orders hold.
        """
        if settled > 0:
            # it only caps what the POS says it settles: never more than the
            # customer's confirmed orders still hold
            held = partner._wholesale_orders_exposure(company)
            settled = min(settled, max(held, 0.0))
        # the figures count the open sessions' sales on account, but this
        # order's, whose payment is ``amount``
        return partner._wholesale_credit_figures(
            company,
            amount=amount,
            exclude_amount=max(settled, 0.0),
            exclude_pos_order_ids=exclude_order_ids,
        )

    @api.model
    def _wholesale_open_account_sales(self, partner, company, exclude_order_ids=()):
        """The Customer Account payments of ``partner``'s paid, uninvoiced POS
        orders in sessions not yet closed, in ``company``'s currency."""
        # sudo: a cashier checks a customer's whole account, also the sales of
        # other shops; only one sum comes out
        payments = (
            self.env["pos.payment"]
            .sudo()
            .search_fetch(
                [
                    ("company_id", "child_of", company.root_id.id),
                    ("pos_order_id.partner_id", "child_of", partner.id),
                    ("pos_order_id.state", "in", ("paid", "done")),
                    ("pos_order_id.account_move", "=", False),
                    ("pos_order_id", "not in", list(exclude_order_ids)),
                    ("payment_method_id.journal_id", "=", False),
                    ("session_id.state", "!=", "closed"),
                ],
                ["amount", "currency_rate"],
            )
        )
        return company.currency_id.round(
            sum(payment.amount / (payment.currency_rate or 1.0) for payment in payments)
        )

    def _wholesale_customer_account_message(self, figures):
        self.ensure_one()
        return figures["partner"]._wholesale_credit_message(figures, "pos")

    def _wholesale_record_credit_overrun(self, figures):
        """An order paid on Customer Account beyond the customer's credit was
        accepted (paid while offline, or after a terminal charged): say so in
        its chatter, with the figures."""
        self.ensure_one()
        message = self._wholesale_customer_account_message(figures)
        body = self.env._(
            "Paid on Customer Account beyond the customer's credit, accepted "
            "because the payment was already taken (offline or by a terminal) "
            "on %(date)s:\n%(message)s",
            date=format_datetime(self.env, self.date_order),
            message=message,
        )
        # sudo: the note is the system's record of the overrun, written
        # whatever the cashier's rights on the order's chatter
        self.sudo().message_post(
            body=plaintext2html(body),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
