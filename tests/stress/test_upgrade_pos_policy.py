#!/usr/bin/env python3
"""Upgrade from 19.0.1.0.0 with ``odoo-bin -u``, as an administrator would
(through 19.0.1.1.0's, 19.0.1.2.0's and 19.0.1.3.0's migrations).

Run by ``scripts/wr.py test`` as ``python3 this.py <odoo options> -d <db>``. On a
copy of the test database (``<db>_upgrade``, dropped at the end):

1. the database is put back in the state 19.0.1.0.0 left it: the POS oversell
   policy is a column of ``stock_warehouse`` (one warehouse "refuse", one
   "allow", one "protect_wholesale"), there is no sales channel and no channel
   rule, and the module's installed version is 19.0.1.0.0;
2. a real ``odoo-bin -u wholesale_retail`` runs the migration;
3. each warehouse has one default rule with the same behaviour (block, warn,
   protect), every POS and company has its channel, the old column is gone,
   and the "refuse" warehouse still refuses a POS sale beyond its free stock;
   the sale orders are the wholesale desk's, a monthly report that covered
   "wholesale" or "retail" covers the desk or the points of sale, back in
   draft without its old rows, and the monthly mail runs at noon UTC; a
   delivery returned before the return log existed has its row of the log.

It ends with ``N passed, N failed`` and exits non-zero on any failure.
"""

import ast
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _checks import check, drop_database, report, scratch_run

MODULE = "wholesale_retail"
VERSION = ast.literal_eval(
    (Path(__file__).resolve().parents[2] / "__manifest__.py").read_text()
)["version"]
POLICIES = {"WR Up Refuse": "refuse", "WR Up Allow": "allow", "WR Up Protect": None}
EXPECTED = {"WR Up Refuse": "block", "WR Up Allow": "warn", "WR Up Protect": "protect"}


def env_of(cr):
    return api.Environment(cr, api.SUPERUSER_ID, {})


def copy_database(source, target):
    drop_database(target)
    Registry.delete(source)
    odoo.sql_db.close_db(source)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s",
                SQL.identifier(target),
                SQL.identifier(source),
            )
        )


OLD_MAIL_BODY = """<div>
    <p>Hello, here is the report. Sent by WR Up.</p>
    <ul>
        <li>Margin: (<t t-out="'%.1f' % object.margin_percent">25.0</t> %)</li>
        <li>Return rate: <t t-out="'%.1f' % object.return_rate_value">1.0</t> %</li>
        <li>Turnover days: <t t-out="'%.1f' % object.turnover_days">30.0</t></li>
    </ul>
</div>"""


