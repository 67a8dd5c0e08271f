from odoo import api, models

from .wholesale_stock_pool import SCHEDULER_ASSIGN, server_mark


class StockRule(models.Model):
    _inherit = "stock.rule"

    @api.model
    def _run_scheduler_tasks(self, use_new_cursor=False, company_id=False):
        """The scheduler reserves without taking pool rows.

        It reserves up to 1,000 moves a chunk in a cron that is not retried: a
        serialization failure would drop the whole chunk. Its reservations
        never take more than the free quantity (``stock.quant``), so they
        cannot oversell.
        """
        with server_mark(SCHEDULER_ASSIGN):
            return super()._run_scheduler_tasks(
                use_new_cursor=use_new_cursor, company_id=company_id
            )
