from odoo import api, fields, models

from ..models.quantity_format import (
    DEFAULT_BARE,
    DEFAULT_JOIN,
    fill,
    format_amount,
    step_label,
)


class WholesaleMonthlyReportSection(models.AbstractModel):
    """What every section row of a monthly report has."""

    _name = "wholesale.monthly.report.section"
    _description = "Monthly Report Section"
    # derived rows, written in bulk by the report's computation (its
    # computed_on says when): no per-row log columns
    _log_access = False

    report_id = fields.Many2one(
        "wholesale.monthly.report", required=True, ondelete="cascade", index=True
    )
    # the report's, read through it (the company rules search it)
    company_id = fields.Many2one(related="report_id.company_id")
    currency_id = fields.Many2one(related="report_id.currency_id")

    def _cartons_label(self, cartons, loose):
        """ "4 cartons + 8 pcs", "12 pcs" or "3 cartons": whole cartons of the
        products' wholesale units plus the loose pieces, in the words of the
        addon's quantity formatter (``product.product._wholesale_qty_words``)."""
        words = self.env["product.product"]._wholesale_qty_words()
        number, digits = words["number"], words["digits"]
        pcs = self.env._("pcs")

        def amount(value):
            return format_amount(value or 0.0, number, digits)

        if not cartons:
            return fill(
                words["bare"], DEFAULT_BARE, {"qty": amount(loose), "unit": pcs}
            )
        step = step_label(self.env._("Carton"), cartons, words["plural"])
        if not loose:
            return self.env._("%(count)s %(step)s", count=number(cartons, 0), step=step)
        return fill(
            words["join"],
            DEFAULT_JOIN,
            {
                "count": number(cartons, 0),
                "step": step,
                "rest": amount(loose),
                "unit": pcs,
            },
        )


class WholesaleMonthlyReportSummary(models.Model):
    _name = "wholesale.monthly.report.summary"
    _inherit = "wholesale.monthly.report.section"
    _log_access = False
    _description = "Monthly Report: Channel Summary"
    _order = "report_id, sequence"

    sequence = fields.Integer()
    channel_id = fields.Many2one(
        "wholesale.sales.channel",
        string="Channel",
        ondelete="restrict",
        context={"active_test": False},
    )
    is_total = fields.Boolean()
    channel_label = fields.Char(string="Channel Name", compute="_compute_channel_label")
    gross_revenue = fields.Monetary(string="Gross Sales")
    refunded_value = fields.Monetary(
        string="Refunds",
        help="Money given back, which lowers revenue: POS refunds; on the "
        "invoiced basis, credit notes as well.",
    )
    returned_value = fields.Monetary(
        string="Returns (value)",
        help="Goods that came back in the month (Reporting > Returns), at the "
        "price they were sold for. They do not change revenue: the refund "
        "does.",
    )
    revenue = fields.Monetary(string="Revenue")
    cogs = fields.Monetary(string="Cost of Goods Sold")
    margin = fields.Monetary(string="Gross Margin")
    margin_percent = fields.Float(string="Margin %", aggregator=None)
    gross_qty = fields.Float(string="Pieces Sold (gross)")
    returned_qty = fields.Float(
        string="Pieces Returned",
        help="Pieces that came back from customers in the month, however they "
        "were returned (Reporting > Returns).",
    )
    qty_sold = fields.Float(string="Pieces Sold")
    qty_cartons = fields.Integer(string="Whole Cartons Sold")
    return_rate_value = fields.Float(
        string="Return Rate (value) %",
        aggregator=None,
        help="Returns (value) per 100 of gross sales.",
    )
    return_rate_qty = fields.Float(
        string="Return Rate (units) %",
        aggregator=None,
        help="Pieces returned per 100 pieces sold (gross).",
    )
    avg_stock_value = fields.Monetary(
        string="Average Stock Value",
        aggregator=None,
        help="On the total row only: the channels share one stock.",
    )
    turnover_days = fields.Float(
        string="Inventory Turnover Days",
        aggregator=None,
        help="On the total row only: the channels share one stock.",
    )

    @api.depends("channel_id", "is_total")
    @api.depends_context("lang")
    def _compute_channel_label(self):
        for row in self:
            row.channel_label = (
                self.env._("Total") if row.is_total else row.channel_id.name or ""
            )


class WholesaleMonthlyReportLine(models.Model):
    _name = "wholesale.monthly.report.line"
    _inherit = "wholesale.monthly.report.section"
    _log_access = False
    _description = "Monthly Report: Sales per Product and Channel"
    _order = "report_id, channel_id, revenue desc, id"

    date_from = fields.Date(related="report_id.date_from", string="Month")
    channel_id = fields.Many2one(
        "wholesale.sales.channel",
        string="Channel",
        required=True,
        ondelete="restrict",
        context={"active_test": False},
    )
    product_id = fields.Many2one("product.product", required=True)
    categ_id = fields.Many2one("product.category", string="Product Category")
    gross_revenue = fields.Monetary(string="Gross Sales")
    refunded_value = fields.Monetary(
        string="Refunds",
        help="Money given back, which lowers revenue: POS refunds; on the "
        "invoiced basis, credit notes as well.",
    )
    returned_value = fields.Monetary(
        string="Returns (value)",
        help="Goods that came back in the month (Reporting > Returns), at the "
        "price they were sold for. They do not change revenue: the refund "
        "does.",
    )
    revenue = fields.Monetary()
    cogs = fields.Monetary(string="Cost of Goods Sold")
    margin = fields.Monetary(string="Gross Margin")
    margin_percent = fields.Float(
        string="Margin %", compute="_compute_margin_percent", aggregator=None
    )
    gross_qty = fields.Float(string="Pieces Sold (gross)")
    returned_qty = fields.Float(
        string="Pieces Returned",
        help="Pieces that came back from customers in the month, however they "
        "were returned (Reporting > Returns).",
    )
    qty_sold = fields.Float(string="Pieces Sold")
    return_rate_value = fields.Float(
        string="Return Rate (value) %",
        aggregator=None,
        help="Returns (value) per 100 of gross sales.",
    )
    return_rate_qty = fields.Float(
        string="Return Rate (units) %",
        aggregator=None,
        help="Pieces returned per 100 pieces sold (gross).",
    )
    qty_cartons = fields.Integer(string="Whole Cartons")
    qty_loose = fields.Float(string="Loose Pieces")
    cartons_label = fields.Char(string="Cartons Sold", compute="_compute_cartons_label")

    @api.depends("margin", "revenue")
    def _compute_margin_percent(self):
        for line in self:
            line.margin_percent = (
                100.0 * line.margin / line.revenue if line.revenue else 0.0
            )

    @api.depends("qty_cartons", "qty_loose")
    @api.depends_context("lang")
    def _compute_cartons_label(self):
        for line in self:
            line.cartons_label = line._cartons_label(line.qty_cartons, line.qty_loose)


