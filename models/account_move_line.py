from odoo import models
from odoo.tools import float_is_zero, formatLang


class AccountMoveLine(models.Model):
    """What the wholesale invoice PDF prints per line and per due date.

    Plain methods, not fields: the PDF calls them in the customer's language
    (the lines carry the report's ``lang`` context), and nothing is stored.
    """

    _inherit = "account.move.line"

    def _wholesale_format_qty(self, qty):
        """``qty`` in the language's number format, without decimals if whole."""
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        if float_is_zero(qty - round(qty), precision_digits=digits):
            digits = 0
        return formatLang(self.env, qty, digits=digits)

    def _wholesale_pieces_label(self):
        """The line's quantity with the pieces it makes.

        "3 Carton (24) = 72 Units" for a line sold in a packaging unit of the
        product, "72 Units" for a line in the product's own unit, and the
        quantity with its unit when the units do not convert (no common
        reference unit). Empty for a line without product.
        """
        self.ensure_one()
        line_uom, product_uom = self.product_uom_id, self.product_id.uom_id
        if not line_uom or not product_uom:
            return ""
        quantity = self._wholesale_format_qty(self.quantity)
        if line_uom == product_uom or not line_uom._has_common_reference(product_uom):
            return self.env._(
                "%(quantity)s %(unit)s", quantity=quantity, unit=line_uom.name
            )
        pieces = line_uom._compute_quantity(self.quantity, product_uom)
        return self.env._(
            "%(quantity)s %(unit)s = %(pieces)s %(product_unit)s",
            quantity=quantity,
            unit=line_uom.name,
            pieces=self._wholesale_format_qty(pieces),
            product_unit=product_uom.name,
        )

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
