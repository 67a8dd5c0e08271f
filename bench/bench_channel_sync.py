#!/usr/bin/env python3
"""Channel sync over a real server: pull feed, pushes drained by queue_job, webhooks.

Not run by CI. Usage, on a fresh database where wholesale_retail (and so OCA
queue_job) is installed and the user admin/admin exists, e.g.::

    dropdb --if-exists wr_b_bench; createdb -T wr_tmpl wr_b_bench
    mkdir -p .state/addons && ln -sfn "$PWD" .state/addons/wholesale_retail
    python3 /opt/odoo19/odoo-bin \\
        --addons-path=/opt/odoo19/addons,.state/oca/odoo/addons,.state/addons \\
        -d wr_b_bench -i wholesale_retail --stop-after-init
    python3 bench/bench_channel_sync.py \\
        --addons-path=/opt/odoo19/addons,.state/oca/odoo/addons,.state/addons \\
        -d wr_b_bench [--port 8410]

Data is prepared in this process (real commits): WR_BENCH_PRODUCTS (10,000)
storable products with an internal reference, a barcode and stock, a
marketplace channel that pulls only (its feed token) and a small recording
HTTP server here, on ``--port + 2``, that stands for a marketplace's endpoint
(it records every push: time, headers, body, and answers 200). Then a real
``odoo-bin --workers 4 --load=base,rpc,web,queue_job`` serves on loopback on
``--port`` (the bus websocket on ``--port + 1``), with queue_job's jobrunner
inside (``ODOO_QUEUE_JOB_CHANNELS=root:4,root.wholesale_sync:2``, calling the
server back on ``--port``); it is stopped at the end.

(a) Pull feed: ``GET /wholesale_retail/channel/<id>/feed`` with the Bearer
    feed token, the whole catalogue in one page (``limit=10000``) and paged
    by 1000 (following ``next``); time per full read, median of
    WR_BENCH_REPEATS, against stock Odoo's closest read: JSON-RPC
    ``product.product.search_read`` of the same products with fields id,
    default_code, barcode, qty_available (Odoo's own per-product
    availability). The three alternate, so noise hits all. Target: < 1 s.
(b) Pushes drained by the jobrunner: a second marketplace channel whose
    endpoint is the recording server, ``sync_interval`` 0 and batch size 100;
    in one transaction, every product gets a real stock change, committed;
    then the time until the recording server has received all of them (each
    product's last pushed quantity checked against its sellable quantity):
    pushes (HTTP requests) per second, items per second. The change
    (WR_BENCH_TRIGGER): ``quant`` (default), +1 through
    ``stock.quant._update_available_quantity``, which every stock operation
    passes and where the addon hears of it; ``inventory``, one inventory
    adjustment each (a stock move per product: some 4 minutes for 10,000 on
    2 busy cores); ``mark``, the full sync's ``_wholesale_full_sync``.
(c) Webhook orders: WR_BENCH_ORDERS (200) signed ``POST .../order`` (one line
    of 1 piece each, products taken in turn), 4 client threads, against the
    same orders created by plain JSON-RPC as admin (``sale.order.create`` then
    ``action_confirm`` over ``/web/dataset/call_kw``), same customer, products
    and quantities; in two alternating passes of half each; orders per second
    of both and the ratio.

Options (environment): WR_BENCH_PRODUCTS (10000), WR_BENCH_REPEATS (7),
WR_BENCH_ORDERS (200), WR_BENCH_TRIGGER (quant | inventory | mark). Exits 1 when a
figure is missing or wrong (a feed without every product, a push missing, a
webhook not answered 200).
"""

import datetime
import hashlib
import hmac
import http.client
import json
import math
import os
import signal
import statistics
import sys
import threading
import time
import urllib.parse
import uuid as uuidlib
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import (
    Client,
    queue_job_env,
    queue_job_server_argv,
    server_log_path,
    start_server,
    stop_server,
)

PRODUCTS = int(os.environ.get("WR_BENCH_PRODUCTS", "10000"))
REPEATS = int(os.environ.get("WR_BENCH_REPEATS", "7"))
ORDERS = int(os.environ.get("WR_BENCH_ORDERS", "200"))
TRIGGER = os.environ.get("WR_BENCH_TRIGGER", "quant")
TRIGGERS = {
    "quant": "a quant change each (+1)",
    "inventory": "an inventory adjustment each (+1)",
    "mark": "marked pending by a full sync",
}
CHANNELS = "root:4,root.wholesale_sync:2"
CLIENTS = 4
PAGE = 1000
STOCK = 1000
BATCH = 100
ORDER_PRODUCTS = 50
DRAIN_TIMEOUT = 300
TIMEOUT = 120


