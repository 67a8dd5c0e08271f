"""19.0.1.2.0: sale orders get the wholesale desk as their channel; a report
that covered wholesale or retail only covers the desk or the points of sale.
"""


def migrate(cr, version):
    if not version:
        return
    # the monthly mail runs at noon UTC (it ran at 03:00, still the last day
    # of the month west of UTC); its record is noupdate
    cr.execute(
        """
        UPDATE ir_cron c
           SET nextcall = date_trunc('day', c.nextcall) + INTERVAL '12 hours'
          FROM ir_model_data d
         WHERE d.model = 'ir.cron' AND d.res_id = c.id
           AND d.module = 'wholesale_retail'
           AND d.name = 'ir_cron_wholesale_monthly_report'
           AND EXTRACT(HOUR FROM c.nextcall) < 12
        """
    )
    cr.execute(
        """
        UPDATE sale_order s
           SET wholesale_channel_id = desk.id
          FROM wholesale_sales_channel desk
         WHERE s.wholesale_channel_id IS NULL
           AND desk.company_id = s.company_id AND desk.kind = 'wholesale'
        """
    )
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'wholesale_monthly_report' AND column_name = 'channels'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        INSERT INTO wholesale_monthly_report_wholesale_sales_channel_rel
               (wholesale_monthly_report_id, wholesale_sales_channel_id)
        SELECT r.id, ch.id
          FROM wholesale_monthly_report r
          JOIN wholesale_sales_channel ch ON ch.company_id = r.company_id
         WHERE (r.channels = 'wholesale' AND ch.kind = 'wholesale')
            OR (r.channels = 'retail' AND ch.kind = 'pos')
        ON CONFLICT DO NOTHING
        """
    )
    cr.execute("ALTER TABLE wholesale_monthly_report DROP COLUMN channels")
