"""19.0.1.5.0: the overview is a dashboard (a client action over the abstract
model ``wholesale.overview``), no longer a transient record per visit. The
transient's table and its company rule (a ``noupdate`` record, which an update
neither rewrites nor deletes, on a field the model no longer has) go."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref(
        "wholesale_retail.wholesale_overview_rule_company", raise_if_not_found=False
    )
    if rule:
        rule.unlink()
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier("wholesale_overview")))
