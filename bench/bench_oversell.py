#!/usr/bin/env python3
"""Throughput and latency of the oversell guard: guard on against off, one run.

Not run by CI. Usage (on a database where wholesale_retail is installed):

    python3 bench/bench_oversell.py --addons-path=... -d <db>

(a) one hot product: 8 workers confirm wholesale sale orders on the same
    product, orders per second;
(b) 8 workers confirm sale orders, each on its own product, orders per second;
(c) latency of one POS order sync (online validation), median of sequential syncs.
Each figure is printed for guard on and off and as the ratio on/off, measured
in the same run, alternating the modes so machine noise hits both.
"""

import importlib.util
import multiprocessing
import statistics
import sys
import time
import uuid as uuidlib
from contextlib import closing
from pathlib import Path

import odoo
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tools import config

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location(
    "wr_race", HERE.parent / "tests" / "stress" / "test_oversell_race.py"
)
race = importlib.util.module_from_spec(spec)
spec.loader.exec_module(race)

WORKERS = 8
ORDERS_PER_WORKER = 5
LATENCY_SAMPLES = 15
STOCK = 10000


def set_guard(db, on):
    with closing(Registry(db).cursor()) as cr:
        race.env_of(cr)["ir.config_parameter"].set_param(race.PARAM, "1" if on else "0")
        cr.commit()  # pylint: disable=invalid-commit


def stock_product(db, label):
    with closing(Registry(db).cursor()) as cr:
        env = race.env_of(cr)
        product = env["product.product"].create(
            {"name": f"WR Bench {label}", "is_storable": True, "list_price": 5.0}
        )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, STOCK
        )
        cr.commit()  # pylint: disable=invalid-commit
        return product.id


def bench_worker(db, refs, barrier, results):
    config["db_name"] = [db]
    with closing(Registry(db).cursor()) as cr:
        env = race.env_of(cr)
        barrier.wait(timeout=60)
        done = 0
        for ref in refs:
            try:
                retrying(lambda r=ref: race.confirm_sale_order(env, None, None, r), env)
                cr.commit()  # pylint: disable=invalid-commit
                done += 1
            except Exception:  # noqa: BLE001 - a failed order just does not count
                cr.rollback()
        results.put(done)


def throughput(db, shared, products, label):
    """Orders confirmed per second by WORKERS processes."""
    jobs = []
    for i in range(WORKERS):
        product_id = products[i % len(products)]
        refs = [f"WR-BENCH-{label}-{i}-{k}" for k in range(ORDERS_PER_WORKER)]
        race.create_sale_orders(db, shared, product_id, refs)
        jobs.append(refs)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS + 1)
    results = ctx.Queue()
    odoo.sql_db.close_all()
    procs = [
        ctx.Process(target=bench_worker, args=(db, refs, barrier, results))
        for refs in jobs
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=60)
    started = time.time()
    done = sum(results.get(timeout=600) for _ in procs)
    elapsed = time.time() - started
    for proc in procs:
        proc.join(timeout=30)
    return done / elapsed, done


def latency(db, shared, product_id):
    samples = []
    with closing(Registry(db).cursor()) as cr:
        env = race.env_of(cr)
        for _i in range(LATENCY_SAMPLES):
            ref = str(uuidlib.uuid4())
            started = time.perf_counter()
            retrying(lambda r=ref: race.sync_pos_order(env, shared, product_id, r), env)
            cr.commit()  # pylint: disable=invalid-commit
            samples.append(time.perf_counter() - started)
    return statistics.median(samples[2:])  # the first syncs warm caches


def main(argv):
    config.parse_config(argv)
    db = config["db_name"][0]
    stamp = uuidlib.uuid4().hex[:3]
    shared = race.setup(db, stamp)
    race.QTY = 1
    figures = {True: {}, False: {}}
    for rep, guard in enumerate((False, True, False, True)):
        set_guard(db, guard)
        label = f"{stamp}{rep}"
        hot = stock_product(db, f"{label} hot")
        rate, _n = throughput(db, shared, [hot], f"{label}a")
        figures[guard].setdefault("a", []).append(rate)
        spread = [stock_product(db, f"{label} p{i}") for i in range(WORKERS)]
        rate, _n = throughput(db, shared, spread, f"{label}b")
        figures[guard].setdefault("b", []).append(rate)
        figures[guard].setdefault("c", []).append(latency(db, shared, hot))
        print(f"  pass {rep} guard={'on' if guard else 'off'}: done", flush=True)
    set_guard(db, True)
    names = {
        "a": "(a) one hot product, 8 workers, SO confirmations/s",
        "b": "(b) 8 workers on 8 products, SO confirmations/s",
        "c": "(c) latency of one POS order sync, s (median)",
    }
    for key, name in names.items():
        on = statistics.mean(figures[True][key])
        off = statistics.mean(figures[False][key])
        print(f"{name}: guard on {on:.3f}, off {off:.3f}, on/off = {on / off:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
