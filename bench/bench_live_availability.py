#!/usr/bin/env python3
"""Live retail availability over a real server: bus push against stock Odoo.

Not run by CI. Usage, on a fresh database where wholesale_retail is installed
and the user admin/admin exists, e.g.::

    dropdb --if-exists wr_bench_live; createdb -T wr_tmpl wr_bench_live
    mkdir -p /tmp/wr_addons && ln -sfn "$PWD" /tmp/wr_addons/wholesale_retail
    python3 /opt/odoo19/odoo-bin --addons-path=/opt/odoo19/addons,/tmp/wr_addons \\
        -d wr_bench_live -i wholesale_retail --stop-after-init
    python3 bench/bench_live_availability.py \\
        --addons-path=/opt/odoo19/addons,/tmp/wr_addons -d wr_bench_live [--port 8769]

Data (products with stock, draft wholesale orders, receipts, counted quants,
two POS configs with an open session in the same warehouse, 10,000 products
under a rule set) is prepared in this process before the server starts. Then a
real ``odoo-bin --workers 4`` serves JSON-RPC on ``--port`` and the bus
websocket on ``--port + 1`` (``--gevent-port``); it is stopped at the end.

(a) Push latency. Websocket clients stand in for the POS, as its bus worker
    does: a session cookie of a logged-in user (admin), ``subscribe`` to the
    config's ``access_token`` channel; 5 clients on one POS, 1 on a second POS
    of the same warehouse. The server pushes only the ids of the products that
    changed (``WHOLESALE_AVAILABILITY`` ``{"product_ids": [...]}``, one message
    per open POS and committing transaction, ``{"reload": true}`` after a rule
    change); the POS then reads their figures after the commit. So does each
    client here, as the POS front end does: on a message, it calls
    ``pos.config.wholesale_availability(config_id, product_ids)`` over
    JSON-RPC with its own HTTP session (the websocket's), from a fetch thread
    of its own. Messages that arrive while a call runs are merged into the
    next call (never into the running one, whose answer may predate them);
    WR_BENCH_COALESCE_MS (0) also waits that long after a message for more.
    A back-office JSON-RPC client then commits, one after the other,
    WR_BENCH_EVENTS stock changes in that warehouse, in turn: a wholesale sale
    order confirmation (``sale.order.action_confirm``), an inventory
    adjustment (``stock.quant.action_apply_inventory``) and a receipt
    validation (``stock.picking.button_validate``), each on its own product.
    For each event and client: time from the request being sent (i) and from
    its response being received (ii) to the client *having the new figure*
    (the message that names the product, then the answer of the call that
    followed it); p50/p95 over all samples. The bus-only part (to the message)
    and the call alone (sent to answered) are printed apart. Every figure a
    client got is checked against the product's figure for its POS after the
    run (exact: the call reads after the commit), and the messages per POS
    are counted (one per transaction; the backlog a tab gets on subscribing,
    the reload of the rules created while preparing, apart), also for one
    100-line wholesale confirmation (one message per POS carrying the 100
    ids, and the calls it took).
    Baseline: stock Odoo pushes nothing; the POS learns a quantity only when
    the cashier opens the product info popup, which asks
    ``product.template.get_product_info_pos``. One such call follows each event
    (interleaved, so noise hits both), and the latency is printed as a ratio
    against it.

(b) Rule evaluation for WR_BENCH_PRODUCTS (10,000) products under a rule set
    (one rule per 10 categories, ~100 product rules, an all-products rule,
    Carton thresholds on products with a Carton ladder step):
    ``pos.config.wholesale_availability`` over JSON-RPC and, in this process,
    ``_wholesale_channel_availability`` and its rule resolution alone, against
    stock Odoo's own per-product figure for the same products:
    ``product.product.read(ids, ["free_qty"])`` over JSON-RPC and
    ``_compute_quantities_dict`` in this process. Medians of WR_BENCH_REPEATS
    runs, the two alternating.

Options (environment): WR_BENCH_EVENTS (120), WR_BENCH_PRODUCTS (10000),
WR_BENCH_REPEATS (15), WR_BENCH_POS_CLIENTS (5), WR_BENCH_COALESCE_MS (0).
Exits 1 when a figure is missing or wrong, or a POS got other than one
message per transaction.
"""

