#!/usr/bin/env python3
"""Install from the Apps menu and uninstall, as a new user would, with real commits.

Run by ``scripts/wr.py test`` as ``python3 this.py <odoo options> -d <db>``. It
works on its own scratch database ``<db>_apps`` (created without demo data and
dropped at the end):

1. the Apps list shows "Wholesale & Retail" as an application, not installed;
2. ``button_immediate_install`` (the Install button) installs it and its
   dependencies;
3. stock, sales and POS data are created, then the addon is uninstalled with
   ``button_immediate_uninstall``: the data is intact and the addon's columns
   and menus are gone.

It ends with ``N passed, N failed`` and exits non-zero on any failure.
"""

import sys
import time
from contextlib import closing
from pathlib import Path

from odoo import api
from odoo.modules.registry import Registry
from odoo.service import db as db_service
from odoo.tools import config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _checks import check, drop_database, report, scratch_run

MODULE = "wholesale_retail"


def env_of(registry, cr):
    return api.Environment(cr, api.SUPERUSER_ID, {})


def snapshot(env):
    """Counts and quantities that must survive the uninstall."""
    product = env["product.product"].search([("default_code", "=", "WR-APPS-1")])
    order = env["sale.order"].search([("client_order_ref", "=", "WR-APPS")])
    return {
        "product": product.id,
        "qty_available": product.qty_available,
        "order_state": order.state,
        "order_amount": order.amount_total,
        "pickings": len(order.picking_ids),
        "moves_done": len(
            order.picking_ids.move_ids.filtered(lambda m: m.state == "done")
        ),
        "partner": env["res.partner"].search_count([("name", "=", "WR Apps Customer")]),
        "pos_configs": env["pos.config"].search_count([("name", "=", "WR Apps Shop")]),
        "quants": env["stock.quant"].search_count([("product_id", "=", product.id)]),
    }


def create_business_data(env):
    product = env["product.product"].create(
        {
            "name": "WR Apps Rice Cooker",
            "default_code": "WR-APPS-1",
            "is_storable": True,
            "list_price": 30.0,
            "standard_price": 20.0,
        }
    )
    warehouse = env["stock.warehouse"].search([], limit=1)
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100)
    partner = env["res.partner"].create(
        {"name": "WR Apps Customer", "wholesale_customer": True}
    )
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "client_order_ref": "WR-APPS",
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 48})],
        }
    )
    order.action_confirm()
    picking = order.picking_ids
    picking.move_ids.quantity = 48
    picking.move_ids.picked = True
    picking.button_validate()
    env["pos.config"].create({"name": "WR Apps Shop"})


def main(argv):
    config.parse_config(argv)
    source_db = config["db_name"][0]
    scratch = f"{source_db}_apps"
    started = time.time()
    drop_database(scratch)
    db_service._create_empty_database(scratch)
    config["without_demo"] = True
    with scratch_run(scratch):
        registry = Registry.new(scratch, update_module=True, new_db_demo=False)
        with closing(registry.cursor()) as cr:
            env = env_of(registry, cr)
            env["ir.module.module"].update_list()
            module = env["ir.module.module"].search([("name", "=", MODULE)])
            apps = env["ir.module.module"].search(
                [("application", "=", True), ("state", "=", "uninstalled")]
            )
            check("Apps lists the module", module in apps, f"({module.shortdesc})")
            check("as 'Wholesale & Retail'", module.shortdesc == "Wholesale & Retail")
            cr.commit()  # pylint: disable=invalid-commit
            module.button_immediate_install()
        registry = Registry(scratch)
        with closing(registry.cursor()) as cr:
            env = env_of(registry, cr)
            module = env["ir.module.module"].search([("name", "=", MODULE)])
            check("installed from Apps", module.state == "installed")
            check(
                "dependencies installed",
                all(
                    env["ir.module.module"].search([("name", "=", dep)]).state
                    == "installed"
                    for dep in ("sale_stock", "point_of_sale", "pos_sale")
                ),
            )
            create_business_data(env)
            before = snapshot(env)
            check("data created", before["qty_available"] == 52, str(before))
            cr.commit()  # pylint: disable=invalid-commit
            module.button_immediate_uninstall()
        registry = Registry(scratch)
        with closing(registry.cursor()) as cr:
            env = env_of(registry, cr)
            module = env["ir.module.module"].search([("name", "=", MODULE)])
            check("uninstalled", module.state == "uninstalled")
            after = snapshot(env)
            check("stock, sales and POS data intact", after == before, str(after))
            check(
                "addon column removed",
                "wholesale_customer" not in env["res.partner"]._fields,
            )
            check(
                "addon menus removed",
                not env["ir.model.data"].search_count([("module", "=", MODULE)]),
            )
    return report("install/uninstall from Apps", started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
