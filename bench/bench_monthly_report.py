#!/usr/bin/env python3
"""Latency of the merged monthly report over HTTP against Odoo's own sale analysis.

Not run by CI. Usage (PostgreSQL and Odoo 19 as ``scripts/wr.py`` finds them):

    python3 bench/bench_monthly_report.py [--scale 1 10] [--template wr_tmpl]
        [--db wr_bench] [--port 8270] [--repeats 7] [--keep] [--diagnose]

For each scale it copies the template database (sale_stock, sale_margin,
point_of_sale, pos_sale, account installed) into ``<db>_s<scale>``, installs
wholesale_retail, generates one month of trade (March 2025) with set-based SQL,
commits, starts a real ``odoo-bin --workers 4`` server (``bench/_server.py``)
and times, over JSON-RPC as the web client sends them, the median of
``--repeats`` rounds (at least 5) after one warm-up round; each round runs the
three measures one after the other so that the machine's noise hits all three:

* baseline, stock Odoo: the Sales Analysis pivot (``sale.report``, rows by
  product, columns by sales team, measures untaxed total and quantity) for the
  month and the company, one ``formatted_read_grouping_sets`` call as the pivot
  view makes it (pos_sale puts the POS lines in ``sale.report`` too);
* report on screen: ``wholesale.monthly.report`` ``create`` + ``action_compute``
  + ``web_read`` of the form (totals and the channel summary) + one page (80
  rows) of each section list (``web_search_read`` on ``.line``, ``.product``,
  ``.adjustment``); the fields read are picked with ``fields_get`` among the
  ones the views show today, so a renamed field is skipped, not fatal;
* XLSX: ``GET /wholesale_retail/monthly_report/<id>/xlsx`` with the session
  cookie, timed to the last byte.

The report of a round is deleted after the round (not timed).

Scales (``--scale N``, N >= 1; each figure is multiplied by N):

* POS: 3 shops (``pos.config`` created with the ORM, so each gets its
  ``wholesale.sales.channel``), one closed session per shop and day,
  9,700 x N orders of 1-5 lines (29,100 x N lines, skewed over 600 of the 800
  products; the last 200 products never sell) and 900 x N refund orders of one
  negative line each (``refunded_orderline_id`` set): 30,000 x N POS lines;
* wholesale: 300 x N confirmed sale orders of 10 lines (3,000 x N lines), a
  quarter of the products sold in cartons of 24 (the line's unit is the
  carton), 90 x N customer returns of one unit of the line's unit;
* stock: opening stock of every product by an inventory adjustment in
  February, one vendor receipt per selling product on the 12th, one done
  picking per POS order and per sale order (one move and one move line per
  order line), the returns, and 60 x N inventory counts during the month;
  quants in WH/Stock equal the sum of the move lines.

So ``--scale 10`` is the shop ten times bigger: 300,000 POS lines and 30,000
wholesale lines (the wholesale desk grows with it; the issue only fixes the
POS figure).

What the generator fills (the columns core Odoo fills when it does the same
thing), so that ``sale.report``, the report and stock valuation read real-looking
rows:

* ``pos_order``: session_id, config_id, crm_team_id (the POS team), user_id,
  partner_id (10 %), state 'done', date_order, amount_tax/total/paid,
  currency_rate 1, is_refund, uuid, pos_reference, sequence_number;
* ``pos_order_line``: qty (negative on refunds), price_unit, price_subtotal,
  price_subtotal_incl (5 % tax), total_cost = qty x cost,
  is_total_cost_computed, full_product_name, refunded_orderline_id,
  qty_delivered, sale_order_line_id NULL;
* ``sale_order``: state 'sale', date_order, team_id (two teams),
  warehouse_id, currency_id, currency_rate 1, amounts and margin; the
  addon's newer ``wholesale_channel_id`` (if any) is left NULL (the desk);
* ``sale_order_line``: product_uom_id (unit or carton), product_uom_qty,
  price_unit, price_subtotal/tax/total, purchase_price (cost per line unit),
  margin, qty_delivered (minus returns), state 'sale';
* ``stock_move``: state 'done', picked, date, product_uom / product_uom_qty /
  quantity in the line's unit, product_qty in pieces, picking_id,
  picking_type_id, warehouse_id, sale_line_id (deliveries and returns),
  origin_returned_move_id and to_refund (returns), is_inventory (opening
  and counts), and stock_account's valuation: ``is_in`` (receipts, returns,
  POS refunds, inventory gains), ``is_out`` (deliveries, inventory losses),
  ``price_unit`` = product cost, ``value`` = pieces x cost (positive both
  ways, as ``_set_value`` writes it); ``remaining_qty``/``remaining_value``
  are computed fields of Odoo 19 (not columns);
* ``stock_move_line``: one per move, quantity in the move's unit,
  quantity_product_uom in pieces, state 'done', picked;
* ``stock_quant``: WH/Stock per product = the sum of the move lines;
* ``stock_picking``: pos_order_id/pos_session_id or sale_id, state 'done'.

Not generated: payments, invoices and journal entries (neither the report nor
``sale.report`` read them), and history: only the opening inventory precedes
the month, so a query that reads every move or sale before the month's end
costs here what it would cost on a database that starts in February.

The table at the end gives, per scale, the medians of the baseline, of the
report on screen (and of its steps: create, compute, read), their ratio and
the XLSX, with the verdict against the issue's targets (ratio <= 1.5 at scale
1; on screen < 5 s and XLSX < 15 s at scale 10).

``--diagnose`` then runs ``action_compute`` and the XLSX once more in this
process (rolled back) and prints where the time goes: the slowest SQL queries
with the ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest one, and the Python
functions by cumulative time.

The server is stopped and the scratch database dropped at the end (``--keep``
keeps the database).
"""

import argparse
import cProfile
import io
import pstats
import statistics
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "bench"))

import wr

MONTH = date(2025, 3, 1)
PRODUCTS = 800
SELLING = 600  # the last 200 products never sell (slow movers)
SHOPS = 3
POS_ORDERS = 9_700  # x N, 1-5 lines each (3 on average) = 29,100 x N lines
POS_REFUNDS = 900  # x N refund orders of one line: 30,000 x N POS lines in all
SO_ORDERS = 300  # x N, 10 lines each = 3,000 x N lines
SO_LINES = 10
SO_RETURNS = 90  # x N
COUNTS = 60  # x N inventory counts in the month
CARTON = 24
TAX = 0.05
TARGET_RATIO = 1.5  # report on screen / sale analysis, at scale 1
TARGET_SCREEN = 5.0  # s, at scale 10
TARGET_XLSX = 15.0  # s, at scale 10

