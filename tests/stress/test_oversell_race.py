#!/usr/bin/env python3
"""Race sale order confirmations and POS order syncs on one product, real commits.

Run by ``scripts/wr.py test`` as ``python3 this.py <odoo options> -d <db>`` on the
database where ``wholesale_retail`` is installed. Each round creates a product
with 10 pieces in stock, then 8 forked workers (4 confirm a wholesale sale order
for 2, 4 sync a paid POS order for 2 as the POS does while online) are released
together by a barrier. Each worker runs its transaction in Odoo's own
``odoo.service.model.retrying`` (serialization failures are retried as the
request layer does) and commits for real.

Checks, every round: reserved + sold never exceeds what was on hand, nor does
confirmed wholesale demand + sold (core may silently take a confirmed order's
reservation when a POS picking is validated, which hides an oversell); every
attempt is either committed (and found in the database) or ended with a clear
error (a UserError, not a traceback). The same rounds with the guard switched
off (``wholesale_retail.oversell_guard`` = 0) must show the oversell, which
proves the test can fail.

Two more kinds of round run with the guard on: one in a POS session that moves
stock only at its closing (the POS sales sit in no quant until then; the
session is closed after the race and its picking must be done), and one where
two of the POS workers settle wholesale orders confirmed before the race
(pos_sale): a settlement consumes its own reservation, so it is never refused
and records no incident. Ends with ``N passed, N failed``.
"""

import multiprocessing
import sys
import time
import traceback
import uuid as uuidlib
from contextlib import closing

from _checks import check, report

import odoo
from odoo import api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tools import config

ROUNDS = 5
ROUNDS_OFF = 3
ROUNDS_CLOSING = 2
ROUNDS_SETTLE = 2
WORKERS = 8
ON_HAND = 10
QTY = 2
PARAM = "wholesale_retail.oversell_guard"


def env_of(cr):
    """The administrator, as a back-office user and a cashier would act."""
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    return env(user=env.ref("base.user_admin"))


def setup(db, stamp):
    """Shared data: warehouse, wholesale customer, an open POS session."""
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        company = env.ref("base.main_company")
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        warehouse.wholesale_oversell_policy = "refuse"
        env["wholesale.channel.rule"].search(
            [("warehouse_id", "=", warehouse.id), ("is_warehouse_default", "=", True)]
        ).action = "block"
        partner = env["res.partner"].create(
            {"name": "WR Race Sub-distributor", "wholesale_customer": True}
        )
        journal = env["account.journal"].create(
            {"name": "WR Race Cash", "type": "cash", "code": f"WR{stamp}"}
        )
        cash = env["pos.payment.method"].create(
            {"name": "WR Race Cash", "journal_id": journal.id, "is_cash_count": True}
        )
        pos_config = env["pos.config"].create(
            {
                "name": "WR Race Shop",
                "payment_method_ids": [(6, 0, cash.ids)],
                "picking_type_id": warehouse.pos_type_id.id,
            }
        )
        pos_config.open_ui()
        session = pos_config.current_session_id
        session.set_opening_control(0, None)
        closing_journal = env["account.journal"].create(
            {"name": "WR Race Cash 2", "type": "cash", "code": f"WC{stamp}"}
        )
        closing_cash = env["pos.payment.method"].create(
            {
                "name": "WR Race Cash (closing)",
                "journal_id": closing_journal.id,
                "is_cash_count": True,
            }
        )
        closing_config = env["pos.config"].create(
            {
                "name": "WR Race Shop (closing)",
                "payment_method_ids": [(6, 0, closing_cash.ids)],
                "picking_type_id": warehouse.pos_type_id.id,
            }
        )
        cr.commit()  # pylint: disable=invalid-commit
        return {
            "closing_config": closing_config.id,
            "closing_cash": closing_cash.id,
            "warehouse": warehouse.id,
            "partner": partner.id,
            "session": session.id,
            "config": pos_config.id,
            "cash": cash.id,
            "pricelist": pos_config.pricelist_id.id,
        }


def new_product(db, shared, label):
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        product = env["product.product"].create(
            {
                "name": f"WR Race {label}",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 5.0,
                "taxes_id": [(5, 0, 0)],
            }
        )
        warehouse = env["stock.warehouse"].browse(shared["warehouse"])
        env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": product.id,
                "location_id": warehouse.lot_stock_id.id,
                "inventory_quantity": ON_HAND,
            }
        ).action_apply_inventory()
        cr.commit()  # pylint: disable=invalid-commit
        return product.id


