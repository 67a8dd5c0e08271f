"""19.0.1.2.0: the monthly report counts per sales channel.

* Computed reports lose their section rows (they were keyed by a
  "wholesale"/"retail" selection; the rows are now per channel record) and
  go back to draft: one click on Compute rebuilds them.
* Every existing sale order is the wholesale desk's (the channel the report
  gave it before); filled here by SQL so that the upgrade does not compute
  the new stored field order by order.
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
        cr.execute("UPDATE wholesale_monthly_report SET state = 'draft'")
    if not _column_exists(cr, "sale_order", "wholesale_channel_id"):
        cr.execute("ALTER TABLE sale_order ADD COLUMN wholesale_channel_id int4")
        cr.execute(
            """
            UPDATE sale_order s
               SET wholesale_channel_id = desk.id
              FROM wholesale_sales_channel desk
             WHERE desk.company_id = s.company_id AND desk.kind = 'wholesale'
            """
        )