# Fields the views show today; fields_get keeps those that still exist.
FORM_FIELDS = [
    "name",
    "state",
    "date_from",
    "date_to",
    "company_id",
    "channels",
    "computed_on",
    "currency_id",
    "revenue",
    "cogs",
    "margin",
    "margin_percent",
    "return_rate_value",
    "turnover_days",
    "adjustment_value",
]
SECTIONS = {
    "wholesale.monthly.report.summary": [
        "currency_id",
        "channel",
        "revenue",
        "cogs",
        "margin",
        "margin_percent",
        "qty_sold",
        "qty_cartons",
        "return_rate_value",
        "return_rate_qty",
        "avg_stock_value",
        "turnover_days",
    ],
    "wholesale.monthly.report.line": [
        "currency_id",
        "channel",
        "product_id",
        "refunded_value",
        "returned_value",
        "revenue",
        "cogs",
        "margin",
        "margin_percent",
        "qty_sold",
        "qty_cartons",
        "returned_qty",
    ],
    "wholesale.monthly.report.product": [
        "currency_id",
        "slow_rank",
        "product_id",
        "days_of_cover",
        "no_sales",
        "qty_sold",
        "closing_qty",
        "stock_value",
        "last_sale_date",
    ],
    "wholesale.monthly.report.adjustment": [
        "currency_id",
        "date",
        "product_id",
        "location_id",
        "book_qty",
        "counted_qty",
        "difference_qty",
        "difference_value",
    ],
}


def sh(cmd, **kwargs):
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kwargs)


def install(db, template, port, env):
    """A scratch copy of ``template`` with wholesale_retail installed."""
    cmd, addons, odoo_env = wr.find_odoo()
    db_opts = wr.ensure_postgres(odoo_env)
    sh(["dropdb", "--if-exists", db], env=odoo_env)
    sh(["createdb", "-T", template, db], env=odoo_env)
    log = REPO / ".state" / "logs" / db / "bench-install.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
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
                f"--http-port={port}",
            ],
            env=odoo_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    env.update(odoo_env)
    return addons, db_opts


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------


def month_bounds():
    start = datetime.combine(MONTH, datetime.min.time())
    nxt = (start + timedelta(days=32)).replace(day=1)
    return start, nxt, (nxt - start).days


def setup_orm(env):
    """What core Odoo creates through the ORM: products, partners, teams, shops."""
    company = env.company
    unit = env.ref("uom.product_uom_unit")
    carton = env["uom.uom"].create(
        {
            "name": "Bench Carton %d" % CARTON,
            "relative_factor": CARTON,
            "relative_uom_id": unit.id,
        }
    )
    categories = env["product.category"].create(
        [{"name": "Bench Category %d" % i} for i in range(8)]
    )
    # deterministic prices: cost 1..80, list price 1.2..1.8 x cost
    vals = []
    for i in range(PRODUCTS):
        cost = round(1 + (i * 7919 % 7900) / 100.0, 2)
        vals.append(
            {
                "name": "Bench SKU %04d" % i,
                "default_code": "B%04d" % i,
                "is_storable": True,
                "available_in_pos": True,
                "categ_id": categories[i % len(categories)].id,
                "list_price": round(cost * (1.2 + (i * 31 % 61) / 100.0), 2),
                "standard_price": cost,
                "uom_ids": [(6, 0, carton.ids)] if i % 4 == 0 else [],
                "taxes_id": [(5, 0, 0)],
            }
        )
    products = env["product.product"].create(vals)
    partners = env["res.partner"].create(
        [{"name": "Bench Customer %02d" % i, "is_company": True} for i in range(40)]
    )
    sales_team = env.ref("sales_team.team_sales_department")
    export_team = env["crm.team"].create({"name": "Bench Export Desk"})
    pos_team = env.ref("sales_team.pos_sales_team", raise_if_not_found=False)
    # one cash payment method per shop (Odoo refuses to share one)
    configs = env["pos.config"]
    for i in range(SHOPS):
        vals = {"name": "Bench Shop %d" % (i + 1)}
        if pos_team:
            vals["crm_team_id"] = pos_team.id
        if i:
            journal = env["account.journal"].create(
                {"name": "Bench Cash %d" % (i + 1), "type": "cash", "code": "BC%d" % i}
            )
            cash = env["pos.payment.method"].create(
                {"name": "Bench Cash %d" % (i + 1), "journal_id": journal.id}
            )
            others = configs[:1].payment_method_ids.filtered(
                lambda method: not method.is_cash_count
            )
            vals["payment_method_ids"] = [(6, 0, (cash | others).ids)]
        configs |= env["pos.config"].create(vals)
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    inventory = env["stock.location"].search(
        [("usage", "=", "inventory"), ("company_id", "in", (company.id, False))],
        limit=1,
    )
    env.flush_all()
    return {
        "company": company.id,
        "currency": company.currency_id.id,
        "uid": env.uid,
        "unit": unit.id,
        "carton": carton.id,
        "products": products,
        "partners": partners.ids,
        "teams": [sales_team.id, export_team.id],
        "configs": configs,
        "warehouse": warehouse.id,
        "stock": warehouse.lot_stock_id.id,
        "customers": env.ref("stock.stock_location_customers").id,
        "vendors": env.ref("stock.stock_location_suppliers").id,
        "inventory": inventory.id,
        "out_type": warehouse.out_type_id.id,
        "in_type": warehouse.in_type_id.id,
    }


