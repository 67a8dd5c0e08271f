#!/usr/bin/env python3
"""Race signed channel webhooks and POS syncs for the last units, over a real server.

Run by ``scripts/wr.py test`` as ``python3 this.py <odoo options> -d <db>`` on the
database where ``wholesale_retail`` (and so OCA ``queue_job``) is installed.
The data is prepared in this process (real commits): a product with exactly
10 pieces in stock and an internal reference, one with plenty, a marketplace
channel (``wholesale.sales.channel``) whose quantity pushes go to a small
recording HTTP server run here (it records each push: time, headers, body),
every ``SYNC_INTERVAL`` seconds at most, a cashier and an open POS session.
Then a real ``odoo-bin --workers 4 --load=base,rpc,web,queue_job`` serves it on
loopback, with queue_job's jobrunner inside (``ODOO_QUEUE_JOB_CHANNELS=
root:4,root.wholesale_sync:2``; it calls the server back on its own HTTP port).

Round 1, all released together by a barrier: 8 signed webhook orders
(``POST /wholesale_retail/channel/<id>/order``, 2 pieces each, an
Idempotency-Key each) and 2 POS order syncs of 2 pieces each, sent by the
cashier over JSON-RPC as the payment screen does while online
(``pos.order.sync_from_ui`` with the order's uuid in the context: such a sync
may be refused with a UserError when the stock is not there, see
``models/pos_order.py``). Checks: nothing oversold (webhook orders answered
200 plus POS orders synced hold at most 10; in the database the free quantity
is not negative and reserved/confirmed + sold <= 10); every webhook answered
200 or 409 with a JSON body (no 5xx, no timeout); none lost (each 200 names a
confirmed order of the channel, the channel has no other order of the
product, a 409 left no order behind); each POS sync committed or refused with
a UserError; no refusal while 2 pieces were left. Round 1b does the same on
another product with the webhooks sent 2 s after the barrier, so that the
POS syncs, slower to reach their stock check, may take the stock first.

Round 2: 8 copies of one webhook (same Idempotency-Key, same body) at once on
the product with plenty: all answer 200 with the same order, one of them
not a replay, and one order exists for that reference.

Pushes: after the races, the pushes go on for a few intervals until the
channel's push job is done. Checks: at least one push, each signed with the
channel's secret and carrying an Idempotency-Key, at most ``sync_batch_size``
items each, consecutive pushes at least ``SYNC_INTERVAL`` apart (0.5 s
tolerance), the last pushed quantity of each product equals the channel's
sellable quantity in the database (and the pull feed's), no push job failed.

WR_CHANNEL_RACE_GUARD_OFF=1 runs rounds 1 and 1b with the guard off
(``wholesale_retail.oversell_guard`` = 0): the oversell checks must then fail
(proof that they can). The server is
stopped at the end, even on a failure; the channel is archived and the
warehouse's settings restored. Ends with ``N passed, N failed``.
"""

import hashlib
import hmac
import http.client
import itertools
import json
import math
import os
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.request
import uuid as uuidlib
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from _checks import CHECKS, check, report
from test_oversell_race import pos_order_data

from odoo import api, fields
from odoo.modules.registry import Registry
from odoo.tools import config

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from _server import (
    Client,
    queue_job_env,
    queue_job_server_argv,
    server_log_path,
    start_server,
    stop_server,
)

ON_HAND = 10
PLENTY = 1000
QTY = 2
WEBHOOKS = 8
POS_SYNCS = 2
COPIES = 8
SYNC_INTERVAL = 5
BATCH = 500
TOLERANCE = 0.5
PARAM = "wholesale_retail.oversell_guard"
CHANNELS = "root:4,root.wholesale_sync:2"
PORTS = os.environ.get("WR_STRESS_PORTS", "8400-8499")
GUARD_OFF = os.environ.get("WR_CHANNEL_RACE_GUARD_OFF") == "1"
TIMEOUT = 120
HOOK_DELAY = 2.0
PRODUCT_KEYS = ("raced", "raced2", "plenty")
PUSH_JOB_KEY = "wholesale_sync_push:{}"
OPEN_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


