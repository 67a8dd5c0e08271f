from odoo import models
from odoo.tools import SQL


class WholesaleMonthlyReportReturns(models.Model):
    """Goods that came back in the month.

    Every figure here reads the return log (``wholesale.return.log``), which
    every way of returning goods writes: the Return Goods wizard, a refund on
    the POS ticket screen, Inventory's Return of a delivery. Its ``done`` rows
    dated in the month give the returned pieces and value of each channel and
    product (and so the return rates) and the returns by reason section.

    Returns are goods; refunds are money. Revenue is lowered by refunds only,
    exactly as Odoo's analysis reports count them (see the sales section): a
    POS refund on both bases, a credit note on the invoiced basis. Goods that
    a wholesale customer sends back leave revenue when a credit note refunds
    them; on the ordered basis revenue keeps them, as Odoo's Sales Analysis
    does.
    """

    _inherit = "wholesale.monthly.report"

    def _return_log_warehouse_sql(self, warehouses):
        """The report's warehouses, on the return log's rows (``log``)."""
        if not self.warehouse_ids:
            return SQL("TRUE")
        return SQL("log.warehouse_id IN %s", tuple(warehouses.ids))

    def _collect_return_log(self, start, end, warehouses):
        """Returns by channel, reason and disposition from the return log,
        done in the month, in the report's warehouses and channels."""
        warehouse = self._return_log_warehouse_sql(warehouses)
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

    def _collect_returned_goods(self, sales, start, end, warehouses):
        """Goods that came back in the month, per channel and product, from
        the return log: pieces (``returned_qty``) and their value at sale
        price (``returned_value``) of the ``done`` rows dated in the month, in
        the report's warehouses. The return rates divide them by the gross
        sales. Informational: what lowers revenue is the refund (a POS refund,
        a credit note), counted by the sales section."""
        warehouse = self._return_log_warehouse_sql(warehouses)
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT COALESCE(log.channel_id, %(desk)s) AS channel_id,
                   log.product_id,
                   SUM(log.qty) AS returned_qty,
                   SUM(log.value_sale) AS returned_value
              FROM wholesale_return_log log
             WHERE log.state = 'done'
               AND log.company_id = %(company)s
               AND log.date >= %(start)s AND log.date < %(end)s
               AND %(warehouse)s
          GROUP BY 1, 2
                """,
                desk=self._desk_sql(),
                company=self.company_id.id,
                start=start,
                end=end,
                warehouse=warehouse,
            )
        )
        self._add_rows(sales, rows)