def generate(env, scale):
    """One month of trade at ``scale``: the ORM for the setup, SQL for volume."""
    cr = env.cr
    ctx = setup_orm(env)
    start, end, days = month_bounds()
    products = ctx["products"]
    configs = ctx["configs"]
    p = {
        **{k: v for k, v in ctx.items() if isinstance(v, int)},
        "start": start,
        "end": end,
        "days": days,
        "selling": SELLING,
        "shops": SHOPS,
        "carton_factor": CARTON,
        "tax": TAX,
        "pos_orders": POS_ORDERS * scale,
        "pos_refunds": POS_REFUNDS * scale,
        "so_orders": SO_ORDERS * scale,
        "so_lines": SO_LINES,
        "so_returns": SO_RETURNS * scale,
        "counts": min(COUNTS * scale, PRODUCTS),
        "partners": ctx["partners"],
        "teams": ctx["teams"],
    }
    cr.execute("SELECT setseed(0.19)")
    cr.execute(
        """
        CREATE TEMP TABLE b_prod ON COMMIT DROP AS
        SELECT (t.idx - 1)::int AS idx, t.id, t.price::numeric AS price,
               t.cost::numeric AS cost, t.name, (t.idx - 1) %% 4 = 0 AS carton
          FROM unnest(%s::int[], %s::float[], %s::float[], %s::text[])
               WITH ORDINALITY AS t(id, price, cost, name, idx);
        CREATE UNIQUE INDEX ON b_prod (idx);
        CREATE TEMP TABLE b_shop ON COMMIT DROP AS
        SELECT t.shop::int AS shop, t.cfg, t.picking_type_id, t.team_id, t.name
          FROM unnest(%s::int[], %s::int[], %s::int[], %s::text[])
               WITH ORDINALITY AS t(cfg, picking_type_id, team_id, name, shop);
        """,
        (
            products.ids,
            [pr.list_price for pr in products],
            [pr.standard_price for pr in products],
            [pr.name for pr in products],
            configs.ids,
            [c.picking_type_id.id for c in configs],
            [c.crm_team_id.id or None for c in configs],
            [c.name for c in configs],
        ),
    )
    _generate_pos(cr, p)
    _generate_sales(cr, p)
    _generate_stock(cr, p)
    cr.execute("ANALYZE")
    env.invalidate_all()
    env.registry.clear_cache()
    cr.execute(
        """SELECT (SELECT count(*) FROM pos_order_line l
                     JOIN b_prod bp ON bp.id = l.product_id),
                  (SELECT count(*) FROM sale_order_line l
                     JOIN b_prod bp ON bp.id = l.product_id),
                  (SELECT count(*) FROM stock_move_line l
                     JOIN b_prod bp ON bp.id = l.product_id)"""
    )
    pos_lines, so_lines, move_lines = cr.fetchone()
    return {
        "pos_lines": pos_lines,
        "so_lines": so_lines,
        "move_lines": move_lines,
        "company": ctx["company"],
    }


def _generate_pos(cr, p):
    """Sessions, orders, refunds and lines of the shops."""
    cr.execute(
        """
        CREATE TEMP TABLE b_session ON COMMIT DROP AS
        SELECT nextval('pos_session_id_seq') AS id, s.shop, s.cfg, s.name,
               s.picking_type_id, s.team_id, d AS day
          FROM b_shop s, generate_series(0, %(days)s - 1) d;
        INSERT INTO pos_session (id, name, config_id, user_id, state, start_at,
               stop_at, rescue, update_stock_at_closing, create_uid, write_uid,
               create_date, write_date)
        SELECT id, name || '/' || lpad((day + 1)::text, 5, '0'), cfg, %(uid)s,
               'closed', %(start)s + make_interval(days => day, hours => 8),
               %(start)s + make_interval(days => day, hours => 22), FALSE, FALSE,
               %(uid)s, %(uid)s, %(start)s + make_interval(days => day, hours => 8),
               %(start)s + make_interval(days => day, hours => 22)
          FROM b_session;

        -- sales orders: shop and day at random, 1-5 lines (3 on average)
        CREATE TEMP TABLE b_po ON COMMIT DROP AS
        WITH g AS MATERIALIZED (
            SELECT n, 1 + n %% %(shops)s AS shop,
                   floor(random() * %(days)s)::int AS day,
                   random() AS at, random() AS r
              FROM generate_series(1, %(pos_orders)s) n
        )
        SELECT nextval('pos_order_id_seq') AS id, g.n, s.id AS session_id,
               s.cfg, s.shop, s.name AS shop_name, s.team_id, s.picking_type_id,
               g.day,
               %(start)s + make_interval(days => g.day, hours => 8)
                   + g.at * interval '14 hours' AS date_order,
               1 + g.n %% 5 AS nlines,
               CASE WHEN g.r < 0.1 THEN (%(partners)s::int[])[
                   1 + floor(g.r * 10 * array_length(%(partners)s::int[], 1))::int]
               END AS partner_id,
               FALSE AS is_refund
          FROM g JOIN b_session s ON s.shop = g.shop AND s.day = g.day;

        CREATE TEMP TABLE b_pol ON COMMIT DROP AS
        WITH g AS MATERIALIZED (
            SELECT o.id AS order_id, k,
                   floor(%(selling)s * power(random(), 2))::int AS idx,
                   (ARRAY[1, 1, 1, 1, 2, 2, 3, 4, 6, 12])[
                       1 + floor(random() * 10)::int] AS qty
              FROM b_po o, generate_series(1, o.nlines) k
        )
        SELECT nextval('pos_order_line_id_seq') AS id, g.order_id, g.k,
               bp.id AS product_id, bp.name, bp.price, bp.cost,
               g.qty::numeric AS qty, NULL::int AS refunded_orderline_id
          FROM g JOIN b_prod bp ON bp.idx = g.idx;

        -- refunds: one order of one negative line each, 0-2 days later
        CREATE TEMP TABLE b_ref ON COMMIT DROP AS
        WITH g AS MATERIALIZED (
            SELECT l.id AS line_id, l.product_id, l.name, l.price, l.cost,
                   l.qty, o.shop, o.partner_id,
                   LEAST(o.date_order + random() * interval '2 days',
                         %(end)s - interval '1 minute') AS date_order
              FROM b_pol l JOIN b_po o ON o.id = l.order_id
          ORDER BY random()
             LIMIT %(pos_refunds)s
        )
        SELECT nextval('pos_order_id_seq') AS order_id,
               nextval('pos_order_line_id_seq') AS id, g.*,
               floor(extract(epoch FROM g.date_order - %(start)s) / 86400)::int
                   AS day
          FROM g;
        INSERT INTO b_po
        SELECT r.order_id, %(pos_orders)s + row_number() OVER (ORDER BY r.order_id),
               s.id, s.cfg, s.shop, s.name, s.team_id, s.picking_type_id, r.day,
               r.date_order, 1, r.partner_id, TRUE
          FROM b_ref r JOIN b_session s ON s.shop = r.shop AND s.day = r.day;
        INSERT INTO b_pol
        SELECT id, order_id, 1, product_id, name, price, cost,
               -GREATEST(1, floor(qty / 2)), line_id
          FROM b_ref;
        CREATE INDEX ON b_pol (order_id);
        ANALYZE b_po;
        ANALYZE b_pol;

        INSERT INTO pos_order (id, name, pos_reference, company_id, session_id,
               config_id, user_id, partner_id, state, date_order, amount_tax,
               amount_total, amount_paid, amount_return, currency_rate, is_refund,
               crm_team_id, uuid, sequence_number, tracking_number, source,
               to_invoice, is_tipped, nb_print, has_deleted_line, create_uid,
               write_uid, create_date, write_date)
        SELECT o.id, o.shop_name || '/' || lpad(o.n::text, 6, '0'),
               lpad(o.shop::text, 5, '0') || '-' || lpad(o.day::text, 3, '0')
                   || '-' || lpad(o.n::text, 6, '0'),
               %(company)s, o.session_id, o.cfg, %(uid)s, o.partner_id, 'done',
               o.date_order, t.total - t.untaxed, t.total, t.total, 0, 1.0,
               o.is_refund, o.team_id, gen_random_uuid()::text, o.n,
               (o.n %% 1000)::text, 'pos', FALSE, FALSE, 1, FALSE, %(uid)s,
               %(uid)s, o.date_order, o.date_order
          FROM b_po o
          JOIN (SELECT order_id, SUM(round(qty * price, 2)) AS untaxed,
                       SUM(round(qty * price * (1 + %(tax)s), 2)) AS total
                  FROM b_pol GROUP BY order_id) t ON t.order_id = o.id;

        INSERT INTO pos_order_line (id, company_id, product_id, order_id, name,
               full_product_name, uuid, price_type, qty, price_unit, discount,
               price_subtotal, price_subtotal_incl, total_cost,
               is_total_cost_computed, refunded_orderline_id, qty_delivered,
               price_extra, is_edited, create_uid, write_uid, create_date,
               write_date)
        SELECT l.id, %(company)s, l.product_id, l.order_id,
               o.shop_name || '/' || lpad(o.n::text, 6, '0') || '-' || l.k,
               l.name, gen_random_uuid()::text, 'original', l.qty, l.price, 0,
               round(l.qty * l.price, 2), round(l.qty * l.price * (1 + %(tax)s), 2),
               l.qty * l.cost, TRUE, l.refunded_orderline_id, l.qty, 0, FALSE,
               %(uid)s, %(uid)s, o.date_order, o.date_order
          FROM b_pol l JOIN b_po o ON o.id = l.order_id;
        """,
        p,
    )


