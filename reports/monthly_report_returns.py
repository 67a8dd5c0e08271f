from odoo import models
from odoo.tools import SQL


class WholesaleMonthlyReportReturns(models.Model):
    """Goods that came back in the month.

    The return log's rows (the Return Goods wizard) give the returns by
    reason section. A POS refund is a negative POS line (its pieces come
    back at the counter, its value is a refund on both bases: see the sales
    section). Goods that a wholesale customer sends back are the done return
    moves of a sale order line, received in the month: returned pieces of the
    order's channel. Their value leaves revenue when a credit note refunds
    them (invoiced basis); on the ordered basis revenue keeps them, as Odoo's
    Sales Analysis does.
    """

    _inherit = "wholesale.monthly.report"

    def _collect_return_log(self, start, end, warehouses):
        """Returns by channel, reason and disposition from the return log
        (``wholesale.return.log``: the Return Goods wizard's rows), done in
        the month, in the report's warehouses and channels."""
        warehouse = SQL("TRUE")
        if self.warehouse_ids:
            warehouse = SQL("log.warehouse_id IN %s", tuple(warehouses.ids))
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT log.channel_id, log.reason_id, log.disposition,
                   COUNT(*) AS returns, SUM(log.qty) AS qty,
                   SUM(log.value_sale) AS value_sale,
                   SUM(log.value_cost) AS value_cost
              FROM wholesale_return_log log
             WHERE log.state = 'done'
               AND log.company_id = %(company)s
               AND log.date >= %(start)s AND log.date < %(end)s
               AND %(warehouse)s
          GROUP BY 1, 2, 3
                """,
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=warehouse,
            )
        )
        wanted = set(self.channel_ids.ids)
        return [
            {**self._section_vals(), **row}
            for row in rows
            if not wanted or row["channel_id"] in wanted
        ]

    def _collect_customer_returns(self, sales, start, end, warehouses):
        """Pieces that came back from wholesale customers in the month (done
        return moves of a sale order line): informational on both bases."""
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT COALESCE(s.wholesale_channel_id, %(desk)s) AS channel_id,
                   m.product_id,
                   SUM(ml.quantity_product_uom) AS returned_qty
              FROM stock_move m
              JOIN stock_move_line ml ON ml.move_id = m.id
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
              JOIN sale_order_line l ON l.id = m.sale_line_id
              JOIN sale_order s ON s.id = l.order_id
             WHERE m.state = 'done' AND ml.state = 'done'
               AND m.origin_returned_move_id IS NOT NULL
               AND src.usage = 'customer'
               AND dst.usage != 'customer'
               AND m.company_id = %(company)s
               AND m.date >= %(start)s AND m.date < %(end)s
               AND %(warehouse)s
          GROUP BY 1, 2
                """,
                desk=self._desk_sql(),
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=self._warehouse_sql(("s", "warehouse_id"), warehouses),
            )
        )
        self._add_rows(sales, rows)