def env_of(cr):
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    return env(user=env.ref("base.user_admin"))


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def ms(value):
    return f"{value * 1000:.0f} ms"


class Recorder:
    """A marketplace's endpoint: records every push, answers 200."""

    def __init__(self, port):
        self.pushes = []  # (perf_counter, headers, raw body)
        self.skus = set()
        self.lock = threading.Condition()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                received = time.perf_counter()
                try:
                    skus = {item["sku"] for item in json.loads(body)["items"]}
                except (ValueError, KeyError, TypeError):
                    skus = set()
                with recorder.lock:
                    recorder.pushes.append((received, dict(self.headers), body))
                    recorder.skus |= skus
                    recorder.lock.notify_all()
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

    def wait_for(self, skus, timeout):
        """perf_counter when every sku of ``skus`` was received, or None."""
        deadline = time.perf_counter() + timeout
        with self.lock:
            while not skus <= self.skus:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return None
                self.lock.wait(min(remaining, 5))
            return max(
                at
                for at, _headers, body in self.pushes
                if skus & {item["sku"] for item in json.loads(body)["items"]}
            )

    def snapshot(self):
        with self.lock:
            return list(self.pushes)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# --- preparing, in this process -------------------------------------------------


def prepare(db, stamp):
    started = time.perf_counter()
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        company = env.ref("base.main_company")
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        products = env["product.product"]
        for start in range(0, PRODUCTS, 1000):
            products |= products.create(
                [
                    {
                        "name": f"WR Bench Sync {stamp} {n:05d}",
                        "is_storable": True,
                        "sale_ok": True,
                        "list_price": 5.0,
                        "taxes_id": [(5, 0, 0)],
                        "default_code": f"WRB-{stamp}-{n:05d}",
                        "barcode": f"28{stamp_digits(stamp)}{n:06d}",
                    }
                    for n in range(start, min(start + 1000, PRODUCTS))
                ]
            )
            cr.commit()  # pylint: disable=invalid-commit
        print(
            f"  {len(products)} products in {time.perf_counter() - started:.0f}s",
            flush=True,
        )
        quants = env["stock.quant"]
        for product in products:
            quants._update_available_quantity(product, warehouse.lot_stock_id, STOCK)
        cr.commit()  # pylint: disable=invalid-commit
        print(
            f"  stock of each ({STOCK}) after {time.perf_counter() - started:.0f}s",
            flush=True,
        )
        feed = env["wholesale.sales.channel"].create(
            {
                "name": f"WR Bench Feed {stamp}",
                "kind": "marketplace",
                "company_id": company.id,
                "warehouse_id": warehouse.id,
                "user_id": env.ref("base.user_admin").id,
            }
        )
        # (b)'s channel, its endpoint given at (b): every product of the
        # company is pending for it from its creation on, but no push goes
        push = env["wholesale.sales.channel"].create(
            {
                "name": f"WR Bench Push {stamp}",
                "kind": "marketplace",
                "company_id": company.id,
                "warehouse_id": warehouse.id,
                "user_id": env.ref("base.user_admin").id,
            }
        )
        customer = env["res.partner"].create(
            {"name": f"WR Bench Buyer {stamp}", "email": f"buyer-{stamp}@example.com"}
        )
        cr.commit()  # pylint: disable=invalid-commit
        return {
            "company": company.id,
            "warehouse": warehouse.id,
            "products": products.ids,
            "skus": products.mapped("default_code"),
            "feed": feed.id,
            "push": push.id,
            "push_secret": push.sudo().sync_secret,
            "feed_token": feed.sudo().feed_token,
            "secret": feed.sudo().sync_secret,
            "customer": customer.id,
            "customer_email": customer.email,
        }


def stamp_digits(stamp):
    return f"{int(stamp, 16) % 10**4:04d}"


