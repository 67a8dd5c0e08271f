"""Channel sync (docs/channel_sync.md): signed webhook orders in, quantity
pushes out through queue_job, the pull feed, the log.

A real HTTP server on localhost plays the channel: it records the pushes and
fails on demand. Jobs run with queue_job's own helpers (``trap_jobs`` and
``Job.perform``), as its jobrunner would run them.
"""

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.wholesale_channel_sync import SIGNATURE_HEADER, sign
from .common import ONLINE, WholesalePoolCommon


def perform_own(trap, channel):
    """Run the trapped jobs of ``channel`` only: the database's other channels
    (a merchant's, with their own endpoints) are not the test's."""
    own = [job for job in trap.enqueued_jobs if job.recordset.ids == channel.ids]
    trap.enqueued_jobs = [job for job in trap.enqueued_jobs if job not in own]
    for job in own:
        job.perform()
    return own


class RecordingChannel:
    """A marketplace on localhost: records every push, checks its signature,
    fails on demand and may refuse compare-and-set items."""

    def __init__(self, secret):
        self.secret = secret
        self.pushes = []
        self.fail = 0  # answer 503 to the next N pushes
        self.conflicts = {}  # sku -> its own quantity, refused once
        channel = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signed = self.headers.get(SIGNATURE_HEADER) == sign(
                    channel.secret, body
                )
                channel.pushes.append(
                    {
                        "body": json.loads(body),
                        "signed": signed,
                        "key": self.headers.get("Idempotency-Key"),
                    }
                )
                if channel.fail:
                    channel.fail -= 1
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write(b"busy")
                    return
                answer = {}
                conflicts = [
                    {"sku": sku, "quantity": qty}
                    for sku, qty in channel.conflicts.items()
                    if any(i["sku"] == sku for i in json.loads(body)["items"])
                ]
                if conflicts:
                    answer["conflicts"] = conflicts
                    channel.conflicts = {}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/stock"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def items(self, push=-1):
        return {i["sku"]: i for i in self.pushes[push]["body"]["items"]}


class ChannelSyncCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env["res.company"].create({"name": "WR Sync Trading"})
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        # the channel's orders are created as a salesperson without inventory
        # rights, of this company only
        cls.salesman = new_test_user(
            env,
            login="wr_sync_sales",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.manager = new_test_user(
            env,
            login="wr_sync_manager",
            groups="wholesale_retail.group_wholesale_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        # the channel lists this category only: the database's other products
        # (a demo's, a merchant's) are not the test's
        cls.category = env["product.category"].create({"name": "WR Sync Goods"})
        Product = env["product.product"].with_company(cls.company)
        cls.kettle = Product.create(
            {
                "name": "WR Sync Kettle",
                "default_code": "WRS-KETTLE",
                "barcode": "0999002000011",
                "is_storable": True,
                "list_price": 20.0,
                "categ_id": cls.category.id,
                "company_id": cls.company.id,
            }
        )
        cls.kettle.product_tmpl_id._wholesale_set_ladder(
            [{"name": "Carton", "pieces": 12, "barcode": "0999002000028"}]
        )
        cls.fan = Product.create(
            {
                "name": "WR Sync Fan",
                "default_code": "WRS-FAN",
                "is_storable": True,
                "list_price": 50.0,
                "categ_id": cls.category.id,
                "company_id": cls.company.id,
            }
        )
        cls.rice = Product.create(
            {
                "name": "WR Sync Rice",
                "default_code": "WRS-RICE",
                "is_storable": True,
                "list_price": 4.0,
                "uom_id": env.ref("uom.product_uom_kgm").id,
                "categ_id": cls.category.id,
                "company_id": cls.company.id,
            }
        )
        stock = cls.warehouse.lot_stock_id
        for product, qty in ((cls.kettle, 30), (cls.fan, 5), (cls.rice, 100)):
            env["stock.quant"].with_company(cls.company)._update_available_quantity(
                product, stock, qty
            )
        cls.server = RecordingChannel("wr-test-secret")
        cls.addClassCleanup(cls.server.stop)
        cls.channel = (
            env["wholesale.sales.channel"]
            .with_company(cls.company)
            .create(
                {
                    "name": "WR Souq Marketplace",
                    "kind": "marketplace",
                    "company_id": cls.company.id,
                    "warehouse_id": cls.warehouse.id,
                    "user_id": cls.salesman.id,
                    "sync_endpoint": cls.server.url,
                    "sync_secret": "wr-test-secret",
                    "feed_token": "wr-test-feed-token",
                    "sync_interval": 600,
                    "sync_max_tries": 3,
                    "sync_categ_ids": [(6, 0, cls.category.ids)],
                }
            )
        )
        env.cr.precommit.run()  # what the setup changed, marked and enqueued

    def setUp(self):
        super().setUp()
        self.server.pushes.clear()
        self.server.fail = 0
        self.server.conflicts = {}

    # helpers ------------------------------------------------------------
    def post(
        self,
        payload,
        key="k-1",
        channel=None,
        secret="wr-test-secret",
        path="order",
        raw=None,
    ):
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SIGNATURE_HEADER] = sign(secret, body)
        if key is not None:
            headers["Idempotency-Key"] = key
        channel_id = channel if channel is not None else self.channel.id
        url = f"/wholesale_retail/channel/{channel_id}/{path}"
        response = self.url_open(url, data=body, headers=headers, timeout=60)
        return response.status_code, response.json()

    def order_payload(self, reference="SOUQ-1", lines=None, **extra):
        return {
            "reference": reference,
            "customer": {
                "name": "Layla Haddad",
                "email": "layla.sync@example.com",
                "city": "Dubai",
                "country": "AE",
            },
            "lines": lines or [{"sku": "WRS-KETTLE", "quantity": 3, "price": 21.5}],
            **extra,
        }

    def channel_orders(self):
        return self.env["sale.order"].search(
            [("wholesale_channel_id", "=", self.channel.id)]
        )

    def free(self, product):
        return self.env["wholesale.stock.pool"]._sellable(
            product.ids, self.warehouse.lot_stock_id
        )[product.id]

    def pending(self):
        return {pid for pid, _seq in self.channel._wholesale_pending()}

    def push_now(self):
        """Send the pending quantities now (the interval elapsed)."""
        self.channel.sync_last_push = False
        with trap_jobs() as trap:
            self.channel._wholesale_ensure_push()
            perform_own(trap, self.channel)
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestChannelOrdersIn(ChannelSyncCase):
    def test_signed_order_is_created_confirmed_and_reserved(self):
        before = self.free(self.kettle)
        status, answer = self.post(
            self.order_payload(
                lines=[
                    {"sku": "WRS-KETTLE", "quantity": 3, "price": 21.5},
                    {
                        "sku": "WRS-KETTLE",
                        "unit": "Carton",
                        "quantity": 1,
                        "price": 230,
                    },
                    {"barcode": "0999002000028", "quantity": 1},
                    {"sku": "WRS-RICE", "quantity": 2.5},
                ]
            )
        )
        self.assertEqual(status, 200, answer)
        self.assertFalse(answer["replayed"])
        order = self.env["sale.order"].browse(answer["order_id"])
        self.assertEqual(order.name, answer["order"])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.wholesale_channel_id, self.channel)
        self.assertEqual(order.wholesale_channel_ref, "SOUQ-1")
        self.assertEqual(order.create_uid, self.salesman)
        self.assertEqual(order.partner_id.email, "layla.sync@example.com")
        self.assertEqual(order.partner_id.country_id.code, "AE")
        self.assertEqual(order.order_line[0].price_unit, 21.5)
        self.assertEqual(order.order_line[1].price_unit, 230)
        self.assertEqual(order.order_line[2].product_uom_id.name, "Carton (12)")
        # reserved at once: 3 + 12 + 12 pieces leave the channel's figure
        self.assertEqual(self.free(self.kettle), before - 27)
        self.assertEqual(
            sum(
                order.picking_ids.move_ids.filtered(
                    lambda m: m.product_id == self.kettle
                ).mapped("quantity")
            ),
            27,
        )
        log = self.env["wholesale.channel.log"].search(
            [("channel_id", "=", self.channel.id), ("direction", "=", "in")], limit=1
        )
        self.assertEqual((log.status, log.kind, log.order_id), (200, "order", order))
        self.assertEqual(len(log.payload_hash), 64)
        # the sale is a change of the channel's quantity: pending, a push job
        self.assertIn(self.kettle.id, self.pending())
        self.assertTrue(
            self.env["queue.job"].search_count(
                [
                    ("identity_key", "=", f"wholesale_sync_push:{self.channel.id}"),
                    ("state", "=", "pending"),
                ]
            )
        )

    def test_replay_answers_the_first_order(self):
        payload = self.order_payload(reference="SOUQ-2")
        first = self.post(payload, key="replay-1")
        second = self.post(payload, key="replay-1")
        self.assertEqual(first[0], 200)
        self.assertEqual(second[0], 200)
        self.assertEqual(second[1]["order_id"], first[1]["order_id"])
        self.assertTrue(second[1]["replayed"])
        self.assertEqual(len(self.channel_orders()), 1)
        # the same key with another body is not a replay
        status, answer = self.post(
            self.order_payload(reference="SOUQ-2b"), key="replay-1"
        )
        self.assertEqual((status, answer["error"]), (422, "idempotency_key_reused"))
        # another key with the same reference makes no second order either
        status, answer = self.post(payload, key="replay-2")
        self.assertEqual((status, answer["error"]), (422, "duplicate_reference"))
        self.assertEqual(len(self.channel_orders()), 1)

    def test_bad_input_gets_its_status_and_writes_nothing(self):
        good = self.order_payload(reference="SOUQ-BAD")
        big = json.dumps({**good, "pad": "x" * (1024 * 1024)}).encode()

        def line(**values):
            return self.order_payload(reference="X", lines=[values])

        cases = [
            ("not json", {"raw": b"{not json"}, 400, "malformed"),
            ("no key", {"payload": good, "key": None}, 400, "malformed"),
            ("no lines", {"payload": {**good, "lines": []}}, 400, "malformed"),
            ("no customer", {"payload": {**good, "customer": {}}}, 400, "malformed"),
            (
                "text quantity",
                {"payload": line(sku="WRS-FAN", quantity="2")},
                400,
                "malformed",
            ),
            (
                "bad signature",
                {"payload": good, "secret": "wrong"},
                401,
                "bad_signature",
            ),
            ("unsigned", {"payload": good, "secret": None}, 401, "bad_signature"),
            (
                "unknown channel",
                {"payload": good, "channel": 999999},
                404,
                "unknown_channel",
            ),
            (
                "too much",
                {"payload": line(sku="WRS-FAN", quantity=6)},
                409,
                "not_enough_stock",
            ),
            ("too large", {"raw": big}, 413, "too_large"),
            (
                "NaN",
                {
                    "raw": json.dumps(line(sku="WRS-FAN", quantity=1))
                    .replace('"quantity": 1', '"quantity": NaN')
                    .encode()
                },
                400,
                "malformed",
            ),
            (
                "infinite price",
                {
                    "raw": json.dumps(line(sku="WRS-FAN", quantity=1, price=2))
                    .replace('"price": 2', '"price": 1e400')
                    .encode()
                },
                400,
                "malformed",
            ),
            (
                "unknown sku",
                {"payload": line(sku="NOPE", quantity=1)},
                422,
                "unknown_product",
            ),
            (
                "unknown barcode",
                {"payload": line(barcode="000", quantity=1)},
                422,
                "unknown_product",
            ),
            (
                "fractional carton",
                {"payload": line(sku="WRS-KETTLE", unit="Carton", quantity=0.5)},
                422,
                "bad_quantity",
            ),
            (
                "fractional pieces",
                {"payload": line(sku="WRS-KETTLE", quantity=1.5)},
                422,
                "bad_quantity",
            ),
            (
                "negative",
                {"payload": line(sku="WRS-FAN", quantity=-1)},
                422,
                "bad_quantity",
            ),
            ("zero", {"payload": line(sku="WRS-FAN", quantity=0)}, 422, "bad_quantity"),
            (
                "unknown unit",
                {"payload": line(sku="WRS-FAN", unit="Pallet", quantity=1)},
                422,
                "bad_quantity",
            ),
            (
                "negative price",
                {"payload": line(sku="WRS-FAN", quantity=1, price=-3)},
                422,
                "bad_price",
            ),
            (
                "other currency",
                {"payload": {**good, "currency": "XYZ"}},
                422,
                "bad_currency",
            ),
        ]

        def counts():
            return (
                self.env["sale.order"].search_count([]),
                self.env["res.partner"].search_count(
                    [("email", "=", "layla.sync@example.com")]
                ),
                self.env["wholesale.channel.request"].search_count([]),
                self.free(self.fan),
                self.free(self.kettle),
            )

        before = counts()
        logs = self.env["wholesale.channel.log"].search_count([])
        for index, (label, kwargs, status, error) in enumerate(cases):
            with self.subTest(label):
                got, answer = self.post(
                    key=kwargs.pop("key", f"bad-{index}"), **{"payload": None, **kwargs}
                )
                self.assertEqual((got, answer.get("error")), (status, error), answer)
                self.assertTrue(answer.get("message"))
                self.env.invalidate_all()
                self.assertEqual(counts(), before, "nothing is written on an error")
        # every call to a known channel is logged, the refused ones too
        self.assertEqual(
            self.env["wholesale.channel.log"].search_count([]) - logs, len(cases) - 1
        )
        self.assertIn(
            self.fan.id and "WRS-FAN",
            json.dumps(
                self.post(
                    self.order_payload(
                        reference="Y", lines=[{"sku": "WRS-FAN", "quantity": 9}]
                    ),
                    key="bad-stock",
                )[1]["products"]
            ),
        )

    def test_crafted_signature_and_token_are_refused(self):
        body = json.dumps(self.order_payload(reference="SOUQ-X")).encode()
        url = f"/wholesale_retail/channel/{self.channel.id}/order"
        for signature in ("sha256=\u00e9\u00e9", "sha256=" + "0" * 64, ""):
            response = self.url_open(
                url,
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "Idempotency-Key": "crafted",
                    SIGNATURE_HEADER: signature.encode("utf-8").decode("latin-1"),
                },
            )
            self.assertEqual(response.status_code, 401, signature)
        feed = f"/wholesale_retail/channel/{self.channel.id}/feed"
        crafted = "Bearer \u00e9t\u00e9".encode().decode("latin-1")
        response = self.url_open(feed, headers={"Authorization": crafted})
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.channel_orders())

    def test_customer_found_again_among_the_channels_own(self):
        # a B2B customer with the same address is not the marketplace buyer
        wholesaler = self.env["res.partner"].create(
            {
                "name": "WR Sync Wholesaler",
                "email": "Layla.Sync@example.com",
                "company_id": self.company.id,
            }
        )
        first = self.post(self.order_payload(reference="SOUQ-P1"), key="p-1")[1]
        second = self.post(self.order_payload(reference="SOUQ-P2"), key="p-2")[1]
        buyer = self.env["sale.order"].browse(first["order_id"]).partner_id
        self.assertNotEqual(buyer, wholesaler)
        self.assertEqual(buyer.wholesale_source_channel_id, self.channel)
        self.assertEqual(
            self.env["sale.order"].browse(second["order_id"]).partner_id, buyer
        )
        # a pattern is no address: a "%" finds nobody
        wild = self.order_payload(reference="SOUQ-P3")
        wild["customer"]["email"] = "%"
        third = self.post(wild, key="p-3")[1]
        self.assertNotEqual(
            self.env["sale.order"].browse(third["order_id"]).partner_id, buyer
        )

    def test_order_that_moved_on_is_not_cancelled(self):
        status, answer = self.post(self.order_payload(reference="SOUQ-D"), key="d-1")
        self.assertEqual(status, 200)
        order = self.env["sale.order"].browse(answer["order_id"])
        picking = order.picking_ids
        picking.move_ids.quantity = 3
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        status, refused = self.post(
            {"reference": "SOUQ-D"}, key="d-2", path="order/cancel"
        )
        self.assertEqual((status, refused["error"]), (409, "already_delivered"))
        self.assertEqual(order.state, "sale")

    def test_refusal_names_no_other_document(self):
        # a user who may not sell in this company: Odoo's refusal (an access
        # error naming the user) stays in the merchant's log
        self.channel.user_id.group_ids = self.env.ref("base.group_user")
        status, answer = self.post(self.order_payload(reference="SOUQ-R"), key="r-1")
        self.assertEqual((status, answer["error"]), (422, "refused"))
        self.assertNotIn("wr_sync_sales", json.dumps(answer))
        log = self.env["wholesale.channel.log"].search(
            [("channel_id", "=", self.channel.id), ("idempotency_key", "=", "r-1")]
        )
        self.assertTrue(log.message)
        self.assertNotEqual(log.message, answer["message"])
        self.assertFalse(self.channel_orders())

    def test_channel_buffer_and_rules_bound_what_it_may_sell(self):
        self.channel.buffer_qty = 2
        status, answer = self.post(
            self.order_payload(
                reference="SOUQ-B", lines=[{"sku": "WRS-FAN", "quantity": 4}]
            ),
            key="buffer-1",
        )
        self.assertEqual(status, 409)
        self.assertEqual(answer["products"][0]["available"], 3)
        status, _answer = self.post(
            self.order_payload(
                reference="SOUQ-B", lines=[{"sku": "WRS-FAN", "quantity": 3}]
            ),
            key="buffer-2",
        )
        self.assertEqual(status, 200)

    def test_channel_cancels_its_order(self):
        status, answer = self.post(self.order_payload(reference="SOUQ-C"), key="c-1")
        self.assertEqual(status, 200)
        before = self.free(self.kettle)
        status, cancelled = self.post(
            {"reference": "SOUQ-C"}, key="c-2", path="order/cancel"
        )
        self.assertEqual((status, cancelled["state"]), (200, "cancel"))
        self.assertEqual(cancelled["order_id"], answer["order_id"])
        self.assertEqual(self.free(self.kettle), before + 3)
        status, unknown = self.post(
            {"reference": "NONE"}, key="c-3", path="order/cancel"
        )
        self.assertEqual((status, unknown["error"]), (404, "unknown_order"))
        status, _unsigned = self.post(
            {"reference": "SOUQ-C"}, key="c-4", path="order/cancel", secret="nope"
        )
        self.assertEqual(status, 401)

    def test_feed_is_paginated_token_protected_and_readonly(self):
        self.channel.buffer_qty = 1
        headers = {"Authorization": "Bearer wr-test-feed-token"}
        url = f"/wholesale_retail/channel/{self.channel.id}/feed?limit=2"
        first = self.url_open(url, headers=headers).json()
        self.assertEqual(first["total"], 3)
        self.assertEqual(len(first["items"]), 2)
        self.assertTrue(first["next"])
        second = self.url_open(first["next"], headers=headers).json()
        self.assertIsNone(second["next"])
        items = {i["sku"]: i for i in first["items"] + second["items"]}
        self.assertEqual(
            items,
            {
                "WRS-KETTLE": {
                    "sku": "WRS-KETTLE",
                    "barcode": "0999002000011",
                    "quantity": 29,
                },
                "WRS-FAN": {"sku": "WRS-FAN", "barcode": None, "quantity": 4},
                "WRS-RICE": {"sku": "WRS-RICE", "barcode": None, "quantity": 99},
            },
        )
        self.assertEqual(
            self.url_open(url, headers={"Authorization": "Bearer x"}).status_code, 401
        )
        self.assertEqual(self.url_open(url).status_code, 401)
        self.assertIsNone(second["total"])  # counted on the first page only
        whole = self.url_open(url.replace("limit=2", "limit=3"), headers=headers)
        self.assertIsNone(whole.json()["next"], "all on one page: no next page")
        self.assertIn("after=", first["next"])
        for bad_query in ("limit=0", "limit=10001", "after=-1", "offset=x"):
            bad = self.url_open(url.replace("limit=2", bad_query), headers=headers)
            self.assertEqual(bad.status_code, 400, bad_query)
        # the token in the address is not taken (it would be in access logs)
        self.assertEqual(
            self.url_open(url + "&token=wr-test-feed-token").status_code, 401
        )
        rule = (
            self.env["ir.http"]
            .routing_map()
            .bind("")
            .match(
                f"/wholesale_retail/channel/{self.channel.id}/feed", return_rule=True
            )[0]
        )
        self.assertTrue(rule.endpoint.routing["readonly"])

    def test_secret_and_token_are_for_managers(self):
        user = new_test_user(
            self.env,
            login="wr_sync_user",
            groups="wholesale_retail.group_wholesale_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        with self.assertRaises(AccessError):
            self.channel.with_user(user).read(["sync_secret"])
        with self.assertRaises(AccessError):
            self.channel.with_user(user).read(["feed_token"])
        self.assertEqual(
            self.channel.with_user(self.manager).read(["sync_secret"])[0][
                "sync_secret"
            ],
            "wr-test-secret",
        )


@tagged("post_install", "-at_install")
class TestChannelPushesOut(ChannelSyncCase):
    def change_stock(self, product, qty):
        self.env["stock.quant"].with_company(self.company)._update_available_quantity(
            product, self.warehouse.lot_stock_id, qty
        )
        self.env.cr.precommit.run()

    def test_changes_coalesce_into_one_job(self):
        self.push_now()  # the setup's full listing
        self.assertEqual(len(self.server.pushes), 1)
        self.assertEqual(
            set(self.server.items()), {"WRS-KETTLE", "WRS-FAN", "WRS-RICE"}
        )
        self.assertFalse(self.pending())
        with trap_jobs() as trap:
            self.change_stock(self.kettle, 5)
            self.change_stock(self.fan, 1)
            self.change_stock(self.kettle, -2)
            trap.assert_jobs_count(1, only=self.channel._wholesale_push)
            self.assertEqual(self.pending(), {self.kettle.id, self.fan.id})
            self.channel.sync_last_push = False
            perform_own(trap, self.channel)
        self.assertEqual(len(self.server.pushes), 2)
        push = self.server.pushes[-1]
        self.assertTrue(push["signed"])
        self.assertTrue(push["key"])
        self.assertEqual(
            sorted(push["body"]["items"], key=lambda item: item["sku"]),
            [
                {"sku": "WRS-FAN", "barcode": None, "quantity": 6},
                {"sku": "WRS-KETTLE", "barcode": "0999002000011", "quantity": 33},
            ],
        )
        self.assertFalse(self.pending())
        listing = self.env["wholesale.channel.listing"].search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", self.kettle.id)]
        )
        self.assertEqual(listing.quantity, 33)
        log = self.env["wholesale.channel.log"].search(
            [("channel_id", "=", self.channel.id), ("direction", "=", "out")], limit=1
        )
        self.assertEqual((log.status, log.item_count), (200, 2))

    def test_interval_holds(self):
        # pushed at 09:00:00.4: stored in whole seconds, rounded up (09:00:01),
        # so that no push comes before a full interval
        start = datetime(2026, 11, 2, 9, 0, 0, 400000)
        stored = datetime(2026, 11, 2, 9, 0, 1)
        with freeze_time(start):
            self.push_now()
            self.assertEqual(self.channel.sync_last_push, stored)
        with freeze_time(start + timedelta(seconds=5)), trap_jobs() as trap:
            self.change_stock(self.fan, 1)
            trap.assert_enqueued_job(
                self.channel._wholesale_push,
                properties={
                    "eta": stored + timedelta(seconds=600),
                    "identity_key": f"wholesale_sync_push:{self.channel.id}",
                    "channel": f"root.wholesale_sync.channel_{self.channel.id}",
                },
            )
            job = trap.enqueued_jobs[0]
        with freeze_time(start + timedelta(seconds=120)):
            with self.assertRaises(RetryableJobError) as caught:
                job.perform()
            self.assertTrue(caught.exception.ignore_retry)
            self.assertEqual(caught.exception.seconds, 481)
        # 599.8 s after the push: still inside the interval
        almost = start + timedelta(seconds=599, microseconds=800000)
        with freeze_time(almost), self.assertRaises(RetryableJobError):
            job.perform()
        self.assertEqual(len(self.server.pushes), 1, "no push inside the interval")
        with freeze_time(stored + timedelta(seconds=600)):
            job.perform()
        self.assertEqual(len(self.server.pushes), 2)
        self.assertEqual(self.server.items()["WRS-FAN"]["quantity"], 6)

    def test_more_than_a_batch_waits_for_the_next_interval(self):
        self.channel.write({"sync_batch_size": 2, "sync_interval": 0})
        self.channel._wholesale_mark_all()
        with trap_jobs() as trap:
            self.channel._wholesale_ensure_push()
            perform_own(trap, self.channel)  # the first batch, then one more job
            self.assertEqual(len(self.server.pushes), 1)
            self.assertEqual(len(self.server.items()), 2)
            # the one more job, for the rest (the first was performed)
            trap.assert_jobs_count(1, only=self.channel._wholesale_push)
            perform_own(trap, self.channel)
        self.assertEqual(len(self.server.pushes), 2)
        self.assertEqual(len(self.server.items()), 1)
        self.assertFalse(self.pending())

    def run_stored_job(self, job):
        """One run of a stored job as queue_job's runner does it
        (``RunJobController._runjob``): postponed on a retryable error, failed
        (and its on-fail hook called) when out of tries."""
        try:
            job.perform()
        except RetryableJobError as exc:
            job.postpone(result=str(exc), seconds=exc.seconds)
            job.set_pending(reset_retry=False)
            job.store()
            return "retry"
        except FailedJobError as exc:
            vals = {
                "exc_info": "",
                "exc_name": "FailedJobError",
                "exc_message": str(exc),
            }
            job.set_failed(**vals)
            job.store()
            job.on_fail(vals)
            return "failed"
        job.set_done()
        job.store()
        return "done"

    def test_failure_is_retried_then_failed_then_requeued(self):
        self.push_now()
        self.change_stock(self.fan, 2)
        self.channel.sync_last_push = False
        stored = self.env["queue.job"].search(
            [
                ("identity_key", "=", f"wholesale_sync_push:{self.channel.id}"),
                ("state", "=", "pending"),
            ]
        )
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored.max_retries, 3)
        self.assertEqual(
            stored.channel, f"root.wholesale_sync.channel_{self.channel.id}"
        )
        self.server.fail = 3
        outcomes = []
        for _try in range(3):
            job = Job.load(self.env, stored.uuid)
            outcomes.append(self.run_stored_job(job))
            if outcomes[-1] == "retry":
                # queue_job's retry pattern of the push: 10 s after the first try
                self.assertGreater(job.eta, datetime.now())
        self.assertEqual(outcomes, ["retry", "retry", "failed"])
        self.assertEqual(len(self.server.pushes), 4)  # the setup's and 3 tries
        stored.invalidate_recordset()
        self.assertEqual(stored.state, "failed")
        self.assertEqual(self.pending(), {self.fan.id}, "the products stay pending")
        failures = self.env["wholesale.channel.log"].search(
            [
                ("channel_id", "=", self.channel.id),
                ("direction", "=", "out"),
                ("status", "=", 503),
            ]
        )
        self.assertEqual(len(failures), 3)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "wholesale.sales.channel"),
                ("res_id", "=", self.channel.id),
            ]
        )
        self.assertIn(self.manager, activity.user_id)
        self.assertIn("WR Souq Marketplace", activity[0].summary)
        # the manager requeues it in Queue Jobs: it sends again
        stored.requeue()
        self.assertEqual(stored.state, "pending")
        self.assertEqual(self.run_stored_job(Job.load(self.env, stored.uuid)), "done")
        self.assertEqual(self.server.items()["WRS-FAN"]["quantity"], 7)
        self.assertFalse(self.pending())

    def test_compare_and_set(self):
        self.channel.sync_compare_and_set = True
        self.push_now()
        self.assertIsNone(self.server.items()["WRS-FAN"]["previous_quantity"])
        self.change_stock(self.fan, 1)
        self.server.conflicts = {"WRS-FAN": 2}  # someone changed it there
        self.push_now()
        self.assertEqual(self.server.items()["WRS-FAN"]["previous_quantity"], 5)
        self.assertEqual(self.pending(), {self.fan.id}, "refused: sent again")
        self.push_now()
        self.assertEqual(
            self.server.items()["WRS-FAN"],
            {"sku": "WRS-FAN", "barcode": None, "quantity": 6, "previous_quantity": 2},
        )
        self.assertFalse(self.pending())

    def test_daily_full_sync_is_a_job(self):
        self.push_now()
        self.assertFalse(self.pending())
        with trap_jobs() as trap:
            self.env["wholesale.sales.channel"]._cron_full_sync()
            trap.assert_enqueued_job(
                self.channel._wholesale_full_sync,
                properties={"identity_key": f"wholesale_sync_full:{self.channel.id}"},
            )
            self.channel.sync_last_push = False
            perform_own(trap, self.channel)  # marks every product, adds the push
            perform_own(trap, self.channel)
        self.assertEqual(
            set(self.server.items()), {"WRS-KETTLE", "WRS-FAN", "WRS-RICE"}
        )
        self.assertFalse(self.pending())

    def test_rule_change_marks_every_product(self):
        self.push_now()
        self.env["wholesale.channel.rule"].create(
            {
                "name": "WR keep 2 fans",
                "company_id": self.company.id,
                "scope": "product",
                "product_id": self.fan.id,
                "threshold": 2,
                "action": "block",
            }
        )
        self.env.cr.precommit.run()
        self.assertEqual(self.pending(), {self.kettle.id, self.fan.id, self.rice.id})
        self.push_now()
        self.assertEqual(self.server.items()["WRS-FAN"]["quantity"], 3)

    def test_product_leaving_the_listing_is_sent_as_zero(self):
        self.push_now()
        self.assertEqual(self.server.items()["WRS-FAN"]["quantity"], 5)
        other = self.env["product.category"].create({"name": "WR Not Listed"})
        self.fan.product_tmpl_id.categ_id = other
        self.env.cr.precommit.run()
        self.assertEqual(self.pending(), {self.fan.id})
        self.push_now()
        self.assertEqual(self.server.items()["WRS-FAN"]["quantity"], 0)
        self.assertFalse(self.pending())
        # the feed no longer lists it
        feed = self.url_open(
            f"/wholesale_retail/channel/{self.channel.id}/feed",
            headers={"Authorization": "Bearer wr-test-feed-token"},
        ).json()
        self.assertNotIn("WRS-FAN", {item["sku"] for item in feed["items"]})

    def test_one_stored_push_job_per_channel(self):
        """The identity key, in the database (not the test trap): changes
        between two pushes never make a second job."""
        Job = self.env["queue.job"]
        key = f"wholesale_sync_push:{self.channel.id}"
        Job.search([("identity_key", "=", key)]).unlink()
        self.change_stock(self.fan, 1)
        self.change_stock(self.kettle, 1)
        self.channel._wholesale_ensure_push()
        jobs = Job.search([("identity_key", "=", key)])
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.state, "pending")
        self.assertEqual(jobs.company_id, self.company)

    def test_pull_only_channel_gets_no_job(self):
        self.channel.sync_endpoint = False
        with trap_jobs() as trap:
            self.change_stock(self.fan, 1)
            trap.assert_jobs_count(0)
        # it reads its feed, which is live: nothing is kept pending for it
        self.assertFalse(self.pending())

    def test_old_log_is_purged(self):
        self.channel.log_retention_days = 5
        Log = self.env["wholesale.channel.log"]
        old = Log.create(
            {
                "channel_id": self.channel.id,
                "direction": "in",
                "kind": "order",
                "status": 200,
            }
        )
        new = Log.create(
            {
                "channel_id": self.channel.id,
                "direction": "in",
                "kind": "order",
                "status": 200,
            }
        )
        self.env.cr.execute(
            "UPDATE wholesale_channel_log SET create_date = now() - interval '6 days'"
            " WHERE id = %s",
            [old.id],
        )
        self.env["wholesale.sales.channel"]._cron_purge_logs()
        self.assertFalse(old.exists())
        self.assertTrue(new.exists())