def make_old_database(db):
    """The data of a shop, then the schema and version of 19.0.1.0.0."""
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        company = env.ref("base.main_company")
        product = env["product.product"].create(
            {"name": "WR Up Kettle", "is_storable": True, "list_price": 20.0}
        )
        for index, name in enumerate(POLICIES):
            warehouse = env["stock.warehouse"].create(
                {"name": name, "code": f"WRU{index}", "company_id": company.id}
            )
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 10
            )
            picking_type = warehouse.pos_type_id
            env["pos.config"].create(
                {"name": f"{name} Shop", "picking_type_id": picking_type.id}
            )
        cr.execute(
            "ALTER TABLE stock_warehouse ADD COLUMN wholesale_pos_oversell_policy "
            "varchar NOT NULL DEFAULT 'protect_wholesale'"
        )
        for name, policy in POLICIES.items():
            if policy:
                cr.execute(
                    "UPDATE stock_warehouse SET wholesale_pos_oversell_policy = %s "
                    "WHERE name = %s",
                    [policy, name],
                )
        # 19.0.1.0.0's monthly reports: a "channels" scope, rows per scope
        partner = env["res.partner"].create({"name": "WR Up Buyer"})
        env["sale.order"].create({"partner_id": partner.id, "name": "WR Up SO"})
        for scope in ("wholesale", "retail"):
            report = env["wholesale.monthly.report"].create(
                {"date_from": "2025-03-01", "company_id": company.id}
            )
            report.action_compute()
            report.name = f"WR Up {scope}"
        # a delivery returned (Inventory's Return) before the return log
        refuse = env["stock.warehouse"].search([("name", "=", "WR Up Refuse")])
        returned = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "name": "WR Up Returned SO",
                "warehouse_id": refuse.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                ],
            }
        )
        returned.action_confirm()
        delivery = returned.picking_ids
        delivery.move_ids.quantity = 2
        delivery.move_ids.picked = True
        delivery.button_validate()
        wizard = (
            env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1
        back = env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        back.move_ids.quantity = 1
        back.move_ids.picked = True
        back.button_validate()
        env.flush_all()
        cr.execute("DELETE FROM wholesale_return_log")
        for table in (
            "wholesale_monthly_report_summary",
            "wholesale_monthly_report_line",
        ):
            cr.execute(
                SQL("ALTER TABLE %s DROP COLUMN refunded_value", SQL.identifier(table))
            )
        cr.execute("ALTER TABLE wholesale_monthly_report ADD COLUMN channels varchar")
        cr.execute(
            "UPDATE wholesale_monthly_report SET channels = substr(name, 7)"
            " WHERE name LIKE 'WR Up %'"
        )
        cr.execute("ALTER TABLE sale_order DROP COLUMN wholesale_channel_id")
        cr.execute(
            "UPDATE ir_cron SET nextcall = date_trunc('day', nextcall)"
            " + INTERVAL '3 hours' WHERE id = %s",
            [env.ref("wholesale_retail.ir_cron_wholesale_monthly_report").id],
        )
        cr.execute("DELETE FROM wholesale_monthly_report_wholesale_sales_channel_rel")
        cr.execute("DELETE FROM wholesale_monthly_report_summary")
        cr.execute("DELETE FROM wholesale_monthly_report_line")
        # the monthly email as 19.0.1.5.0 wrote its figures, edited by the
        # merchant (the edit stays)
        template = env.ref("wholesale_retail.mail_template_monthly_report")
        template.body_html = OLD_MAIL_BODY
        cr.execute("DELETE FROM wholesale_channel_rule")
        cr.execute("DELETE FROM wholesale_sales_channel")
        cr.execute(
            "UPDATE ir_module_module SET latest_version = '19.0.1.0.0' WHERE name = %s",
            [MODULE],
        )
        cr.commit()  # pylint: disable=invalid-commit
    Registry.delete(db)
    odoo.sql_db.close_db(db)


def upgrade(argv, db):
    odoo_bin = Path(odoo.__path__[0]).parent / "odoo-bin"
    options = [a for a in argv if not a.startswith(("-d", "--database"))]
    if "-d" in argv:
        index = argv.index("-d")
        options = argv[:index] + argv[index + 2 :]
    cmd = [
        sys.executable,
        str(odoo_bin),
        *options,
        "-d",
        db,
        "-u",
        MODULE,
        "--stop-after-init",
        "--workers=0",
        "--http-port=0",
        "--log-level=warn",
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=1200, check=False
    )
    print(proc.stdout[-3000:], proc.stderr[-3000:], sep="", flush=True)
    return proc.returncode


def verify(db):
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        module = env["ir.module.module"].search([("name", "=", MODULE)])
        check(
            "version upgraded",
            module.latest_version == VERSION,
            module.latest_version,
        )
        Rule = env["wholesale.channel.rule"]
        for name, action in EXPECTED.items():
            warehouse = env["stock.warehouse"].search([("name", "=", name)])
            rules = Rule.search([("warehouse_id", "=", warehouse.id)])
            check(
                f"{name}: one default rule '{action}'",
                len(rules) == 1
                and rules.action == action
                and rules.is_warehouse_default
                and rules.scope == "all"
                and not rules.threshold
                and not rules.channel_ids,
                str(rules.read(["action", "scope", "threshold"])),
            )
        configs = env["pos.config"].search([])
        channels = env["wholesale.sales.channel"].search([])
        check(
            "every POS has its channel",
            set(channels.pos_config_id.ids) == set(configs.ids),
        )
        check(
            "every company has its wholesale desk",
            set(channels.filtered(lambda c: c.kind == "wholesale").company_id.ids)
            == set(env["res.company"].search([]).ids),
        )
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = "
            "'stock_warehouse' AND column_name = 'wholesale_pos_oversell_policy'"
        )
        check("old column dropped", not cr.fetchone())
        desk = channels.filtered(
            lambda c: c.kind == "wholesale" and c.company_id == env.company
        )
        order = env["sale.order"].search([("name", "=", "WR Up SO")])
        check(
            "a sale order of 19.0.1.0.0 is the desk's",
            order.wholesale_channel_id == desk,
            order.wholesale_channel_id.name,
        )
        reports = env["wholesale.monthly.report"].search([("name", "like", "WR Up")])
        scopes = {
            report.id: set(report.channel_ids.mapped("kind")) for report in reports
        }
        check(
            "old report scopes kept as channels",
            sorted(map(sorted, scopes.values())) == [["pos"], ["wholesale"]],
            str(scopes),
        )
        check(
            "old reports back in draft without their rows",
            set(reports.mapped("state")) == {"draft"} and not reports.summary_ids,
        )
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = "
            "'wholesale_monthly_report' AND column_name = 'channels'"
        )
        check("old report scope column dropped", not cr.fetchone())
        returned = env["sale.order"].search([("name", "=", "WR Up Returned SO")])
        logs = env["wholesale.return.log"].search([("sale_order_id", "=", returned.id)])
        check(
            "a delivery returned before the log has its row",
            len(logs) == 1 and logs.qty == 1 and logs.state == "done",
            str(logs.read(["qty", "state", "picking_id"])),
        )
        cron = env.ref("wholesale_retail.ir_cron_wholesale_monthly_report")
        check("the monthly mail runs at noon UTC", cron.nextcall.hour == 12)
        body = env.ref("wholesale_retail.mail_template_monthly_report").body_html
        check(
            "the monthly email's figures in the reader's number format, the "
            "merchant's edit kept",
            "'%.1f'" not in body
            and body.count("'widget': 'float'") == 3
            and "Sent by WR Up" in body,
            body,
        )
        product = env["product.product"].search([("name", "=", "WR Up Kettle")])
        for name, refused in (("WR Up Refuse", True), ("WR Up Allow", False)):
            config = env["pos.config"].search([("name", "=", f"{name} Shop")])
            message = config.wholesale_check_order(
                [{"product_id": product.id, "qty": 11}]
            )["message"]
            outcome = "refused" if refused else "let through"
            check(
                f"{name}: a sale beyond free stock is {outcome}",
                bool(message) == refused,
                repr(message),
            )


def main(argv):
    config.parse_config(argv)
    source_db = config["db_name"][0]
    scratch = f"{source_db}_upgrade"
    started = time.time()
    with scratch_run(scratch):
        copy_database(source_db, scratch)
        make_old_database(scratch)
        rc = upgrade(argv, scratch)
        check("odoo-bin -u wholesale_retail succeeded", rc == 0, f"rc={rc}")
        verify(scratch)
    return report("upgrade from 19.0.1.0.0", started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
