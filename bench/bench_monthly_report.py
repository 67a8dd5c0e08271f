"""Benchmark of the merged monthly report at Dragon Mart scale (not run by CI).

    python3 bench/bench_monthly_report.py [--db wr_bench] [--template wr_tmpl]

It copies the template database (sale_stock, point_of_sale, pos_sale,
sale_margin installed) into a scratch database, installs wholesale_retail,
generates 800 products, 30 days of trade (>= 30,000 POS lines with ~3 %
refunds, >= 3,000 wholesale lines, customer returns, inventory counts and
the matching stock move lines), then times:

* on screen: create + compute the report and read its section tables as the
  list views do;
* XLSX: write the workbook;
* the same figures computed with ORM ``_read_group`` calls per product.

Everything runs in one transaction that is rolled back; the scratch
database is dropped at the end (``--keep`` keeps it).
"""

import argparse
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import wr

PRODUCTS = 800
DAYS = 30
POS_ORDERS = 10_500  # x ~3 lines
SO_ORDERS = 300  # x 10 lines
MONTH = date(2025, 3, 1)
PROFILE = "--profile" in sys.argv


def sh(cmd, **kwargs):
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kwargs)


def install(db, template, keep_log):
    cmd, addons, env = wr.find_odoo()
    db_opts = wr.ensure_postgres(env)
    sh(["dropdb", "--if-exists", db], env=env)
    sh(["createdb", "-T", template, db], env=env)
    with open(keep_log, "w") as log:
        sh(
            [
                *cmd,
                f"--addons-path={','.join(addons)}",
                *db_opts,
                "-d",
                db,
                "-i",
                "wholesale_retail",
                "--stop-after-init",
                "--log-level=warn",
                "--workers=0",
                "--http-port=8173",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return addons, db_opts, env


def generate(env):
    """Scale data, mostly with set-based SQL (the ORM would take minutes)."""
    rnd = random.Random(19)
    company = env.company
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    stock = warehouse.lot_stock_id
    unit = env.ref("uom.product_uom_unit")
    carton = env["uom.uom"].create(
        {"name": "Bench Carton 24", "relative_factor": 24, "relative_uom_id": unit.id}
    )
    vals = []
    for i in range(PRODUCTS):
        cost = round(rnd.uniform(1, 80), 2)
        vals.append(
            {
                "name": "Bench SKU %04d" % i,
                "default_code": "B%04d" % i,
                "is_storable": True,
                "list_price": round(cost * rnd.uniform(1.2, 1.8), 2),
                "standard_price": cost,
                "uom_ids": [(6, 0, carton.ids)] if i % 4 == 0 else [],
            }
        )
    products = env["product.product"].create(vals)
    partner = env["res.partner"].create({"name": "Bench Sub-distributor"})
    cr = env.cr
    start = datetime.combine(MONTH, datetime.min.time())
    inv_loc = env["stock.location"].search(
        [("usage", "=", "inventory"), ("company_id", "in", (company.id, False))],
        limit=1,
    )
    cust_loc = env.ref("stock.stock_location_customers")
    # opening stock: one done inventory move line per product, in February
    cr.execute(
        """
        INSERT INTO stock_move_line (company_id, product_id, product_uom_id,
               location_id, location_dest_id, date, quantity, quantity_product_uom,
               state)
        SELECT %s, p.id, %s, %s, %s, %s, q, q, 'done'
          FROM product_product p, LATERAL (SELECT 200 + (p.id %% 300) AS q) x
         WHERE p.id IN %s
        """,
        (
            company.id,
            unit.id,
            inv_loc.id,
            stock.id,
            start - timedelta(days=10),
            tuple(products.ids),
        ),
    )
    # POS: config, session, orders and lines (3 % refund lines)
    cr.execute(
        """INSERT INTO pos_config (name, company_id, picking_type_id,
                  iface_tax_included, picking_policy, active)
           VALUES ('Bench Shop', %s, %s, 'total', 'direct', TRUE) RETURNING id""",
        (company.id, warehouse.pos_type_id.id),
    )
    config_id = cr.fetchone()[0]
    cr.execute(
        """INSERT INTO pos_session (name, config_id, user_id, state)
           VALUES ('Bench/0001', %s, %s, 'opened') RETURNING id""",
        (config_id, env.uid),
    )
    session_id = cr.fetchone()[0]
    pids = products.ids
    prices = {p.id: (p.list_price, p.standard_price) for p in products}
    orders, lines, moves = [], [], []
    for n in range(POS_ORDERS):
        when = start + timedelta(seconds=rnd.randrange(DAYS * 86400))
        orders.append((n, when))
        for _k in range(rnd.choice((2, 3, 4))):
            pid = rnd.choice(pids[: PRODUCTS * 3 // 4])  # the last quarter is slow
            qty = rnd.choice((1, 1, 2, 3))
            if rnd.random() < 0.03:
                qty = -qty
            price, cost = prices[pid]
            lines.append((n, pid, qty, price, qty * price, qty * cost))
            moves.append((pid, when, qty))
    cr.execute(
        """INSERT INTO pos_order (name, company_id, session_id, state, date_order,
                  amount_tax, amount_total, amount_paid, amount_return,
                  currency_rate)
           SELECT 'Bench POS ' || n, %s, %s, 'paid', d, 0, 0, 0, 0, 1.0
             FROM unnest(%s::int[], %s::timestamp[]) AS t(n, d)
        RETURNING id""",
        (company.id, session_id, [o[0] for o in orders], [o[1] for o in orders]),
    )
    order_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """INSERT INTO pos_order_line (name, order_id, product_id, qty, price_unit,
                  price_subtotal, price_subtotal_incl, total_cost,
                  is_total_cost_computed)
           SELECT 'Bench line', o, p, q, pr, st, st, c, TRUE
             FROM unnest(%s::int[], %s::int[], %s::float[], %s::float[],
                         %s::float[], %s::float[]) AS t(o, p, q, pr, st, c)""",
        (
            [order_ids[line[0]] for line in lines],
            [line[1] for line in lines],
            [line[2] for line in lines],
            [line[3] for line in lines],
            [line[4] for line in lines],
            [line[5] for line in lines],
        ),
    )
    # wholesale: confirmed orders of 10 lines, 1/4 of the lines in cartons
    so_lines = []
    for n in range(SO_ORDERS):
        when = start + timedelta(seconds=rnd.randrange(DAYS * 86400))
        for _k in range(10):
            pid = rnd.choice(pids[: PRODUCTS * 3 // 4])
            in_cartons = pids.index(pid) % 4 == 0
            qty = rnd.randint(1, 5) if in_cartons else rnd.randint(6, 60)
            pieces = qty * 24 if in_cartons else qty
            price, cost = prices[pid]
            factor = 24 if in_cartons else 1
            so_lines.append(
                (
                    n,
                    pid,
                    qty,
                    carton.id if in_cartons else unit.id,
                    price * 0.85 * factor,
                    cost * factor,
                )
            )
            moves.append((pid, when, pieces))
    so_dates = [
        start + timedelta(seconds=rnd.randrange(DAYS * 86400)) for _ in range(SO_ORDERS)
    ]
    cr.execute(
        """INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                  partner_shipping_id, date_order, picking_policy, state,
                  currency_rate, warehouse_id)
           SELECT 'Bench SO ' || n, %s, %s, %s, %s, d, 'direct', 'sale', 1.0, %s
             FROM unnest(%s::int[], %s::timestamp[]) AS t(n, d)
        RETURNING id""",
        (
            company.id,
            partner.id,
            partner.id,
            partner.id,
            warehouse.id,
            list(range(SO_ORDERS)),
            so_dates,
        ),
    )
    so_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """INSERT INTO sale_order_line (name, order_id, product_id, product_uom_qty,
                  product_uom_id, price_unit, price_subtotal, purchase_price,
                  customer_lead, company_id, state)
           SELECT 'Bench line', o, p, q, u, pr, q * pr, c, 0, %s, 'sale'
             FROM unnest(%s::int[], %s::int[], %s::float[], %s::int[], %s::float[],
                         %s::float[]) AS t(o, p, q, u, pr, c)
        RETURNING id, product_id, product_uom_qty""",
        (
            company.id,
            [so_ids[line[0]] for line in so_lines],
            [line[1] for line in so_lines],
            [line[2] for line in so_lines],
            [line[3] for line in so_lines],
            [line[4] for line in so_lines],
            [line[5] for line in so_lines],
        ),
    )
    sol_rows = cr.fetchall()
    # stock move lines of every sale (pieces), POS refunds come back in
    cr.execute(
        """INSERT INTO stock_move_line (company_id, product_id, product_uom_id,
                  location_id, location_dest_id, date, quantity,
                  quantity_product_uom, state)
           SELECT %s, p, %s,
                  CASE WHEN q > 0 THEN %s ELSE %s END,
                  CASE WHEN q > 0 THEN %s ELSE %s END,
                  d, abs(q), abs(q), 'done'
             FROM unnest(%s::int[], %s::timestamp[], %s::float[]) AS t(p, d, q)""",
        (
            company.id,
            unit.id,
            stock.id,
            cust_loc.id,
            cust_loc.id,
            stock.id,
            [m[0] for m in moves],
            [m[1] for m in moves],
            [m[2] for m in moves],
        ),
    )
    # 100 customer returns of wholesale lines and 60 inventory counts
    returned = rnd.sample(sol_rows, 100)
    for sol_id, pid, _qty in returned:
        when = start + timedelta(days=rnd.randrange(DAYS), hours=15)
        cr.execute(
            """INSERT INTO stock_move (company_id, product_id, product_uom,
                      location_id, location_dest_id, procure_method,
                      product_uom_qty, product_qty, quantity, date, state,
                      sale_line_id, origin_returned_move_id, is_inventory)
               VALUES (%s, %s, %s, %s, %s, 'make_to_stock', 2, 2, 2, %s, 'done',
                       %s, NULL, FALSE) RETURNING id""",
            (company.id, pid, unit.id, cust_loc.id, stock.id, when, sol_id),
        )
        move_id = cr.fetchone()[0]
        cr.execute(
            "UPDATE stock_move SET origin_returned_move_id = id WHERE id = %s",
            (move_id,),
        )
        cr.execute(
            """INSERT INTO stock_move_line (company_id, product_id, product_uom_id,
                      location_id, location_dest_id, date, quantity,
                      quantity_product_uom, state, move_id)
               VALUES (%s, %s, %s, %s, %s, %s, 2, 2, 'done', %s)""",
            (company.id, pid, unit.id, cust_loc.id, stock.id, when, move_id),
        )
    for pid in rnd.sample(pids, 60):
        when = start + timedelta(days=rnd.randrange(DAYS), hours=20)
        diff = rnd.choice((-3, -2, -1, 1, 2))
        src, dst = (stock.id, inv_loc.id) if diff < 0 else (inv_loc.id, stock.id)
        cr.execute(
            """INSERT INTO stock_move (company_id, product_id, product_uom,
                      location_id, location_dest_id, procure_method,
                      product_uom_qty, product_qty, quantity, date, state,
                      is_inventory, value)
               VALUES (%s, %s, %s, %s, %s, 'make_to_stock', %s, %s, %s, %s,
                       'done', TRUE, 0) RETURNING id""",
            (company.id, pid, unit.id, src, dst, abs(diff), abs(diff), abs(diff), when),
        )
        move_id = cr.fetchone()[0]
        cr.execute(
            """INSERT INTO stock_move_line (company_id, product_id, product_uom_id,
                      location_id, location_dest_id, date, quantity,
                      quantity_product_uom, state, move_id)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'done', %s)""",
            (company.id, pid, unit.id, src, dst, when, abs(diff), abs(diff), move_id),
        )
    env.flush_all()
    cr.execute("ANALYZE")
    env.invalidate_all()
    return {
        "products": len(products),
        "pos_lines": len(lines),
        "so_lines": len(so_lines),
        "stock_move_lines": len(moves) + PRODUCTS + 160,
    }


def orm_per_product(env, report):
    """The same figures with ORM _read_group calls, product by product."""
    start, end = report._period_bounds()
    company = report.company_id
    Sol = env["sale.order.line"]
    Pol = env["pos.order.line"]
    Sml = env["stock.move.line"]
    Move = env["stock.move"]
    locations = env["stock.location"].search(
        [("usage", "=", "internal"), ("company_id", "=", company.id)]
    )
    result = {}
    products = env["product.product"].search(
        [("is_storable", "=", True), ("company_id", "in", (False, company.id))]
    )
    for product in products:
        so = Sol._read_group(
            [
                ("product_id", "=", product.id),
                ("order_id.state", "=", "sale"),
                ("order_id.company_id", "=", company.id),
                ("order_id.date_order", ">=", start),
                ("order_id.date_order", "<", end),
            ],
            aggregates=["price_subtotal:sum", "product_uom_qty:sum"],
        )[0]
        ret = Move._read_group(
            [
                ("product_id", "=", product.id),
                ("state", "=", "done"),
                ("origin_returned_move_id", "!=", False),
                ("sale_line_id", "!=", False),
                ("date", ">=", start),
                ("date", "<", end),
            ],
            aggregates=["product_qty:sum"],
        )[0]
        pos = {}
        for sign, op in (("in", ">"), ("out", "<")):
            pos[sign] = Pol._read_group(
                [
                    ("product_id", "=", product.id),
                    ("qty", op, 0),
                    ("order_id.state", "in", ("paid", "done", "invoiced")),
                    ("order_id.company_id", "=", company.id),
                    ("order_id.date_order", ">=", start),
                    ("order_id.date_order", "<", end),
                ],
                aggregates=["price_subtotal:sum", "total_cost:sum", "qty:sum"],
            )[0]
        flows = {}
        for key, field in (("in", "location_dest_id"), ("out", "location_id")):
            flows[key] = Sml._read_group(
                [
                    ("product_id", "=", product.id),
                    ("state", "=", "done"),
                    (field, "in", locations.ids),
                    ("date", "<", end),
                ],
                groupby=["date:day"],
                aggregates=["quantity_product_uom:sum"],
            )
        last = Pol._read_group(
            [("product_id", "=", product.id), ("qty", ">", 0)],
            groupby=["order_id"],
            aggregates=["create_date:max"],
            order="order_id desc",
            limit=1,
        )
        adj = Sml._read_group(
            [
                ("product_id", "=", product.id),
                ("move_id.is_inventory", "=", True),
                ("state", "=", "done"),
                ("date", ">=", start),
                ("date", "<", end),
            ],
            aggregates=["quantity_product_uom:sum"],
        )[0]
        result[product.id] = (so, ret, pos, flows, last, adj)
    return result


def bench(db, addons, db_opts):
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([f"--addons-path={','.join(addons)}", *db_opts])
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "UTC"})
        admin = env.ref("base.user_admin")
        env = api.Environment(cr, admin.id, {"tz": "UTC"})
        t0 = time.perf_counter()
        counts = generate(env)
        print("generated %s in %.1f s" % (counts, time.perf_counter() - t0))
        Report = env["wholesale.monthly.report"]

        t0 = time.perf_counter()
        report = Report.create({"date_from": MONTH})
        if PROFILE:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        report.action_compute()
        if PROFILE:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        # what the form and its list views read
        report.web_read({"summary_ids": {"fields": {"revenue": {}, "margin": {}}}})
        env["wholesale.monthly.report.product"].web_search_read(
            [("report_id", "=", report.id)],
            {"product_id": {"fields": {"display_name": {}}}, "days_of_cover": {}},
            limit=80,
        )
        env.flush_all()
        screen = time.perf_counter() - t0

        env.invalidate_all()
        t0 = time.perf_counter()
        content = report._render_xlsx()
        xlsx = time.perf_counter() - t0

        env.invalidate_all()
        t0 = time.perf_counter()
        orm_per_product(env, report)
        orm = time.perf_counter() - t0

        total = report.summary_ids.filtered(lambda r: r.channel == "total")
        print(
            "report: revenue %.2f, margin %.2f%%, turnover %.1f days, "
            "%d sales lines, %d movers, %d adjustments, xlsx %d bytes"
            % (
                total.revenue,
                total.margin_percent,
                total.turnover_days,
                len(report.line_ids),
                len(report.product_ids),
                len(report.adjustment_ids),
                len(content),
            )
        )
        print("on screen (create + compute + read): %.2f s (target < 2 s)" % screen)
        print("XLSX: %.2f s (target < 5 s)" % xlsx)
        print(
            "ORM _read_group per product: %.2f s; ratio ORM / report compute: %.1fx"
            % (orm, orm / screen)
        )
        cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="wr_bench")
    parser.add_argument("--template", default="wr_tmpl")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    log = REPO / ".state" / "logs" / args.db / "bench-install.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    addons, db_opts, env = install(args.db, args.template, log)
    try:
        bench(args.db, addons, db_opts)
    finally:
        if not args.keep:
            from odoo.sql_db import close_all

            close_all()
            sh(["dropdb", "--if-exists", args.db], env=env)


if __name__ == "__main__":
    main()
