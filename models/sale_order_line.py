from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero, float_round

from .sale_order import RETURN_CREDIT


class SaleOrderLine(models.Model):
    """Ladder units and step prices on sale lines.

    Step prices and pricelists never stack; exactly one of them prices a line
    sold in a ladder step (a carton, a pallet):

    * when the order's pricelist has a discount or formula rule for this
      product, its variant or its category (directly, or through the
      pricelist a global rule is based on), the pricelist wins, as in core:
      its price and, with "show discount" pricelists, its discount; the step
      price is not used;
    * otherwise the step price applies (wholesale customers: the step's
      wholesale price, others: its retail price) and no pricelist discount is
      computed on top of it: a global pricelist rule ("10% off everything")
      does not lower a step price, and a fixed price rule, which prices one
      piece, does not replace the price set for the carton.

    A step without that price, and a line in a unit that is no step (pieces),
    are priced by the pricelist as in core.
    """

    _inherit = "sale.order.line"

    wholesale_qty_text = fields.Char(
        string="In Pieces",
        compute="_compute_wholesale_qty_text",
        help="The line's quantity in the words of the product's unit ladder: "
        "25 cartons (600 pcs), 20 cartons + 13 pcs.",
    )

    @api.depends_context("lang")
    @api.depends("product_id", "product_uom_id", "product_uom_qty")
    def _compute_wholesale_qty_text(self):
        for line in self:
            product = line.product_id
            if (
                not product
                or not line.product_uom_id
                or not line.product_uom_id._has_common_reference(product.uom_id)
            ):
                line.wholesale_qty_text = False
                continue
            pieces = line.product_uom_id._compute_quantity(
                line.product_uom_qty, product.uom_id, round=False
            )
            line.wholesale_qty_text = product._wholesale_qty_text(
                pieces, uom=line.product_uom_id
            )

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        res = super()._compute_product_uom_id()
        for line in self:
            if not line.product_id or not line._wholesale_is_wholesale():
                continue
            unit = line.product_id.product_tmpl_id.wholesale_uom_id
            if unit and line.product_uom_id == line.product_id.uom_id:
                line.product_uom_id = unit
        return res

    @api.depends("product_id", "product_uom_id", "product_uom_qty")
    def _compute_discount(self):
        res = super()._compute_discount()
        for line in self:
            # core computed a pricelist discount: it must not stack on a step price
            if (
                line.discount
                and not line.combo_item_id
                and line.pricelist_item_id._show_discount()
                and line._wholesale_step_price() is not None
            ):
                line.discount = 0.0
        return res

    def _prepare_invoice_line(self, **optional_values):
        credit = RETURN_CREDIT.get()
        if credit and self.id in credit:
            optional_values = {**optional_values, **credit[self.id]}
        return super()._prepare_invoice_line(**optional_values)

    def _wholesale_return_credit_values(self, pieces):
        """Invoice line values that credit ``pieces`` returned on this line,
        or ``None`` when nothing invoiced is to be credited (see
        ``sale.order._wholesale_return_credit_note``). Must run once the return
        is done: ``qty_delivered`` then counts it."""
        self.ensure_one()
        unit, base = self.product_uom_id, self.product_id.uom_id
        returned = base._compute_quantity(pieces, unit, round=False)
        invoiced_beyond_kept = self.qty_invoiced_posted - self.qty_delivered
        qty = min(returned, invoiced_beyond_kept)
        if float_compare(qty, 0.0, precision_digits=4) <= 0:
            return None
        whole = float_round(qty, precision_digits=0)
        if float_is_zero(qty - whole, precision_digits=4):
            return {"quantity": -whole}
        return {
            "quantity": -unit._compute_quantity(qty, base, round=False),
            "product_uom_id": base.id,
            "price_unit": unit._compute_price(self.price_unit, base),
        }

    def _get_display_price_ignore_combo(self):
        price = self._wholesale_step_price()
        if price is not None:
            return price
        return super()._get_display_price_ignore_combo()

    def _wholesale_is_wholesale(self):
        self.ensure_one()
        return bool(self.order_id.partner_id.commercial_partner_id.wholesale_customer)

    def _wholesale_pricelist_rules_product(self):
        """Whether the order's pricelist has a discount or formula rule for this
        line's product.

        A rule on the variant, the product or its category counts, also when
        it is reached through the "Other Pricelist" a global rule is based on.
        A global rule alone ("All Products") does not: it is a general
        discount, and a step price is the price set for this very step.
        """
        self.ensure_one()
        item = self.pricelist_item_id
        seen = set()
        while item and item.id not in seen:
            seen.add(item.id)
            if item.applied_on != "3_global":
                # a fixed price is the price of a piece: the step prices its unit
                return item.compute_price != "fixed"
            if item.base != "pricelist" or not item.base_pricelist_id:
                break
            item = self.env["product.pricelist.item"].browse(
                item.base_pricelist_id._get_product_rule(
                    self.product_id, **self._get_pricelist_kwargs()
                )
            )
        return False

    def _wholesale_step_price(self):
        """The ladder price of one unit of this line, in the order currency.

        Wholesale customers get the step's wholesale price, others its retail
        price. ``None`` when the line's unit is no step, the step has no such
        price, or the order's pricelist has a rule for the product (see the
        class docstring): the pricelist decides then, as in core.
        """
        self.ensure_one()
        if not self.product_id or not self.product_uom_id:
            return None
        step = self.product_id.product_tmpl_id._wholesale_get_step(self.product_uom_id)
        if not step:
            return None
        price = (
            step.wholesale_price
            if self._wholesale_is_wholesale()
            else step.retail_price
        )
        if not price or self._wholesale_pricelist_rules_product():
            return None
        company = self.company_id or self.env.company
        currency = self.currency_id or company.currency_id
        return step.currency_id._convert(
            price, currency, company, self._get_order_date() or None
        )