def _generate_sales(cr, p):
    """Confirmed wholesale orders, cartons for a quarter of the products."""
    cr.execute(
        """
        CREATE TEMP TABLE b_so ON COMMIT DROP AS
        WITH g AS MATERIALIZED (
            SELECT n, floor(random() * %(days)s)::int AS day, random() AS at,
                   random() AS r
              FROM generate_series(1, %(so_orders)s) n
        )
        SELECT nextval('sale_order_id_seq') AS id, n, day,
               %(start)s + make_interval(days => day, hours => 7)
                   + at * interval '10 hours' AS date_order,
               (%(partners)s::int[])[
                   1 + floor(r * array_length(%(partners)s::int[], 1))::int]
                   AS partner_id,
               (%(teams)s::int[])[1 + n %% 2] AS team_id
          FROM g;
        CREATE TEMP TABLE b_sol ON COMMIT DROP AS
        WITH g AS MATERIALIZED (
            SELECT o.id AS order_id, k,
                   floor(%(selling)s * power(random(), 1.5))::int AS idx,
                   random() AS r, random() AS q
              FROM b_so o, generate_series(1, %(so_lines)s) k
        ), u AS (
            SELECT g.*, bp.id AS product_id, bp.name, bp.price, bp.cost,
                   bp.carton AND g.r < 0.7 AS in_cartons
              FROM g JOIN b_prod bp ON bp.idx = g.idx
        )
        SELECT nextval('sale_order_line_id_seq') AS id, order_id, k, product_id,
               name, cost,
               CASE WHEN in_cartons THEN %(carton)s ELSE %(unit)s END AS uom_id,
               CASE WHEN in_cartons THEN %(carton_factor)s ELSE 1 END AS factor,
               CASE WHEN in_cartons THEN 1 + floor(q * 5)
                    ELSE 6 + floor(q * 55) END::numeric AS qty,
               round(price * 0.85 * CASE WHEN in_cartons THEN %(carton_factor)s
                                         ELSE 1 END, 2) AS price_unit
          FROM u;
        CREATE INDEX ON b_sol (order_id);
        ANALYZE b_so;
        ANALYZE b_sol;

        INSERT INTO sale_order (id, name, company_id, partner_id,
               partner_invoice_id, partner_shipping_id, user_id, team_id,
               currency_id, currency_rate, date_order, state, invoice_status,
               delivery_status, picking_policy, warehouse_id, amount_untaxed,
               amount_tax, amount_total, margin, margin_percent, locked,
               require_signature, require_payment, prepayment_percent,
               create_uid, write_uid, create_date, write_date)
        SELECT o.id, 'BENCH/SO/' || lpad(o.n::text, 6, '0'), %(company)s,
               o.partner_id, o.partner_id, o.partner_id, %(uid)s, o.team_id,
               %(currency)s, 1.0, o.date_order, 'sale', 'to invoice', 'full',
               'direct', %(warehouse)s, t.untaxed, t.tax, t.untaxed + t.tax,
               t.margin, t.margin / NULLIF(t.untaxed, 0), FALSE, FALSE, FALSE,
               1.0, %(uid)s, %(uid)s, o.date_order, o.date_order
          FROM b_so o
          JOIN (SELECT order_id, SUM(qty * price_unit) AS untaxed,
                       SUM(round(qty * price_unit * %(tax)s, 2)) AS tax,
                       SUM(qty * (price_unit - cost * factor)) AS margin
                  FROM b_sol GROUP BY order_id) t ON t.order_id = o.id;

        INSERT INTO sale_order_line (id, order_id, sequence, company_id,
               currency_id, order_partner_id, salesman_id, product_id,
               product_uom_id, name, state, product_uom_qty, price_unit,
               technical_price_unit, discount, price_subtotal, price_tax,
               price_total, price_reduce_taxexcl, price_reduce_taxinc,
               purchase_price, margin, margin_percent, qty_delivered,
               qty_delivered_method, qty_invoiced, qty_to_invoice,
               untaxed_amount_invoiced, untaxed_amount_to_invoice,
               invoice_status, customer_lead, is_downpayment, is_expense,
               warehouse_id, create_uid, write_uid, create_date, write_date)
        SELECT l.id, l.order_id, 10 * l.k, %(company)s, %(currency)s,
               o.partner_id, %(uid)s, l.product_id, l.uom_id, l.name, 'sale',
               l.qty, l.price_unit, l.price_unit, 0, l.qty * l.price_unit,
               round(l.qty * l.price_unit * %(tax)s, 2),
               l.qty * l.price_unit + round(l.qty * l.price_unit * %(tax)s, 2),
               l.price_unit, round(l.price_unit * (1 + %(tax)s), 2),
               l.cost * l.factor, l.qty * (l.price_unit - l.cost * l.factor),
               (l.price_unit - l.cost * l.factor) / NULLIF(l.price_unit, 0),
               l.qty, 'stock_move', 0, l.qty, 0, l.qty * l.price_unit,
               'to invoice', 0, FALSE, FALSE, %(warehouse)s, %(uid)s, %(uid)s,
               o.date_order, o.date_order
          FROM b_sol l JOIN b_so o ON o.id = l.order_id;
        """,
        p,
    )


