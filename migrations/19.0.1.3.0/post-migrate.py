"""19.0.1.3.0: every goods return has its row of the return log. Returns
made before the log (or, for a return of a delivery with Inventory's own
Return button, before it was logged) get theirs: POS refunds dated at the
refund order, returns of sale orders' deliveries dated when the goods came
back. The monthly report reads its returns and return rates from the log."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["wholesale.return.log"]._wholesale_backfill()
