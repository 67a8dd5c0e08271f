"""19.0.1.1.0: the per-warehouse POS oversell policy becomes the warehouse's
default channel rule (refuse -> block, allow -> warn, protect wholesale
reservations -> protect), and every company and POS gets its sales channel."""

from odoo import SUPERUSER_ID, api

from odoo.addons.wholesale_retail.hooks import _wholesale_setup_channels


def migrate(cr, version):
    policies = {}
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'stock_warehouse'
           AND column_name = 'wholesale_pos_oversell_policy'
        """
    )
    if cr.fetchone():
        cr.execute("SELECT id, wholesale_pos_oversell_policy FROM stock_warehouse")
        policies = dict(cr.fetchall())
    env = api.Environment(cr, SUPERUSER_ID, {})
    _wholesale_setup_channels(env, policies)
    if policies:
        cr.execute(
            "ALTER TABLE stock_warehouse DROP COLUMN wholesale_pos_oversell_policy"
        )