def _generate_stock(cr, p):
    """Pickings, moves and move lines of every flow, then the quants."""
    cr.execute(
        """
        -- one done picking per POS order, per sale order, per return, per
        -- receipt batch; b_move holds one row per move (and move line)
        CREATE TEMP TABLE b_pick (id int, name text, origin text,
               picking_type_id int, location_id int, location_dest_id int,
               partner_id int, date timestamp, pos_order_id int,
               pos_session_id int, sale_id int) ON COMMIT DROP;
        CREATE TEMP TABLE b_move (id int, picking_id int, product_id int,
               uom_id int, qty numeric, pieces numeric, location_id int,
               location_dest_id int, date timestamp, cost numeric,
               picking_type_id int, reference text, origin text, partner_id int,
               sale_line_id int, origin_returned_move_id int,
               is_inventory bool) ON COMMIT DROP;

        -- POS: deliveries of the sales, receipts of the refunds
        INSERT INTO b_pick
        SELECT nextval('stock_picking_id_seq'), 'BENCH/POS/' || lpad(o.n::text, 7, '0'),
               o.shop_name || '/' || lpad(o.n::text, 6, '0'), o.picking_type_id,
               CASE WHEN o.is_refund THEN %(customers)s ELSE %(stock)s END,
               CASE WHEN o.is_refund THEN %(stock)s ELSE %(customers)s END,
               o.partner_id, o.date_order, o.id, o.session_id, NULL
          FROM b_po o;
        INSERT INTO b_move
        SELECT nextval('stock_move_id_seq'), k.id, l.product_id, %(unit)s,
               abs(l.qty), abs(l.qty), k.location_id, k.location_dest_id, k.date,
               l.cost, k.picking_type_id, k.name, k.origin, k.partner_id, NULL,
               NULL, FALSE
          FROM b_pol l JOIN b_pick k ON k.pos_order_id = l.order_id;

        -- wholesale deliveries (in the line's unit), within the day
        INSERT INTO b_pick
        SELECT nextval('stock_picking_id_seq'), 'BENCH/OUT/' || lpad(o.n::text, 6, '0'),
               'BENCH/SO/' || lpad(o.n::text, 6, '0'), %(out_type)s, %(stock)s,
               %(customers)s, o.partner_id,
               LEAST(o.date_order + interval '6 hours', %(end)s - interval '1 minute'),
               NULL, NULL, o.id
          FROM b_so o;
        INSERT INTO b_move
        SELECT nextval('stock_move_id_seq'), k.id, l.product_id, l.uom_id, l.qty,
               l.qty * l.factor, k.location_id, k.location_dest_id, k.date, l.cost,
               k.picking_type_id, k.name, k.origin, k.partner_id, l.id, NULL, FALSE
          FROM b_sol l JOIN b_pick k ON k.sale_id = l.order_id;

        -- customer returns: one unit of the line's unit, 2 days later
        CREATE TEMP TABLE b_ret ON COMMIT DROP AS
        SELECT nextval('stock_picking_id_seq') AS picking_id, m.id AS move_id,
               m.product_id, m.uom_id, m.pieces / m.qty AS factor, m.cost,
               m.partner_id, m.sale_line_id, m.reference,
               m.date + interval '2 days' AS date
          FROM b_move m
         WHERE m.sale_line_id IS NOT NULL
           AND m.date + interval '2 days' < %(end)s
      ORDER BY random()
         LIMIT %(so_returns)s;
        INSERT INTO b_pick
        SELECT picking_id, 'BENCH/RET/' || lpad(row_number() OVER (
                   ORDER BY picking_id)::text, 6, '0'),
               'Return of ' || reference, %(in_type)s, %(customers)s, %(stock)s,
               partner_id, date, NULL, NULL,
               (SELECT order_id FROM b_sol WHERE b_sol.id = r.sale_line_id)
          FROM b_ret r;
        INSERT INTO b_move
        SELECT nextval('stock_move_id_seq'), r.picking_id, r.product_id, r.uom_id,
               1, r.factor, %(customers)s, %(stock)s, r.date, r.cost, %(in_type)s,
               k.name, k.origin, r.partner_id, r.sale_line_id, r.move_id, FALSE
          FROM b_ret r JOIN b_pick k ON k.id = r.picking_id;
        UPDATE sale_order_line l SET qty_delivered = l.qty_delivered - 1
          FROM b_ret r WHERE r.sale_line_id = l.id;

        -- opening stock (inventory in February) and one receipt on the 12th,
        -- from what each product sells in the month
        CREATE TEMP TABLE b_sold ON COMMIT DROP AS
        SELECT bp.id AS product_id, bp.idx, bp.cost,
               COALESCE(SUM(CASE WHEN m.location_id = %(stock)s THEN m.pieces
                                 ELSE -m.pieces END), 0) AS sold
          FROM b_prod bp
          LEFT JOIN b_move m ON m.product_id = bp.id
      GROUP BY bp.id, bp.idx, bp.cost;
        INSERT INTO b_move
        SELECT nextval('stock_move_id_seq'), NULL, product_id, %(unit)s, q, q,
               %(inventory)s, %(stock)s, %(start)s - interval '14 days', cost,
               NULL, 'Product Quantity Updated', NULL, NULL, NULL, NULL, TRUE
          FROM (SELECT product_id, cost,
                       40 + floor(random() * 160) + round(0.6 * sold) AS q
                  FROM b_sold) s;
        INSERT INTO b_pick
        SELECT nextval('stock_picking_id_seq'), 'BENCH/IN/' || lpad(b::text, 4, '0'),
               'BENCH/PO/' || lpad(b::text, 4, '0'), %(in_type)s, %(vendors)s,
               %(stock)s, NULL,
               %(start)s + make_interval(days => 11, hours => 9 + b %% 8),
               NULL, NULL, NULL
          FROM generate_series(0, 29) b;
        INSERT INTO b_move
        SELECT nextval('stock_move_id_seq'), k.id, s.product_id, %(unit)s,
               round(0.7 * s.sold), round(0.7 * s.sold), %(vendors)s, %(stock)s,
               k.date, s.cost, %(in_type)s, k.name, k.origin, NULL, NULL, NULL,
               FALSE
          FROM b_sold s
          JOIN b_pick k ON k.name = 'BENCH/IN/' || lpad((s.idx %% 30)::text, 4, '0')
         WHERE round(0.7 * s.sold) > 0;

        -- inventory counts during the month: -3..+2 pieces
        INSERT INTO b_move
        SELECT nextval('stock_move_id_seq'), NULL, product_id, %(unit)s,
               abs(d), abs(d),
               CASE WHEN d < 0 THEN %(stock)s ELSE %(inventory)s END,
               CASE WHEN d < 0 THEN %(inventory)s ELSE %(stock)s END,
               %(start)s + make_interval(days => day, hours => 20), cost, NULL,
               'Product Quantity Updated', NULL, NULL, NULL, NULL, TRUE
          FROM (SELECT product_id, cost, floor(random() * %(days)s)::int AS day,
                       (ARRAY[-3, -2, -1, -1, 1, 2])[1 + floor(random() * 6)::int]
                           AS d
                  FROM (SELECT * FROM b_sold ORDER BY random()
                         LIMIT %(counts)s) c) s;
        ANALYZE b_move;

        INSERT INTO stock_picking (id, name, origin, picking_type_id,
               location_id, location_dest_id, partner_id, company_id, user_id,
               move_type, state, priority, scheduled_date, date_deadline,
               date_done, pos_order_id, pos_session_id, sale_id, is_locked,
               printed, create_uid, write_uid, create_date, write_date)
        SELECT id, name, origin, picking_type_id, location_id, location_dest_id,
               partner_id, %(company)s, %(uid)s, 'direct', 'done', '0', date,
               NULL, date, pos_order_id, pos_session_id, sale_id, TRUE, FALSE,
               %(uid)s, %(uid)s, date, date
          FROM b_pick;

        -- stock_account: value = pieces x cost, positive both ways; is_in when
        -- the goods come into WH/Stock, is_out when they leave it
        INSERT INTO stock_move (id, sequence, company_id, product_id, product_uom,
               location_id, location_dest_id, partner_id, picking_id,
               picking_type_id, origin_returned_move_id, warehouse_id, priority,
               state, origin, procure_method, reference, product_qty,
               product_uom_qty, quantity, picked, propagate_cancel, is_inventory,
               additional, date, price_unit, value, to_refund, is_in, is_out,
               is_dropship, sale_line_id, create_uid, write_uid, create_date,
               write_date)
        SELECT id, 10, %(company)s, product_id, uom_id, location_id,
               location_dest_id, partner_id, picking_id, picking_type_id,
               origin_returned_move_id, %(warehouse)s, '0', 'done', origin,
               'make_to_stock', reference, pieces, qty, qty, TRUE, FALSE,
               is_inventory, FALSE, date, cost, pieces * cost,
               origin_returned_move_id IS NOT NULL,
               location_dest_id = %(stock)s, location_id = %(stock)s, FALSE,
               sale_line_id, %(uid)s, %(uid)s, date, date
          FROM b_move;
        INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id,
               product_uom_id, location_id, location_dest_id, state, quantity,
               quantity_product_uom, picked, is_entire_pack, date, create_uid,
               write_uid, create_date, write_date)
        SELECT picking_id, id, %(company)s, product_id, uom_id, location_id,
               location_dest_id, 'done', qty, pieces, TRUE, FALSE, date, %(uid)s,
               %(uid)s, date, date
          FROM b_move;

        INSERT INTO stock_quant (product_id, company_id, location_id, quantity,
               reserved_quantity, in_date, create_uid, write_uid, create_date,
               write_date)
        SELECT product_id, %(company)s, %(stock)s,
               SUM(CASE WHEN location_dest_id = %(stock)s THEN pieces
                        ELSE -pieces END),
               0, MIN(date), %(uid)s, %(uid)s, MIN(date), MAX(date)
          FROM b_move
         WHERE %(stock)s IN (location_id, location_dest_id)
      GROUP BY product_id;
        """,
        p,
    )