def start_push_channel(db, shared, endpoint):
    """(b): the push channel (made while preparing, without an endpoint) gets
    the recording server as its endpoint, interval 0, batches of BATCH, and
    every product a stock change, in one transaction; returns perf_counter at
    the commit and how long the transaction took."""
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        warehouse = env["stock.warehouse"].browse(shared["warehouse"])
        channel = env["wholesale.sales.channel"].browse(shared["push"])
        started = time.perf_counter()
        channel.write(
            {"sync_endpoint": endpoint, "sync_interval": 0, "sync_batch_size": BATCH}
        )
        products = env["product.product"].browse(shared["products"])
        if TRIGGER == "mark":
            # what the daily full sync does: every listed product pending
            channel._wholesale_full_sync()
        elif TRIGGER == "quant":
            # what every stock operation passes through (the addon hears of
            # the change there), without a stock move per product
            quants = env["stock.quant"]
            for product in products:
                quants._update_available_quantity(product, warehouse.lot_stock_id, 1)
        else:
            location = warehouse.lot_stock_id
            quants = (
                env["stock.quant"]
                .with_context(inventory_mode=True)
                .create(
                    [
                        {
                            "product_id": product.id,
                            "location_id": location.id,
                            "inventory_quantity": STOCK + 1,
                        }
                        for product in products
                    ]
                )
            )
            quants.action_apply_inventory()
        cr.commit()  # pylint: disable=invalid-commit
        committed = time.perf_counter()
        return committed, committed - started


def sellable(db, channel_id, product_ids):
    with closing(Registry(db).cursor()) as cr:
        env = env_of(cr)
        channel = env["wholesale.sales.channel"].browse(channel_id)
        products = env["product.product"].browse(product_ids)
        availability = products._wholesale_channel_availability(channel)
        return {
            product.default_code: math.floor(availability[product.id]["qty"] + 1e-9)
            for product in products
        }


def archive(db, *channel_ids):
    with closing(Registry(db).cursor()) as cr:
        env_of(cr)["wholesale.sales.channel"].browse(channel_ids).active = False
        cr.commit()  # pylint: disable=invalid-commit


# --- over HTTP --------------------------------------------------------------------


def get_json(port, path, token):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {raw[:300]!r}")
    return json.loads(raw)


def read_feed(port, shared, limit):
    """Every item of the feed, following ``next``; (items, pages, next URLs
    that named another host)."""
    path = f"/wholesale_retail/channel/{shared['feed']}/feed?offset=0&limit={limit}"
    items, pages, foreign = [], 0, []
    while path:
        page = get_json(port, path, shared["feed_token"])
        items += page["items"]
        pages += 1
        following = page.get("next")
        if not following:
            break
        url = urllib.parse.urlsplit(following)
        if url.netloc and url.netloc != f"127.0.0.1:{port}":
            # an absolute URL on another host (web.base.url): ask this server
            foreign.append(following)
        path = url.path + (f"?{url.query}" if url.query else "")
        if pages > 10 * PRODUCTS // limit + 10:
            raise RuntimeError("the feed's next links do not end")
    return items, pages, foreign


def stock_read(client, stamp):
    return client.call(
        "product.product",
        "search_read",
        [[("default_code", "=like", f"WRB-{stamp}-%")]],
        fields=["id", "default_code", "barcode", "qty_available"],
        limit=PRODUCTS,
    )


def feed_bench(port, shared, client, stamp):
    times = {"one page": [], f"pages of {PAGE}": [], "search_read": []}
    checked = {}
    for rep in range(REPEATS + 1):  # the first run warms the caches
        started = time.perf_counter()
        items, pages, foreign = read_feed(port, shared, PRODUCTS)
        one = time.perf_counter() - started
        started = time.perf_counter()
        paged, paged_pages, paged_foreign = read_feed(port, shared, PAGE)
        many = time.perf_counter() - started
        started = time.perf_counter()
        rows = stock_read(client, stamp)
        stock = time.perf_counter() - started
        if rep:
            times["one page"].append(one)
            times[f"pages of {PAGE}"].append(many)
            times["search_read"].append(stock)
        checked = {
            "items": len(items),
            "pages": pages,
            "paged items": len(paged),
            "paged pages": paged_pages,
            "rows": len(rows),
            "foreign next": foreign + paged_foreign,
            "quantities": {item["sku"]: item["quantity"] for item in paged},
        }
    return times, checked


def webhook(port, channel_id, secret, key, payload):
    body = json.dumps(payload).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(
            "POST",
            f"/wholesale_retail/channel/{channel_id}/order",
            body,
            {
                "Content-Type": "application/json",
                "X-Wholesale-Signature": sign(secret, body),
                "Idempotency-Key": key,
            },
        )
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    return response.status, raw