def env_of(cr):
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    return env(user=env.ref("base.user_admin"))


def free_ports(count, avoid=()):
    """``count`` consecutive free loopback ports in WR_STRESS_PORTS."""
    low, high = map(int, PORTS.split("-"))
    for start in range(low, high - count + 2):
        ports = range(start, start + count)
        if set(ports) & set(avoid):
            continue
        sockets = []
        try:
            for port in ports:
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return start
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise SystemExit(f"no {count} free ports in {PORTS}")


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Recorder:
    """The channel's endpoint: records every push, answers 200."""

    def __init__(self, port):
        self.pushes = []  # (monotonic, headers, raw body)
        self.lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with recorder.lock:
                    recorder.pushes.append(
                        (time.monotonic(), dict(self.headers.items()), body)
                    )
                answer = b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{port}/push"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def snapshot(self):
        with self.lock:
            return list(self.pushes)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def new_product(env, label, stamp, qty, warehouse):
    product = env["product.product"].create(
        {
            "name": f"WR Sync Race {label}",
            "is_storable": True,
            "sale_ok": True,
            "available_in_pos": True,
            "list_price": 5.0,
            "taxes_id": [(5, 0, 0)],
            "default_code": f"WR-SYNC-{label}-{stamp}",
            "barcode": f"29{abs(hash((label, stamp))) % 10**10:010d}",
        }
    )
    env["stock.quant"].with_context(inventory_mode=True).create(
        {
            "product_id": product.id,
            "location_id": warehouse.lot_stock_id.id,
            "inventory_quantity": qty,
        }
    ).action_apply_inventory()
    return product


def prepare(db, stamp, endpoint):
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        company = env.ref("base.main_company")
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        default_rule = env["wholesale.channel.rule"].search(
            [("warehouse_id", "=", warehouse.id), ("is_warehouse_default", "=", True)]
        )
        params = env["ir.config_parameter"].sudo()
        restore = {
            "warehouse": warehouse.id,
            "policy": warehouse.wholesale_oversell_policy,
            "rules": [(rule.id, rule.action) for rule in default_rule],
            "guard": params.get_param(PARAM),
        }
        warehouse.wholesale_oversell_policy = "refuse"
        default_rule.action = "block"
        params.set_param(PARAM, "1")
        password = uuidlib.uuid4().hex
        cashier = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": f"WR Sync Cashier {stamp}",
                    "login": f"wr_sync_cashier_{stamp}",
                    "password": password,
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "group_ids": [
                        (4, env.ref("base.group_user").id),
                        (4, env.ref("point_of_sale.group_pos_user").id),
                    ],
                }
            )
        )
        journal = env["account.journal"].create(
            {"name": f"WR Sync Cash {stamp}", "type": "cash", "code": f"WS{stamp[:3]}"}
        )
        cash = env["pos.payment.method"].create(
            {
                "name": f"WR Sync Cash {stamp}",
                "journal_id": journal.id,
                "is_cash_count": True,
            }
        )
        pos_config = env["pos.config"].create(
            {
                "name": f"WR Sync Shop {stamp}",
                "payment_method_ids": [(6, 0, cash.ids)],
                "picking_type_id": warehouse.pos_type_id.id,
            }
        )
        pos_config.open_ui()
        session = pos_config.current_session_id
        session.set_opening_control(0, None)
        channel = env["wholesale.sales.channel"].create(
            {
                "name": f"WR Sync Marketplace {stamp}",
                "kind": "marketplace",
                "company_id": company.id,
                "warehouse_id": warehouse.id,
                "sync_endpoint": endpoint,
                "sync_interval": SYNC_INTERVAL,
                # every listed product of the database is pending at first:
                # one push takes them all, whatever the database holds
                "sync_batch_size": BATCH,
                "user_id": env.ref("base.user_admin").id,
            }
        )
        raced = new_product(env, "LAST", stamp, ON_HAND, warehouse)
        raced2 = new_product(env, "POSFIRST", stamp, ON_HAND, warehouse)
        plenty = new_product(env, "PLENTY", stamp, PLENTY, warehouse)
        secret = channel.sudo().sync_secret
        shared = {
            "stamp": stamp,
            "restore": restore,
            "warehouse": warehouse.id,
            "channel": channel.id,
            "secret": secret,
            "feed_token": channel.sudo().feed_token,
            "batch": channel.sudo().sync_batch_size,
            "raced": {"id": raced.id, "sku": raced.default_code},
            "raced2": {"id": raced2.id, "sku": raced2.default_code},
            "plenty": {"id": plenty.id, "sku": plenty.default_code},
            "cashier": (cashier.login, password),
            "session": session.id,
            "cash": cash.id,
            "pricelist": pos_config.pricelist_id.id,
        }
        cr.commit()  # pylint: disable=invalid-commit
        assert secret, "the channel has no sync_secret"
        return shared


