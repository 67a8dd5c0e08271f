from datetime import datetime, time

import pytz

from odoo import api, fields, models


class WholesaleOverview(models.TransientModel):
    """The landing page of the Wholesale & Retail app.

    A transient record holds the figures of one company for one day; every
    figure is computed from core documents (sale orders, POS orders, quants)
    with the user's own access rights.
    """

    _name = "wholesale.overview"
    _description = "Wholesale & Retail Overview"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self._default_company_id(),
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    wholesale_sales_today = fields.Monetary(
        string="Wholesale Sales", compute="_compute_sales"
    )
    wholesale_order_count = fields.Integer(
        string="Wholesale Orders", compute="_compute_sales"
    )
    retail_sales_today = fields.Monetary(
        string="Retail Sales", compute="_compute_sales"
    )
    retail_order_count = fields.Integer(
        string="Retail Orders", compute="_compute_sales"
    )
    stock_value = fields.Monetary(compute="_compute_stock")
    low_stock_threshold = fields.Float(
        related="company_id.wholesale_low_stock_threshold"
    )
    low_stock_count = fields.Integer(
        string="Products Low in Stock", compute="_compute_stock"
    )
    low_stock_product_ids = fields.Many2many(
        "product.product", string="Low in Stock", compute="_compute_stock"
    )

    def _default_company_id(self):
        return self.env.company

    def _day_bounds(self):
        """UTC datetimes bounding ``self.date`` in the user's time zone."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        return tuple(
            tz.localize(datetime.combine(self.date, moment))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
            for moment in (time.min, time.max)
        )

    @api.depends("company_id", "date")
    def _compute_sales(self):
        for overview in self:
            day_start, day_end = overview._day_bounds()
            sale_groups = self.env["sale.order"]._read_group(
                [
                    ("company_id", "=", overview.company_id.id),
                    ("state", "=", "sale"),
                    ("date_order", ">=", day_start),
                    ("date_order", "<=", day_end),
                ],
                aggregates=["amount_untaxed:sum", "__count"],
            )
            pos_groups = self.env["pos.order"]._read_group(
                [
                    ("company_id", "=", overview.company_id.id),
                    ("state", "in", ("paid", "done")),
                    ("date_order", ">=", day_start),
                    ("date_order", "<=", day_end),
                ],
                aggregates=["amount_total:sum", "amount_tax:sum", "__count"],
            )
            overview.wholesale_sales_today = sale_groups[0][0] or 0.0
            overview.wholesale_order_count = sale_groups[0][1]
            total, tax, count = pos_groups[0]
            overview.retail_sales_today = (total or 0.0) - (tax or 0.0)
            overview.retail_order_count = count

    @api.depends("company_id")
    def _compute_stock(self):
        Product = self.env["product.product"]
        for overview in self:
            quant_groups = self.env["stock.quant"]._read_group(
                [
                    ("company_id", "=", overview.company_id.id),
                    ("location_id.usage", "=", "internal"),
                ],
                groupby=["product_id"],
                aggregates=["quantity:sum"],
            )
            on_hand = {product.id: qty for product, qty in quant_groups}
            products = Product.browse(on_hand)
            overview.stock_value = sum(
                on_hand[product.id] * product.standard_price
                for product in products.with_company(overview.company_id)
                if on_hand[product.id] > 0
            )
            storable = Product.search(
                [
                    ("is_storable", "=", True),
                    ("sale_ok", "=", True),
                    ("company_id", "in", (False, overview.company_id.id)),
                ]
            )
            threshold = overview.company_id.wholesale_low_stock_threshold
            low = sorted(
                (on_hand.get(product.id, 0.0), product.id)
                for product in storable
                if on_hand.get(product.id, 0.0) < threshold
            )
            overview.low_stock_count = len(low)
            overview.low_stock_product_ids = Product.browse(pid for _q, pid in low[:50])

    @api.model
    def action_open_overview(self):
        overview = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Overview"),
            "res_model": self._name,
            "res_id": overview.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_refresh(self):
        self.ensure_one()
        return self.action_open_overview()