def run_clients(jobs, work):
    """``jobs`` split over CLIENTS threads released together; (seconds, errors)."""
    errors = []
    barrier = threading.Barrier(CLIENTS + 1)

    def run(part):
        state = work(None)  # per-thread state (a JSON-RPC session)
        barrier.wait()
        for job in part:
            try:
                error = work(state, job)
            except Exception as exc:  # noqa: BLE001 - counted and printed
                error = repr(exc)
            if error:
                errors.append(error)

    threads = [
        threading.Thread(target=run, args=(jobs[k::CLIENTS],)) for k in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, errors


def orders_bench(port, base, db, shared, stamp):
    products = list(
        zip(
            shared["skus"][:ORDER_PRODUCTS],
            shared["products"][:ORDER_PRODUCTS],
            strict=True,
        )
    )
    half = ORDERS // 2
    rates = {"webhook": [], "json-rpc": []}
    errors = {"webhook": [], "json-rpc": []}
    for rep in range(2):
        jobs = [
            (f"WRB-{stamp}-{rep}-{n}", *products[n % len(products)])
            for n in range(half)
        ]

        def hook(state, job=None):
            if job is None:
                return None
            ref, sku, _pid = job
            status, raw = webhook(
                port,
                shared["feed"],
                shared["secret"],
                ref,
                {
                    "reference": ref,
                    "customer": {
                        "name": "WR Bench Buyer",
                        "email": shared["customer_email"],
                    },
                    "lines": [{"sku": sku, "quantity": 1, "price": 5.0}],
                },
            )
            return None if status == 200 else f"{status} {raw[:200]!r}"

        def rpc(state, job=None):
            if job is None:
                return Client(base, db)
            ref, _sku, pid = job
            order_id = state.call(
                "sale.order",
                "create",
                [
                    {
                        "partner_id": shared["customer"],
                        "client_order_ref": ref,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": pid,
                                    "product_uom_qty": 1,
                                    "price_unit": 5.0,
                                },
                            )
                        ],
                    }
                ],
            )
            state.call("sale.order", "action_confirm", [[order_id]])
            return None

        seconds, errs = run_clients(jobs, hook)
        rates["webhook"].append(half / seconds)
        errors["webhook"] += errs
        jobs = [(f"RPC-{ref}", sku, pid) for ref, sku, pid in jobs]
        seconds, errs = run_clients(jobs, rpc)
        rates["json-rpc"].append(half / seconds)
        errors["json-rpc"] += errs
        print(
            f"  pass {rep}: webhook {rates['webhook'][-1]:.1f} orders/s, "
            f"JSON-RPC {rates['json-rpc'][-1]:.1f} orders/s",
            flush=True,
        )
    return rates, errors


def drain_bench(db, port, shared, recorder):
    print(
        f"(b) {PRODUCTS} products changed in one transaction "
        f"({TRIGGERS[TRIGGER]}), "
        f"pushed in batches of {BATCH}, interval 0",
        flush=True,
    )
    committed, transaction = start_push_channel(db, shared, recorder.url)
    print(f"  the transaction took {transaction:.1f}s; draining", flush=True)
    done = recorder.wait_for(set(shared["skus"]), DRAIN_TIMEOUT)
    pushes = [p for p in recorder.snapshot() if p[0] >= committed]
    want = sellable(db, shared["push"], shared["products"])
    last, unsigned, oversized = {}, 0, 0
    for _at, headers, body in recorder.snapshot():
        headers = {k.lower(): v for k, v in headers.items()}
        if not hmac.compare_digest(
            headers.get("x-wholesale-signature", ""), sign(shared["push_secret"], body)
        ):
            unsigned += 1
        items = json.loads(body)["items"]
        oversized += len(items) > BATCH
        for item in items:
            last[item["sku"]] = item["quantity"]
    wrong = [sku for sku, qty in want.items() if last.get(sku) != qty]
    return {
        "seconds": done - committed if done else None,
        "pushes": len(pushes),
        "items": sum(len(json.loads(body)["items"]) for _a, _h, body in pushes),
        "first": pushes[0][0] - committed if pushes else None,
        "unsigned": unsigned,
        "oversized": oversized,
        "wrong": wrong,
        "transaction": transaction,
    }