def finish(db, shared):
    """Archive the channel (no more pushes), restore the warehouse's settings."""
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        env["wholesale.sales.channel"].browse(shared["channel"]).active = False
        restore = shared["restore"]
        env["stock.warehouse"].browse(
            restore["warehouse"]
        ).wholesale_oversell_policy = restore["policy"]
        for rule_id, action in restore["rules"]:
            env["wholesale.channel.rule"].browse(rule_id).action = action
        env["ir.config_parameter"].sudo().set_param(PARAM, restore["guard"] or "1")
        cr.commit()  # pylint: disable=invalid-commit


def set_guard(db, on):
    with closing(Registry(db).cursor()) as cr:
        env_of(cr)["ir.config_parameter"].sudo().set_param(PARAM, "1" if on else "0")
        cr.commit()  # pylint: disable=invalid-commit


# --- over HTTP ------------------------------------------------------------------


def webhook(port, shared, key, payload, barrier=None, body=None, delay=0.0):
    """One signed webhook order; (status or 'timeout'/'error: ...', JSON or
    None, raw text, seconds)."""
    body = body if body is not None else json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Wholesale-Signature": sign(shared["secret"], body),
        "Idempotency-Key": key,
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    started = time.perf_counter()
    try:
        if barrier:
            barrier.wait(timeout=60)
        time.sleep(delay)
        # connected only now: a server worker drops a connection that sends
        # nothing for 2 s (ODOO_HTTP_SOCKET_TIMEOUT)
        started = time.perf_counter()
        conn.connect()
        conn.request(
            "POST",
            f"/wholesale_retail/channel/{shared['channel']}/order",
            body,
            headers,
        )
        response = conn.getresponse()
        raw = response.read().decode(errors="replace")
        status = response.status
    except TimeoutError:
        return "timeout", None, "", time.perf_counter() - started
    except OSError as error:
        return f"error: {error}", None, "", time.perf_counter() - started
    finally:
        conn.close()
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    return status, data, raw, time.perf_counter() - started


def order_payload(reference, sku, qty, email):
    return {
        "reference": reference,
        "customer": {"name": "WR Sync Race Buyer", "email": email, "country": "AE"},
        "lines": [{"sku": sku, "quantity": qty, "price": 5.0}],
    }


