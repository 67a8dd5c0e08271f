from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

POS_DONE_STATES = ("paid", "done", "invoiced")
REVENUE_BASES = [("ordered", "Ordered"), ("invoiced", "Invoiced")]


def _array_text(value):
    """One element of a PostgreSQL array literal: NULL or a quoted string."""
    if value is None or value is False:
        return "NULL"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


class WholesaleMonthlyReport(models.Model):
    """The merged wholesale + retail month.

    One record is one month of one company, optionally narrowed to some
    warehouses and some sales channels (``wholesale.sales.channel``: each
    point of sale, the wholesale desk, each web shop or marketplace).
    ``action_compute`` fills the section tables from core documents with a
    handful of SQL queries; each section lives in its own file:

    * monthly_report_sales.py: revenue, cost and quantities per channel and
      product, on the ordered or the invoiced basis;
    * monthly_report_returns.py: goods that came back from customers;
    * monthly_report_stock.py: stock at the month's dates, valued with the
      costs Odoo's valuation gives at those dates, turnover, days of cover,
      slow and top movers;
    * monthly_report_reconciliation.py: inventory differences (and opening
      stock) and the check against Odoo's own analysis reports;
    * monthly_report_exports.py: PDF, XLSX and the monthly email.

    The month is the calendar month in the company's time zone (its
    address's time zone; UTC without one), whoever computes it: the screen,
    the PDF, the XLSX and the scheduled email all show the same figures.
    """

    _name = "wholesale.monthly.report"
    _description = "Wholesale & Retail Monthly Report"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date_from = fields.Date(
        string="Month",
        required=True,
        default=lambda self: self._default_date_from(),
        help="Any day of the month; it is stored as the first day.",
    )
    date_to = fields.Date(compute="_compute_date_to", store=True)
    days = fields.Integer(compute="_compute_date_to", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tz = fields.Char(
        string="Time Zone",
        compute="_compute_tz",
        help="The month runs from midnight to midnight in the time zone of the "
        "company's address (UTC when it has none).",
    )
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Warehouses",
        check_company=True,
        help="Leave empty for all the warehouses of the company.",
    )
    channel_ids = fields.Many2many(
        "wholesale.sales.channel",
        string="Sales Channels",
        check_company=True,
        context={"active_test": False},
        help="Leave empty for every channel: each point of sale, the wholesale "
        "desk, each web shop and marketplace. The channels narrow the sales; "
        "the stock, its turnover and the movers are always the whole pool's "
        "(every channel's sales).",
    )
    revenue_basis = fields.Selection(
        REVENUE_BASES,
        required=True,
        default="ordered",
        help="Ordered: confirmed sale orders and paid POS orders of the month, "
        "as Odoo's Sales Analysis and Point of Sale Analysis count them; a POS "
        "refund lowers revenue, goods a wholesale customer sends back do not "
        "(they are returns until a credit note refunds them). "
        "Invoiced: posted customer invoices and credit notes of the month "
        "(price-only credit notes included), as Odoo's Invoicing Analysis "
        "counts them, plus the paid POS orders; a sale order's cost of goods "
        "is then the value Odoo recorded on the goods that left for its "
        "customers, less those that came back.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Computed")],
        default="draft",
        required=True,
        readonly=True,
    )
    computed_on = fields.Datetime(readonly=True)
    mailed_on = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the scheduled action mailed this report to the managers.",
    )
    # totals (copied from the "total" summary row for list views)
    revenue = fields.Monetary(readonly=True)
    cogs = fields.Monetary(string="Cost of Goods Sold", readonly=True)
    margin = fields.Monetary(string="Gross Margin", readonly=True)
    margin_percent = fields.Float(string="Margin %", readonly=True, aggregator=None)
    return_rate_value = fields.Float(
        string="Return Rate (value) %",
        readonly=True,
        aggregator=None,
        help="Goods that came back in the month (Reporting > Returns), at the "
        "price they were sold for, per 100 of gross sales.",
    )
    opening_stock_value = fields.Monetary(readonly=True)
    closing_stock_value = fields.Monetary(readonly=True)
    avg_stock_value = fields.Monetary(string="Average Stock Value", readonly=True)
    stocked_cogs = fields.Monetary(
        string="Cost of Stocked Goods Sold",
        readonly=True,
        help="Cost of goods sold of the products kept in stock: the turnover's "
        "denominator.",
    )
    turnover_days = fields.Float(
        string="Inventory Turnover Days",
        readonly=True,
        aggregator=None,
        help="Average stock value divided by the daily cost of goods sold, both "
        "on stocked products only: how many days of sales the average stock "
        "holds. It is computed for the whole report (channels share one stock "
        "pool, so no channel has a turnover of its own).",
    )
    adjustment_value = fields.Monetary(
        string="Inventory Differences Value",
        readonly=True,
        help="Value of the differences found by counting in the month. The "
        "first count of a product that had no stock before is opening stock, "
        "not a difference.",
    )
    opening_load_value = fields.Monetary(
        string="Opening Stock Loaded",
        readonly=True,
        help="Value of the first counts of products that had no stock before.",
    )
    slow_movers_limit = fields.Integer(readonly=True)
    has_sales = fields.Boolean(readonly=True)
    # the check against Odoo's own analysis reports
    check_source = fields.Char(
        string="Checked Against", compute="_compute_check_source"
    )
    check_revenue = fields.Monetary(string="Revenue There", readonly=True)
    check_qty = fields.Float(string="Pieces There", readonly=True)
    check_difference = fields.Monetary(string="Difference", readonly=True)
    summary_ids = fields.One2many(
        "wholesale.monthly.report.summary", "report_id", string="Summary"
    )
    line_ids = fields.One2many(
        "wholesale.monthly.report.line", "report_id", string="Sales by Product"
    )
    product_ids = fields.One2many(
        "wholesale.monthly.report.product", "report_id", string="Stock Movers"
    )
    slow_mover_ids = fields.One2many(
        "wholesale.monthly.report.product",
        "report_id",
        string="Slow Movers",
        domain=[("is_slow_listed", "=", True)],
    )
    top_mover_ids = fields.One2many(
        "wholesale.monthly.report.product",
        "report_id",
        string="Top Movers",
        domain=[("is_top_listed", "=", True)],
    )
    adjustment_ids = fields.One2many(
        "wholesale.monthly.report.adjustment", "report_id", string="Reconciliation"
    )
    return_ids = fields.One2many(
        "wholesale.monthly.report.return", "report_id", string="Returns by Reason"
    )

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)

    @api.depends("date_from", "company_id")
    def _compute_name(self):
        for report in self:
            month = report.date_from and report.date_from.strftime("%Y-%m") or ""
            report.name = self.env._(
                "%(month)s %(company)s",
                month=month,
                company=report.company_id.name or "",
            ).strip()

    @api.depends("date_from")
    def _compute_date_to(self):
        for report in self:
            if not report.date_from:
                report.date_to = False
                report.days = 0
                continue
            first = report.date_from.replace(day=1)
            report.date_to = first + relativedelta(months=1, days=-1)
            report.days = (report.date_to - first).days + 1

    @api.depends("revenue_basis")
    @api.depends_context("lang")
    def _compute_check_source(self):
        for report in self:
            report.check_source = (
                self.env._("Invoicing Analysis + Point of Sale Analysis")
                if report.revenue_basis == "invoiced"
                else self.env._("Sales Analysis + Point of Sale Analysis")
            )

    @api.depends("company_id.partner_id.tz")
    def _compute_tz(self):
        for report in self:
            report.tz = report.company_id.partner_id.tz or "UTC"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_from"):
                vals["date_from"] = fields.Date.to_date(vals["date_from"]).replace(
                    day=1
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("date_from"):
            vals["date_from"] = fields.Date.to_date(vals["date_from"]).replace(day=1)
        if {
            "date_from",
            "company_id",
            "warehouse_ids",
            "channel_ids",
            "revenue_basis",
        } & set(vals):
            vals.setdefault("state", "draft")
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_compute(self):
        for report in self:
            report._compute_report()
        return True

    @api.readonly
    def action_open_lines(self):
        self.ensure_one()
        return self._open_section(
            "wholesale.monthly.report.line",
            self.env._("Sales by Product: %(name)s", name=self.name),
            "list,pivot,graph",
        )

    @api.readonly
    def action_open_movers(self):
        self.ensure_one()
        return self._open_section(
            "wholesale.monthly.report.product",
            self.env._("Stock and Movers: %(name)s", name=self.name),
            "list,pivot",
        )

    @api.readonly
    def action_open_adjustments(self):
        self.ensure_one()
        return self._open_section(
            "wholesale.monthly.report.adjustment",
            self.env._("Reconciliation: %(name)s", name=self.name),
            "list,pivot",
        )

    def _open_section(self, model, name, view_mode):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": view_mode,
            "domain": [("report_id", "=", self.id)],
            "context": {"default_report_id": self.id},
        }

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------

    def _period_bounds(self):
        """Naive UTC datetimes [start, end) of the month in the company's
        time zone."""
        self.ensure_one()
        tz = pytz.timezone(self.company_id.partner_id.tz or "UTC")
        first = self.date_from.replace(day=1)
        nxt = first + relativedelta(months=1)
        return tuple(
            tz.localize(datetime.combine(day, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
            for day in (first, nxt)
        )

    def _check_report_access(self):
        """Raw SQL bypasses record rules: check the user may read the sources
        and that the report's company is one of the user's companies."""
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot compute a report for the company %(company)s.",
                    company=self.company_id.name,
                )
            )
        models_read = [
            "sale.order.line",
            "pos.order.line",
            "stock.move.line",
            "product.product",
        ]
        if self.revenue_basis == "invoiced":
            models_read.append("account.move.line")
        for model in models_read:
            self.env[model].check_access("read")

    def _warehouses(self):
        self.ensure_one()
        return self.warehouse_ids or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)]
        )

    def _compute_report(self):
        self.ensure_one()
        self.check_access("write")
        self._check_report_access()
        start, end = self._period_bounds()
        if start >= fields.Datetime.now():
            raise UserError(
                self.env._("The month %(month)s has not started yet.", month=self.name)
            )
        warehouses = self._warehouses()
        self.env["wholesale.sales.channel"]._wholesale_desk(self.company_id)
        self.env.flush_all()
        # Every channel's sales: the stock, its turnover and the movers are
        # the shared pool's; the channel filter narrows the sales sections.
        paying = self._pos_lines_paying_orders(start, end)
        all_sales = self._collect_sales(start, end, warehouses, paying)
        stock = self._collect_stock(start, end, warehouses)
        last_sales = {}
        for (_channel, pid), vals in all_sales.items():
            last_sale = vals.pop("last_sale", None)
            if last_sale and (not last_sales.get(pid) or last_sales[pid] < last_sale):
                last_sales[pid] = last_sale
        last_sales.update(
            self._collect_last_sale(end, warehouses, set(stock) - set(last_sales))
        )
        adjustments = self._collect_adjustments(start, end, warehouses)
        return_vals = self._collect_return_log(start, end, warehouses)

        product_ids = (
            {pid for _channel, pid in all_sales}
            | set(stock)
            | {adj["product_id"] for adj in adjustments}
        )
        products = self.env["product.product"].with_company(self.company_id)
        products = products.with_context(active_test=False).browse(product_ids)
        info = self._product_info(product_ids)
        costs = self._unit_costs(products, start, end)

        # retail lines whose total cost was not computed yet: cost them now
        for (_channel, pid), vals in all_sales.items():
            vals["cogs"] += vals.pop("uncosted_qty", 0.0) * costs[pid][1]
        wanted = set(self.channel_ids.ids)
        sales = {
            key: vals
            for key, vals in all_sales.items()
            if not wanted or key[0] in wanted
        }

        line_vals = self._prepare_line_vals(sales, info)
        product_vals = self._prepare_product_vals(
            all_sales, stock, last_sales, costs, info
        )
        adjustment_vals = self._prepare_adjustment_vals(adjustments, costs, info)
        summary_vals = self._prepare_summary_vals(line_vals, info)
        totals = self._stock_totals(product_vals)
        # the channels share one stock: turnover is the whole report's
        summary_vals[-1].update(
            avg_stock_value=totals["avg_stock_value"],
            turnover_days=totals["turnover_days"],
        )
        check = self._check_against_odoo(start, end, warehouses, paying)
        self._write_sections(
            line_vals, product_vals, adjustment_vals, summary_vals, return_vals
        )
        total = summary_vals[-1]
        differences = [v for v in adjustment_vals if v["kind"] == "difference"]
        openings = [v for v in adjustment_vals if v["kind"] == "opening"]
        self.write(
            {
                "state": "done",
                "computed_on": fields.Datetime.now(),
                "revenue": total["revenue"],
                "cogs": total["cogs"],
                "margin": total["margin"],
                "margin_percent": total["margin_percent"],
                "return_rate_value": total["return_rate_value"],
                **totals,
                "adjustment_value": sum(v["difference_value"] for v in differences),
                "opening_load_value": sum(v["difference_value"] for v in openings),
                "slow_movers_limit": self._slow_movers_limit(),
                "has_sales": bool(line_vals),
                "check_revenue": check["revenue"],
                "check_qty": check["qty"],
                "check_difference": total["revenue"] - check["revenue"],
            }
        )

    def _write_sections(
        self, line_vals, product_vals, adjustment_vals, summary_vals, return_vals=()
    ):
        """Replace the section rows of this report with the given values.

        The section tables are read-only for users: only this computation
        writes them, from figures it has just computed after checking the
        user's read access to the sources and the report's company
        (``_check_report_access``); the user's write access to the report
        itself was checked here. The rows are derived data that nothing else
        references, written with one INSERT per table (thousands of rows: the
        ORM's create would take most of the report's time); the ORM cache of
        the sections is dropped afterwards.
        """
        self.ensure_one()
        self.check_access("write")
        sections = [
            ("wholesale.monthly.report.summary", summary_vals),
            ("wholesale.monthly.report.line", line_vals),
            ("wholesale.monthly.report.product", product_vals),
            ("wholesale.monthly.report.adjustment", adjustment_vals),
            ("wholesale.monthly.report.return", list(return_vals)),
        ]
        for model_name, _vals_list in sections:
            model = self.env[model_name]
            self.env.execute_query(
                SQL(
                    "DELETE FROM %s WHERE report_id = %s",
                    SQL.identifier(model._table),
                    self.id,
                )
            )
        for model_name, vals_list in sections:
            self._insert_rows(self.env[model_name], vals_list)
        for model_name, _vals_list in sections:
            self.env[model_name].invalidate_model()
        self.invalidate_recordset(
            [
                "summary_ids",
                "line_ids",
                "product_ids",
                "slow_mover_ids",
                "top_mover_ids",
                "adjustment_ids",
                "return_ids",
            ]
        )

    def _insert_rows(self, model, vals_list):
        """INSERT ``vals_list`` into ``model``'s table in one statement, one
        array literal per column (``unnest``): thousands of rows cost what
        PostgreSQL's foreign keys cost, not what adapting each value would.
        The section models hold plain stored fields only (numbers, dates,
        many2ones, selections)."""
        if not vals_list:
            return
        names = sorted({name for vals in vals_list for name in vals})
        digits = self.currency_id.decimal_places
        selects = []
        arrays = []
        for name in names:
            field = model._fields[name]
            values = [vals.get(name) for vals in vals_list]
            if field.type in ("monetary", "float"):
                items = [repr(float(v or 0.0)) for v in values]
            elif field.type == "integer":
                items = [str(int(v or 0)) for v in values]
            elif field.type == "boolean":
                items = ["t" if v else "f" for v in values]
            elif field.type == "many2one":
                items = [str(int(v)) if v else "NULL" for v in values]
            else:  # selection, date, datetime: quoted text
                items = [_array_text(v) for v in values]
            arrays.append(
                SQL(
                    "%s::%s",
                    "{%s}" % ",".join(items),
                    SQL(f"{field.column_type[1].split('(')[0]}[]"),
                )
            )
            column = SQL.identifier("u", name)
            # amounts rounded half-up to the currency, as the ORM rounds them
            selects.append(
                SQL("ROUND(%s, %s)", column, digits)
                if field.type == "monetary"
                else column
            )
        self.env.execute_query(
            SQL(
                "INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS u(%s)",
                SQL.identifier(model._table),
                SQL(", ").join(SQL.identifier(name) for name in names),
                SQL(", ").join(selects),
                SQL(", ").join(arrays),
                SQL(", ").join(SQL.identifier(name) for name in names),
            )
        )

    def _section_vals(self):
        return {"report_id": self.id}

    def _slow_movers_limit(self):
        return self.company_id.wholesale_slow_movers_limit or 20

    def _product_info(self, product_ids):
        """{product id: (category id, stocked?, pieces in a carton)}: the
        carton is the wholesale unit of the product's ladder (its step marked
        "Wholesale Unit"); 0.0 when it has none. One query."""
        if not product_ids:
            return {}
        rows = self.env.execute_query(
            SQL(
                """
            SELECT p.id, t.categ_id, COALESCE(t.is_storable, FALSE),
                   COALESCE(MAX(s.pieces), 0)
              FROM product_product p
              JOIN product_template t ON t.id = p.product_tmpl_id
              LEFT JOIN wholesale_unit_step s
                     ON s.product_tmpl_id = t.id AND s.is_wholesale_unit
             WHERE p.id IN %s
          GROUP BY p.id, t.categ_id, t.is_storable
                """,
                tuple(product_ids),
            )
        )
        return {
            pid: (categ_id, storable, float(pieces))
            for pid, categ_id, storable, pieces in rows
        }

    @api.model
    def _split_cartons(self, qty, pieces):
        """(whole cartons, loose pieces) of ``qty`` pieces, with the sign of
        ``qty``: 112.44 cartons of 24 are 112 cartons and 10.56 pieces."""
        if not pieces or pieces <= 0:
            return 0, qty
        sign = -1 if qty < 0 else 1
        cartons, loose = divmod(round(abs(qty), 6), pieces)
        return sign * int(cartons), sign * round(loose, 6)
