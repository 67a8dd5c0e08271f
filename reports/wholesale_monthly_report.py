import base64
import logging
from collections import defaultdict
from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CHANNELS = [("wholesale", "Wholesale"), ("retail", "Retail")]
POS_DONE_STATES = ("paid", "done", "invoiced")


class WholesaleMonthlyReport(models.Model):
    """The merged wholesale + retail month.

    One record is one month of one company (optionally narrowed to some
    warehouses and to one channel). ``action_compute`` fills the section
    tables from core documents with a handful of SQL queries:

    * wholesale: confirmed ``sale.order.line`` (revenue = ``price_subtotal``,
      cost = sale_margin's ``purchase_price``), returns are done stock moves
      coming back from the customer with ``origin_returned_move_id`` and a
      ``sale_line_id``;
    * retail: ``pos.order.line`` of paid/posted/invoiced orders that do not
      settle a sale order line (as ``pos_sale`` does in ``sale.report``),
      cost = ``total_cost``; refunds are the negative lines;
    * stock: done ``stock.move.line`` quantities in the internal locations
      of the chosen warehouses, time-weighted over the month, valued at the
      company's product cost;
    * reconciliation: done inventory moves (``is_inventory``) of the month.

    Amounts are in the company currency, converted with each order's own
    ``currency_rate`` (the rate of its date, as ``sale.report`` does).
    Quantities are pieces (the product's unit); cartons use the product's
    packaging units (``product.template.uom_ids``).
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
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self._default_company_id(),
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Warehouses",
        check_company=True,
        help="Leave empty for all the warehouses of the company.",
    )
    channels = fields.Selection(
        [
            ("all", "Wholesale and Retail"),
            ("wholesale", "Wholesale only"),
            ("retail", "Retail only"),
        ],
        required=True,
        default="all",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Computed")],
        default="draft",
        required=True,
        readonly=True,
    )
    computed_on = fields.Datetime(readonly=True)
    days = fields.Integer(compute="_compute_date_to", store=True)
    # totals (copied from the "total" summary row for list views)
    revenue = fields.Monetary(readonly=True)
    cogs = fields.Monetary(string="Cost of Goods Sold", readonly=True)
    margin = fields.Monetary(string="Gross Margin", readonly=True)
    margin_percent = fields.Float(string="Margin %", readonly=True, aggregator=None)
    return_rate_value = fields.Float(
        string="Return Rate (value) %", readonly=True, aggregator=None
    )
    turnover_days = fields.Float(
        string="Inventory Turnover Days", readonly=True, aggregator=None
    )
    adjustment_value = fields.Monetary(
        string="Inventory Differences Value", readonly=True
    )
    summary_ids = fields.One2many(
        "wholesale.monthly.report.summary", "report_id", string="Summary"
    )
    line_ids = fields.One2many(
        "wholesale.monthly.report.line", "report_id", string="Sales by Product"
    )
    product_ids = fields.One2many(
        "wholesale.monthly.report.product", "report_id", string="Stock Movers"
    )
    adjustment_ids = fields.One2many(
        "wholesale.monthly.report.adjustment", "report_id", string="Reconciliation"
    )

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)

    def _default_company_id(self):
        return self.env.company

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
        if {"date_from", "company_id", "warehouse_ids", "channels"} & set(vals):
            vals.setdefault("state", "draft")
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_compute(self):
        for report in self:
            report._compute_report()
        return True

    def action_open_lines(self):
        self.ensure_one()
        return self._open_section(
            "wholesale.monthly.report.line",
            self.env._("Sales by Product: %(name)s", name=self.name),
            "list,pivot,graph",
        )

    def action_open_movers(self):
        self.ensure_one()
        return self._open_section(
            "wholesale.monthly.report.product",
            self.env._("Slow and Top Movers: %(name)s", name=self.name),
            "list,pivot",
        )

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

    def action_download_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": "/wholesale_retail/monthly_report/%d/xlsx" % self.id,
            "target": "download",
        }

    def action_print_pdf(self):
        self.ensure_one()
        return self.env.ref("wholesale_retail.action_report_monthly").report_action(
            self
        )

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------

    def _period_bounds(self):
        """Naive UTC datetimes [start, end) of the month in the user's tz."""
        self.ensure_one()
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
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
        for model in (
            "sale.order.line",
            "pos.order.line",
            "stock.move.line",
            "product.product",
        ):
            self.env[model].check_access("read")

    def _warehouses(self):
        self.ensure_one()
        return self.warehouse_ids or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)]
        )

    def _has_channel(self, channel):
        return self.channels in ("all", channel)

    def _compute_report(self):
        self.ensure_one()
        self._check_report_access()
        start, end = self._period_bounds()
        if start >= fields.Datetime.now() and not self.env.context.get(
            "wholesale_retail_allow_future"
        ):
            raise UserError(
                self.env._("The month %(month)s has not started yet.", month=self.name)
            )
        warehouses = self._warehouses()
        sales = defaultdict(lambda: defaultdict(float))  # (channel, pid) -> values
        if self._has_channel("wholesale"):
            self._collect_wholesale(sales, start, end, warehouses)
        if self._has_channel("retail"):
            self._collect_retail(sales, start, end, warehouses)
        stock = self._collect_stock(start, end, warehouses)
        last_sales = self._collect_last_sale(end, warehouses)
        adjustments = self._collect_adjustments(start, end, warehouses)

        product_ids = (
            {pid for _channel, pid in sales}
            | set(stock)
            | {adj["product_id"] for adj in adjustments}
        )
        products = self.env["product.product"].with_company(self.company_id)
        products = products.with_context(active_test=False).browse(product_ids)
        products.fetch(["product_tmpl_id", "standard_price"])
        cost = {product.id: product.standard_price for product in products}
        templates = products.product_tmpl_id
        templates.fetch(["uom_id", "uom_ids", "categ_id", "is_storable"])
        tmpl_of = {product.id: product.product_tmpl_id for product in products}
        carton = {tmpl.id: self._carton_factor(tmpl) for tmpl in templates}

        # retail lines whose total cost was not computed yet: cost them now
        for (_channel, pid), vals in sales.items():
            vals["cogs"] += vals.pop("uncosted_qty", 0.0) * cost.get(pid, 0.0)

        line_vals = self._prepare_line_vals(sales, tmpl_of, carton)
        product_vals = self._prepare_product_vals(
            sales, stock, last_sales, cost, tmpl_of, carton
        )
        adjustment_vals = self._prepare_adjustment_vals(adjustments, cost, tmpl_of)
        summary_vals = self._prepare_summary_vals(line_vals, product_vals)
        self._write_sections(line_vals, product_vals, adjustment_vals, summary_vals)
        total = summary_vals[-1]
        self.write(
            {
                "state": "done",
                "computed_on": fields.Datetime.now(),
                "revenue": total["revenue"],
                "cogs": total["cogs"],
                "margin": total["margin"],
                "margin_percent": total["margin_percent"],
                "return_rate_value": total["return_rate_value"],
                "turnover_days": total["turnover_days"],
                "adjustment_value": sum(
                    vals["difference_value"] for vals in adjustment_vals
                ),
            }
        )

    def _write_sections(self, line_vals, product_vals, adjustment_vals, summary_vals):
        """Replace the section rows of this report with the given values.

        The section tables are read-only for users: only this computation
        writes them, from figures it has just computed after checking the
        user's read access to the sources and the report's company
        (``_check_report_access``); the user's write access to the report
        itself was checked by the ORM on ``self``. Hence sudo, for these
        rows only.
        """
        self.ensure_one()
        self.check_access("write")
        report = self.sudo()
        report.summary_ids.unlink()
        report.line_ids.unlink()
        report.product_ids.unlink()
        report.adjustment_ids.unlink()
        report.env["wholesale.monthly.report.line"].create(line_vals)
        report.env["wholesale.monthly.report.product"].create(product_vals)
        report.env["wholesale.monthly.report.adjustment"].create(adjustment_vals)
        report.env["wholesale.monthly.report.summary"].create(summary_vals)

    @api.model
    def _carton_factor(self, template):
        """Pieces in one carton of ``template`` from its core packaging units.

        A unit named like "carton" wins; otherwise the largest packaging that
        is not a pallet; 0.0 when the product has no packaging bigger than
        its own unit.
        """
        base = template.uom_id.factor or 1.0
        packs = [
            (uom.factor / base, uom)
            for uom in template.uom_ids
            if uom.factor and uom.factor / base > 1.0
        ]
        if not packs:
            return 0.0
        for ratio, uom in sorted(packs, key=lambda pack: pack[0]):
            if "carton" in (uom.with_context(lang="en_US").name or "").lower():
                return ratio
        not_pallet = [
            ratio
            for ratio, uom in packs
            if "pallet" not in (uom.with_context(lang="en_US").name or "").lower()
        ]
        return max(not_pallet or [min(ratio for ratio, _uom in packs)])

    def _warehouse_sql(self, column, warehouses):
        if self.warehouse_ids:
            return SQL("%s IN %s", SQL.identifier(*column), tuple(warehouses.ids))
        return SQL("TRUE")

    def _collect_wholesale(self, sales, start, end, warehouses):
        """Confirmed sale order lines of the month and customer returns."""
        piece = SQL("(lu.factor / NULLIF(pu.factor, 0))")
        rate = SQL(
            "(CASE COALESCE(s.currency_rate, 0) WHEN 0 THEN 1.0"
            " ELSE s.currency_rate END)"
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT l.product_id,
                   SUM(l.price_subtotal / %(rate)s) AS revenue,
                   SUM(COALESCE(l.purchase_price, 0) * l.product_uom_qty
                       / %(rate)s) AS cogs,
                   SUM(l.product_uom_qty * %(piece)s) AS qty
              FROM sale_order_line l
              JOIN sale_order s ON s.id = l.order_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              JOIN uom_uom lu ON lu.id = l.product_uom_id
              JOIN uom_uom pu ON pu.id = t.uom_id
             WHERE s.state = 'sale'
               AND s.company_id = %(company)s
               AND s.date_order >= %(start)s AND s.date_order < %(end)s
               AND l.display_type IS NULL
               AND NOT COALESCE(l.is_downpayment, FALSE)
               AND t.type != 'combo'
               AND %(warehouse)s
          GROUP BY l.product_id
                """,
                rate=rate,
                piece=piece,
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=self._warehouse_sql(("s", "warehouse_id"), warehouses),
            )
        )
        for row in rows:
            vals = sales["wholesale", row["product_id"]]
            vals["gross_revenue"] += row["revenue"] or 0.0
            vals["revenue"] += row["revenue"] or 0.0
            vals["cogs"] += row["cogs"] or 0.0
            vals["gross_qty"] += row["qty"] or 0.0
            vals["qty_sold"] += row["qty"] or 0.0
        returns = self.env.execute_query_dict(
            SQL(
                """
            SELECT m.product_id,
                   SUM(m.product_qty) AS qty,
                   SUM(m.product_qty * l.price_subtotal
                       / NULLIF(l.product_uom_qty * %(piece)s, 0)
                       / %(rate)s) AS value,
                   SUM(m.product_qty * COALESCE(l.purchase_price, 0)
                       / NULLIF(%(piece)s, 0) / %(rate)s) AS cost
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
              JOIN sale_order_line l ON l.id = m.sale_line_id
              JOIN sale_order s ON s.id = l.order_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              JOIN uom_uom lu ON lu.id = l.product_uom_id
              JOIN uom_uom pu ON pu.id = t.uom_id
             WHERE m.state = 'done'
               AND m.origin_returned_move_id IS NOT NULL
               AND src.usage = 'customer'
               AND dst.usage != 'customer'
               AND m.company_id = %(company)s
               AND m.date >= %(start)s AND m.date < %(end)s
               AND %(warehouse)s
          GROUP BY m.product_id
                """,
                rate=rate,
                piece=piece,
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=self._warehouse_sql(("s", "warehouse_id"), warehouses),
            )
        )
        for row in returns:
            vals = sales["wholesale", row["product_id"]]
            vals["returned_qty"] += row["qty"] or 0.0
            vals["returned_value"] += row["value"] or 0.0
            vals["qty_sold"] -= row["qty"] or 0.0
            vals["revenue"] -= row["value"] or 0.0
            vals["cogs"] -= row["cost"] or 0.0

    def _collect_retail(self, sales, start, end, warehouses):
        """POS lines of the month; refunds are the negative lines."""
        rate = SQL(
            "(CASE COALESCE(o.currency_rate, 0) WHEN 0 THEN 1.0"
            " ELSE o.currency_rate END)"
        )
        amount = SQL("SIGN(l.qty) * SIGN(l.price_unit) * ABS(l.price_subtotal)")
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT l.product_id,
                   SUM(CASE WHEN l.qty > 0 THEN %(amount)s / %(rate)s ELSE 0 END)
                       AS gross_revenue,
                   SUM(CASE WHEN l.qty < 0 THEN -%(amount)s / %(rate)s ELSE 0 END)
                       AS returned_value,
                   SUM(CASE WHEN l.qty > 0 THEN l.qty ELSE 0 END) AS gross_qty,
                   SUM(CASE WHEN l.qty < 0 THEN -l.qty ELSE 0 END) AS returned_qty,
                   SUM(CASE WHEN l.is_total_cost_computed
                            THEN l.total_cost / %(rate)s ELSE 0 END) AS cogs,
                   SUM(CASE WHEN l.is_total_cost_computed
                            THEN 0 ELSE l.qty END) AS uncosted_qty
              FROM pos_order_line l
              JOIN pos_order o ON o.id = l.order_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              LEFT JOIN pos_session ses ON ses.id = o.session_id
              LEFT JOIN pos_config cfg ON cfg.id = ses.config_id
              LEFT JOIN stock_picking_type pt ON pt.id = cfg.picking_type_id
             WHERE o.state IN %(states)s
               AND o.company_id = %(company)s
               AND o.date_order >= %(start)s AND o.date_order < %(end)s
               AND l.sale_order_line_id IS NULL
               AND t.type != 'combo'
               AND %(warehouse)s
          GROUP BY l.product_id
                """,
                rate=rate,
                amount=amount,
                states=POS_DONE_STATES,
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=self._warehouse_sql(("pt", "warehouse_id"), warehouses),
            )
        )
        for row in rows:
            vals = sales["retail", row["product_id"]]
            for key in (
                "gross_revenue",
                "returned_value",
                "gross_qty",
                "returned_qty",
                "cogs",
                "uncosted_qty",
            ):
                vals[key] += row[key] or 0.0
            vals["revenue"] += (row["gross_revenue"] or 0.0) - (
                row["returned_value"] or 0.0
            )
            vals["qty_sold"] += (row["gross_qty"] or 0.0) - (row["returned_qty"] or 0.0)

    def _internal_locations_sql(self, warehouses):
        return SQL(
            """SELECT id FROM stock_location
                WHERE usage = 'internal' AND company_id = %s AND %s""",
            self.company_id.id,
            self._warehouse_sql(("stock_location", "warehouse_id"), warehouses),
        )

    def _collect_stock(self, start, end, warehouses):
        """Per product: opening, time-weighted average and closing quantity in
        the internal locations of the warehouses, from done move lines."""
        duration = (end - start).total_seconds()
        rows = self.env.execute_query_dict(
            SQL(
                """
            WITH loc AS (%(locations)s),
            mv AS (
                SELECT ml.product_id, ml.date,
                       CASE WHEN ml.location_dest_id IN (SELECT id FROM loc)
                            THEN ml.quantity_product_uom ELSE 0 END
                     - CASE WHEN ml.location_id IN (SELECT id FROM loc)
                            THEN ml.quantity_product_uom ELSE 0 END AS qty
                  FROM stock_move_line ml
                 WHERE ml.state = 'done'
                   AND ml.date < %(end)s
                   AND (ml.location_id IN (SELECT id FROM loc)
                        OR ml.location_dest_id IN (SELECT id FROM loc))
            )
            SELECT product_id,
                   SUM(CASE WHEN date < %(start)s THEN qty ELSE 0 END) AS opening,
                   SUM(CASE WHEN date >= %(start)s
                            THEN qty * EXTRACT(EPOCH FROM (%(end)s - date))
                                 / %(duration)s
                            ELSE 0 END) AS weighted,
                   SUM(qty) AS closing
              FROM mv
          GROUP BY product_id
                """,
                locations=self._internal_locations_sql(warehouses),
                start=start,
                end=end,
                duration=duration,
            )
        )
        return {
            row["product_id"]: {
                "opening_qty": row["opening"] or 0.0,
                "avg_qty": (row["opening"] or 0.0) + (row["weighted"] or 0.0),
                "closing_qty": row["closing"] or 0.0,
            }
            for row in rows
            if row["opening"] or row["closing"] or row["weighted"]
        }

    def _collect_last_sale(self, end, warehouses):
        """Last sale date (any time before the month's end) per product."""
        queries = []
        if self._has_channel("wholesale"):
            queries.append(
                SQL(
                    """SELECT l.product_id, MAX(s.date_order) AS last_sale
                         FROM sale_order_line l
                         JOIN sale_order s ON s.id = l.order_id
                        WHERE s.state = 'sale' AND s.company_id = %s
                          AND s.date_order < %s AND l.product_uom_qty > 0 AND %s
                     GROUP BY l.product_id""",
                    self.company_id.id,
                    end,
                    self._warehouse_sql(("s", "warehouse_id"), warehouses),
                )
            )
        if self._has_channel("retail"):
            queries.append(
                SQL(
                    """SELECT l.product_id, MAX(o.date_order) AS last_sale
                         FROM pos_order_line l
                         JOIN pos_order o ON o.id = l.order_id
                         LEFT JOIN pos_session ses ON ses.id = o.session_id
                         LEFT JOIN pos_config cfg ON cfg.id = ses.config_id
                         LEFT JOIN stock_picking_type pt ON pt.id = cfg.picking_type_id
                        WHERE o.state IN %s AND o.company_id = %s
                          AND o.date_order < %s AND l.qty > 0 AND %s
                     GROUP BY l.product_id""",
                    POS_DONE_STATES,
                    self.company_id.id,
                    end,
                    self._warehouse_sql(("pt", "warehouse_id"), warehouses),
                )
            )
        last = {}
        for query in queries:
            for product_id, last_sale in self.env.execute_query(query):
                if not last.get(product_id) or last[product_id] < last_sale:
                    last[product_id] = last_sale
        return last

    def _collect_adjustments(self, start, end, warehouses):
        """Inventory adjustment move lines of the month with the book
        quantity of their location just before them."""
        return self.env.execute_query_dict(
            SQL(
                """
            WITH loc AS (%(locations)s),
            adj AS MATERIALIZED (
                SELECT ml.id, ml.product_id, ml.date, ml.move_id,
                       CASE WHEN ml.location_dest_id IN (SELECT id FROM loc)
                            THEN ml.location_dest_id ELSE ml.location_id END
                           AS location_id,
                       CASE WHEN ml.location_dest_id IN (SELECT id FROM loc)
                            THEN ml.quantity_product_uom
                            ELSE -ml.quantity_product_uom END AS difference,
                       ml.quantity_product_uom AS line_qty
                  FROM stock_move m
                  JOIN stock_move_line ml ON ml.move_id = m.id
                 WHERE m.is_inventory AND m.state = 'done'
                   AND m.company_id = %(company)s
                   AND m.date >= %(start)s - INTERVAL '1 day'
                   AND ml.state = 'done'
                   AND ml.date >= %(start)s AND ml.date < %(end)s
                   AND (ml.location_id IN (SELECT id FROM loc)) !=
                       (ml.location_dest_id IN (SELECT id FROM loc))
            ),
            hist AS MATERIALIZED (
                SELECT h.id, h.product_id, h.date, h.location_id,
                       h.location_dest_id, h.quantity_product_uom
                  FROM stock_move_line h
                 WHERE h.product_id IN (SELECT product_id FROM adj)
                   AND h.state = 'done'
                   AND h.date < %(end)s
            ),
            book AS (
                SELECT adj.id,
                       SUM(CASE WHEN h.location_dest_id = adj.location_id
                                THEN h.quantity_product_uom ELSE 0 END
                         - CASE WHEN h.location_id = adj.location_id
                                THEN h.quantity_product_uom ELSE 0 END) AS qty
                  FROM adj
                  JOIN hist h ON h.product_id = adj.product_id
                   AND (h.location_id = adj.location_id
                        OR h.location_dest_id = adj.location_id)
                   AND (h.date < adj.date OR (h.date = adj.date AND h.id < adj.id))
              GROUP BY adj.id
            )
            SELECT adj.id AS move_line_id, adj.product_id, adj.date,
                   adj.location_id, adj.difference,
                   COALESCE(book.qty, 0) AS book_qty,
                   CASE WHEN COALESCE(m.product_qty, 0) != 0
                        THEN m.value * adj.line_qty / m.product_qty
                        ELSE 0 END AS move_value
              FROM adj
              JOIN stock_move m ON m.id = adj.move_id
              LEFT JOIN book ON book.id = adj.id
          ORDER BY adj.date, adj.id
                """,
                locations=self._internal_locations_sql(warehouses),
                start=start,
                end=end,
                company=self.company_id.id,
            )
        )

    # ------------------------------------------------------------------
    # Values for the section tables
    # ------------------------------------------------------------------

    def _section_vals(self):
        return {
            "report_id": self.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
        }

    def _prepare_line_vals(self, sales, tmpl_of, carton):
        vals_list = []
        for (channel, pid), vals in sales.items():
            tmpl = tmpl_of.get(pid)
            factor = carton.get(tmpl.id) if tmpl else 0.0
            revenue = vals.get("revenue", 0.0)
            cogs = vals.get("cogs", 0.0)
            vals_list.append(
                {
                    **self._section_vals(),
                    "channel": channel,
                    "product_id": pid,
                    "categ_id": tmpl.categ_id.id if tmpl else False,
                    "gross_revenue": vals.get("gross_revenue", 0.0),
                    "returned_value": vals.get("returned_value", 0.0),
                    "revenue": revenue,
                    "cogs": cogs,
                    "margin": revenue - cogs,
                    "gross_qty": vals.get("gross_qty", 0.0),
                    "returned_qty": vals.get("returned_qty", 0.0),
                    "qty_sold": vals.get("qty_sold", 0.0),
                    "qty_cartons": vals.get("qty_sold", 0.0) / factor
                    if factor
                    else 0.0,
                }
            )
        return vals_list

    def _prepare_product_vals(self, sales, stock, last_sales, cost, tmpl_of, carton):
        per_product = defaultdict(lambda: defaultdict(float))
        for (_channel, pid), vals in sales.items():
            for key in ("qty_sold", "revenue", "cogs"):
                per_product[pid][key] += vals.get(key, 0.0)
        days = self.days or 1
        vals_list = []
        for pid in set(per_product) | set(stock):
            tmpl = tmpl_of.get(pid)
            if not tmpl or not tmpl.is_storable:
                continue
            sold = per_product[pid]
            moves = stock.get(pid, {})
            qty_sold = sold.get("qty_sold", 0.0)
            closing = moves.get("closing_qty", 0.0)
            last_sale = last_sales.get(pid)
            factor = carton.get(tmpl.id)
            vals_list.append(
                {
                    **self._section_vals(),
                    "product_id": pid,
                    "categ_id": tmpl.categ_id.id,
                    "qty_sold": qty_sold,
                    "qty_cartons": qty_sold / factor if factor else 0.0,
                    "revenue": sold.get("revenue", 0.0),
                    "cogs": sold.get("cogs", 0.0),
                    "unit_cost": cost.get(pid, 0.0),
                    "opening_qty": moves.get("opening_qty", 0.0),
                    "avg_qty": moves.get("avg_qty", 0.0),
                    "avg_stock_value": moves.get("avg_qty", 0.0) * cost.get(pid, 0.0),
                    "closing_qty": closing,
                    "stock_value": closing * cost.get(pid, 0.0),
                    "no_sales": qty_sold <= 0 and closing > 0,
                    "days_of_cover": closing / (qty_sold / days)
                    if qty_sold > 0 and closing > 0
                    else 0.0,
                    "last_sale_date": last_sale and last_sale.date() or False,
                }
            )
        slow = sorted(
            (vals for vals in vals_list if vals["closing_qty"] > 0),
            key=lambda vals: (
                not vals["no_sales"],
                -vals["days_of_cover"],
                -vals["stock_value"],
                vals["product_id"],
            ),
        )
        for rank, vals in enumerate(slow, 1):
            vals["slow_rank"] = rank
        top = sorted(
            (vals for vals in vals_list if vals["qty_sold"] > 0),
            key=lambda vals: (-vals["qty_sold"], -vals["revenue"], vals["product_id"]),
        )
        for rank, vals in enumerate(top, 1):
            vals["top_rank"] = rank
        return vals_list

    def _prepare_adjustment_vals(self, adjustments, cost, tmpl_of):
        vals_list = []
        for adj in adjustments:
            tmpl = tmpl_of.get(adj["product_id"])
            value = adj["move_value"] or 0.0
            if value:
                value = abs(value) * (1 if adj["difference"] > 0 else -1)
            else:
                value = adj["difference"] * cost.get(adj["product_id"], 0.0)
            vals_list.append(
                {
                    **self._section_vals(),
                    "product_id": adj["product_id"],
                    "categ_id": tmpl.categ_id.id if tmpl else False,
                    "move_line_id": adj["move_line_id"],
                    "date": adj["date"],
                    "location_id": adj["location_id"],
                    "book_qty": adj["book_qty"],
                    "counted_qty": adj["book_qty"] + adj["difference"],
                    "difference_qty": adj["difference"],
                    "difference_value": value,
                }
            )
        return vals_list

    def _prepare_summary_vals(self, line_vals, product_vals):
        avg_stock_value = sum(vals["avg_stock_value"] for vals in product_vals)
        days = self.days or 1
        channels = [key for key, _label in CHANNELS if self._has_channel(key)]
        rows = []
        for channel in [*channels, "total"]:
            lines = [
                vals
                for vals in line_vals
                if channel == "total" or vals["channel"] == channel
            ]
            row = {
                key: sum(vals[key] for vals in lines)
                for key in (
                    "gross_revenue",
                    "returned_value",
                    "revenue",
                    "cogs",
                    "margin",
                    "gross_qty",
                    "returned_qty",
                    "qty_sold",
                    "qty_cartons",
                )
            }
            row.update(
                {
                    **self._section_vals(),
                    "channel": channel,
                    "sequence": len(rows) + 1,
                    "margin_percent": 100.0 * row["margin"] / row["revenue"]
                    if row["revenue"]
                    else 0.0,
                    "return_rate_value": 100.0
                    * row["returned_value"]
                    / row["gross_revenue"]
                    if row["gross_revenue"]
                    else 0.0,
                    "return_rate_qty": 100.0 * row["returned_qty"] / row["gross_qty"]
                    if row["gross_qty"]
                    else 0.0,
                    "avg_stock_value": avg_stock_value,
                    "turnover_days": avg_stock_value / (row["cogs"] / days)
                    if row["cogs"] > 0
                    else 0.0,
                }
            )
            rows.append(row)
        return rows

    # ------------------------------------------------------------------
    # Exports and the monthly mail
    # ------------------------------------------------------------------

    def _slow_movers(self, limit=20):
        self.ensure_one()
        return self.product_ids.filtered("slow_rank").sorted("slow_rank")[:limit]

    def _top_movers(self, limit=20):
        self.ensure_one()
        return self.product_ids.filtered("top_rank").sorted("top_rank")[:limit]

    def _chart_bars(self):
        """Bars for the SVG chart of the PDF: revenue, cost and margin per
        channel, scaled to 0..100."""
        self.ensure_one()
        rows = self.summary_ids.filtered(lambda row: row.channel != "total")
        top = max(
            [abs(v) for row in rows for v in (row.revenue, row.cogs, row.margin)]
            or [0.0]
        )
        bars = []
        for row in rows:
            for key, colour in (
                ("revenue", "#2e86c1"),
                ("cogs", "#b03a2e"),
                ("margin", "#239b56"),
            ):
                bars.append(
                    {
                        "label": row.channel_label,
                        "key": key,
                        "value": row[key],
                        "height": 100.0 * abs(row[key]) / top if top else 0.0,
                        "colour": colour,
                    }
                )
        return bars

    def _render_pdf(self):
        self.ensure_one()
        content, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "wholesale_retail.action_report_monthly", self.ids
        )
        return content

    def _render_xlsx(self):
        self.ensure_one()
        return self.env["report.wholesale_retail.monthly_report_xlsx"]._generate_xlsx(
            self
        )

    def _export_attachments(self):
        self.ensure_one()
        stem = "monthly-report-%s-%s" % (
            self.date_from.strftime("%Y-%m"),
            self.company_id.id,
        )
        return self.env["ir.attachment"].create(
            [
                {
                    "name": "%s.pdf" % stem,
                    "datas": base64.b64encode(self._render_pdf()),
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                },
                {
                    "name": "%s.xlsx" % stem,
                    "datas": base64.b64encode(self._render_xlsx()),
                    "mimetype": "application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                    "res_model": self._name,
                    "res_id": self.id,
                },
            ]
        )

    def _send_to_managers(self):
        self.ensure_one()
        managers = self.env.ref("wholesale_retail.group_wholesale_manager").user_ids
        managers = managers.filtered(
            lambda user: (
                user.active
                and not user.share
                and self.company_id in user.company_ids
                and user.partner_id.email
            )
        )
        if not managers:
            _logger.info("Monthly report %s: no manager with an email", self.name)
            return self.env["mail.mail"]
        attachments = self._export_attachments()
        template = self.env.ref("wholesale_retail.mail_template_monthly_report")
        mail_id = template.send_mail(
            self.id,
            email_values={
                "recipient_ids": [(6, 0, managers.partner_id.ids)],
                "attachment_ids": [(6, 0, attachments.ids)],
            },
        )
        return self.env["mail.mail"].browse(mail_id)

    @api.model
    def _cron_send_monthly_report(self, companies=None, today=None):
        """On the 1st: build last month's report of each company and mail the
        PDF and the XLSX to the wholesale managers."""
        today = today or fields.Date.context_today(self)
        month = (today.replace(day=1) - relativedelta(months=1)).replace(day=1)
        companies = companies or self.env["res.company"].search([])
        mails = self.env["mail.mail"]
        for company in companies:
            report_model = self.with_company(company).with_context(
                allowed_company_ids=company.ids
            )
            report = report_model.search(
                [
                    ("company_id", "=", company.id),
                    ("date_from", "=", month),
                    ("warehouse_ids", "=", False),
                    ("channels", "=", "all"),
                ],
                limit=1,
            ) or report_model.create({"company_id": company.id, "date_from": month})
            report.action_compute()
            mails |= report._send_to_managers()
        return mails


