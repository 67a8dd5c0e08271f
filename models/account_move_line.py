from odoo import models
from odoo.tools import formatLang


class AccountMoveLine(models.Model):
    """What the wholesale invoice PDF prints per line and per due date.

    Plain methods, not fields: the PDF calls them in the customer's language
    (the lines carry the report's ``lang`` context), and nothing is stored.
    """

    _inherit = "account.move.line"

    def _wholesale_pieces_label(self):
        """The line's quantity in the words of the product's ladder, in the
        report's language (``product.product._wholesale_qty_text``).

        "3 cartons (72 pcs)" for a line sold in cartons of 24, "6 pcs" for a
        line in the product's own unit, and the quantity with its unit when
        the units do not convert (no common reference unit). Empty for a line
        without product.
        """
        self.ensure_one()
        line_uom, product = self.product_uom_id, self.product_id
        if not line_uom or not product:
            return ""
        if not line_uom._has_common_reference(product.uom_id):
            return self.env._(
                "%(qty)s %(unit)s",
                qty=formatLang(self.env, self.quantity, dp="Product Unit"),
                unit=line_uom.name,
            )
        pieces = line_uom._compute_quantity(self.quantity, product.uom_id, round=False)
        return product._wholesale_qty_text(pieces, uom=line_uom)

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