def sanity(env, company_id):
    """A few figures through the ORM, as Odoo itself computes them."""
    start, end, _days = month_bounds()
    products = env["product.product"].search(
        [("default_code", "in", ["B0000", "B0001", "B0700"])], order="default_code"
    )
    for product in products:
        at_end = product.with_context(to_date=end - timedelta(seconds=1))
        at_start = product.with_context(to_date=start - timedelta(seconds=1))
        print(
            "  %s: stock %g -> %g, value %.2f -> %.2f, avg cost %.2f"
            % (
                product.default_code,
                at_start.qty_available,
                at_end.qty_available,
                at_start.total_value,
                at_end.total_value,
                at_end.avg_cost,
            )
        )
    rows = env["sale.report"]._read_group(
        [
            ("date", ">=", start),
            ("date", "<", end),
            ("company_id", "=", company_id),
            ("state", "not in", ("draft", "cancel", "sent")),
        ],
        ["state"],
        ["price_subtotal:sum", "__count"],
    )
    for state, subtotal, count in rows:
        print("  sale.report %s: %d rows, untaxed %.2f" % (state, count, subtotal))


def build(db, addons, db_opts, scale):
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        [f"--addons-path={','.join(addons)}", *db_opts, "--log-level=warn"]
    )
    with closing(Registry(db).cursor()) as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "UTC"})
        t0 = time.perf_counter()
        counts = generate(env, scale)
        env.flush_all()
        cr.commit()  # pylint: disable=invalid-commit
        print(
            "scale %d: %d POS lines, %d sale lines, %d move lines in %.0f s"
            % (
                scale,
                counts["pos_lines"],
                counts["so_lines"],
                counts["move_lines"],
                time.perf_counter() - t0,
            ),
            flush=True,
        )
        sanity(env, counts["company"])
        cr.rollback()
    return counts


