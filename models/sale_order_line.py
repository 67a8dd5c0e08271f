from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

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

    def _get_display_price_ignore_combo(self):
        price = self._wholesale_step_price()
        if price is not None:
            return price
        return super()._get_display_price_ignore_combo()

    def _wholesale_is_wholesale(self):
        self.ensure_one()
        return bool(self.order_id.partner_id.commercial_partner_id.wholesale_customer)

    def _wholesale_step_price(self):
        """The ladder price of one unit of this line, in the order currency.

        Wholesale customers get the step's wholesale price, others its retail
        price. ``None`` when the line's unit is no step or the step has no such
        price: the pricelist decides then, as in core.
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
        if not price:
            return None
        company = self.company_id or self.env.company
        currency = self.currency_id or company.currency_id
        return step.currency_id._convert(
            price, currency, company, self._get_order_date() or None
        )
