"""Channel sync: web shops and marketplaces get the sellable quantities out,
through OCA's queue_job (docs/channel_sync.md is the wire contract).

Every change of stock (or of the rules) that the live availability of the POS
hears of (``wholesale.stock.pool._wholesale_availability_changed``) also marks
the products changed for each synced channel of the warehouse, when the
transaction commits: a row in ``wholesale.channel.change`` per channel and
product changed (append-only: a plain INSERT, which no other transaction can
conflict with, so marking never fails a sale nor is lost in a savepoint that
core code rolls back). The push job reads them coalesced (one item per
product), sends the batch and deletes the rows its snapshot saw: a change
committed while a push runs stays for the next one. What a channel was last
sent is in ``wholesale.channel.listing``.
"""

import hashlib
import hmac
import json
import logging
import math
import secrets
from datetime import datetime, timedelta

import requests
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

from odoo.addons.queue_job.exception import RetryableJobError

_logger = logging.getLogger(__name__)

SYNC_KINDS = ("web", "marketplace")
#: parent queue_job channel of every channel's own sub-channel
JOB_CHANNEL_ROOT = "root.wholesale_sync"
PUSH_TIMEOUT = 10  # seconds
SIGNATURE_HEADER = "X-Wholesale-Signature"


def sign(secret, body):
    """``sha256=<hex>``: the HMAC-SHA256 of the raw ``body`` bytes."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def payload_hash(body):
    return hashlib.sha256(body or b"").hexdigest()


def feed_quantity(qty):
    """A sellable quantity as a channel shows it: rounded down, whole pieces
    as integers."""
    qty = max(float_round(qty or 0.0, precision_digits=6), 0.0)
    whole = math.floor(qty)
    if qty - whole < 1e-6:
        return int(whole)
    return math.floor(qty * 100) / 100


class WholesaleSalesChannel(models.Model):
    _name = "wholesale.sales.channel"
    _inherit = ["wholesale.sales.channel", "mail.thread", "mail.activity.mixin"]  # noqa: RUF012

    sync_endpoint = fields.Char(
        string="Push Endpoint",
        help="The URL the channel's sellable quantities are sent to (POST, "
        "signed). Empty: the channel reads them from its feed.",
    )
    sync_secret = fields.Char(
        string="Signing Secret",
        groups="wholesale_retail.group_wholesale_manager",
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
        help="Signs the orders the channel sends (HMAC-SHA256 of the body) and "
        "the quantities sent to it.",
    )
    feed_token = fields.Char(
        string="Feed Token",
        groups="wholesale_retail.group_wholesale_manager",
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
        help="The bearer token the channel reads its quantity feed with.",
    )
    sync_interval = fields.Integer(
        string="Minimum Interval (s)",
        default=60,
        help="Seconds between two pushes at the least: 600 for a marketplace "
        "that throttles (Amazon-like), 60 for a web shop. Changes in between "
        "are sent together.",
    )
    sync_batch_size = fields.Integer(
        string="Batch Size",
        default=100,
        help="Most products in one push; more wait for the next interval.",
    )
    sync_max_tries = fields.Integer(
        string="Tries",
        default=5,
        help="Tries of one push before its job fails (the products stay "
        "pending and the wholesale managers are told; requeue the job to "
        "send them again).",
    )
    sync_compare_and_set = fields.Boolean(
        string="Send Previous Quantity",
        help="Each pushed quantity carries the one last sent, so that the "
        "channel refuses it if its own figure changed meanwhile.",
    )
    log_retention_days = fields.Integer(
        string="Keep Log (days)",
        default=30,
        help="Days the channel's log of orders in and pushes out is kept.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Orders Created As",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="The user the channel's orders are created and confirmed as: its "
        "rights apply (it needs Sales rights in the channel's company).",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Pricelist",
        check_company=True,
        help="Prices the channel's orders when they carry no price. Empty: the "
        "customer's.",
    )
    sync_categ_ids = fields.Many2many(
        "product.category",
        "wholesale_sales_channel_sync_categ_rel",
        "channel_id",
        "categ_id",
        string="Listed Categories",
        help="The channel lists the products of these categories and their "
        "subcategories (quantities pushed, feed). Empty: every storable, "
        "saleable product with an internal reference or a barcode.",
    )
    sync_last_push = fields.Datetime(
        string="Last Push",
        compute="_compute_sync_last_push",
        inverse="_inverse_sync_last_push",
    )
    sync_pending_count = fields.Integer(
        string="Pending", compute="_compute_sync_pending_count"
    )
    job_channel_name = fields.Char(
        string="Job Channel", compute="_compute_job_channel_name"
    )
    order_url = fields.Char(
        string="Order Address",
        compute="_compute_urls",
        help="Where the channel sends its orders (POST, signed).",
    )
    feed_url = fields.Char(
        string="Feed Address",
        compute="_compute_urls",
        help="Where the channel reads its quantities (GET, with the feed token).",
    )

    def _compute_urls(self):
        for channel in self:
            base = channel.get_base_url()
            prefix = f"{base}/wholesale_retail/channel/{channel.id}"
            channel.order_url = f"{prefix}/order" if channel.id else False
            channel.feed_url = f"{prefix}/feed" if channel.id else False

    _sync_interval_positive = models.Constraint(
        "CHECK(sync_interval >= 0 AND sync_batch_size > 0 AND sync_max_tries > 0 "
        "AND log_retention_days > 0)",
        "The interval cannot be negative; batch size, tries and log days are "
        "at least 1.",
    )

    @api.depends()
    def _compute_job_channel_name(self):
        for channel in self:
            channel.job_channel_name = (
                f"{JOB_CHANNEL_ROOT}.channel_{channel.id}" if channel.id else False
            )

    def _compute_sync_last_push(self):
        states = (
            self.env["wholesale.channel.sync.state"]
            .sudo()
            .search(
                [
                    (
                        "channel_id",
                        "in",
                        [cid for cid in self.ids if isinstance(cid, int)],
                    )
                ]
            )
        )
        last = {state.channel_id.id: state.last_push for state in states}
        for channel in self:
            channel.sync_last_push = last.get(channel.id, False)

    def _inverse_sync_last_push(self):
        State = self.env["wholesale.channel.sync.state"].sudo()
        for channel in self:
            state = State.search([("channel_id", "=", channel.id)])
            if state:
                state.last_push = channel.sync_last_push
            else:
                State.create(
                    {"channel_id": channel.id, "last_push": channel.sync_last_push}
                )

    def _compute_sync_pending_count(self):
        counts = self._wholesale_pending_counts()
        for channel in self:
            channel.sync_pending_count = counts.get(channel.id, 0)

    def _wholesale_pending_counts(self):
        ids = [cid for cid in self.ids if isinstance(cid, int)]
        if not ids:
            return {}
        self.env["wholesale.channel.change"].flush_model()
        self.env.cr.execute(
            """
            SELECT channel_id, COUNT(DISTINCT product_id)
              FROM wholesale_channel_change
             WHERE channel_id = ANY(%s)
             GROUP BY channel_id
            """,
            [ids],
        )
        return dict(self.env.cr.fetchall())

    @api.constrains("user_id", "company_id", "kind", "warehouse_id")
    def _check_sync_user_and_warehouse(self):
        for channel in self.filtered(lambda c: c.kind in SYNC_KINDS):
            user = channel.user_id
            if user and channel.company_id not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(channel)s: its orders are created as %(user)s, who does "
                        "not work in %(company)s.",
                        channel=channel.name,
                        user=user.name,
                        company=channel.company_id.name,
                    )
                )
            if not channel.warehouse_id:
                raise ValidationError(
                    self.env._(
                        "%(channel)s: a web shop or marketplace sells from one "
                        "warehouse (its orders and the quantities it gets).",
                        channel=channel.name,
                    )
                )

    @api.constrains("sync_endpoint", "kind")
    def _check_sync_endpoint(self):
        for channel in self:
            url = (channel.sync_endpoint or "").strip()
            if not url:
                continue
            if channel.kind not in SYNC_KINDS:
                raise ValidationError(
                    self.env._(
                        "%(channel)s: only web shops and marketplaces get "
                        "quantities pushed.",
                        channel=channel.name,
                    )
                )
            if not url.lower().startswith(("http://", "https://")):
                raise ValidationError(
                    self.env._(
                        "%(channel)s: the push endpoint must be an http:// or "
                        "https:// address.",
                        channel=channel.name,
                    )
                )

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("kind", "web") in SYNC_KINDS and not vals.get("warehouse_id"):
                company_id = vals.get("company_id") or self.env.company.id
                # the company's first warehouse, whatever the creator may read
                vals["warehouse_id"] = (
                    self.env["stock.warehouse"]
                    .sudo()
                    .search([("company_id", "=", company_id)], limit=1)
                    .id
                )
        channels = super().create(vals_list)
        channels._wholesale_ensure_job_channels()
        # a channel that reads its feed keeps nothing pending: the feed is live
        synced = channels._wholesale_synced().filtered("sync_endpoint")
        if synced:
            synced._wholesale_mark_all()
            synced._wholesale_ensure_push()
        return channels

    def write(self, vals):
        result = super().write(vals)
        relisted = {"sync_categ_ids", "sync_endpoint", "active", "warehouse_id"}
        if relisted & set(vals):
            synced = self._wholesale_synced().filtered("sync_endpoint")
            synced._wholesale_mark_all()
            synced._wholesale_ensure_push()
            # a channel that now reads its feed keeps nothing pending
            (self - synced).env["wholesale.channel.change"].sudo().search(
                [("channel_id", "in", (self - synced).ids)]
            ).unlink()
        return result

    def _wholesale_ensure_job_channels(self):
        """The queue_job channel of each web shop and marketplace, under
        ``root.wholesale_sync``: the jobrunner queues each channel's pushes
        apart, so a slow marketplace never holds the others back."""
        # queue.job.channel is queue_job's configuration (its managers only);
        # a wholesale manager adding a channel gets its job channel with it
        Channels = self.env["queue.job.channel"].sudo()
        parent = self.env.ref("wholesale_retail.job_channel_wholesale_sync").sudo()
        existing = set(Channels.search([("parent_id", "=", parent.id)]).mapped("name"))
        for channel in self.filtered(lambda c: c.kind in SYNC_KINDS):
            name = f"channel_{channel.id}"
            if name not in existing:
                Channels.create({"name": name, "parent_id": parent.id})

    def _wholesale_synced(self):
        """The channels that get quantities: active web shops and marketplaces."""
        return self.filtered(lambda c: c.active and c.kind in SYNC_KINDS)

    @api.model
    def _wholesale_changed(self, pairs, reload_companies):
        """Called when a transaction that changed ``pairs`` ((product_id,
        warehouse_id)) or the rules of ``reload_companies`` commits: mark the
        products changed for every synced channel selling them, and make
        sure each such channel with an endpoint has its push job."""
        # The channels' bookkeeping, whoever's transaction commits (a portal
        # customer's, a cashier's): read and marked as the system.
        system = self.sudo()
        warehouses = sorted({w for _p, w in pairs})
        system.flush_model()
        system.env.cr.execute(
            """
            SELECT ch.id, ch.company_id, ch.warehouse_id
              FROM wholesale_sales_channel ch
             WHERE ch.active AND ch.kind IN %s
               AND COALESCE(ch.sync_endpoint, '') != ''
               AND (ch.company_id = ANY(%s)
                    OR ch.warehouse_id = ANY(%s)
                    OR (ch.warehouse_id IS NULL AND ch.company_id IN (
                        SELECT company_id FROM stock_warehouse WHERE id = ANY(%s))))
             ORDER BY ch.id
            """,
            [SYNC_KINDS, list(reload_companies), warehouses, warehouses],
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        company_of = dict(
            self.env["stock.warehouse"]
            .sudo()
            .browse(warehouses)
            .mapped(lambda w: (w.id, w.company_id.id))
        )
        touched = system.browse()
        for channel_id, company_id, warehouse_id in rows:
            channel = system.browse(channel_id)
            if company_id in reload_companies:
                marked = channel._wholesale_mark_all()
            else:
                products = sorted(
                    {
                        p
                        for p, w in pairs
                        if (w == warehouse_id)
                        or (not warehouse_id and company_of.get(w) == company_id)
                    }
                )
                marked = channel._wholesale_mark(products)
            if marked:
                touched |= channel
        touched._wholesale_ensure_push()

    def _wholesale_product_domain_sql(self):
        """The products a channel lists: storable, saleable, active, of its
        company or shared, with an internal reference or a barcode, in its
        listed categories (if any). Parameters: ``company``, ``channel``."""
        return """
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.active AND pt.active AND pt.is_storable AND pt.sale_ok
               AND (pt.company_id IS NULL OR pt.company_id = %(company)s)
               AND (COALESCE(pp.default_code, '') != ''
                    OR COALESCE(pp.barcode, '') != '')
               AND (NOT EXISTS (
                        SELECT 1 FROM wholesale_sales_channel_sync_categ_rel r
                         WHERE r.channel_id = %(channel)s)
                    OR EXISTS (
                        SELECT 1
                          FROM wholesale_sales_channel_sync_categ_rel r
                          JOIN product_category listed ON listed.id = r.categ_id
                          JOIN product_category own ON own.id = pt.categ_id
                         WHERE r.channel_id = %(channel)s
                           AND own.parent_path LIKE listed.parent_path || '%%'))
        """

    #: a listed product, or one the channel was sent (it leaves with 0)
    _MARK_SQL = """
        INSERT INTO wholesale_channel_change (channel_id, product_id)
        SELECT %(channel)s, pp.id
        """

    def _wholesale_mark(self, product_ids):
        """Mark ``product_ids`` changed for this channel: those it lists and
        those it was sent before (a product that left the listing is sent
        as 0). Returns how many were marked."""
        self.ensure_one()
        if not product_ids:
            return 0
        self._wholesale_flush_listing()
        params = {
            "channel": self.id,
            "company": self.company_id.id,
            "products": list(product_ids),
        }
        self.env.cr.execute(
            self._MARK_SQL
            + self._wholesale_product_domain_sql()
            + """ AND pp.id = ANY(%(products)s)
            UNION
            SELECT %(channel)s, l.product_id
              FROM wholesale_channel_listing l
             WHERE l.channel_id = %(channel)s AND l.product_id = ANY(%(products)s)
            """,
            params,
        )
        return self.env.cr.rowcount

    def _wholesale_mark_all(self):
        """Mark every product the channel lists, or was sent, changed (a full
        sync). Returns how many rows were marked."""
        self._wholesale_flush_listing()
        count = 0
        for channel in self:
            self.env.cr.execute(
                self._MARK_SQL
                + self._wholesale_product_domain_sql()
                + """
                UNION
                SELECT %(channel)s, l.product_id
                  FROM wholesale_channel_listing l
                 WHERE l.channel_id = %(channel)s
                """,
                {"channel": channel.id, "company": channel.company_id.id},
            )
            count += self.env.cr.rowcount
        return count

    def _wholesale_flush_listing(self):
        self.env["product.product"].flush_model()
        self.env["product.template"].flush_model()
        self.env["wholesale.channel.listing"].flush_model()
        self.flush_model(["sync_categ_ids"])

    def _wholesale_listed(self, product_ids):
        """The subset of ``product_ids`` the channel lists now."""
        self.ensure_one()
        self._wholesale_flush_listing()
        self.env.cr.execute(
            "SELECT pp.id"
            + self._wholesale_product_domain_sql()
            + " AND pp.id = ANY(%(products)s)",
            {
                "channel": self.id,
                "company": self.company_id.id,
                "products": list(product_ids),
            },
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _wholesale_push_eta(self):
        """When the next push may go: the last one plus the interval."""
        self.ensure_one()
        if not self.sync_last_push:
            return None
        due = self.sync_last_push + timedelta(seconds=self.sync_interval)
        return due if due > fields.Datetime.now() else None

    def _wholesale_ensure_push(self):
        """One pending push job per channel with an endpoint (queue_job's
        identity key: changes between two pushes never make a second job)."""
        for channel in self.filtered("sync_endpoint"):
            # The push is the system's work, whoever changed the stock (a
            # cashier, a salesperson, a webhook): it runs as the superuser.
            system = channel.with_user(api.SUPERUSER_ID).with_context(active_test=False)
            system.with_delay(
                eta=channel._wholesale_push_eta(),
                channel=channel.job_channel_name,
                identity_key=f"wholesale_sync_push:{channel.id}",
                max_retries=channel.sync_max_tries,
                description=self.env._(
                    "Send the sellable quantities to %(channel)s", channel=channel.name
                ),
            )._wholesale_push()

    def _wholesale_pending(self, limit=None):
        """``[(product_id, last change id)]`` of the products waiting to be
        sent, the longest waiting first."""
        self.ensure_one()
        self.env["wholesale.channel.change"].flush_model()
        self.env.cr.execute(
            """
            SELECT product_id, MAX(id)
              FROM wholesale_channel_change
             WHERE channel_id = %s
             GROUP BY product_id
             ORDER BY MIN(id)
             LIMIT %s
            """,
            [self.id, limit],
        )
        return self.env.cr.fetchall()

    def _wholesale_quantities(self, products):
        """``{product_id: quantity}``: what the channel may sell of each
        product, rules and buffer applied, rounded down."""
        self.ensure_one()
        products = products.with_company(self.company_id)
        availability = products._wholesale_channel_availability(self)
        return {
            pid: feed_quantity(values["qty"])
            for pid, values in availability.items()
            if values["qty"] is not None
        }

    def _wholesale_feed(self, offset, limit, after=None):
        """``(items, total, last_id)``: a page of the channel's listed products
        with their sellable quantity, by product id (read-only). ``after``: the
        last product id of the previous page (keyset paging: no offset to
        skip); ``total`` is counted on the first page only (else ``None``);
        ``last_id`` is ``None`` on the last page."""
        self.ensure_one()
        self.env["product.product"].flush_model()
        self.env["product.template"].flush_model()
        self.flush_model(["sync_categ_ids"])
        params = {
            "company": self.company_id.id,
            "channel": self.id,
            "offset": offset,
            "limit": limit + 1,  # one more: is there a next page?
            "after": after or 0,
        }
        total = None
        if not offset and not after:
            self.env.cr.execute(
                "SELECT COUNT(*)" + self._wholesale_product_domain_sql(), params
            )
            total = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            "SELECT pp.id, pp.default_code, pp.barcode"
            + self._wholesale_product_domain_sql()
            + " AND pp.id > %(after)s"
            + " ORDER BY pp.id OFFSET %(offset)s LIMIT %(limit)s",
            params,
        )
        rows = self.env.cr.fetchall()
        more, rows = len(rows) > limit, rows[:limit]
        products = self.env["product.product"].browse([row[0] for row in rows])
        quantities = self._wholesale_quantities(products)
        items = [
            {
                "sku": code or None,
                "barcode": barcode or None,
                "quantity": quantities.get(pid, 0),
            }
            for pid, code, barcode in rows
        ]
        return items, total, rows[-1][0] if more else None

    def _wholesale_lock_for_push(self):
        """Only one push of a channel at a time, across every worker and
        server: its row of ``wholesale.channel.sync.state``, locked without
        waiting. Nothing refers to that table, so orders and logs of the
        channel never wait for a push (a lock on the channel's own row would
        hold every insert that refers to it). Returns the state row."""
        self.ensure_one()
        State = self.env["wholesale.channel.sync.state"]
        state = State.search([("channel_id", "=", self.id)])
        if not state:
            self.env.cr.execute(
                "INSERT INTO wholesale_channel_sync_state (channel_id) VALUES (%s) "
                "ON CONFLICT (channel_id) DO NOTHING",
                [self.id],
                log_exceptions=False,
            )
            state = State.search([("channel_id", "=", self.id)])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM wholesale_channel_sync_state WHERE id = %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [state.id],
                    log_exceptions=False,
                )
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure) as exc:
            # another push of this channel runs (or just ran, after this job's
            # snapshot): come back later, without using up one of its tries
            raise RetryableJobError(
                "Another push of this channel is running.",
                seconds=max(self.sync_interval, 5),
                ignore_retry=True,
            ) from exc
        return state

    def _wholesale_push(self):
        """The push job: send the pending quantities (at most a batch), then
        make sure the next job exists if more are pending."""
        self.ensure_one()
        channel = self
        if not (
            channel.active and channel.kind in SYNC_KINDS and channel.sync_endpoint
        ):
            return "The channel is archived or has no push endpoint: nothing sent."
        state = channel._wholesale_lock_for_push()
        eta = channel._wholesale_push_eta()
        if eta:
            seconds = math.ceil((eta - fields.Datetime.now()).total_seconds())
            raise RetryableJobError(
                f"Waiting for the channel's interval ({seconds} s).",
                seconds=max(seconds, 1),
                ignore_retry=True,
            )
        pending = channel._wholesale_pending(limit=channel.sync_batch_size)
        if not pending:
            return "Nothing pending."
        Product = self.env["product.product"].with_context(active_test=False)
        products = Product.browse([pid for pid, _last in pending])
        listed = channel._wholesale_listed(products.ids)
        # a product that left the listing (archived, not saleable, another
        # category) is sent as 0: the channel stops selling it
        quantities = channel._wholesale_quantities(
            products.filtered(lambda p: p.id in listed)
        )
        listings = {
            listing.product_id.id: listing
            for listing in self.env["wholesale.channel.listing"].search(
                [("channel_id", "=", channel.id), ("product_id", "in", products.ids)]
            )
        }
        items = []
        for product in products:
            item = {
                "sku": product.default_code or None,
                "barcode": product.barcode or None,
                "quantity": quantities.get(product.id, 0),
            }
            if channel.sync_compare_and_set:
                listing = listings.get(product.id)
                item["previous_quantity"] = (
                    feed_quantity(listing.quantity) if listing else None
                )
            items.append(item)
        body = json.dumps(
            {"channel": channel.id, "items": items}, separators=(",", ":")
        ).encode()
        job_uuid = self.env.context.get("job_uuid") or ""
        status, answer, error = channel._wholesale_send(body, job_uuid)
        # stored in whole seconds: rounded up, so that the next push never
        # comes before a full interval (rounded down it could, by up to 1 s)
        now = fields.Datetime.now()
        if channel.sync_interval and datetime.now() > now:
            now += timedelta(seconds=1)
        if error:
            channel._wholesale_log_detached(
                {
                    "direction": "out",
                    "kind": "push",
                    "status": status or 0,
                    "payload_hash": payload_hash(body),
                    "item_count": len(items),
                    "message": error,
                    "job_uuid": job_uuid,
                }
            )
            raise RetryableJobError(error)
        conflicts = self._wholesale_conflicts(answer)
        sent = []
        for (product_id, last_change), item in zip(pending, items, strict=True):
            current = conflicts.get(item["sku"], conflicts.get(item["barcode"]))
            vals = {
                "quantity": item["quantity"] if current is None else current,
                "date": now,
            }
            if current is None:
                sent.append((product_id, last_change))
            listing = listings.get(product_id)
            if listing:
                listing.write(vals)
            else:
                self.env["wholesale.channel.listing"].create(
                    {"channel_id": channel.id, "product_id": product_id, **vals}
                )
        if sent:
            # the changes this snapshot saw are sent; one committed meanwhile
            # is not visible here, so it stays for the next push
            self.env["wholesale.channel.change"].flush_model()
            self.env.cr.execute(
                """
                DELETE FROM wholesale_channel_change c
                 USING unnest(%s::int[], %s::int[]) AS s(product_id, last_id)
                 WHERE c.channel_id = %s
                   AND c.product_id = s.product_id
                   AND c.id <= s.last_id
                """,
                [[p for p, _l in sent], [last for _p, last in sent], channel.id],
            )
        state.last_push = now
        conflicted = len(items) - len(sent)
        self.env["wholesale.channel.log"].create(
            {
                "channel_id": channel.id,
                "direction": "out",
                "kind": "push",
                "status": status,
                "payload_hash": payload_hash(body),
                "item_count": len(items),
                "message": self.env._(
                    "%(count)s quantities sent, %(conflicts)s refused by the channel "
                    "(sent again with its figure).",
                    count=len(items),
                    conflicts=conflicted,
                )
                if conflicted
                else self.env._("%(count)s quantities sent.", count=len(items)),
                "job_uuid": job_uuid,
            }
        )
        if channel._wholesale_pending(limit=1):
            channel._wholesale_ensure_push()
        return f"{len(items)} quantities sent, {conflicted} conflicts."

    @api.model
    def _wholesale_conflicts(self, answer):
        """``{sku or barcode: the channel's own quantity}`` of the items a
        compare-and-set channel refused; entries that name no product or give
        no number are left out (the channel's answer is not trusted)."""
        conflicts = {}
        entries = (answer or {}).get("conflicts") if isinstance(answer, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            key = entry.get("sku") or entry.get("barcode")
            qty = entry.get("quantity")
            if (
                isinstance(key, str)
                and key
                and isinstance(qty, (int, float))
                and not isinstance(qty, bool)
                and math.isfinite(qty)
            ):
                conflicts[key] = float(qty)
        return conflicts

    def _wholesale_send(self, body, idempotency_key):
        """POST ``body`` to the endpoint: ``(status, answer, error)``;
        ``error`` is a sentence when the channel did not take it."""
        self.ensure_one()
        # the secret is readable by managers only; the job signs with it
        secret = self.sudo().sync_secret or ""
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(secret, body),
            # the same body sent again by a retry of the job carries the same
            # key; a newer body (fresher quantities) another one
            "Idempotency-Key": f"{idempotency_key}:{payload_hash(body)[:16]}",
        }
        try:
            # no redirect: the endpoint set by a manager is where data goes
            response = requests.post(
                self.sync_endpoint,
                data=body,
                headers=headers,
                timeout=PUSH_TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return 0, None, f"The channel did not answer: {type(exc).__name__}."
        answer = None
        try:
            answer = response.json() if response.content else None
        except ValueError:
            answer = None
        if not 200 <= response.status_code < 300:
            return (
                response.status_code,
                answer,
                f"The channel answered {response.status_code} {response.reason}.",
            )
        return response.status_code, answer if isinstance(answer, dict) else None, None

    def _wholesale_log_detached(self, vals):
        """Log an attempt that the job's rollback must not erase: in a
        transaction of its own (the test registry's cursor in tests)."""
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr, su=True)
            env["wholesale.channel.log"].create({"channel_id": self.id, **vals})

    def _wholesale_push_failed(self, **fail_vals):
        """queue_job's on-fail hook of a push that used up its tries: the
        products stay pending; the wholesale managers get an activity."""
        for channel in self:
            channel._wholesale_notify_managers(
                self.env._("Quantities not sent to %(channel)s", channel=channel.name),
                self.env._(
                    "The push failed %(tries)s times: %(error)s\nThe products stay "
                    "pending: requeue the failed job in Queue Jobs to send them "
                    "again (or they go with the next change).",
                    tries=channel.sync_max_tries,
                    error=fail_vals.get("exc_message") or "",
                ),
            )

    def _wholesale_notify_managers(self, summary, note):
        self.ensure_one()
        channel = self.sudo()  # the activity is the system's, for the managers
        group = self.env.ref("wholesale_retail.group_wholesale_manager")
        managers = group.sudo().all_user_ids.filtered(
            lambda u: channel.company_id in u.company_ids and not u.share
        ) or self.env.ref("base.user_admin")
        model = self.env["ir.model"]._get_id(self._name)
        for user in managers:
            open_activity = (
                self.env["mail.activity"]
                .sudo()
                .search_count(
                    [
                        ("res_model_id", "=", model),
                        ("res_id", "=", channel.id),
                        ("user_id", "=", user.id),
                        ("summary", "=", summary),
                    ],
                    limit=1,
                )
            )
            if not open_activity:
                channel.activity_schedule(
                    "mail.mail_activity_data_warning"
                    if self.env.ref(
                        "mail.mail_activity_data_warning", raise_if_not_found=False
                    )
                    else "mail.mail_activity_data_todo",
                    summary=summary,
                    note=note,
                    user_id=user.id,
                )

    @api.model
    def _cron_full_sync(self):
        """Daily: a full sync job per synced channel (a job too, so that a
        slow marketplace holds nothing back)."""
        for channel in self.search(
            [("kind", "in", SYNC_KINDS), ("sync_endpoint", "!=", False)]
        ):
            channel.with_user(api.SUPERUSER_ID).with_delay(
                channel=channel.job_channel_name,
                identity_key=f"wholesale_sync_full:{channel.id}",
                description=self.env._(
                    "Full sync of %(channel)s", channel=channel.name
                ),
            )._wholesale_full_sync()

    def _wholesale_full_sync(self):
        """Mark every listed product changed; the push job sends them."""
        self._wholesale_mark_all()
        self._wholesale_ensure_push()
        return "Every product marked for the next pushes."

    def action_wholesale_full_sync(self):
        self._wholesale_synced()._wholesale_full_sync()
        return True

    def action_wholesale_new_secret(self):
        for channel in self:
            channel.sync_secret = secrets.token_urlsafe(32)
        return True

    def action_wholesale_new_feed_token(self):
        for channel in self:
            channel.feed_token = secrets.token_urlsafe(32)
        return True

    def action_wholesale_open_log(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log of %(channel)s", channel=self.name),
            "res_model": "wholesale.channel.log",
            "view_mode": "list,form",
            "domain": [("channel_id", "=", self.id)],
        }

    def action_wholesale_open_jobs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Jobs of %(channel)s", channel=self.name),
            "res_model": "queue.job",
            "view_mode": "list,form",
            "domain": [("channel", "=", self.job_channel_name)],
        }

    # ------------------------------------------------------------------
    # Orders in
    # ------------------------------------------------------------------
    def _wholesale_check_signature(self, body, signature):
        """Constant-time check of the ``X-Wholesale-Signature`` header."""
        self.ensure_one()
        secret = self.sudo().sync_secret  # the secret never leaves this check
        if not secret or not signature:
            return False
        # bytes: compare_digest refuses a str with non-ASCII characters
        return hmac.compare_digest(
            sign(secret, body).encode(), signature.strip().encode()
        )

    def _wholesale_check_feed_token(self, token):
        self.ensure_one()
        expected = self.sudo().feed_token  # the token never leaves this check
        return bool(expected and token) and hmac.compare_digest(
            expected.encode(), token.encode()
        )

    @api.model
    def _cron_purge_logs(self):
        """Delete each channel's log entries and answered requests older than
        its retention."""
        self.flush_model(["log_retention_days"])
        self.env["wholesale.channel.log"].flush_model()
        self.env["wholesale.channel.request"].flush_model()
        self.env.cr.execute(
            """
            DELETE FROM wholesale_channel_log lg
             USING wholesale_sales_channel ch
             WHERE ch.id = lg.channel_id
               AND lg.create_date < now() at time zone 'utc'
                                    - make_interval(days => ch.log_retention_days)
            """
        )
        self.env.cr.execute(
            """
            DELETE FROM wholesale_channel_request rq
             USING wholesale_sales_channel ch
             WHERE ch.id = rq.channel_id
               AND rq.create_date < now() at time zone 'utc'
                                    - make_interval(days => ch.log_retention_days)
            """
        )


class WholesaleChannelChange(models.Model):
    """A change of a product's sellable quantity for a channel, waiting to be
    sent: append-only (a plain INSERT conflicts with nothing), read coalesced
    per product, deleted once sent."""

    _name = "wholesale.channel.change"
    _description = "Channel Quantity Change"
    _log_access = False

    channel_id = fields.Many2one(
        "wholesale.sales.channel", required=True, ondelete="cascade"
    )
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")

    _channel_product_idx = models.Index("(channel_id, product_id, id)")


class WholesaleChannelSyncState(models.Model):
    """When a channel was last pushed to. Its row is the lock that keeps one
    push of a channel at a time; nothing refers to it."""

    _name = "wholesale.channel.sync.state"
    _description = "Channel Sync State"
    _log_access = False

    channel_id = fields.Many2one(
        "wholesale.sales.channel", required=True, ondelete="cascade"
    )
    last_push = fields.Datetime()

    _channel_uniq = models.Constraint(
        "UNIQUE(channel_id)", "One sync state per channel."
    )


class WholesaleChannelListing(models.Model):
    """What a channel was last sent of a product."""

    _name = "wholesale.channel.listing"
    _description = "Channel Listing"
    _log_access = False
    _order = "channel_id, product_id"

    channel_id = fields.Many2one(
        "wholesale.sales.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    quantity = fields.Float(
        digits="Product Unit",
        help="The last quantity the channel took (or, after a refused "
        "compare-and-set, the channel's own figure).",
    )
    date = fields.Datetime(string="Sent On")

    _channel_product_uniq = models.Constraint(
        "UNIQUE(channel_id, product_id)", "One listing per channel and product."
    )


class WholesaleChannelLog(models.Model):
    """What came in from a channel and what went out to it."""

    _name = "wholesale.channel.log"
    _description = "Channel Sync Log"
    _order = "id desc"
    _rec_name = "kind"

    channel_id = fields.Many2one(
        "wholesale.sales.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    direction = fields.Selection([("in", "In"), ("out", "Out")], required=True)
    kind = fields.Selection(
        [("order", "Order"), ("cancel", "Cancellation"), ("push", "Quantities")],
        required=True,
    )
    status = fields.Integer(help="The HTTP status answered (in) or received (out).")
    payload_hash = fields.Char(string="Payload SHA-256")
    idempotency_key = fields.Char()
    item_count = fields.Integer(string="Items")
    order_id = fields.Many2one("sale.order", ondelete="set null")
    message = fields.Text()
    job_uuid = fields.Char(string="Job")


class WholesaleChannelRequest(models.Model):
    """An order a channel sent, by its idempotency key: a replay answers the
    first answer again."""

    _name = "wholesale.channel.request"
    _description = "Channel Order Request"
    _order = "id desc"

    channel_id = fields.Many2one(
        "wholesale.sales.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    idempotency_key = fields.Char(required=True)
    payload_hash = fields.Char()
    order_id = fields.Many2one("sale.order", ondelete="set null")
    response = fields.Text(help="The JSON answered the first time.")

    _channel_key_uniq = models.Constraint(
        "UNIQUE(channel_id, idempotency_key)",
        "One request per channel and idempotency key.",
    )


class SaleOrder(models.Model):
    _inherit = "sale.order"

    wholesale_channel_ref = fields.Char(
        string="Channel Reference",
        copy=False,
        index="btree_not_null",
        help="The order's id at the web shop or marketplace that sent it.",
    )

    _wholesale_channel_ref_uniq = models.UniqueIndex(
        "(wholesale_channel_id, wholesale_channel_ref) "
        "WHERE wholesale_channel_ref IS NOT NULL",
        "A channel sends an order once: this reference is already an order.",
    )

    def _wholesale_channel_cancel(self):
        """Cancel an order its channel cancelled: refused once it moved on
        (goods picked or shipped, an invoice posted, the order locked)."""
        self.ensure_one()
        moved = (
            self.locked
            or any(picking.state == "done" for picking in self.picking_ids)
            or any(move.state == "posted" for move in self.invoice_ids)
        )
        if moved:
            raise UserError(
                self.env._(
                    "%s has moved on (goods picked or shipped, an invoice posted, "
                    "or the order locked): it is no longer cancelled from the "
                    "channel.",
                    self.name,
                )
            )
        self._action_cancel()


class ResPartner(models.Model):
    _inherit = "res.partner"

    wholesale_source_channel_id = fields.Many2one(
        "wholesale.sales.channel",
        string="Customer of Channel",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The web shop or marketplace that sent this customer's first "
        "order: its next orders find the customer again by e-mail.",
    )
