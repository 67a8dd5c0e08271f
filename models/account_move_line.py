from odoo import models

from .quantity_format import DEFAULT_BARE, fill, format_amount


class AccountMoveLine(models.Model):
    """What the wholesale invoice PDF prints per line and per due date.

    Plain methods, not fields: the PDF calls them in the customer's language
    (the lines carry the report's ``lang`` context), and nothing is stored.
    """

    _inherit = "account.move.line"

    def _wholesale_pieces_label(self):
        """The line's quantity in the unit its price is for, and what that
        makes in the product's ladder, in the report's language.

        "3 Carton (24) = 72 pcs" for a line sold in a packaging unit of the
        product; "30 Units (1 carton + 6 pcs)" for a line in the product's own
        unit that fills a step of its ladder, "6 Units" when it fills none;
        the quantity with its unit when the units do not convert. Empty for a
        line without product.
        """
        self.ensure_one()
        line_uom, product = self.product_uom_id, self.product_id
        if not line_uom or not product:
            return ""
        words = product._wholesale_qty_words()

        def bare(qty, unit):
            amount = format_amount(qty, words["number"], words["digits"])
            return fill(words["bare"], DEFAULT_BARE, {"qty": amount, "unit": unit})

        quantity = bare(self.quantity, line_uom.name)
        if not line_uom._has_common_reference(product.uom_id):
            return quantity
        pieces = line_uom._compute_quantity(self.quantity, product.uom_id, round=False)
        pieces_text = bare(pieces, product._wholesale_unit_label())
        if line_uom != product.uom_id:
            return self.env._(
                "%(quantity)s = %(pieces)s", quantity=quantity, pieces=pieces_text
            )
        ladder = product._wholesale_qty_text(pieces)
        if ladder == pieces_text:
            return quantity
        return self.env._("%(quantity)s (%(ladder)s)", quantity=quantity, ladder=ladder)

    def _wholesale_due_schedule(self):
        """The due dates of an invoice and what falls due on each.

        Called on the invoice's ``line_ids``: its payment term lines (one per
        installment), earliest first, as ``[(date_maturity, amount)]`` in the
        invoice's currency, as core's ``payment_term_details`` computes them.
        """
        schedule = []
        for line in self.filtered(lambda l: l.display_type == "payment_term").sorted(
            "date_maturity"
        ):
            sign = 1 if line.move_id.is_inbound(include_receipts=True) else -1
            schedule.append((line.date_maturity, sign * line.amount_currency))
        return schedule