def open_closing_session(db, shared):
    """A session of the closing-mode shop, stock moved at its closing."""
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        company = env.ref("base.main_company")
        company.point_of_sale_update_stock_quantities = "closing"
        pos_config = env["pos.config"].browse(shared["closing_config"])
        pos_config.open_ui()
        session = pos_config.current_session_id
        session.set_opening_control(0, None)
        company.point_of_sale_update_stock_quantities = "real"
        cr.commit()  # pylint: disable=invalid-commit
        assert session.update_stock_at_closing
        return session.id


def close_session(db, session_id):
    with closing(Registry(db).cursor()) as cr:
        session = env_of(cr)["pos.session"].browse(session_id)
        session.action_pos_session_closing_control()
        cr.commit()  # pylint: disable=invalid-commit
        return session.state, session.picking_ids.mapped("state")


def pos_order_data(shared, product_id, qty, order_uuid, settle=None):
    amount = 5.0 * qty
    line_settles = {}
    if settle:
        line_settles = {
            "sale_order_origin_id": settle["order"],
            "sale_order_line_id": settle["line"],
        }
    return {
        "amount_paid": amount,
        "amount_return": 0,
        "amount_tax": 0,
        "amount_total": amount,
        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
        "fiscal_position_id": False,
        "pricelist_id": shared["pricelist"],
        "name": f"Order {order_uuid}",
        "last_order_preparation_change": "{}",
        "lines": [
            (
                0,
                0,
                {
                    "product_id": product_id,
                    "qty": qty,
                    "price_unit": 5.0,
                    "price_subtotal": amount,
                    "price_subtotal_incl": amount,
                    "tax_ids": [(6, 0, [])],
                    "pack_lot_ids": [],
                    **line_settles,
                },
            )
        ],
        "partner_id": settle["partner"] if settle else False,
        "session_id": shared["session"],
        "payment_ids": [
            (
                0,
                0,
                {
                    "amount": amount,
                    "name": fields.Datetime.now(),
                    "payment_method_id": shared["cash"],
                },
            )
        ],
        "uuid": order_uuid,
        "user_id": False,
        "to_invoice": False,
    }


def create_sale_orders(db, shared, product_id, refs):
    """Draft wholesale orders, prepared before the race like quotations are."""
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        for ref in refs:
            env["sale.order"].create(
                {
                    "partner_id": shared["partner"],
                    "warehouse_id": shared["warehouse"],
                    "client_order_ref": ref,
                    "order_line": [
                        (0, 0, {"product_id": product_id, "product_uom_qty": QTY})
                    ],
                }
            )
        cr.commit()  # pylint: disable=invalid-commit


def confirmed_orders_to_settle(db, shared, product_id, refs):
    """Wholesale orders confirmed (and reserved) before the race, to be
    settled at the POS (pos_sale) during it."""
    create_sale_orders(db, shared, product_id, refs)
    settles = {}
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        for ref in refs:
            order = env["sale.order"].search([("client_order_ref", "=", ref)])
            order.action_confirm()
            settles[ref] = {
                "order": order.id,
                "line": order.order_line.id,
                "partner": shared["partner"],
            }
        cr.commit()  # pylint: disable=invalid-commit
    return settles


def confirm_sale_order(env, shared, product_id, ref):
    order = env["sale.order"].search([("client_order_ref", "=", ref)])
    order.action_confirm()
    return order.name


def sync_pos_order(env, shared, product_id, ref):
    settle = shared.get("settles", {}).get(ref)
    data = pos_order_data(shared, product_id, QTY, ref, settle)
    # the POS validates online: the payment screen marks the order it syncs
    env["pos.order"].with_context(wholesale_retail_online_order_uuid=ref).sync_from_ui(
        [data]
    )
    return ref


def worker(db, shared, product_id, kind, ref, barrier, results):
    config["db_name"] = [db]
    registry = Registry(db)
    outcome = "crash"
    detail = ""
    tries = {"n": 0}
    try:
        with closing(registry.cursor()) as cr:
            env = env_of(cr)
            func = confirm_sale_order if kind == "so" else sync_pos_order

            def attempt():
                tries["n"] += 1
                return func(env, shared, product_id, ref)

            barrier.wait(timeout=60)
            started = time.time()
            try:
                detail = retrying(attempt, env)
                cr.commit()  # pylint: disable=invalid-commit
                outcome = "committed"
            except UserError as exc:
                cr.rollback()
                outcome = "refused"
                detail = " ".join(str(exc).split())[:110]
            elapsed = time.time() - started
    except Exception:  # noqa: BLE001 - reported as a crash, never hidden
        detail = traceback.format_exc()
        elapsed = 0.0
    results.put((kind, ref, outcome, detail, tries["n"], elapsed))


