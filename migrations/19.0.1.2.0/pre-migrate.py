"""19.0.1.2.0: the monthly report counts per sales channel.

* Computed reports lose their section rows (they were keyed by a
  "wholesale"/"retail" selection; the rows are now per channel record) and
  go back to draft: one click on Compute rebuilds them. Their old scope is
  kept for the post-migration (the column stays until then).
* Every existing sale order will be the wholesale desk's (the channel the
  report gave it before): the column is added here, empty, so that the
  upgrade does not compute the new stored field order by order; the
  post-migration fills it once the desks exist (they come with 19.0.1.1.0).
"""


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
    if _column_exists(cr, "wholesale_monthly_report", "channels"):
        cr.execute("DELETE FROM wholesale_monthly_report_summary")
        cr.execute("DELETE FROM wholesale_monthly_report_line")
        cr.execute("DELETE FROM wholesale_monthly_report_product")
        cr.execute("DELETE FROM wholesale_monthly_report_adjustment")
        cr.execute(
            """UPDATE wholesale_monthly_report
                  SET state = 'draft', revenue = 0, cogs = 0, margin = 0,
                      margin_percent = 0, return_rate_value = 0,
                      turnover_days = 0, adjustment_value = 0"""
        )
    if not _column_exists(cr, "sale_order", "wholesale_channel_id"):
        cr.execute("ALTER TABLE sale_order ADD COLUMN wholesale_channel_id int4")