import importlib.util
import json
import os
import statistics
import sys
import threading
import time
import uuid as uuidlib
from contextlib import closing
from pathlib import Path

import websocket

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

EVENTS = int(os.environ.get("WR_BENCH_EVENTS", "120"))
PRODUCTS = int(os.environ.get("WR_BENCH_PRODUCTS", "10000"))
REPEATS = int(os.environ.get("WR_BENCH_REPEATS", "15"))
POS_CLIENTS = int(os.environ.get("WR_BENCH_POS_CLIENTS", "5"))
COALESCE = float(os.environ.get("WR_BENCH_COALESCE_MS", "0")) / 1000
BIG_ORDER_LINES = 100
STOCK = 1000.0
PUSH_TIMEOUT = 15.0
KINDS = ("sale", "count", "receipt")
#: the bus worker version the websocket expects (bus/websocket.py _VERSION)
WS_VERSION = "19.0-2"


class PosSocket:
    """One POS tab: a websocket subscribed to its config's channel and, on each
    ``WHOLESALE_AVAILABILITY`` message, a ``pos.config.wholesale_availability``
    call with the tab's own session for the products it names, as the POS
    front end does. Records when each message arrived and when the figures it
    announced were in hand."""

    def __init__(self, gevent_port, client, config_id, token, label):
        self.label = label
        self.client = client
        self.config_id = config_id
        self.kind = f"{token}-WHOLESALE_AVAILABILITY"
        self.messages = []  # (perf_counter, payload)
        # product_id -> [(message arrival, figures in hand, entry or None)]
        self.seen = {}
        self.pending = []  # (arrival, product_ids) not asked for yet
        self.calls = []  # (product count, seconds) of each availability call
        self.errors = []
        self.reloads = []  # arrival of each reload message
        self.cond = threading.Condition()
        self.closed = False
        # The Origin is the websocket server's own (same-site), as for a POS
        # served from the address its bus connects to.
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{gevent_port}/websocket?version={WS_VERSION}",
            origin=f"http://127.0.0.1:{gevent_port}",
            cookie=f"session_id={client.session_id()}",
            timeout=30,
        )
        self.ws.settimeout(None)
        self.ws.send(
            json.dumps(
                {"event_name": "subscribe", "data": {"channels": [token], "last": 0}}
            )
        )
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()
        self.fetcher = threading.Thread(target=self._fetch, daemon=True)
        self.fetcher.start()

    def _listen(self):
        while True:
            try:
                raw = self.ws.recv()
            except (websocket.WebSocketException, OSError):
                break
            received = time.perf_counter()
            if not raw:
                continue
            for notification in json.loads(raw):
                message = notification.get("message") or {}
                if message.get("type") != self.kind:
                    continue
                payload = message.get("payload") or {}
                with self.cond:
                    self.messages.append((received, payload))
                    if payload.get("reload"):
                        # the POS would ask for all its products again; the
                        # bench changes no rule, so this is only counted
                        self.reloads.append(received)
                    ids = [int(pid) for pid in payload.get("product_ids") or ()]
                    if ids:
                        self.pending.append((received, ids))
                    self.cond.notify_all()
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def _fetch(self):
        """Ask for the figures of the products the messages named. A call
        covers every message that arrived before it started: one arriving
        while it runs waits for the next call (the running one may have read
        before that change committed)."""
        while True:
            with self.cond:
                while not self.pending and not self.closed:
                    self.cond.wait()
                if self.closed:
                    return
            if COALESCE:
                time.sleep(COALESCE)
            with self.cond:
                batch, self.pending = self.pending, []
            ids = sorted({pid for _arrival, pids in batch for pid in pids})
            started = time.perf_counter()
            try:
                answer = self.client.call(
                    "pos.config", "wholesale_availability", [[self.config_id], ids]
                )
            except (RuntimeError, OSError) as error:
                with self.cond:
                    self.errors.append(str(error))
                    self.cond.notify_all()
                continue
            in_hand = time.perf_counter()
            products = answer["products"]
            with self.cond:
                self.calls.append((len(ids), in_hand - started))
                for arrival, pids in batch:
                    for pid in pids:
                        entry = products.get(str(pid))
                        self.seen.setdefault(pid, []).append((arrival, in_hand, entry))
                self.cond.notify_all()

    def wait_for(self, product_id, after, timeout=PUSH_TIMEOUT):
        """(message arrival, figures in hand, entry) for the first message
        naming ``product_id`` that arrived after ``after``, once its figures
        are in hand, or None."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                for record in self.seen.get(product_id, ()):
                    if record[0] >= after:
                        return record
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self.closed:
                    return None
                self.cond.wait(remaining)

    def messages_with(self, product_ids, after):
        product_ids = set(product_ids)
        with self.cond:
            return [
                payload
                for received, payload in self.messages
                if received >= after
                and product_ids & set(payload.get("product_ids") or ())
            ]

    def count_since(self, after):
        """(messages, reload messages) that arrived after ``after``."""
        with self.cond:
            return (
                sum(1 for received, _payload in self.messages if received >= after),
                sum(1 for received in self.reloads if received >= after),
            )

    def calls_since(self, count):
        with self.cond:
            return self.calls[count:]

    def close(self):
        try:
            self.ws.shutdown()
        except (websocket.WebSocketException, OSError):
            pass
        self.thread.join(timeout=5)
        self.fetcher.join(timeout=5)


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# ----------------------------------------------------------------------
# Data, prepared in this process before the server starts
# ----------------------------------------------------------------------
def create_products(env, count, categ_ids, label):
    """``count`` storable products with STOCK pieces each in the warehouse,
    created in batches; quants written directly (no stock move)."""
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    ids = []
    for start in range(0, count, 1000):
        products = env["product.product"].create(
            [
                {
                    "name": f"WR Live {label} {i}",
                    "default_code": f"WRL-{label}-{i}",
                    "is_storable": True,
                    "available_in_pos": True,
                    "list_price": 5.0,
                    "taxes_id": [(5, 0, 0)],
                    "categ_id": categ_ids[i % len(categ_ids)],
                }
                for i in range(start, min(count, start + 1000))
            ]
        )
        env["stock.quant"].sudo().create(
            [
                {
                    "product_id": product.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "quantity": STOCK,
                }
                for product in products
            ]
        )
        ids += products.ids
    return ids


def open_pos(env, warehouse, name, stamp):
    journal = env["account.journal"].create(
        {"name": f"{name} Cash", "type": "cash", "code": stamp}
    )
    cash = env["pos.payment.method"].create(
        {"name": f"{name} Cash", "journal_id": journal.id, "is_cash_count": True}
    )
    pos_config = env["pos.config"].create(
        {
            "name": name,
            "payment_method_ids": [(6, 0, cash.ids)],
            "picking_type_id": warehouse.pos_type_id.id,
        }
    )
    pos_config.open_ui()
    pos_config.current_session_id.set_opening_control(0, None)
    return pos_config


def create_rules(env, warehouse, parents, leaves, product_ids):
    """A realistic rule set: an all-products rule for the warehouse, one
    category rule per 10 categories (parents and leaves), ~100 product rules,
    Carton thresholds on a few hundred products with a Carton step."""
    carton_ids = set(product_ids[: max(1, len(product_ids) // 30)])
    templates = env["product.product"].browse(sorted(carton_ids))
    templates.product_tmpl_id._wholesale_set_ladder(
        [{"name": "Carton", "pieces": 24}], wholesale_step="Carton"
    )
    actions = ("hide", "block", "warn", "protect")
    vals = [
        {
            "name": "Retail keeps 2 back",
            "scope": "all",
            "warehouse_id": warehouse.id,
            "priority": 20,
            "threshold": 2.0,
            "action": "block",
        }
    ]
    categories = parents + leaves
    for i, categ_id in enumerate(categories[:: max(1, len(categories) // 11)][:11]):
        vals.append(
            {
                "name": f"Category rule {i}",
                "scope": "category",
                "categ_id": categ_id,
                "threshold": float(i % 5 + 1),
                "threshold_unit": "Carton" if i % 4 == 0 else False,
                "action": actions[i % 4],
            }
        )
    step = max(1, len(product_ids) // 100)
    for i, product_id in enumerate(product_ids[1::step][:100]):
        vals.append(
            {
                "name": f"Product rule {i}",
                "scope": "product",
                "product_id": product_id,
                "warehouse_id": warehouse.id if i % 2 else False,
                "threshold": float(i % 7),
                # a product's rule counts in cartons only where it has them
                # (a rule naming a step the product lacks is refused)
                "threshold_unit": "Carton"
                if i % 5 == 0 and product_id in carton_ids
                else False,
                "action": actions[i % 4],
            }
        )
    env["wholesale.channel.rule"].create(vals)
    return len(vals), len(templates)


def prepare(db, stamp):
    with closing(Registry(db).cursor()) as cr:
        env = race.env_of(cr)
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        partner = env["res.partner"].create(
            {"name": "WR Live Sub-distributor", "wholesale_customer": True}
        )
        # categories: 10 parents of 10 leaves each
        parents, leaves = [], []
        for p in range(10):
            parent = env["product.category"].create({"name": f"WR Live {stamp} {p}"})
            parents.append(parent.id)
            leaves += (
                env["product.category"]
                .create(
                    [
                        {"name": f"Leaf {p}.{c}", "parent_id": parent.id}
                        for c in range(10)
                    ]
                )
                .ids
            )
        started = time.perf_counter()
        many = create_products(env, PRODUCTS, leaves, f"{stamp}-b")
        live_categ = env["product.category"].create({"name": f"WR Live {stamp} push"})
        events = create_products(env, EVENTS, [live_categ.id], f"{stamp}-a")
        print(
            f"  {PRODUCTS + EVENTS} products with stock created in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        rule_count, carton_count = create_rules(env, warehouse, parents, leaves, many)
        products = env["product.product"].browse(events)
        supplier = env.ref("stock.stock_location_suppliers")
        plan = []
        sales, counts, receipts = [], [], []
        for i, product in enumerate(products):
            kind = KINDS[i % len(KINDS)]
            plan.append(
                {
                    "kind": kind,
                    "product": product.id,
                    "template": product.product_tmpl_id.id,
                }
            )
            (
                sales if kind == "sale" else counts if kind == "count" else receipts
            ).append((i, product))
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "warehouse_id": warehouse.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": 3})
                    ],
                }
                for _i, product in sales
            ]
        )
        for (i, _product), order in zip(sales, orders, strict=True):
            plan[i]["record"] = order.id
        for i, product in counts:
            quant = (
                env["stock.quant"]
                .with_context(inventory_mode=True)
                .create(
                    {
                        "product_id": product.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "inventory_quantity": STOCK + 7,
                    }
                )
            )
            assert quant.inventory_quantity_set, "the count is not set"
            plan[i]["record"] = quant.id
        pickings = env["stock.picking"].create(
            [
                {
                    "picking_type_id": warehouse.in_type_id.id,
                    "location_id": supplier.id,
                    "location_dest_id": warehouse.lot_stock_id.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "product_uom_qty": 10,
                                "location_id": supplier.id,
                                "location_dest_id": warehouse.lot_stock_id.id,
                            },
                        )
                    ],
                }
                for _i, product in receipts
            ]
        )
        pickings.action_confirm()
        pickings.action_assign()
        for (i, _product), picking in zip(receipts, pickings, strict=True):
            plan[i]["record"] = picking.id
        big_products = many[len(many) // 2 :][:BIG_ORDER_LINES]
        big_order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "warehouse_id": warehouse.id,
                "order_line": [
                    (0, 0, {"product_id": pid, "product_uom_qty": 5})
                    for pid in big_products
                ],
            }
        )
        # the POS open last: the data above pushes nothing
        shop = open_pos(env, warehouse, f"WR Live Shop {stamp}", f"WLA{stamp}")
        other = open_pos(env, warehouse, f"WR Live Shop 2 {stamp}", f"WLB{stamp}")
        before = shop._wholesale_availability(events)
        for item in plan:
            item["before"] = before[item["product"]]["qty"]
        cr.commit()  # pylint: disable=invalid-commit
        return {
            "warehouse": warehouse.id,
            "configs": {
                "shop": (shop.id, shop._ensure_access_token()),
                "other": (other.id, other._ensure_access_token()),
            },
            "plan": plan,
            "many": many,
            "big_order": big_order.id,
            "big_products": big_products,
            "rules": rule_count,
            "cartons": carton_count,
        }


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------
def run_event(client, item):
    kind, record = item["kind"], item["record"]
    if kind == "sale":
        return client.call("sale.order", "action_confirm", [[record]])
    if kind == "count":
        return client.call("stock.quant", "action_apply_inventory", [[record]])
    result = client.call("stock.picking", "button_validate", [[record]])
    if result is not True:
        raise RuntimeError(f"the receipt {record} asks for a wizard: {result}")
    return result


def push_latency(shared, client, sockets):
    config_id = shared["configs"]["shop"][0]
    samples = {"sent": [], "answered": [], "bus_sent": [], "bus_answered": []}
    popup = []
    missing = 0
    for k, item in enumerate(shared["plan"]):
        sent = time.perf_counter()
        run_event(client, item)
        answered = time.perf_counter()
        item["request"] = answered - sent
        item["latency"] = []
        item["bus"] = []
        for sock in sockets:
            got = sock.wait_for(item["product"], sent)
            if got is None:
                missing += 1
                continue
            arrival, in_hand, _entry = got
            samples["sent"].append(in_hand - sent)
            samples["answered"].append(in_hand - answered)
            samples["bus_sent"].append(arrival - sent)
            samples["bus_answered"].append(arrival - answered)
            item["latency"].append(in_hand - sent)
            item["bus"].append(arrival - sent)
        # what stock Odoo offers instead: the cashier opens the info popup
        started = time.perf_counter()
        client.call(
            "product.template",
            "get_product_info_pos",
            [[item["template"]], 5.0, 1, config_id, item["product"]],
        )
        popup.append(time.perf_counter() - started)
        if (k + 1) % 30 == 0:
            print(f"  {k + 1} events done", flush=True)
    return samples, popup, missing


def big_confirmation(shared, client, sockets):
    """Messages per POS for one 100-line wholesale confirmation, and the time
    until each tab has the figures of all its products."""
    big = shared["big_products"]
    calls_before = {sock.label: len(sock.calls) for sock in sockets}
    sent = time.perf_counter()
    client.call("sale.order", "action_confirm", [[shared["big_order"]]])
    shared["big_request"] = time.perf_counter() - sent
    in_hand = {}
    for sock in sockets:
        got = [sock.wait_for(pid, sent) for pid in big]
        in_hand[sock.label] = (
            max(record[1] for record in got) - sent if all(got) else None
        )
    time.sleep(3)  # any second message would be there by now
    counts = {}
    for sock in sockets:
        messages = sock.messages_with(big, sent)
        carried = {pid for payload in messages for pid in payload["product_ids"]}
        counts[sock.label] = (
            len(messages),
            len(carried & set(big)),
            len(sock.calls_since(calls_before[sock.label])),
            in_hand[sock.label],
        )
    return counts


def rule_evaluation_rpc(shared, client):
    config_id = shared["configs"]["shop"][0]
    ids = shared["many"]
    ours, stock = [], []
    context = {"warehouse_id": shared["warehouse"]}
    client.call("pos.config", "wholesale_availability", [[config_id], ids])  # warm
    client.call("product.product", "read", [ids, ["free_qty"]], context=context)
    for _i in range(REPEATS):
        started = time.perf_counter()
        answer = client.call("pos.config", "wholesale_availability", [[config_id], ids])
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        client.call("product.product", "read", [ids, ["free_qty"]], context=context)
        stock.append(time.perf_counter() - started)
    assert len(answer["products"]) == len(ids), "products missing from the answer"
    return ours, stock


def rule_evaluation_in_process(db, shared):
    ours, resolve, stock = [], [], []
    with closing(Registry(db).cursor()) as cr:
        env = race.env_of(cr)
        shop = env["pos.config"].browse(shared["configs"]["shop"][0])
        channel = shop._wholesale_channel()
        warehouse = shop.picking_type_id.warehouse_id
        location = shop.picking_type_id.default_location_src_id
        ids = shared["many"]
        rules = env["wholesale.channel.rule"]
        for _i in range(REPEATS + 1):
            env.invalidate_all()
            started = time.perf_counter()
            env["product.product"].browse(ids)._wholesale_channel_availability(
                channel, warehouse=warehouse, location=location
            )
            ours.append(time.perf_counter() - started)
            env.invalidate_all()
            started = time.perf_counter()
            held = rules._wholesale_resolve(channel, ids, warehouse)
            resolve.append(time.perf_counter() - started)
            env.invalidate_all()
            started = time.perf_counter()
            env["product.product"].browse(ids).with_context(
                warehouse_id=warehouse.id
            )._compute_quantities_dict(None, None, None)
            stock.append(time.perf_counter() - started)
        restricted = sum(1 for value in held.values() if value)
        by_carton = set(rules.sudo().search([("threshold_unit", "!=", False)]).ids)
        cartons = sum(1 for value in held.values() if value and value[0] in by_carton)
        cr.rollback()
    # the first run of each warms the caches
    return ours[1:], resolve[1:], stock[1:], restricted, cartons


def check_figures(db, shared, sockets):
    """Every figure a POS tab got (for any product) is the product's figure
    for that POS after the run: the tabs read after the commit, so exactly.
    Each event's product must also have changed."""
    wrong = []
    with closing(Registry(db).cursor()) as cr:
        env = race.env_of(cr)
        expected = {}
        got = {pid for sock in sockets for pid in sock.seen}
        for config_id, _token in shared["configs"].values():
            config = env["pos.config"].browse(config_id)
            payload = config._wholesale_availability_payload(sorted(got))
            # as the client sees it, through JSON
            expected[config_id] = json.loads(json.dumps(payload))
        shop = shared["configs"]["shop"][0]
        for item in shared["plan"]:
            after = expected[shop].get(str(item["product"]), {}).get("qty")
            if after == item["before"]:
                wrong.append((item["kind"], item["product"], "unchanged", after))
        checked = 0
        for sock in sockets:
            figures = expected[sock.config_id]
            for pid, records in sock.seen.items():
                want = figures.get(str(pid))
                for _arrival, _in_hand, entry in records:
                    checked += 1
                    if (
                        entry is None
                        or want is None
                        or abs(entry["qty"] - want["qty"]) > 1e-6
                        or entry != want
                    ):
                        wrong.append((sock.label, pid, entry, want))
        cr.rollback()
    return wrong, checked