def measure(db, shared, product_id):
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        product = env["product.product"].browse(product_id)
        moves = env["stock.move"].search(
            [
                ("product_id", "=", product_id),
                ("sale_line_id", "!=", False),
                ("state", "not in", ["draft", "cancel"]),
            ]
        )
        reserved = sum(moves.mapped("quantity"))
        promised = sum(moves.mapped("product_uom_qty"))
        lines = env["pos.order.line"].search(
            [
                ("product_id", "=", product_id),
                ("order_id.state", "in", ["paid", "done"]),
            ]
        )
        sold = sum(lines.mapped("qty"))
        orders = {
            "so": set(moves.sale_line_id.order_id.mapped("client_order_ref")),
            "pos": set(lines.order_id.mapped("uuid")),
        }
        return {
            "reserved": reserved,
            "promised": promised,
            "sold": sold,
            "on_hand": product.with_context(
                warehouse_id=shared["warehouse"]
            ).qty_available,
            "orders": orders,
        }


def run_round(db, shared, label, guard, kind="real"):
    """One race; ``kind``: 'real' (a picking per POS order), 'closing' (stock
    moved at the session closing) or 'settle' (two POS orders settle
    wholesale orders confirmed before the race)."""
    with closing(Registry(db).cursor()) as cr:
        env_of(cr)["ir.config_parameter"].set_param(PARAM, "1" if guard else "0")
        cr.commit()  # pylint: disable=invalid-commit
    product_id = new_product(db, shared, label)
    shared = dict(shared, settles={})
    if kind == "closing":
        shared["session"] = open_closing_session(db, shared)
        shared["cash"] = shared["closing_cash"]
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = []
    jobs = [
        (
            "so" if i % 2 == 0 else "pos",
            f"WR-RACE-{label}-{i}-{uuidlib.uuid4().hex[:6]}",
        )
        for i in range(WORKERS)
    ]
    if kind == "settle":
        to_settle = [ref for job, ref in jobs if job == "pos"][:2]
        shared["settles"] = confirmed_orders_to_settle(
            db, shared, product_id, to_settle
        )
    create_sale_orders(
        db, shared, product_id, [ref for job, ref in jobs if job == "so"]
    )
    for job, ref in jobs:
        proc = ctx.Process(
            target=worker, args=(db, shared, product_id, job, ref, barrier, results)
        )
        procs.append(proc)
    # no pooled connection may be shared with the forked workers
    odoo.sql_db.close_all()
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    figures = measure(db, shared, product_id)
    figures["settles"] = shared["settles"]
    if kind == "closing":
        figures["closing"] = close_session(db, shared["session"])
        figures["on_hand_after_closing"] = measure(db, shared, product_id)["on_hand"]
    return outcomes, figures


def count_incidents(db, uuids):
    with closing(Registry(db).cursor()) as cr:
        return env_of(cr)["wholesale.oversell.incident"].search_count(
            [("pos_order_id.uuid", "in", uuids)]
        )


def report_round(label, guard, outcomes, figures):
    committed = [o for o in outcomes if o[2] == "committed"]
    refused = [o for o in outcomes if o[2] == "refused"]
    crashed = [o for o in outcomes if o[2] == "crash"]
    retries = sum(o[4] - 1 for o in outcomes)
    slowest = max(o[5] for o in outcomes)
    total = figures["reserved"] + figures["sold"]
    promised = figures["promised"] + figures["sold"]
    print(
        f"  round {label} guard={'on ' if guard else 'off'}: "
        f"reserved {figures['reserved']:g} + sold {figures['sold']:g} = {total:g}, "
        f"confirmed {figures['promised']:g} + sold = {promised:g}, "
        f"of {ON_HAND} on hand (now {figures['on_hand']:g}); "
        f"committed {len(committed)}, refused {len(refused)}, crashed {len(crashed)}, "
        f"retries {retries}, slowest {slowest:.2f}s",
        flush=True,
    )
    for o in refused[:1]:
        print(f"      e.g. refused: {o[3]}", flush=True)
    for o in crashed:
        print(f"      crash in {o[0]} {o[1]}:\n{o[3]}", flush=True)
    found = figures["orders"]["so"] | figures["orders"]["pos"]
    lost = [o[1] for o in committed if o[1] not in found]
    ghosts = [o[1] for o in refused + crashed if o[1] in found]
    return max(total, promised), crashed, lost, ghosts