def main(argv):
    # a SIGTERM (a CI timeout) unwinds like an error: the server is stopped
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))
    port = 8410
    if "--port" in argv:
        at = argv.index("--port")
        port = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    config.parse_config(argv)
    db = config["db_name"][0]
    stamp = uuidlib.uuid4().hex[:4].upper()
    print(
        f"bench_channel_sync {datetime.datetime.now().isoformat(timespec='seconds')}"
        f" on {db}, {os.cpu_count()} CPUs",
        flush=True,
    )
    print(f"preparing {PRODUCTS} products with stock", flush=True)
    shared = prepare(db, stamp)
    recorder = Recorder(port + 2)
    server_argv, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-d", "--database"):
            skip = True
        elif not arg.startswith(("-d", "--database=")):
            server_argv.append(arg)
    server, base = start_server(
        server_argv,
        db,
        port,
        extra_argv=queue_job_server_argv(),
        env=queue_job_env(port, CHANNELS),
    )
    failed = False
    try:
        admin = Client(base, db)
        print(
            f"odoo-bin --workers 4 --load=base,rpc,web,queue_job on {base} (jobrunner "
            f"channels {CHANNELS}); endpoint {recorder.url}",
            flush=True,
        )
        print(
            f"(a) pull feed of {PRODUCTS} products, {REPEATS} repeats + 1 warm-up",
            flush=True,
        )
        feed_times, feed = feed_bench(port, shared, admin, stamp)
        drain = drain_bench(db, port, shared, recorder)
        print(
            f"(c) {ORDERS} orders, {CLIENTS} client threads: signed webhooks "
            "against plain JSON-RPC create + action_confirm",
            flush=True,
        )
        rates, order_errors = orders_bench(port, base, db, shared, stamp)
    finally:
        stop_server(server)
        recorder.close()
        archive(db, shared["feed"], shared["push"])
    print()
    print(f"(a) pull feed, {PRODUCTS} products, median of {REPEATS}:")
    stock = statistics.median(feed_times["search_read"])
    for name in ("one page", f"pages of {PAGE}"):
        value = statistics.median(feed_times[name])
        print(
            f"    feed, {name}: {ms(value)} (min {ms(min(feed_times[name]))}); "
            f"ratio to search_read {value / stock:.2f}"
            + ("" if value < 1 else "  ABOVE the 1 s target")
        )
    print(
        f"    stock Odoo search_read (id, default_code, barcode, qty_available): "
        f"{ms(stock)} (min {ms(min(feed_times['search_read']))})"
    )
    skus = set(shared["skus"])
    ours = {sku: qty for sku, qty in feed["quantities"].items() if sku in skus}
    print(
        f"    items: one page {feed['items']} in {feed['pages']} page(s), paged "
        f"{feed['paged items']} in {feed['paged pages']} pages; ours {len(ours)} "
        f"of {PRODUCTS}; search_read rows {feed['rows']}"
    )
    if feed["foreign next"]:
        print(f"    'next' named another host, e.g. {feed['foreign next'][0]}")
    wrong_feed = [sku for sku, qty in ours.items() if qty != STOCK]
    failed |= len(ours) != PRODUCTS or bool(wrong_feed) or feed["rows"] != PRODUCTS
    if wrong_feed:
        print(
            f"    feed quantities not {STOCK}: {len(wrong_feed)}, e.g. {wrong_feed[:3]}"
        )
    print()
    print(f"(b) {PRODUCTS} queued changes drained through the jobrunner:")
    if drain["seconds"]:
        seconds = drain["seconds"]
        print(
            f"    all received {seconds:.1f}s after the commit (first push after "
            f"{drain['first']:.2f}s); {drain['pushes']} pushes, "
            f"{drain['pushes'] / seconds:.1f} pushes/s, {drain['items']} items, "
            f"{drain['items'] / seconds:.0f} items/s"
        )
    else:
        print(
            f"    NOT all received within {DRAIN_TIMEOUT}s: {drain['pushes']} "
            f"pushes, {drain['items']} items"
        )
    print(
        f"    the in-process transaction that made the changes: "
        f"{drain['transaction']:.1f}s; unsigned pushes {drain['unsigned']}, "
        f"over {BATCH} items {drain['oversized']}, last quantity not the sellable "
        f"one {len(drain['wrong'])}"
        + (f" (e.g. {drain['wrong'][:3]})" if drain["wrong"] else "")
    )
    failed |= not drain["seconds"] or bool(
        drain["unsigned"] or drain["oversized"] or drain["wrong"]
    )
    print()
    hook, rpc = sum(rates["webhook"]) / 2, sum(rates["json-rpc"]) / 2
    print(f"(c) {ORDERS} orders each, {CLIENTS} client threads, mean of 2 passes:")
    print(f"    signed webhook orders (guard on): {hook:.1f} orders/s")
    print(f"    plain JSON-RPC create + action_confirm: {rpc:.1f} orders/s")
    print(f"    ratio webhook / JSON-RPC: {hook / rpc:.2f}")
    for kind, errs in order_errors.items():
        if errs:
            print(f"    {kind}: {len(errs)} failed, e.g. {errs[0]}")
    failed |= any(order_errors.values())
    if failed:
        print(f"FAILED: see above; server log {server_log_path(port)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