def pos_sync(client, shared, product_id, order_uuid, barrier):
    """The payment screen's online sync; ('committed'|'refused'|'crash', text,
    seconds). A refusal must be a UserError (a clear message)."""
    # the POS order the oversell race syncs in-process, sent as the POS sends it
    data = pos_order_data(shared, product_id, QTY, order_uuid)
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "pos.order",
                "method": "sync_from_ui",
                "args": [[data]],
                "kwargs": {
                    "context": {"wholesale_retail_online_order_uuid": order_uuid}
                },
            },
        },
        default=fields.Datetime.to_string,
    ).encode()
    request = urllib.request.Request(
        client.base + "/web/dataset/call_kw/pos.order/sync_from_ui",
        body,
        {"Content-Type": "application/json"},
    )
    barrier.wait(timeout=60)
    started = time.perf_counter()
    try:
        with client.opener.open(request, timeout=TIMEOUT) as response:
            answer = json.loads(response.read())
    except Exception as error:  # noqa: BLE001 - a crash is reported, never hidden
        return "crash", repr(error), time.perf_counter() - started
    elapsed = time.perf_counter() - started
    if "error" not in answer:
        return "committed", "", elapsed
    data = answer["error"].get("data") or {}
    text = " ".join(str(data.get("message", answer["error"])).split())[:200]
    if data.get("name") == "odoo.exceptions.UserError":
        return "refused", text, elapsed
    return "crash", f"{data.get('name')}: {text}", elapsed


def feed_quantities(port, shared, skus):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(
            "GET",
            f"/wholesale_retail/channel/{shared['channel']}/feed?offset=0&limit=10000",
            headers={"Authorization": f"Bearer {shared['feed_token']}"},
        )
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    if response.status != 200:
        return {"status": response.status}
    items = json.loads(raw)["items"]
    return {item["sku"]: item["quantity"] for item in items if item["sku"] in skus}


# --- in the database ------------------------------------------------------------


def measure(db, shared, key, refs_409, pos_uuids):
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        product_id = shared[key]["id"]
        product = env["product.product"].browse(product_id)
        moves = env["stock.move"].search(
            [
                ("product_id", "=", product_id),
                ("sale_line_id", "!=", False),
                ("state", "not in", ["draft", "cancel"]),
            ]
        )
        lines = env["pos.order.line"].search(
            [
                ("product_id", "=", product_id),
                ("order_id.state", "in", ["paid", "done"]),
            ]
        )
        orders = env["sale.order"].search(
            [
                ("wholesale_channel_id", "=", shared["channel"]),
                ("order_line.product_id", "=", product_id),
            ]
        )
        left_behind = (
            env["sale.order"].search_count(
                [
                    ("wholesale_channel_id", "=", shared["channel"]),
                    ("wholesale_channel_ref", "in", refs_409),
                ]
            )
            if refs_409
            else 0
        )
        channel = env["wholesale.sales.channel"].browse(shared["channel"])
        sellable = product._wholesale_channel_availability(channel)[product_id]["qty"]
        return {
            "reserved": sum(moves.mapped("quantity")),
            "promised": sum(moves.mapped("product_uom_qty")),
            "sold": sum(lines.mapped("qty")),
            "free": product.with_context(warehouse_id=shared["warehouse"]).free_qty,
            "on_hand": product.with_context(
                warehouse_id=shared["warehouse"]
            ).qty_available,
            "orders": {o.id: (o.state, o.wholesale_channel_ref) for o in orders},
            "left_behind": left_behind,
            "pos": set(lines.order_id.mapped("uuid")) & set(pos_uuids),
            "sellable": sellable,
        }


def orders_for_reference(db, shared, reference):
    with closing(Registry(db).cursor()) as cr:
        orders = env_of(cr)["sale.order"].search(
            [
                ("wholesale_channel_id", "=", shared["channel"]),
                ("wholesale_channel_ref", "=", reference),
            ]
        )
        return [(o.id, o.state) for o in orders]


def push_jobs(db, shared):
    """(open, failed) push jobs of the channel."""
    with closing(Registry(db).cursor()) as cr:
        jobs = (
            env_of(cr)["queue.job"]
            .sudo()
            .search([("identity_key", "=", PUSH_JOB_KEY.format(shared["channel"]))])
        )
        states = jobs.mapped("state")
        return (
            sum(1 for s in states if s in OPEN_JOB_STATES),
            [
                (j.uuid, j.exc_info and j.exc_info.splitlines()[-1])
                for j in jobs
                if j.state == "failed"
            ],
        )