def main(argv):
    config.parse_config(argv)
    db = config["db_name"][0]
    started = time.time()
    stamp = uuidlib.uuid4().hex[:3]
    shared = setup(db, stamp)
    print(
        f"{WORKERS} workers (4 sale orders, 4 POS syncs, {QTY} each) on "
        f"{ON_HAND} in stock, {ROUNDS} rounds with the guard, {ROUNDS_OFF} without",
        flush=True,
    )
    worst_on = 0.0
    all_clear = True
    for n in range(ROUNDS):
        outcomes, figures = run_round(db, shared, f"{stamp}on{n}", True)
        total, crashed, lost, ghosts = report_round(n, True, outcomes, figures)
        worst_on = max(worst_on, total)
        check(
            f"round {n}: reserved (and confirmed) + sold <= on hand",
            total <= ON_HAND + 1e-6,
            f"({total:g} <= {ON_HAND})",
        )
        ok = not crashed and not lost and not ghosts
        all_clear &= ok
        check(
            f"round {n}: every attempt committed or clearly refused",
            ok,
            f"(lost {lost}, ghosts {ghosts}, crashes {len(crashed)})",
        )
    for n in range(ROUNDS_CLOSING):
        outcomes, figures = run_round(db, shared, f"{stamp}cl{n}", True, "closing")
        total, crashed, lost, ghosts = report_round(
            f"closing {n}", True, outcomes, figures
        )
        worst_on = max(worst_on, total)
        state, picking_states = figures["closing"]
        check(
            f"closing round {n}: reserved (and confirmed) + sold <= on hand",
            total <= ON_HAND + 1e-6,
            f"({total:g} <= {ON_HAND})",
        )
        check(
            f"closing round {n}: the session closes and moves the goods",
            state == "closed"
            and picking_states
            and set(picking_states) == {"done"}
            and abs(figures["on_hand_after_closing"] - (ON_HAND - figures["sold"]))
            < 1e-6,
            f"(session {state}, pickings {picking_states}, on hand "
            f"{figures['on_hand_after_closing']:g} = {ON_HAND} - {figures['sold']:g})",
        )
        check(
            f"closing round {n}: every attempt committed or clearly refused",
            not crashed and not lost and not ghosts,
            f"(lost {lost}, ghosts {ghosts}, crashes {len(crashed)})",
        )
    for n in range(ROUNDS_SETTLE):
        outcomes, figures = run_round(db, shared, f"{stamp}st{n}", True, "settle")
        total, crashed, lost, ghosts = report_round(
            f"settle {n}", True, outcomes, figures
        )
        worst_on = max(worst_on, total)
        settles = figures["settles"]
        settled = [o for o in outcomes if o[1] in settles and o[2] == "committed"]
        check(
            f"settle round {n}: reserved (and confirmed) + sold <= on hand",
            total <= ON_HAND + 1e-6,
            f"({total:g} <= {ON_HAND})",
        )
        incidents = count_incidents(db, list(settles))
        check(
            f"settle round {n}: every settlement committed, no incident",
            len(settled) == len(settles) and not incidents,
            f"({len(settled)}/{len(settles)} settled, {incidents} incidents)",
        )
        check(
            f"settle round {n}: every attempt committed or clearly refused",
            not crashed and not lost and not ghosts,
            f"(lost {lost}, ghosts {ghosts}, crashes {len(crashed)})",
        )
    oversold = 0
    worst_off = 0.0
    for n in range(ROUNDS_OFF):
        outcomes, figures = run_round(db, shared, f"{stamp}off{n}", False)
        total, _crashed, _lost, _ghosts = report_round(n, False, outcomes, figures)
        worst_off = max(worst_off, total)
        oversold += total > ON_HAND + 1e-6
    with closing(Registry(db).cursor()) as cr:
        env_of(cr)["ir.config_parameter"].set_param(PARAM, "1")
        cr.commit()  # pylint: disable=invalid-commit
    check(
        "guard off shows the oversell (the test can fail)",
        oversold > 0,
        f"({oversold}/{ROUNDS_OFF} rounds oversold, worst {worst_off:g} of {ON_HAND})",
    )
    print(
        f"guard on: worst reserved+sold {worst_on:g}/{ON_HAND}; "
        f"guard off: worst {worst_off:g}/{ON_HAND}, "
        f"oversold in {oversold}/{ROUNDS_OFF} rounds"
    )
    return report("oversell race", started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