def main(argv):
    port = 8769
    if "--port" in argv:
        at = argv.index("--port")
        port = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    config.parse_config(argv)
    db = config["db_name"][0]
    stamp = uuidlib.uuid4().hex[:3].upper()
    print(
        f"preparing: {PRODUCTS} products under rules, {EVENTS} stock events", flush=True
    )
    shared = prepare(db, stamp)
    print(
        f"  {shared['rules']} rules, a Carton step on {shared['cartons']} products",
        flush=True,
    )
    ours_local, resolve_local, stock_local, restricted, cartons = (
        rule_evaluation_in_process(db, shared)
    )
    server_argv = [a for a in argv if not a.startswith(("-d", "--database"))]
    server_argv = [a for a in server_argv if a != db]
    server, base = start_server(server_argv, db, port)
    sockets = []
    try:
        admin = Client(base, db)
        print(
            f"odoo-bin --workers 4 on {base}, websocket on ws://127.0.0.1:{port + 1}",
            flush=True,
        )
        for name, (config_id, token) in shared["configs"].items():
            count = POS_CLIENTS if name == "shop" else 1
            for n in range(count):
                # each POS tab is its own logged-in session, for its bus and
                # its calls
                sockets.append(
                    PosSocket(
                        port + 1, Client(base, db), config_id, token, f"{name}#{n}"
                    )
                )
        time.sleep(2)  # let every socket subscribe (and get the bus backlog)
        # the backlog: the reload sent when the data was prepared (rules
        # created while the POS sessions opened in the same transaction)
        backlog = {sock.label: sock.count_since(0) for sock in sockets}
        started = time.perf_counter()
        print(
            f"(a) {len(sockets)} websocket clients ({POS_CLIENTS} on one POS, 1 on "
            f"another), each asking for the figures a message names; {EVENTS} "
            "events, one at a time",
            flush=True,
        )
        samples, popup, missing = push_latency(shared, admin, sockets)
        big = big_confirmation(shared, admin, sockets)
        time.sleep(1)
        per_event = [
            len(sock.messages_with([item["product"]], 0))
            for sock in sockets
            for item in shared["plan"]
        ]
        totals = {sock.label: sock.count_since(started) for sock in sockets}
        print("(b) 10k availability over JSON-RPC", flush=True)
        ours_rpc, stock_rpc = rule_evaluation_rpc(shared, admin)
    finally:
        for sock in sockets:
            sock.close()
        stop_server(server)
    wrong, checked = check_figures(db, shared, sockets)
    errors = [error for sock in sockets for error in sock.errors]
    calls = [seconds for sock in sockets for _count, seconds in sock.calls]
    # one transaction per event and the big confirmation: one message each
    extra = {
        label: total for label, total in totals.items() if total != (EVENTS + 1, 0)
    }
    bad_big = {
        label: value
        for label, value in big.items()
        if value[0] != 1 or value[1] != BIG_ORDER_LINES or value[3] is None
    }

    def ms(value):
        return f"{value * 1000:.0f} ms"

    def p50_95(values):
        return f"p50 {ms(percentile(values, 0.5))}, p95 {ms(percentile(values, 0.95))}"

    sent, answered = samples["sent"], samples["answered"]
    print()
    print(
        f"(a) latency to the figures in a POS tab (message, then "
        f"wholesale_availability), {len(sent)} samples ({EVENTS} events x "
        f"{len(sockets)} POS tabs):"
    )
    print(f"    from the request sent:       {p50_95(sent)}")
    print(
        f"    from the response received:  {p50_95(answered)} "
        "(negative: the figures came first)"
    )
    print(
        f"    bus only, to the message, from the request sent:      "
        f"{p50_95(samples['bus_sent'])}"
    )
    print(
        f"    bus only, to the message, from the response received: "
        f"{p50_95(samples['bus_answered'])}"
    )
    print(
        f"    the call alone ({len(calls)} wholesale_availability calls, sent "
        f"to answered): {p50_95(calls)}"
    )
    for kind in KINDS:
        items = [item for item in shared["plan"] if item["kind"] == kind]
        requests = [item["request"] for item in items]
        latencies = [value for item in items for value in item["latency"]]
        bus = [value for item in items for value in item["bus"]]
        print(
            f"    {kind:8}: the request itself p50 {ms(percentile(requests, 0.5))}; "
            f"from the request sent to the message {p50_95(bus)}; "
            f"to the figures {p50_95(latencies)}"
        )
    print(
        f"    figures missing: {missing}; calls failed: {len(errors)}"
        + (f" (e.g. {errors[0]})" if errors else "")
    )
    print(
        f"    figures checked against the figures after the run: {checked}, "
        f"wrong or stale: {len(wrong)}" + (f", e.g. {wrong[0]}" if wrong else "")
    )
    print(
        f"    messages per POS tab and event: min {min(per_event, default=0)}, "
        f"max {max(per_event, default=0)}; in all per tab during the run: "
        + ", ".join(f"{label} {total}" for label, (total, _r) in totals.items())
        + f" (expected {EVENTS + 1}), of which reload: "
        + str(sum(reloads for _total, reloads in totals.values()))
    )
    print(
        "    bus backlog on subscribing (messages, of which reload; from preparing "
        "the data): "
        + ", ".join(f"{label} {value}" for label, value in backlog.items())
    )
    print(
        f"    {BIG_ORDER_LINES}-line wholesale confirmation: the request itself "
        f"{ms(shared['big_request'])}"
    )
    for label, (count, carried, rpcs, in_hand) in big.items():
        print(
            f"    {BIG_ORDER_LINES}-line wholesale confirmation, POS tab {label}: "
            f"{count} message(s) carrying {carried} of its products; "
            f"{rpcs} call(s); all figures in hand "
            + (ms(in_hand) if in_hand is not None else "never")
            + " after the request was sent"
        )
    p50, p95 = percentile(popup, 0.5), percentile(popup, 0.95)
    print(
        f"    stock Odoo: no push; the POS learns the quantity only when the cashier "
        f"opens the product info popup (get_product_info_pos, {len(popup)} calls): "
        f"p50 {ms(p50)}, p95 {ms(p95)}"
    )
    print(
        f"    figures (from the request sent) / popup fetch: p50 "
        f"{percentile(sent, 0.5) / p50:.2f}, p95 {percentile(sent, 0.95) / p95:.2f}"
        " -- without the addon the POS never learns it until the popup is opened"
    )
    print(
        f"    figures (from the response received) / popup fetch: p50 "
        f"{percentile(answered, 0.5) / p50:.2f}, "
        f"p95 {percentile(answered, 0.95) / p95:.2f}"
    )
    print()
    print(
        f"(b) {PRODUCTS} products, {shared['rules']} rules ({restricted} products "
        f"restricted, {cartons} by a Carton threshold), median of {REPEATS}:"
    )
    rows = (
        (
            "pos.config.wholesale_availability, JSON-RPC",
            ours_rpc,
            "read free_qty, JSON-RPC",
            stock_rpc,
        ),
        (
            "_wholesale_channel_availability, in-process",
            ours_local,
            "_compute_quantities_dict, in-process",
            stock_local,
        ),
        (
            "rule resolution alone (_wholesale_resolve)",
            resolve_local,
            "_compute_quantities_dict, in-process",
            stock_local,
        ),
    )
    for name, ours, stock_name, stock in rows:
        a, b = statistics.median(ours), statistics.median(stock)
        print(f"    {name}: {ms(a)}; stock {stock_name}: {ms(b)}; ratio {a / b:.2f}")
    duplicated = any(count != 1 for count in per_event)
    failed = missing or wrong or errors or extra or bad_big or duplicated
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