# ----------------------------------------------------------------------
# Measures over HTTP
# ----------------------------------------------------------------------


class Measures:
    def __init__(self, client, base, company_id):
        self.client = client
        self.base = base
        self.company_id = company_id
        start, end, _days = month_bounds()
        self.domain = [
            ("state", "not in", ("draft", "cancel", "sent")),
            ("date", ">=", str(start)),
            ("date", "<", str(end)),
            ("company_id", "=", company_id),
        ]
        self.specs = {
            model: self._spec(model, names) for model, names in SECTIONS.items()
        }
        self.form_spec = self._spec("wholesale.monthly.report", FORM_FIELDS)
        self.form_spec["summary_ids"] = {
            "fields": self.specs["wholesale.monthly.report.summary"]
        }
        self.report_id = None

    def _spec(self, model, names):
        fields = self.client.call(model, "fields_get", [], attributes=["type"])
        spec = {}
        for name in names:
            if name not in fields:
                print("  (%s has no field %s: not read)" % (model, name))
            elif fields[name]["type"] == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    def baseline(self):
        """The Sales Analysis pivot: product x team, untaxed total and qty."""
        groups = self.client.call(
            "sale.report",
            "formatted_read_grouping_sets",
            [
                self.domain,
                [[], ["product_id"], ["team_id"], ["product_id", "team_id"]],
                ["price_subtotal:sum", "product_uom_qty:sum", "__count"],
            ],
        )
        assert groups[0] and groups[0][0]["__count"], groups[0]
        return groups

    def screen(self):
        """Create + compute the report, read the form and a page of each list.

        Returns the rows of each list and the time of each step (create,
        compute, read).
        """
        call = self.client.call
        steps = {}
        t0 = time.perf_counter()
        report_id = call(
            "wholesale.monthly.report",
            "create",
            [{"date_from": str(MONTH), "company_id": self.company_id}],
        )
        if isinstance(report_id, list):
            report_id = report_id[0]
        self.report_id = report_id
        t1 = time.perf_counter()
        call("wholesale.monthly.report", "action_compute", [[report_id]])
        t2 = time.perf_counter()
        form = call(
            "wholesale.monthly.report",
            "web_read",
            [[report_id]],
            specification=self.form_spec,
        )
        assert form and form[0].get("summary_ids"), form
        rows = {}
        for model, spec in self.specs.items():
            if model.endswith(".summary"):
                continue
            result = call(
                model,
                "web_search_read",
                [[("report_id", "=", report_id)], spec],
                limit=80,
                count_limit=10001,
            )
            rows[model.rsplit(".", 1)[1]] = result["length"]
        steps = {
            "create": t1 - t0,
            "compute": t2 - t1,
            "read": time.perf_counter() - t2,
        }
        return rows, steps

    def xlsx(self):
        url = "%s/wholesale_retail/monthly_report/%d/xlsx" % (
            self.base,
            self.report_id,
        )
        with self.client.opener.open(url, timeout=900) as response:
            content = response.read()
        assert content[:2] == b"PK", content[:200]
        return len(content)

    def drop_report(self):
        if self.report_id:
            self.client.call("wholesale.monthly.report", "unlink", [[self.report_id]])
            self.report_id = None


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def measure(db, addons, db_opts, port, company_id, repeats):
    from _server import Client, start_server, stop_server

    server, base = start_server(
        [f"--addons-path={','.join(addons)}", *db_opts], db, port
    )
    try:
        client = Client(base, db)
        m = Measures(client, base, company_id)
        samples = {}
        for rnd in range(repeats + 1):
            t_base, _groups = timed(m.baseline)
            t_screen, (rows, steps) = timed(m.screen)
            t_xlsx, size = timed(m.xlsx)
            m.drop_report()
            print(
                "  %-8s baseline %6.0f ms | report on screen %6.0f ms (create %.0f, "
                "compute %.0f, read %.0f) | XLSX %6.0f ms, %d bytes | rows %s"
                % (
                    "warm-up" if rnd == 0 else "round %d" % rnd,
                    t_base * 1000,
                    t_screen * 1000,
                    steps["create"] * 1000,
                    steps["compute"] * 1000,
                    steps["read"] * 1000,
                    t_xlsx * 1000,
                    size,
                    ", ".join("%s %d" % kv for kv in rows.items()),
                ),
                flush=True,
            )
            if rnd:
                figures = {"baseline": t_base, "screen": t_screen, "xlsx": t_xlsx}
                figures.update(steps)
                for key, value in figures.items():
                    samples.setdefault(key, []).append(value)
    finally:
        stop_server(server)
    return {key: statistics.median(values) for key, values in samples.items()}


# ----------------------------------------------------------------------
# Diagnosis, in process
# ----------------------------------------------------------------------