@tagged("post_install", "-at_install")
class TestChannelSyncEverydayFlows(WholesalePoolCommon):
    """The pushes follow what real users do in the shop: a cashier with only
    the POS User rights, in both stock modes, online and offline; a
    salesperson without inventory rights; another company's stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RecordingChannel("wr-flow-secret")
        cls.addClassCleanup(cls.server.stop)
        cls.cashier = new_test_user(
            cls.env,
            login="wr_sync_flow_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=cls.company.id,
        )
        cls.salesman = new_test_user(
            cls.env,
            login="wr_sync_flow_sales",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.category = cls.env["product.category"].create({"name": "WR Flow Sync"})
        cls.channel = cls.env["wholesale.sales.channel"].create(
            {
                "user_id": cls.salesman.id,
                "name": "WR Flow Web Shop",
                "sync_categ_ids": [(6, 0, cls.category.ids)],
                "kind": "web",
                "company_id": cls.company.id,
                "warehouse_id": cls.warehouse.id,
                "sync_endpoint": cls.server.url,
                "sync_secret": "wr-flow-secret",
                "sync_interval": 60,
            }
        )
        cls.other_company = cls.env["res.company"].create({"name": "WR Flow Other"})
        cls.env.user.company_ids |= cls.other_company
        cls.other_channel = cls.env["wholesale.sales.channel"].create(
            {
                "name": "WR Flow Other Shop",
                "kind": "web",
                "company_id": cls.other_company.id,
                "sync_endpoint": cls.server.url,
                "sync_secret": "wr-flow-secret",
            }
        )

    def setUp(self):
        super().setUp()
        self.config = self.basic_config
        self.pos_session = None
        self.product = self.create_product(
            "WR Flow Sync Kettle %s" % self.id().rsplit(".", 1)[-1],
            self.categ_basic,
            30.0,
            20.0,
        )
        self.product.write(
            {"default_code": "WRF-%s" % self.product.id, "categ_id": self.category.id}
        )
        self.adjust_inventory([self.product], [10])
        self.env.cr.precommit.run()
        self.push()

    def push(self):
        self.server.pushes.clear()
        self.channel.sync_last_push = False
        with trap_jobs() as trap:
            self.channel._wholesale_ensure_push()
            perform_own(trap, self.channel)
        self.env.invalidate_all()

    def sync_as_cashier(self, qty, online):
        data = self.create_ui_order_data([(self.product, qty)])
        orders = self.env["pos.order"].with_user(self.cashier)
        if online:
            orders = orders.with_context(**{ONLINE: data["uuid"]})
        orders.sync_from_ui([data])
        return self.env["pos.order"].search([("uuid", "=", data["uuid"])])

    def assert_pushed(self, trap, qty):
        """The cashier's or salesperson's commit marked the product and made
        one push job (trapped while they worked); it sends the new sellable
        quantity."""
        self.env.cr.precommit.run()
        pending = {pid for pid, _seq in self.channel._wholesale_pending()}
        self.assertIn(self.product.id, pending)
        trap.assert_jobs_count(1, only=self.channel._wholesale_push)
        self.server.pushes.clear()
        self.channel.sync_last_push = False
        perform_own(trap, self.channel)
        self.assertEqual(
            self.server.items()[self.product.default_code]["quantity"], qty
        )
        self.assertNotIn(
            self.product.id,
            {pid for pid, _seq in self.other_channel._wholesale_pending()},
        )

    def test_cashier_sale_in_both_stock_modes(self):
        for mode, sold, left in (("real", 3, 7), ("closing", 2, 5)):
            with self.subTest(mode):
                self.company.point_of_sale_update_stock_quantities = mode
                if self.pos_session:
                    self.pos_session.action_pos_session_closing_control()
                self.open_new_session()
                with trap_jobs() as trap:
                    order = self.sync_as_cashier(sold, online=True)
                    self.assertEqual(order.state, "paid")
                    self.assert_pushed(trap, left)

    def test_offline_sale_beyond_the_stock_is_kept_and_pushed(self):
        self.open_new_session()
        with trap_jobs() as trap:
            order = self.sync_as_cashier(12, online=False)
            self.assertEqual(order.state, "paid")
            self.assert_pushed(trap, 0)

    def test_salesperson_without_inventory_rights(self):
        customer = self.env["res.partner"].create({"name": "WR Flow Buyer"})
        trap = self.enterContext(trap_jobs())
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": customer.id,
                    "warehouse_id": self.warehouse.id,
                    "order_line": [
                        (0, 0, {"product_id": self.product.id, "product_uom_qty": 4})
                    ],
                }
            )
        )
        order.action_confirm()
        self.assert_pushed(trap, 6)
