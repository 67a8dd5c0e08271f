#!/usr/bin/env python3
"""Race wholesale order confirmations of one customer against its credit limit.

Run by ``scripts/wr.py test`` as ``python3 this.py <odoo options> -d <db>`` on the
database where ``wholesale_retail`` is installed. Each round makes a wholesale
customer with a credit limit of 1,000.00 and 5 quotations of 300.00; 5 forked
workers, released together by a barrier, each confirm one of them as a
salesperson would (a real commit, inside Odoo's own
``odoo.service.model.retrying``, which retries serialization failures as the
request layer does).

Checks, every round: the confirmed orders never hold more than the limit (at
most 3 of the 5), every attempt is either committed or refused with the credit
hold's message (a UserError, not a traceback). The same rounds with the
per-customer serialization switched off in the workers must go over the
limit, which proves the test can fail. Ends with ``N passed, N failed``.
"""

import multiprocessing
import sys
import time
import traceback
import uuid as uuidlib
from contextlib import closing

from _checks import check, report

import odoo
from odoo import api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tools import config

ROUNDS = 3
ROUNDS_OFF = 2
WORKERS = 5
LIMIT = 1000.0
PRICE = 300.0


def env_of(cr):
    """The administrator, as a back-office user would act."""
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    return env(user=env.ref("base.user_admin"))


def setup(db):
    """The company checks credit limits; a product sold by the service (no
    stock: only the credit decides). Returns what to restore."""
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        company = env.ref("base.main_company")
        was_on = company.account_use_credit_limit
        company.account_use_credit_limit = True
        product = env["product.product"].create(
            {
                "name": "WR Credit Race Service",
                "type": "service",
                "list_price": PRICE,
                "taxes_id": False,
                "invoice_policy": "order",
            }
        )
        cr.commit()  # pylint: disable=invalid-commit
        return {"company": company.id, "product": product.id, "was_on": was_on}


def restore(db, shared):
    with closing(Registry(db).cursor()) as cr:
        company = env_of(cr)["res.company"].browse(shared["company"])
        company.account_use_credit_limit = shared["was_on"]
        cr.commit()  # pylint: disable=invalid-commit


def prepare_round(db, shared, label):
    """A customer with a limit of 1,000.00 and its quotations of 300.00."""
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        partner = env["res.partner"].create(
            {"name": f"WR Credit Race {label}", "wholesale_customer": True}
        )
        partner.with_company(shared["company"]).credit_limit = LIMIT
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": shared["company"],
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": shared["product"],
                                "product_uom_qty": 1,
                                "price_unit": PRICE,
                                "tax_ids": [(6, 0, [])],
                            },
                        )
                    ],
                }
                for _i in range(WORKERS)
            ]
        )
        cr.commit()  # pylint: disable=invalid-commit
        return partner.id, orders.ids


def worker(db, order_id, serialize, barrier, results):
    config["db_name"] = [db]
    registry = Registry(db)
    outcome = "crash"
    detail = ""
    tries = {"n": 0}
    if not serialize:
        # the control: what the guard would let through without its lock
        partners = registry["res.partner"]
        partners._wholesale_serialize_credit = lambda self, company: None
    try:
        with closing(registry.cursor()) as cr:
            env = env_of(cr)

            def attempt():
                tries["n"] += 1
                env["sale.order"].browse(order_id).action_confirm()

            barrier.wait(timeout=60)
            try:
                retrying(attempt, env)
                cr.commit()  # pylint: disable=invalid-commit
                outcome = "committed"
            except UserError as exc:
                cr.rollback()
                outcome = "refused"
                detail = " ".join(str(exc).split())[:110]
    except Exception:  # noqa: BLE001 - reported as a crash, never hidden
        detail = traceback.format_exc()
    results.put((order_id, outcome, detail, tries["n"]))


def run_round(db, shared, label, serialize):
    _partner_id, order_ids = prepare_round(db, shared, label)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(db, order_id, serialize, barrier, results))
        for order_id in order_ids
    ]
    # no pooled connection may be shared with the forked workers
    odoo.sql_db.close_all()
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=180) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        confirmed = env["sale.order"].search(
            [("id", "in", order_ids), ("state", "=", "sale")]
        )
        held = sum(confirmed.mapped("amount_total"))
    return outcomes, len(confirmed), held


def main(argv):
    config.parse_config(argv)
    db = config["db_name"][0]
    started = time.time()
    stamp = uuidlib.uuid4().hex[:4]
    shared = setup(db)
    print(
        f"{WORKERS} workers confirm an order of {PRICE:.2f} each for one customer "
        f"with a limit of {LIMIT:.2f}; {ROUNDS} rounds serialized, {ROUNDS_OFF} not",
        flush=True,
    )
    try:
        for n in range(ROUNDS):
            outcomes, count, held = run_round(db, shared, f"{stamp}on{n}", True)
            crashed = [o for o in outcomes if o[1] == "crash"]
            refused = [o for o in outcomes if o[1] == "refused"]
            retries = sum(o[3] - 1 for o in outcomes)
            print(
                f"round {n}: {count} confirmed ({held:.2f}), {len(refused)} refused, "
                f"{retries} retries",
                flush=True,
            )
            check(f"round {n}: confirmed <= limit", held <= LIMIT, f"({held:.2f})")
            check(
                f"round {n}: every attempt committed or refused by the credit hold",
                not crashed
                and all("credit hold" in o[2] for o in refused)
                and count + len(refused) == WORKERS,
                f"(crashes: {[o[2][-300:] for o in crashed]})",
            )
            check(f"round {n}: the limit is used", count == 3, f"({count} of 3)")
        over = 0
        worst = 0.0
        for n in range(ROUNDS_OFF):
            _outcomes, count, held = run_round(db, shared, f"{stamp}off{n}", False)
            print(f"round off {n}: {count} confirmed ({held:.2f})", flush=True)
            over += held > LIMIT
            worst = max(worst, held)
        check(
            "without the serialization the limit is overrun (the test can fail)",
            over > 0,
            f"({over}/{ROUNDS_OFF} rounds over, worst {worst:.2f})",
        )
    finally:
        restore(db, shared)
    return report("credit race", started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