def _addon_caller():
    """The innermost frame of the addon's code that led to a query."""
    frame = sys._getframe(2)
    while frame:
        path = frame.f_code.co_filename
        in_addon = "wholesale_retail" in path or str(REPO) in path
        if in_addon and "/bench/" not in path:
            return "%s:%d %s" % (Path(path).name, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back
    return "(outside the addon)"


def diagnose(db, company_id):
    """Where the report's time goes: SQL queries and Python, rolled back.

    Each step runs twice in process: once timed with every query logged (its
    duration and the addon's function that sent it), once under cProfile.
    """
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.sql_db import Cursor
    from odoo.tools import SQL

    log = []
    original = Cursor.execute

    def execute(self, query, params=None, log_exceptions=True):
        caller = _addon_caller()
        t0 = time.perf_counter()
        try:
            return original(self, query, params, log_exceptions)
        finally:
            log.append((time.perf_counter() - t0, self, query, params, caller))

    with closing(Registry(db).cursor()) as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "UTC"})
        admin = env.ref("base.user_admin")
        env = api.Environment(cr, admin.id, {"tz": "UTC"})
        report = env["wholesale.monthly.report"].create(
            {"date_from": MONTH, "company_id": company_id}
        )
        env.flush_all()

        def run(fn):
            env.invalidate_all()
            fn()
            env.flush_all()

        for label, fn in (
            ("action_compute", report.action_compute),
            ("XLSX", report._render_xlsx),
        ):
            log.clear()
            Cursor.execute = execute
            try:
                total, _result = timed(lambda fn=fn: run(fn))
            finally:
                Cursor.execute = original
            sql = sum(entry[0] for entry in log)
            print(
                "\n%s in process: %.2f s, of which SQL %.2f s in %d queries"
                % (label, total, sql, len(log))
            )
            by_caller = {}
            for entry in log:
                by_caller[entry[4]] = by_caller.get(entry[4], 0.0) + entry[0]
            print("  SQL time by the addon's function that sent it:")
            for caller, delay in sorted(by_caller.items(), key=lambda kv: -kv[1])[:8]:
                print("  %7.0f ms  %s" % (delay * 1000, caller))
            slowest = sorted(log, key=lambda entry: -entry[0])[:5]
            print("  slowest queries:")
            for delay, _cur, query, _params, caller in slowest:
                text = query.code if hasattr(query, "code") else str(query)
                print(
                    "  %7.0f ms  %s: %s"
                    % (delay * 1000, caller, " ".join(text.split())[:120])
                )
            explained = 0
            for delay, cur, query, params, caller in slowest[:3]:
                text = cur.mogrify(query, params).decode()
                if delay < 0.05 or not text.lstrip().upper().startswith(
                    ("SELECT", "WITH")
                ):
                    continue
                cr.execute("SAVEPOINT bench_explain")
                # the addon's own query, as it ran: explained again
                explain = SQL(
                    "EXPLAIN (ANALYZE, BUFFERS) %s", SQL(text.replace("%", "%%"))
                )
                cr.execute(explain)
                plan = [line for (line,) in cr.fetchall()]
                cr.execute("ROLLBACK TO SAVEPOINT bench_explain")
                if not explained:
                    print("  EXPLAIN (ANALYZE, BUFFERS) of the slowest query:")
                else:
                    print("  EXPLAIN of %s, in short:" % caller)
                    plan = [
                        line
                        for line in plan
                        if line.lstrip().startswith(
                            ("JIT", "Timing", "Execution Time", "Planning Time")
                        )
                    ]
                print("\n".join("    " + line for line in plan))
                explained += 1
            profiler = cProfile.Profile()
            profiler.runcall(run, fn)
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(30)
            lines = [line for line in out.getvalue().splitlines() if line.strip()]
            print("  Python under cProfile (slower than the timed run), cumulative:")
            print("\n".join("    " + line for line in lines[3:36]))
        cr.rollback()


# ----------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1])
    parser.add_argument("--db", default="wr_bench", help="prefix of the scratch DBs")
    parser.add_argument("--template", default="wr_tmpl")
    parser.add_argument("--port", type=int, default=8270)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--diagnose", action="store_true")
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error("--repeats must be at least 5")
    if not args.db.startswith("wr_bench"):
        parser.error("scratch databases are named wr_bench*")
    results = []
    for scale in args.scale:
        db = "%s_s%d" % (args.db, scale)
        env = {}
        addons, db_opts = install(db, args.template, args.port, env)
        try:
            counts = build(db, addons, db_opts, scale)
            medians = measure(
                db, addons, db_opts, args.port, counts["company"], args.repeats
            )
            results.append((scale, counts, medians))
            if args.diagnose:
                diagnose(db, counts["company"])
        finally:
            if not args.keep:
                from odoo.sql_db import close_all

                close_all()
                sh(["dropdb", "--if-exists", db], env=env)
    report(results, args.repeats)


def report(results, repeats):
    print(
        "\nMonthly report against Odoo's Sales Analysis (sale.report pivot by "
        "product and team), odoo-bin --workers 4 over JSON-RPC, median of %d "
        "rounds after one warm-up (steps: medians of each step)\n" % repeats
    )
    header = (
        "scale",
        "POS lines",
        "SO lines",
        "baseline ms",
        "screen ms",
        "(create/compute/read)",
        "screen/base",
        "XLSX ms",
        "verdict",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _h in header) + "|")
    for scale, counts, med in results:
        ratio = med["screen"] / med["baseline"]
        verdict = []
        if scale == 1:
            ok = ratio <= TARGET_RATIO
            verdict.append(
                "%s (ratio <= %g)" % ("PASS" if ok else "FAIL", TARGET_RATIO)
            )
        if scale >= 10:
            ok = med["screen"] < TARGET_SCREEN
            verdict.append(
                "screen %s (< %g s)" % ("PASS" if ok else "FAIL", TARGET_SCREEN)
            )
            ok = med["xlsx"] < TARGET_XLSX
            verdict.append("XLSX %s (< %g s)" % ("PASS" if ok else "FAIL", TARGET_XLSX))
        print(
            "| %d | %d | %d | %.0f | %.0f | %.0f/%.0f/%.0f | %.2f | %.0f | %s |"
            % (
                scale,
                counts["pos_lines"],
                counts["so_lines"],
                med["baseline"] * 1000,
                med["screen"] * 1000,
                med["create"] * 1000,
                med["compute"] * 1000,
                med["read"] * 1000,
                ratio,
                med["xlsx"] * 1000,
                "; ".join(verdict) or "-",
            )
        )


if __name__ == "__main__":
    main()
