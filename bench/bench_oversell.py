#!/usr/bin/env python3
"""Throughput and latency of the oversell guard over HTTP: guard on against off.

Not run by CI. Usage, on a database where wholesale_retail is installed and the
user admin/admin exists (e.g. ``python3 scripts/wr.py test --addon-only
--keep-db``, database ``wr_test``):

    python3 bench/bench_oversell.py --addons-path=... -d <db> [--port 8369]

It starts a real ``odoo-bin --workers 4`` server on loopback and drives it with
JSON-RPC clients (one HTTP session each), as the back office and the POS do:

(a) one hot product: 8 clients confirm wholesale sale orders on the same
    product (``sale.order.action_confirm``), orders per second;
(b) 8 clients confirm sale orders, each on its own product, orders per second;
(c) latency of one POS order sync as the payment screen sends it online
    (``pos.order.sync_from_ui``), median of sequential syncs; guard on and off
    alternate every block of syncs (8 blocks of 25 each by default), since a
    few milliseconds of difference drown in the machine's drift otherwise.

Guard on and off alternate (off, on, off, on) in the same run, switched over
JSON-RPC (``wholesale_retail.oversell_guard``), so the machine's noise hits
both; each figure is printed for both and as the ratio on/off. Data (products
with stock, draft orders, an open POS session) is prepared in this process
before the server starts. The server is stopped at the end.
"""

import importlib.util
import os
import statistics
import sys
import threading
import time
import uuid as uuidlib
from contextlib import closing
from pathlib import Path

from odoo.modules.registry import Registry
from odoo.tools import config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Client, start_server, stop_server

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location(
    "wr_race", HERE.parent / "tests" / "stress" / "test_oversell_race.py"
)
race = importlib.util.module_from_spec(spec)
spec.loader.exec_module(race)

CLIENTS = 8
ORDERS_PER_CLIENT = int(os.environ.get("WR_BENCH_ORDERS", "15"))
LATENCY_SAMPLES = int(os.environ.get("WR_BENCH_SYNCS", "25"))
LATENCY_BLOCKS = int(os.environ.get("WR_BENCH_SYNC_BLOCKS", "8"))
STOCK = 100000
MODES = (False, True) * int(os.environ.get("WR_BENCH_PASSES", "2"))


def stock_product(db, label):
    with closing(Registry(db).cursor()) as cr:
        env = race.env_of(cr)
        product = env["product.product"].create(
            {
                "name": f"WR Bench {label}",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 5.0,
                "taxes_id": [(5, 0, 0)],
            }
        )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, STOCK
        )
        cr.commit()  # pylint: disable=invalid-commit
        return product.id


def order_ids(db, refs):
    with closing(Registry(db).cursor()) as cr:
        orders = race.env_of(cr)["sale.order"].search(
            [("client_order_ref", "in", refs)]
        )
        return orders.ids


def throughput(db, base, shared, products, label):
    """Orders confirmed per second by CLIENTS clients over HTTP."""
    jobs = []
    for i in range(CLIENTS):
        refs = [f"WR-BENCH-{label}-{i}-{k}" for k in range(ORDERS_PER_CLIENT)]
        race.create_sale_orders(db, shared, products[i % len(products)], refs)
        jobs.append(order_ids(db, refs))
    clients = [Client(base, db) for _job in jobs]
    done = []
    errors = []
    barrier = threading.Barrier(CLIENTS + 1)

    def run(client, ids):
        barrier.wait()
        count = 0
        for order_id in ids:
            try:
                client.call("sale.order", "action_confirm", [[order_id]])
                count += 1
            except RuntimeError as exc:
                errors.append(str(exc))
        done.append(count)

    threads = [
        threading.Thread(target=run, args=(client, ids))
        for client, ids in zip(clients, jobs, strict=True)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        print(f"    {len(errors)} refused, e.g. {errors[0]}", flush=True)
    return sum(done) / elapsed


def latency(client, db, shared, product_id):
    samples = []
    for _i in range(LATENCY_SAMPLES):
        ref = str(uuidlib.uuid4())
        data = race.pos_order_data(shared, product_id, 1, ref)
        started = time.perf_counter()
        client.call(
            "pos.order",
            "sync_from_ui",
            [[data]],
            context={"wholesale_retail_online_order_uuid": ref},
        )
        samples.append(time.perf_counter() - started)
    return samples


def main(argv):
    port = 8369
    if "--port" in argv:
        at = argv.index("--port")
        port = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    config.parse_config(argv)
    db = config["db_name"][0]
    stamp = uuidlib.uuid4().hex[:3]
    shared = race.setup(db, stamp)
    server_argv = [a for a in argv if not a.startswith(("-d", "--database"))]
    server_argv = [a for a in server_argv if a != db]
    server, base = start_server(server_argv, db, port)
    admin = Client(base, db)
    figures = {True: {}, False: {}}
    print(
        f"odoo-bin --workers 4 on {base}; {CLIENTS} JSON-RPC clients x "
        f"{ORDERS_PER_CLIENT} orders; {LATENCY_SAMPLES} POS syncs per pass",
        flush=True,
    )
    try:
        for rep, guard in enumerate(MODES):
            admin.call(
                "ir.config_parameter", "set_param", [race.PARAM, str(int(guard))]
            )
            label = f"{stamp}{rep}"
            hot = stock_product(db, f"{label} hot")
            rate = throughput(db, base, shared, [hot], f"{label}a")
            figures[guard].setdefault("a", []).append(rate)
            spread = [stock_product(db, f"{label} p{i}") for i in range(CLIENTS)]
            rate = throughput(db, base, shared, spread, f"{label}b")
            figures[guard].setdefault("b", []).append(rate)
            last = {key: values[-1] for key, values in figures[guard].items()}
            print(
                f"  pass {rep} guard={'on ' if guard else 'off'}: "
                f"(a) {last['a']:.2f}/s (b) {last['b']:.2f}/s",
                flush=True,
            )
        hot = stock_product(db, f"{stamp} sync")
        syncer = Client(base, db)
        latency(syncer, db, shared, hot)  # warm every worker's caches
        for block in range(LATENCY_BLOCKS):
            for guard in (False, True):
                admin.call(
                    "ir.config_parameter", "set_param", [race.PARAM, str(int(guard))]
                )
                samples = latency(syncer, db, shared, hot)
                figures[guard].setdefault("c", []).extend(samples)
            print(f"  sync block {block}: done", flush=True)
    finally:
        admin.call("ir.config_parameter", "set_param", [race.PARAM, "1"])
        stop_server(server)
    names = {
        "a": "(a) one hot product, 8 clients, SO confirmations/s",
        "b": "(b) 8 clients on 8 products, SO confirmations/s",
        "c": f"(c) latency of one online POS order sync, s (median of "
        f"{len(figures[True]['c'])} each)",
    }
    for key, name in names.items():
        average = statistics.median if key == "c" else statistics.mean
        on = average(figures[True][key])
        off = average(figures[False][key])
        print(f"{name}: guard on {on:.3f}, off {off:.3f}, on/off = {on / off:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