def sellable_now(db, shared):
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        channel = env["wholesale.sales.channel"].browse(shared["channel"])
        ids = [shared[key]["id"] for key in PRODUCT_KEYS]
        availability = (
            env["product.product"].browse(ids)._wholesale_channel_availability(channel)
        )
        return {
            shared[key]["sku"]: math.floor(
                availability[shared[key]["id"]]["qty"] + 1e-9
            )
            for key in PRODUCT_KEYS
        }


# --- the rounds -------------------------------------------------------------------


def round_one(port, shared, cashier, key, label, hook_delay=0.0):
    """The webhooks and POS syncs on the product ``key``; the webhooks go
    ``hook_delay`` seconds after the barrier (the POS syncs at once)."""
    barrier = threading.Barrier(WEBHOOKS + POS_SYNCS)
    results = {}
    sku = shared[key]["sku"]
    stamp = f"{shared['stamp']}-{label}"

    def hook(n):
        ref = f"WR-SYNC-{stamp}-{n}"
        results[("hook", ref)] = webhook(
            port,
            shared,
            f"key-{stamp}-{n}",
            order_payload(ref, sku, QTY, f"race-{stamp}@example.com"),
            barrier,
            delay=hook_delay,
        )

    def pos(n):
        ref = str(uuidlib.uuid4())
        results[("pos", ref)] = pos_sync(
            cashier, shared, shared[key]["id"], ref, barrier
        )

    threads = [threading.Thread(target=hook, args=(n,)) for n in range(WEBHOOKS)]
    threads += [threading.Thread(target=pos, args=(n,)) for n in range(POS_SYNCS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 70)
    return results


def report_round_one(db, shared, results, key, label):
    hooks = {ref: r for (kind, ref), r in results.items() if kind == "hook"}
    syncs = {ref: r for (kind, ref), r in results.items() if kind == "pos"}
    ok = {ref: r for ref, r in hooks.items() if r[0] == 200}
    refused = {ref: r for ref, r in hooks.items() if r[0] == 409}
    committed = [ref for ref, r in syncs.items() if r[0] == "committed"]
    pos_refused = [ref for ref, r in syncs.items() if r[0] == "refused"]
    figures = measure(db, shared, key, list(refused), list(syncs))
    print(
        f"  webhooks: {len(ok)} x 200, {len(refused)} x 409, other "
        f"{[r[0] for r in hooks.values() if r[0] not in (200, 409)]}; slowest "
        f"{max(r[3] for r in hooks.values()):.2f}s",
        flush=True,
    )
    for ref, r in syncs.items():
        print(f"  POS sync {ref[:8]}: {r[0]} in {r[2]:.2f}s {r[1][:160]}", flush=True)
    for r in list(refused.values())[:1]:
        print(f"  e.g. 409: {r[2][:300]}", flush=True)
    for ref, r in hooks.items():
        if r[0] not in (200, 409):
            print(f"  webhook {ref}: {r[0]} {r[2][:500]}", flush=True)
    sold = QTY * (len(ok) + len(committed))
    total = figures["reserved"] + figures["sold"]
    promised = figures["promised"] + figures["sold"]
    print(
        f"  answered: {QTY} x ({len(ok)} webhook orders + {len(committed)} POS) = "
        f"{sold} of {ON_HAND}; database: reserved {figures['reserved']:g} + sold "
        f"{figures['sold']:g} = {total:g}, confirmed {figures['promised']:g} + sold "
        f"= {promised:g}, free {figures['free']:g}, on hand {figures['on_hand']:g}, "
        f"channel sellable {figures['sellable']:g}",
        flush=True,
    )
    check(
        f"round {label}: the answers sell at most what was in stock",
        sold <= ON_HAND,
        f"({sold} <= {ON_HAND})",
    )
    check(
        f"round {label}: in the database, free quantity >= 0 and reserved (and "
        "confirmed) + sold <= on hand",
        figures["free"] >= -1e-6 and max(total, promised) <= ON_HAND + 1e-6,
        f"(free {figures['free']:g}, {max(total, promised):g} <= {ON_HAND})",
    )
    bad = {ref: r[0] for ref, r in hooks.items() if r[0] not in (200, 409)}
    bad_json = [
        ref
        for ref, r in hooks.items()
        if r[0] in (200, 409) and not isinstance(r[1], dict)
    ]
    wrong_409 = [
        ref
        for ref, r in refused.items()
        if (r[1] or {}).get("error") != "not_enough_stock"
    ]
    check(
        f"round {label}: every webhook answered 200 or 409 (JSON; no 5xx, no timeout)",
        not bad and not bad_json and not wrong_409,
        f"(other: {bad}, not JSON: {bad_json}, 409 not not_enough_stock: {wrong_409})",
    )
    named = {(r[1] or {}).get("order_id"): ref for ref, r in ok.items()}
    orders = figures["orders"]
    missing = [ref for oid, ref in named.items() if oid not in orders]
    unconfirmed = [
        ref for oid, ref in named.items() if oid in orders and orders[oid][0] != "sale"
    ]
    extra = sorted(set(orders) - set(named))
    misnamed = [
        ref for oid, ref in named.items() if oid in orders and orders[oid][1] != ref
    ]
    check(
        f"round {label}: none lost: each 200 names a confirmed order, the channel has "
        "one order per 200",
        not missing
        and not unconfirmed
        and not extra
        and not misnamed
        and len(orders) == len(ok),
        f"({len(orders)} orders for {len(ok)} x 200; missing {missing}, "
        f"unconfirmed {unconfirmed}, unnamed {extra}, other reference {misnamed})",
    )
    check(
        f"round {label}: a 409 left no order behind",
        figures["left_behind"] == 0,
        f"({figures['left_behind']} orders with a refused reference)",
    )
    crashed = {ref: r[1] for ref, r in syncs.items() if r[0] == "crash"}
    lost = [ref for ref in committed if ref not in figures["pos"]]
    ghosts = [ref for ref in pos_refused if ref in figures["pos"]]
    check(
        f"round {label}: each POS sync answered: committed (and found) or refused "
        "with a UserError",
        not crashed and not lost and not ghosts,
        f"({len(committed)} committed, {len(pos_refused)} refused; crashes "
        f"{crashed}, lost {lost}, ghosts {ghosts})",
    )
    if refused or pos_refused:
        check(
            f"round {label}: no refusal while 2 pieces were left",
            figures["sellable"] < QTY,
            f"(at the end the channel may sell {figures['sellable']:g})",
        )
    return figures


def round_two(port, shared, stamp):
    barrier = threading.Barrier(COPIES)
    reference = f"WR-SYNC-{stamp}-SAME"
    body = json.dumps(
        order_payload(
            reference, shared["plenty"]["sku"], QTY, f"same-{stamp}@example.com"
        )
    ).encode()
    results = [None] * COPIES

    def copy(n):
        results[n] = webhook(port, shared, f"same-{stamp}", None, barrier, body=body)

    threads = [threading.Thread(target=copy, args=(n,)) for n in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 70)
    return reference, results


def report_round_two(db, shared, reference, results):
    statuses = [r[0] for r in results]
    order_ids = {(r[1] or {}).get("order_id") for r in results if r[0] == 200}
    first = [
        r for r in results if r[0] == 200 and (r[1] or {}).get("replayed") is False
    ]
    found = orders_for_reference(db, shared, reference)
    print(
        f"  {COPIES} copies of one key: statuses {statuses}, order ids "
        f"{sorted(order_ids, key=str)}, not replayed {len(first)}, in the database "
        f"{found}; slowest {max(r[3] for r in results):.2f}s",
        flush=True,
    )
    for r in results:
        if r[0] != 200:
            print(f"  copy answered {r[0]}: {r[2][:500]}", flush=True)
    check(
        "round 2: every copy answered 200 with the same order",
        set(statuses) == {200} and len(order_ids) == 1 and None not in order_ids,
        f"({statuses}, {order_ids})",
    )
    check(
        "round 2: one answer is the first (replayed false), the others replays",
        len(first) == 1,
        f"({len(first)} not replayed)",
    )
    check(
        "round 2: one order for that reference, confirmed, the one answered",
        len(found) == 1 and found[0][1] == "sale" and {found[0][0]} == order_ids,
        f"({found})",
    )


def wait_for_pushes(db, shared, raced_at):
    """At least 3 intervals after the races, then until no push job of the
    channel is open (60 s at most)."""
    time.sleep(max(0.0, raced_at + 3 * SYNC_INTERVAL - time.monotonic()))
    deadline = time.monotonic() + 60
    while True:
        open_jobs, failed = push_jobs(db, shared)
        if not open_jobs or time.monotonic() > deadline:
            return open_jobs, failed
        time.sleep(1)


def report_pushes(
    db, port, shared, pushes, started_at, race_started, open_jobs, failed
):
    secret = shared["secret"]
    parsed = []
    unsigned, no_key, bad_json = [], [], []
    for n, (at, headers, body) in enumerate(pushes):
        headers = {k.lower(): v for k, v in headers.items()}
        if not hmac.compare_digest(
            headers.get("x-wholesale-signature", ""), sign(secret, body)
        ):
            unsigned.append(n)
        if not headers.get("idempotency-key"):
            no_key.append(n)
        try:
            data = json.loads(body)
            items = data["items"]
        except (ValueError, KeyError, TypeError):
            bad_json.append(n)
            continue
        parsed.append((at, data, items))
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(parsed)]
    after = [p for p in parsed if p[0] >= race_started]
    print(
        f"  {len(pushes)} pushes since the server started "
        f"({len(after)} since the races began), at "
        + ", ".join(f"{p[0] - started_at:.1f}s ({len(p[2])} items)" for p in parsed)
        + (f"; gaps {', '.join(f'{g:.2f}' for g in gaps)}s" if gaps else ""),
        flush=True,
    )
    check("pushes: at least one since the races began", after, f"({len(after)})")
    check(
        "pushes: each signed with the channel's secret and with an Idempotency-Key",
        pushes and not unsigned and not no_key and not bad_json,
        f"(unsigned {unsigned}, no key {no_key}, not JSON {bad_json})",
    )
    check(
        f"pushes: at most {shared['batch']} items each, for this channel",
        all(
            len(items) <= shared["batch"] and data.get("channel") == shared["channel"]
            for _at, data, items in parsed
        ),
        f"({[len(items) for _at, _d, items in parsed]})",
    )
    check(
        f"pushes: at least {SYNC_INTERVAL}s apart ({TOLERANCE}s tolerance)",
        all(gap >= SYNC_INTERVAL - TOLERANCE for gap in gaps),
        f"(smallest gap {min(gaps):.2f}s)" if gaps else "(one push)",
    )
    last = {}
    for _at, _data, items in parsed:
        for item in items:
            last[item.get("sku")] = item.get("quantity")
    want = sellable_now(db, shared)
    feed = feed_quantities(port, shared, set(want))
    print(
        f"  last pushed {{sku: qty}}: { {sku: last.get(sku) for sku in want} }, "
        f"sellable in the database {want}, pull feed {feed}",
        flush=True,
    )
    check(
        "pushes: the last pushed quantity of each product is the channel's "
        "sellable quantity",
        all(last.get(sku) == qty for sku, qty in want.items()),
    )
    check("pull feed: the same quantities", feed == want)
    check(
        "pushes: the channel's push job is done, none failed",
        not open_jobs and not failed,
        f"(open {open_jobs}, failed {failed})",
    )