class WholesaleMonthlyReportSummary(models.Model):
    _name = "wholesale.monthly.report.summary"
    _description = "Monthly Report: Channel Summary"
    _order = "report_id, sequence"

    report_id = fields.Many2one(
        "wholesale.monthly.report", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    sequence = fields.Integer()
    channel = fields.Selection([*CHANNELS, ("total", "Total")], required=True)
    channel_label = fields.Char(compute="_compute_channel_label")
    gross_revenue = fields.Monetary(string="Gross Sales")
    returned_value = fields.Monetary(string="Returns")
    revenue = fields.Monetary(string="Revenue")
    cogs = fields.Monetary(string="Cost of Goods Sold")
    margin = fields.Monetary(string="Gross Margin")
    margin_percent = fields.Float(string="Margin %", aggregator=None)
    gross_qty = fields.Float(string="Pieces Sold (gross)")
    returned_qty = fields.Float(string="Pieces Returned")
    qty_sold = fields.Float(string="Pieces Sold")
    qty_cartons = fields.Float(string="Cartons Sold")
    return_rate_value = fields.Float(string="Return Rate (value) %", aggregator=None)
    return_rate_qty = fields.Float(string="Return Rate (units) %", aggregator=None)
    avg_stock_value = fields.Monetary(string="Average Stock Value", aggregator=None)
    turnover_days = fields.Float(string="Inventory Turnover Days", aggregator=None)

    def _compute_channel_label(self):
        labels = dict(self._fields["channel"]._description_selection(self.env))
        for row in self:
            row.channel_label = labels.get(row.channel, "")


class WholesaleMonthlyReportLine(models.Model):
    _name = "wholesale.monthly.report.line"
    _description = "Monthly Report: Sales per Product and Channel"
    _order = "report_id, channel, revenue desc, id"

    report_id = fields.Many2one(
        "wholesale.monthly.report", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_from = fields.Date(related="report_id.date_from", string="Month")
    channel = fields.Selection(CHANNELS, required=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    categ_id = fields.Many2one("product.category", string="Product Category")
    gross_revenue = fields.Monetary(string="Gross Sales")
    returned_value = fields.Monetary(string="Returns")
    revenue = fields.Monetary()
    cogs = fields.Monetary(string="Cost of Goods Sold")
    margin = fields.Monetary(string="Gross Margin")
    margin_percent = fields.Float(
        string="Margin %", compute="_compute_margin_percent", aggregator=None
    )
    gross_qty = fields.Float(string="Pieces Sold (gross)")
    returned_qty = fields.Float(string="Pieces Returned")
    qty_sold = fields.Float(string="Pieces Sold")
    qty_cartons = fields.Float(string="Cartons Sold")

    @api.depends("margin", "revenue")
    def _compute_margin_percent(self):
        for line in self:
            line.margin_percent = (
                100.0 * line.margin / line.revenue if line.revenue else 0.0
            )


class WholesaleMonthlyReportProduct(models.Model):
    _name = "wholesale.monthly.report.product"
    _description = "Monthly Report: Stock and Movers per Product"
    _order = "report_id, slow_rank, id"

    report_id = fields.Many2one(
        "wholesale.monthly.report", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    categ_id = fields.Many2one("product.category", string="Product Category")
    qty_sold = fields.Float(string="Pieces Sold")
    qty_cartons = fields.Float(string="Cartons Sold")
    revenue = fields.Monetary()
    cogs = fields.Monetary(string="Cost of Goods Sold")
    unit_cost = fields.Monetary(aggregator=None)
    opening_qty = fields.Float(string="Opening Stock")
    avg_qty = fields.Float(string="Average Stock")
    avg_stock_value = fields.Monetary(string="Average Stock Value")
    closing_qty = fields.Float(string="Closing Stock")
    stock_value = fields.Monetary(string="Stock Value Tied Up")
    days_of_cover = fields.Float(aggregator=None)
    no_sales = fields.Boolean(string="No Sales")
    last_sale_date = fields.Date()
    slow_rank = fields.Integer(string="Slow-Mover Rank", aggregator=None)
    top_rank = fields.Integer(string="Top-Mover Rank", aggregator=None)


class WholesaleMonthlyReportAdjustment(models.Model):
    _name = "wholesale.monthly.report.adjustment"
    _description = "Monthly Report: Inventory Adjustments"
    _order = "report_id, date, id"

    report_id = fields.Many2one(
        "wholesale.monthly.report", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    categ_id = fields.Many2one("product.category", string="Product Category")
    move_line_id = fields.Many2one("stock.move.line", string="Stock Move Line")
    date = fields.Datetime()
    location_id = fields.Many2one("stock.location", string="Location")
    book_qty = fields.Float(string="Book Quantity")
    counted_qty = fields.Float(string="Counted Quantity")
    difference_qty = fields.Float(string="Difference")
    difference_value = fields.Monetary(string="Difference Value")
