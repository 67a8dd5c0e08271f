from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import models
from odoo.tools import SQL


class WholesaleMonthlyReportStock(models.Model):
    """Stock at the month's dates, its value, turnover and the movers.

    Quantities come from the done move lines in the internal locations of
    the report's warehouses: the opening and closing quantity, and the
    time-weighted average over the month. Values use the unit cost Odoo's
    own valuation gives at each date (``stock_account``: the standard price
    in force then, from ``product.value``; the average or FIFO cost from the
    moves' recorded values), not today's cost: the opening stock at the
    month's first instant, the closing and the average stock at its end.

    Turnover days = average stock value / (cost of goods sold / days), both
    on stocked products only. Days of cover = closing quantity / pieces sold
    per day; a product with stock and no sales has "no sales", not 0.
    """

    _inherit = "wholesale.monthly.report"

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

    def _unit_costs(self, products, start, end):
        """{product id: (unit cost at the month's start, at its end)} from
        Odoo's valuation at those dates (stock_account's ``avg_cost`` with
        ``to_date``; for standard costing, the standard price then in force).
        """
        products = products.with_company(self.company_id).with_context(
            allowed_company_ids=self.company_id.ids
        )
        costs = defaultdict(lambda: [0.0, 0.0])
        if not products:
            return costs
        products.fetch(["cost_method", "standard_price"])
        standard = products.filtered(lambda product: product.cost_method == "standard")
        others = products - standard
        # the last instant before each bound: a move at midnight is the month's
        for index, bound in enumerate((start, end)):
            at = bound - timedelta(microseconds=1)
            if standard:
                # the standard price in force then: stock_account's history
                # (what its _run_standard_batch reads), today's without one
                in_force = standard._get_last_product_value(at)
                for product in standard:
                    value = in_force.get(product)
                    costs[product.id][index] = (
                        value.value if value else product.standard_price
                    )
            for product in others.with_context(to_date=at):
                if product.uom_id.is_zero(product.qty_available):
                    # none in stock then: Odoo's avg_cost would fall back on
                    # today's cost; the last receipt's cost is that date's
                    last_in = product._get_last_in(at)
                    costs[product.id][index] = (
                        last_in.value / last_in.product_qty
                        if last_in and last_in.product_qty
                        else product.standard_price
                    )
                else:
                    costs[product.id][index] = product.avg_cost
        return costs

    def _prepare_product_vals(self, sales, stock, last_sales, costs, info):
        per_product = defaultdict(lambda: defaultdict(float))
        for (_channel, pid), vals in sales.items():
            figures = self._line_figures(vals)
            for key in ("qty_sold", "revenue", "cogs"):
                per_product[pid][key] += figures[key]
        days = self.days or 1
        vals_list = []
        for pid in set(per_product) | set(stock):
            categ_id, storable, carton = info.get(pid, (False, False, 0.0))
            if not storable:
                continue
            sold = per_product[pid]
            moves = stock.get(pid, {})
            qty_sold = sold.get("qty_sold", 0.0)
            cogs = sold.get("cogs", 0.0)
            opening = moves.get("opening_qty", 0.0)
            avg_qty = moves.get("avg_qty", 0.0)
            closing = moves.get("closing_qty", 0.0)
            open_cost, close_cost = costs[pid]
            avg_value = avg_qty * close_cost
            last_sale = last_sales.get(pid)
            cartons, loose = self._split_cartons(qty_sold, carton)
            vals_list.append(
                {
                    **self._section_vals(),
                    "product_id": pid,
                    "categ_id": categ_id,
                    "qty_sold": qty_sold,
                    "qty_cartons": cartons,
                    "qty_loose": loose,
                    "revenue": sold.get("revenue", 0.0),
                    "cogs": cogs,
                    "unit_cost": close_cost,
                    "opening_qty": opening,
                    "opening_value": opening * open_cost,
                    "avg_qty": avg_qty,
                    "avg_stock_value": avg_value,
                    "closing_qty": closing,
                    "stock_value": closing * close_cost,
                    "no_sales": qty_sold <= 0,
                    "days_of_cover": closing / (qty_sold / days)
                    if qty_sold > 0 and closing > 0
                    else 0.0,
                    "turnover_days": avg_value / (cogs / days) if cogs > 0 else 0.0,
                    "last_sale_date": last_sale and self._local_date(last_sale),
                }
            )
        self._rank_movers(vals_list)
        return vals_list

    def _local_date(self, moment):
        """The date of a UTC ``moment`` in the company's time zone."""
        tz = pytz.timezone(self.tz or "UTC")
        return pytz.utc.localize(moment).astimezone(tz).date()

    def _rank_movers(self, vals_list):
        """Slow movers: products in stock, those without sales first (most
        value tied up first), then the longest cover. Top movers: most
        pieces sold. The first N of each (the company's setting) are listed
        on screen and in the PDF; the XLSX has them all."""
        limit = self._slow_movers_limit()
        slow = sorted(
            (vals for vals in vals_list if vals["closing_qty"] > 0),
            key=lambda vals: (
                not vals["no_sales"],
                -vals["days_of_cover"] if not vals["no_sales"] else 0.0,
                -vals["stock_value"],
                vals["product_id"],
            ),
        )
        for rank, vals in enumerate(slow, 1):
            vals["slow_rank"] = rank
            vals["is_slow_listed"] = rank <= limit
        top = sorted(
            (vals for vals in vals_list if vals["qty_sold"] > 0),
            key=lambda vals: (-vals["qty_sold"], -vals["revenue"], vals["product_id"]),
        )
        for rank, vals in enumerate(top, 1):
            vals["top_rank"] = rank
            vals["is_top_listed"] = rank <= limit

    def _stock_totals(self, product_vals):
        days = self.days or 1
        avg_value = sum(vals["avg_stock_value"] for vals in product_vals)
        stocked_cogs = sum(vals["cogs"] for vals in product_vals)
        return {
            "opening_stock_value": sum(vals["opening_value"] for vals in product_vals),
            "closing_stock_value": sum(vals["stock_value"] for vals in product_vals),
            "avg_stock_value": avg_value,
            "stocked_cogs": stocked_cogs,
            "turnover_days": avg_value / (stocked_cogs / days)
            if stocked_cogs > 0
            else 0.0,
        }

    def _slow_movers(self, limit=None):
        self.ensure_one()
        movers = self.product_ids.filtered("slow_rank").sorted("slow_rank")
        return movers[: limit or self.slow_movers_limit or 20]

    def _top_movers(self, limit=None):
        self.ensure_one()
        movers = self.product_ids.filtered("top_rank").sorted("top_rank")
        return movers[: limit or self.slow_movers_limit or 20]