def server_options(argv):
    """The odoo-bin options but the database (start_server names it)."""
    options, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-d", "--database"):
            skip = True
        elif not arg.startswith(("-d", "--database=")):
            options.append(arg)
    return options


def run(db, argv, port, recorder, shared):
    stamp = shared["stamp"]
    print(
        f"odoo-bin --workers 4 --load=base,rpc,web,queue_job on port {port} "
        f"(jobrunner channels {CHANNELS}); pushes to {recorder.url} at most "
        f"every {SYNC_INTERVAL}s" + ("; GUARD OFF" if GUARD_OFF else ""),
        flush=True,
    )
    started = time.monotonic()
    try:
        server, _base = start_server(
            server_options(argv),
            db,
            port,
            extra_argv=queue_job_server_argv(),
            env=queue_job_env(port, CHANNELS),
        )
    except SystemExit as exc:  # it did not come up: a failed check, not an exit
        raise RuntimeError(str(exc)) from exc
    try:
        started_at = time.monotonic()
        print(f"  server up in {started_at - started:.0f}s", flush=True)
        login, password = shared["cashier"]
        cashier = Client(f"http://127.0.0.1:{port}", db, login, password)
        print(
            f"round 1: {WEBHOOKS} signed webhook orders + {POS_SYNCS} POS syncs, "
            f"{QTY} each, on the last {ON_HAND}",
            flush=True,
        )
        race_started = time.monotonic()
        results = round_one(port, shared, cashier, "raced", "1")
        report_round_one(db, shared, results, "raced", "1")
        print(
            f"round 1b: the same on another product, the webhooks "
            f"{HOOK_DELAY}s after the POS syncs (the POS may win)",
            flush=True,
        )
        results = round_one(port, shared, cashier, "raced2", "1b", HOOK_DELAY)
        report_round_one(db, shared, results, "raced2", "1b")
        print(f"round 2: {COPIES} copies of one Idempotency-Key", flush=True)
        reference, copies = round_two(port, shared, stamp)
        raced_at = time.monotonic()
        report_round_two(db, shared, reference, copies)
        print("pushes: waiting for the channel's push job to finish", flush=True)
        open_jobs, failed = wait_for_pushes(db, shared, raced_at)
        report_pushes(
            db,
            port,
            shared,
            recorder.snapshot(),
            started_at,
            race_started,
            open_jobs,
            failed,
        )
    finally:
        stop_server(server)


