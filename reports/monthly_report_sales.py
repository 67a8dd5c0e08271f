from collections import defaultdict
from datetime import timedelta

from odoo import models
from odoo.tools import SQL

from .monthly_report import POS_DONE_STATES

SALE_KEYS = (
    "gross_revenue",
    "refunded_value",
    "gross_qty",
    "refunded_qty",
    "returned_qty",
    "returned_value",
    "cogs",
    "uncosted_qty",
)


class WholesaleMonthlyReportSales(models.Model):
    """Revenue, cost of goods and quantities per channel and product.

    The ordered basis is Odoo's Sales Analysis (``sale.report`` with
    pos_sale's POS lines): confirmed sale order lines at their order date,
    in the order's channel (``sale.order.wholesale_channel_id``, the desk
    when empty), cost = sale_margin's ``purchase_price``; paid POS lines that
    do not settle a sale order, in their point of sale's channel, cost =
    ``total_cost`` (a line not costed yet at the month's unit cost); POS
    refunds are negative lines. Goods that come back (returns, from the
    return log: see the returns section) do not change revenue; their value
    leaves revenue when they are refunded: a POS refund, or a credit note
    (invoiced basis).

    The invoiced basis is Odoo's Invoicing Analysis: posted customer
    invoices and credit notes dated in the month (POS invoices excepted: the
    POS order counts), in the channel of their sale order, plus all paid POS
    lines (a POS line settling a sale order counts in the order's channel);
    a sale order's cost of goods = the value Odoo recorded on its stock moves
    of the month to customers, less the moves back from customers; a POS
    line keeps its own cost.
    """

    _inherit = "wholesale.monthly.report"

    def _desk_sql(self):
        return SQL(
            "(SELECT desk.id FROM wholesale_sales_channel desk"
            " WHERE desk.company_id = %s AND desk.kind = 'wholesale' LIMIT 1)",
            self.company_id.id,
        )

    def _warehouse_sql(self, column, warehouses):
        if self.warehouse_ids:
            return SQL("%s IN %s", SQL.identifier(*column), tuple(warehouses.ids))
        return SQL("TRUE")

    def _collect_sales(self, start, end, warehouses, paying):
        """{(channel id, product id): {figure: value}} of the month.

        ``paying``: {POS line id: channel id} of the POS lines that pay for a
        sale order (``_pos_lines_paying_orders``)."""
        sales = defaultdict(lambda: defaultdict(float))
        if self.revenue_basis == "invoiced":
            self._collect_invoices(sales, warehouses)
            self._collect_pos(sales, start, end, warehouses, paying, True)
            self._collect_delivered_cost(sales, start, end, warehouses)
        else:
            self._collect_sale_orders(sales, start, end, warehouses)
            self._collect_pos(sales, start, end, warehouses, paying, False)
        self._collect_returned_goods(sales, start, end, warehouses)
        return sales

    def _add_rows(self, sales, rows):
        for row in rows:
            vals = sales[row["channel_id"], row["product_id"]]
            for key in SALE_KEYS:
                if key in row:
                    vals[key] += row[key] or 0.0
            last_sale = row.get("last_sale")
            if last_sale and (
                not vals.get("last_sale") or vals["last_sale"] < last_sale
            ):
                vals["last_sale"] = last_sale

    def _collect_sale_orders(self, sales, start, end, warehouses):
        """Confirmed sale order lines of the month (ordered basis)."""
        rate = SQL(
            "(CASE COALESCE(s.currency_rate, 0) WHEN 0 THEN 1.0"
            " ELSE s.currency_rate END)"
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT COALESCE(s.wholesale_channel_id, %(desk)s) AS channel_id,
                   l.product_id,
                   SUM(l.price_subtotal / %(rate)s) AS gross_revenue,
                   SUM(COALESCE(l.purchase_price, 0) * l.product_uom_qty
                       / %(rate)s) AS cogs,
                   SUM(l.product_uom_qty * lu.factor / NULLIF(pu.factor, 0))
                       AS gross_qty,
                   MAX(CASE WHEN l.product_uom_qty > 0 THEN s.date_order END)
                       AS last_sale
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
          GROUP BY 1, 2
                """,
                desk=self._desk_sql(),
                rate=rate,
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=self._warehouse_sql(("s", "warehouse_id"), warehouses),
            )
        )
        self._add_rows(sales, rows)

    def _collect_pos(self, sales, start, end, warehouses, paying, settlements):
        """Paid POS lines of the month; refunds are the negative lines.

        A POS line that pays for a sale order (pos_sale: it settles a line of
        the order, or it is a down payment on it) is the order's: on the
        ordered basis the order counts and such lines do not; on the invoiced
        basis (``settlements``) they count, in the order's channel, as the
        order is paid at the POS rather than invoiced.
        """
        rate = SQL(
            "(CASE COALESCE(o.currency_rate, 0) WHEN 0 THEN 1.0"
            " ELSE o.currency_rate END)"
        )
        # rounded per line, as Odoo's Point of Sale Analysis does
        amount = SQL(
            "ROUND((SIGN(l.qty) * SIGN(l.price_unit) * ABS(l.price_subtotal))"
            " / %s, %s)",
            rate,
            self.currency_id.decimal_places,
        )
        links = SQL("")
        channel = SQL("ch.id")
        kept = SQL("TRUE")
        if paying and settlements:
            links = SQL(
                "LEFT JOIN unnest(%s::int[], %s::int[]) AS pay(line_id, channel_id)"
                " ON pay.line_id = l.id",
                list(paying),
                list(paying.values()),
            )
            channel = SQL("COALESCE(pay.channel_id, ch.id)")
        elif paying:
            kept = SQL("l.id != ALL(%s::int[])", list(paying))
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT %(channel)s AS channel_id,
                   l.product_id,
                   SUM(CASE WHEN l.qty > 0 THEN %(amount)s ELSE 0 END)
                       AS gross_revenue,
                   SUM(CASE WHEN l.qty < 0 THEN -%(amount)s ELSE 0 END)
                       AS refunded_value,
                   SUM(CASE WHEN l.qty > 0 THEN l.qty ELSE 0 END) AS gross_qty,
                   SUM(CASE WHEN l.qty < 0 THEN -l.qty ELSE 0 END) AS refunded_qty,
                   SUM(CASE WHEN l.is_total_cost_computed
                            THEN l.total_cost / %(rate)s ELSE 0 END) AS cogs,
                   SUM(CASE WHEN l.is_total_cost_computed
                            THEN 0 ELSE l.qty END) AS uncosted_qty,
                   MAX(CASE WHEN l.qty > 0 THEN o.date_order END) AS last_sale
              FROM pos_order_line l
              JOIN pos_order o ON o.id = l.order_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              LEFT JOIN pos_session ses ON ses.id = o.session_id
              LEFT JOIN pos_config cfg ON cfg.id = ses.config_id
              LEFT JOIN wholesale_sales_channel ch ON ch.pos_config_id = cfg.id
              LEFT JOIN stock_picking_type pt ON pt.id = cfg.picking_type_id
              %(links)s
             WHERE o.state IN %(states)s
               AND o.company_id = %(company)s
               AND o.date_order >= %(start)s AND o.date_order < %(end)s
               AND %(kept)s
               AND t.type != 'combo'
               AND %(warehouse)s
          GROUP BY 1, 2
                """,
                channel=channel,
                kept=kept,
                links=links,
                rate=rate,
                amount=amount,
                states=POS_DONE_STATES,
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=self._warehouse_sql(("pt", "warehouse_id"), warehouses),
            )
        )
        self._add_rows(sales, rows)

    def _collect_invoices(self, sales, warehouses):
        """Posted customer invoices and credit notes dated in the month, in
        the company currency, that do not come from a POS order."""
        warehouse = SQL("TRUE")
        if self.warehouse_ids:
            warehouse = SQL("so.warehouse_id IN %s", tuple(warehouses.ids))
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT COALESCE(so.wholesale_channel_id, %(desk)s) AS channel_id,
                   aml.product_id,
                   SUM(CASE WHEN m.move_type = 'out_invoice'
                            THEN -aml.balance ELSE 0 END) AS gross_revenue,
                   SUM(CASE WHEN m.move_type = 'out_refund'
                            THEN aml.balance ELSE 0 END) AS refunded_value,
                   SUM(CASE WHEN m.move_type = 'out_invoice'
                            THEN aml.quantity * COALESCE(lu.factor, 1)
                                 / NULLIF(COALESCE(pu.factor, 1), 0)
                            ELSE 0 END) AS gross_qty,
                   SUM(CASE WHEN m.move_type = 'out_refund'
                            THEN aml.quantity * COALESCE(lu.factor, 1)
                                 / NULLIF(COALESCE(pu.factor, 1), 0)
                            ELSE 0 END) AS refunded_qty
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
              JOIN product_product p ON p.id = aml.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              LEFT JOIN uom_uom lu ON lu.id = aml.product_uom_id
              LEFT JOIN uom_uom pu ON pu.id = t.uom_id
              LEFT JOIN LATERAL (
                    SELECT s.wholesale_channel_id, s.warehouse_id
                      FROM sale_order_line_invoice_rel rel
                      JOIN sale_order_line sl ON sl.id = rel.order_line_id
                      JOIN sale_order s ON s.id = sl.order_id
                     WHERE rel.invoice_line_id = aml.id
                  ORDER BY s.id LIMIT 1
              ) so ON TRUE
             WHERE m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.company_id = %(company)s
               AND m.invoice_date >= %(date_from)s
               AND m.invoice_date <= %(date_to)s
               AND aml.display_type = 'product'
               AND t.type != 'combo'
               AND NOT EXISTS (SELECT 1 FROM pos_order po
                                WHERE po.account_move = m.id)
               AND %(warehouse)s
          GROUP BY 1, 2
                """,
                desk=self._desk_sql(),
                company=self.company_id.id,
                date_from=self.date_from,
                date_to=self.date_to,
                warehouse=warehouse,
            )
        )
        self._add_rows(sales, rows)

    def _collect_delivered_cost(self, sales, start, end, warehouses):
        """Invoiced basis: the sale orders' cost of goods = the value Odoo
        recorded on the done moves of the month to their customers, less the
        moves back from them (a price-only credit note moves no goods, so it
        changes no cost). POS lines keep their own cost: paid up front, they
        count the same on both bases."""
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT COALESCE(so.wholesale_channel_id, %(desk)s) AS channel_id,
                   m.product_id,
                   SUM(CASE WHEN dst.usage = 'customer' THEN COALESCE(m.value, 0)
                            ELSE -COALESCE(m.value, 0) END) AS cogs
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
              JOIN sale_order_line sl ON sl.id = m.sale_line_id
              JOIN sale_order so ON so.id = sl.order_id
             WHERE m.state = 'done'
               AND m.company_id = %(company)s
               AND m.date >= %(start)s AND m.date < %(end)s
               AND (dst.usage = 'customer') != (src.usage = 'customer')
               AND %(warehouse)s
          GROUP BY 1, 2
                """,
                desk=self._desk_sql(),
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=self._warehouse_sql(("so", "warehouse_id"), warehouses),
            )
        )
        self._add_rows(sales, rows)

    def _collect_last_sale(self, end, warehouses, product_ids):
        """Last sale date of ``product_ids`` (products without a sale in the
        month) within the year before the month's end, from sale orders and
        POS orders; older sales are not looked up."""
        if not product_ids:
            return {}
        since = end - timedelta(days=365)
        products = tuple(product_ids)
        queries = [
            SQL(
                """SELECT l.product_id, MAX(s.date_order) AS last_sale
                     FROM sale_order_line l
                     JOIN sale_order s ON s.id = l.order_id
                    WHERE s.state = 'sale' AND s.company_id = %s
                      AND s.date_order >= %s AND s.date_order < %s
                      AND l.product_id IN %s
                      AND l.product_uom_qty > 0 AND %s
                 GROUP BY l.product_id""",
                self.company_id.id,
                since,
                end,
                products,
                self._warehouse_sql(("s", "warehouse_id"), warehouses),
            ),
            SQL(
                """SELECT l.product_id, MAX(o.date_order) AS last_sale
                     FROM pos_order_line l
                     JOIN pos_order o ON o.id = l.order_id
                     LEFT JOIN pos_session ses ON ses.id = o.session_id
                     LEFT JOIN pos_config cfg ON cfg.id = ses.config_id
                     LEFT JOIN stock_picking_type pt ON pt.id = cfg.picking_type_id
                    WHERE o.state IN %s AND o.company_id = %s
                      AND o.date_order >= %s AND o.date_order < %s
                      AND l.product_id IN %s
                      AND l.qty > 0 AND %s
                 GROUP BY l.product_id""",
                POS_DONE_STATES,
                self.company_id.id,
                since,
                end,
                products,
                self._warehouse_sql(("pt", "warehouse_id"), warehouses),
            ),
        ]
        last = {}
        for query in queries:
            for product_id, last_sale in self.env.execute_query(query):
                if not last.get(product_id) or last[product_id] < last_sale:
                    last[product_id] = last_sale
        return last

    # ------------------------------------------------------------------
    # Values for the sales sections
    # ------------------------------------------------------------------

    def _line_figures(self, vals):
        gross_revenue = vals.get("gross_revenue", 0.0)
        refunded = vals.get("refunded_value", 0.0)
        revenue = gross_revenue - refunded
        cogs = vals.get("cogs", 0.0)
        gross_qty = vals.get("gross_qty", 0.0)
        qty_sold = gross_qty - vals.get("refunded_qty", 0.0)
        return {
            "gross_revenue": gross_revenue,
            "refunded_value": refunded,
            "revenue": revenue,
            "cogs": cogs,
            "margin": revenue - cogs,
            "gross_qty": gross_qty,
            "returned_qty": vals.get("returned_qty", 0.0),
            "returned_value": vals.get("returned_value", 0.0),
            "qty_sold": qty_sold,
        }

    def _return_rates(self, figures):
        """Goods returned (the return log) per 100 sold, by value at sale
        price and by pieces, against the gross sales."""
        return {
            "return_rate_value": 100.0
            * figures["returned_value"]
            / figures["gross_revenue"]
            if figures["gross_revenue"]
            else 0.0,
            "return_rate_qty": 100.0 * figures["returned_qty"] / figures["gross_qty"]
            if figures["gross_qty"]
            else 0.0,
        }

    def _prepare_line_vals(self, sales, info):
        vals_list = []
        for (channel_id, pid), vals in sales.items():
            categ_id, _storable, carton = info.get(pid, (False, False, 0.0))
            figures = self._line_figures(vals)
            cartons, loose = self._split_cartons(figures["qty_sold"], carton)
            vals_list.append(
                {
                    **self._section_vals(),
                    **figures,
                    **self._return_rates(figures),
                    "channel_id": channel_id,
                    "product_id": pid,
                    "categ_id": categ_id,
                    "qty_cartons": cartons,
                    "qty_loose": loose,
                }
            )
        return vals_list

    def _prepare_summary_vals(self, line_vals, info):
        """One row per channel with sales (in the channels' order), then the
        total. Whole cartons are counted per product: on a channel's row, of
        what that channel sold; on the total row, of what all sold (half a
        carton sold at the desk and half at the counter make one)."""
        channels = self.env["wholesale.sales.channel"].with_context(active_test=False)
        channels = channels.browse({vals["channel_id"] for vals in line_vals})
        rows = []
        for channel in [*channels.sorted(), False]:
            lines = [
                vals
                for vals in line_vals
                if channel is False or vals["channel_id"] == channel.id
            ]
            row = {
                key: sum(vals[key] for vals in lines)
                for key in (
                    "gross_revenue",
                    "refunded_value",
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
                    "channel_id": channel.id if channel else False,
                    "is_total": channel is False,
                    "sequence": len(rows) + 1,
                    "margin_percent": 100.0 * row["margin"] / row["revenue"]
                    if row["revenue"]
                    else 0.0,
                    **self._return_rates(row),
                }
            )
            if channel is False:
                per_product = defaultdict(float)
                for vals in line_vals:
                    per_product[vals["product_id"]] += vals["qty_sold"]
                row["qty_cartons"] = sum(
                    self._split_cartons(qty, info.get(pid, (0, 0, 0.0))[2])[0]
                    for pid, qty in per_product.items()
                )
            rows.append(row)
        return rows
