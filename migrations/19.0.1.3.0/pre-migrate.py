"""19.0.1.3.0: the monthly report's "returns" are now the goods that came back
(the return log) and its "refunds" the money given back, which lowers revenue;
its return rates are read from the log. Reports computed before hold the old
meaning under the old column: they go back to draft, and one click on Compute
rebuilds them (after the post-migration has filled in the log)."""


def _column_exists(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_name = %s AND column_name = %s",
        (table, column),
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version:
        return
    if _column_exists(cr, "wholesale_monthly_report_summary", "refunded_value"):
        return  # already of this version
    cr.execute("DELETE FROM wholesale_monthly_report_summary")
    cr.execute("DELETE FROM wholesale_monthly_report_line")
    cr.execute("DELETE FROM wholesale_monthly_report_product")
    cr.execute("DELETE FROM wholesale_monthly_report_adjustment")
    if _column_exists(cr, "wholesale_monthly_report_return", "id"):
        cr.execute("DELETE FROM wholesale_monthly_report_return")
    cr.execute(
        """UPDATE wholesale_monthly_report
              SET state = 'draft', revenue = 0, cogs = 0, margin = 0,
                  margin_percent = 0, return_rate_value = 0,
                  turnover_days = 0, adjustment_value = 0
            WHERE state = 'done'"""
    )