def main(argv):
    # a SIGTERM (a CI timeout) unwinds like an error: the server is stopped
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))
    config.parse_config(argv)
    db = config["db_name"][0]
    started = time.time()
    stamp = uuidlib.uuid4().hex[:6].upper()
    port = free_ports(2)
    recorder = Recorder(free_ports(1, avoid=(port, port + 1)))
    shared = None
    try:
        shared = prepare(db, stamp, recorder.url)
        if GUARD_OFF:
            set_guard(db, False)
        run(db, argv, port, recorder, shared)
    except Exception:  # noqa: BLE001 - any crash is a failed check
        traceback.print_exc()
        check("no crash", False)
    finally:
        recorder.close()
        if shared:
            finish(db, shared)
    if any(not ok for _name, ok in CHECKS):
        print_server_errors(server_log_path(port))
    return report("channel sync race", started)


def print_server_errors(path, limit=60):
    """The server's log records but the retried concurrency errors (a
    serialization failure or a NOWAIT lock, which Odoo retries)."""
    log = Path(path)
    if not log.exists():
        return
    records, current = [], []
    for line in log.read_text(errors="replace").splitlines():
        if line[:4].isdigit() and line[4:5] == "-" and current:
            records.append(current)
            current = []
        current.append(line)
    records.append(current)
    routine = ("could not serialize access", "could not obtain lock")
    kept = [
        "\n".join(record)
        for record in records
        if not any(text in "\n".join(record) for text in routine)
    ]
    print(f"server log {path}, last records:", flush=True)
    print("\n".join(kept[-limit:]), flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