class WholesaleMonthlyReportProduct(models.Model):
    _name = "wholesale.monthly.report.product"
    _inherit = "wholesale.monthly.report.section"
    _log_access = False
    _description = "Monthly Report: Stock and Movers per Product"
    _order = "report_id, slow_rank, id"

    product_id = fields.Many2one("product.product", required=True)
    categ_id = fields.Many2one("product.category", string="Product Category")
    qty_sold = fields.Float(string="Pieces Sold")
    qty_cartons = fields.Integer(string="Whole Cartons")
    qty_loose = fields.Float(string="Loose Pieces")
    cartons_label = fields.Char(string="Cartons Sold", compute="_compute_cartons_label")
    revenue = fields.Monetary()
    cogs = fields.Monetary(string="Cost of Goods Sold")
    unit_cost = fields.Monetary(
        aggregator=None, help="Odoo's valuation unit cost at the month's end."
    )
    opening_qty = fields.Float(string="Opening Stock")
    opening_value = fields.Monetary(string="Opening Stock Value")
    avg_qty = fields.Float(string="Average Stock")
    avg_stock_value = fields.Monetary(string="Average Stock Value")
    closing_qty = fields.Float(string="Closing Stock")
    stock_value = fields.Monetary(string="Stock Value Tied Up")
    days_of_cover = fields.Float(string="Days of Cover (number)", aggregator=None)
    cover_label = fields.Char(string="Days of Cover", compute="_compute_cover_label")
    turnover_days = fields.Float(string="Turnover Days", aggregator=None)
    no_sales = fields.Boolean(string="No Sales")
    last_sale_date = fields.Date(
        help="The last sale order or POS sale of the product in the year before "
        "the month's end; empty when there was none."
    )
    slow_rank = fields.Integer(string="Slow-Mover Rank", aggregator=None)
    top_rank = fields.Integer(string="Top-Mover Rank", aggregator=None)
    is_slow_listed = fields.Boolean()
    is_top_listed = fields.Boolean()

    @api.depends("qty_cartons", "qty_loose")
    @api.depends_context("lang")
    def _compute_cartons_label(self):
        for rec in self:
            rec.cartons_label = rec._cartons_label(rec.qty_cartons, rec.qty_loose)

    @api.depends("days_of_cover", "no_sales")
    @api.depends_context("lang")
    def _compute_cover_label(self):
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        for rec in self:
            rec.cover_label = (
                self.env._("no sales")
                if rec.no_sales
                else lang.format("%.1f", rec.days_of_cover, grouping=True)
            )


class WholesaleMonthlyReportAdjustment(models.Model):
    _name = "wholesale.monthly.report.adjustment"
    _inherit = "wholesale.monthly.report.section"
    _log_access = False
    _description = "Monthly Report: Inventory Adjustments"
    _order = "report_id, kind desc, date, id"

    kind = fields.Selection(
        [("opening", "Opening Stock"), ("difference", "Inventory Difference")],
        required=True,
        default="difference",
        help="Opening stock: the first count of a product that had no stock in "
        "these locations before. It is not a difference found by counting.",
    )
    product_id = fields.Many2one("product.product", required=True)
    categ_id = fields.Many2one("product.category", string="Product Category")
    move_line_id = fields.Many2one("stock.move.line", string="Stock Move Line")
    date = fields.Datetime()
    location_id = fields.Many2one("stock.location", string="Location")
    book_qty = fields.Float(string="Book Quantity")
    counted_qty = fields.Float(string="Counted Quantity")
    difference_qty = fields.Float(string="Difference")
    difference_value = fields.Monetary(string="Difference Value")


class WholesaleMonthlyReportReturn(models.Model):
    _name = "wholesale.monthly.report.return"
    _inherit = "wholesale.monthly.report.section"
    _log_access = False
    _description = "Monthly Report: Returns by Reason"
    _order = "report_id, value_sale desc, id"

    channel_id = fields.Many2one(
        "wholesale.sales.channel",
        string="Channel",
        ondelete="restrict",
        context={"active_test": False},
    )
    reason_id = fields.Many2one("wholesale.return.reason", string="Reason")
    disposition = fields.Selection(
        [
            ("stock", "Back to Stock"),
            ("damaged", "Damaged"),
            ("scrap", "Scrapped"),
        ]
    )
    returns = fields.Integer(string="Returned Lines")
    qty = fields.Float(string="Pieces Returned")
    value_sale = fields.Monetary(string="Value at Sale Price")
    value_cost = fields.Monetary(string="Value at Cost")
