"""19.0.1.4.0: the monthly report has a Receivables section (wholesale
invoiced, collected, open and overdue by ageing bucket). Reports computed
before get theirs, aged on their month's last day as a new computation would
age them; nothing else of theirs changes."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    reports = env["wholesale.monthly.report"].search([("state", "=", "done")])
    for report in reports:
        report.with_company(report.company_id)._compute_receivables()
