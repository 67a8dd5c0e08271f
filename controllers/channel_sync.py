"""Web shops and marketplaces: signed orders in, a quantity feed out
(docs/channel_sync.md is the wire contract)."""

import json
import logging
import math
from collections import defaultdict

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize, float_compare, float_is_zero

from ..models.wholesale_channel_rule import BLOCKING_ACTIONS
from ..models.wholesale_channel_sync import (
    SIGNATURE_HEADER,
    SYNC_KINDS,
    feed_quantity,
    payload_hash,
)
from ..models.wholesale_stock_pool import hold_pool

_logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # bytes
MAX_LINES = 500
FEED_MAX_LIMIT = 10000


class ChannelError(Exception):
    """An answer other than 200: its status and JSON body."""

    def __init__(self, status, error, message, **extra):
        super().__init__(message)
        self.status = status
        self.body = {"error": error, "message": message, **extra}


def _json(status, body):
    return request.make_json_response(body, status=status)


class ChannelSyncController(http.Controller):
    # ------------------------------------------------------------------
    # Orders in
    # ------------------------------------------------------------------
    @http.route(
        "/wholesale_retail/channel/<int:channel_id>/order",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def channel_order(self, channel_id, **_kw):
        return self._handle(channel_id, "order")

    @http.route(
        "/wholesale_retail/channel/<int:channel_id>/order/cancel",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def channel_order_cancel(self, channel_id, **_kw):
        return self._handle(channel_id, "cancel")

    def _handle(self, channel_id, kind):
        env = request.env
        channel = None
        body = b""
        detail = None
        key = request.httprequest.headers.get("Idempotency-Key")
        try:
            channel = self._channel(channel_id)
            body = self._read_body()
            signature = request.httprequest.headers.get(SIGNATURE_HEADER)
            if not channel._wholesale_check_signature(body, signature):
                raise ChannelError(
                    401,
                    "bad_signature",
                    env._(
                        "The %(header)s header is missing or does not match the "
                        "body signed with the channel's secret.",
                        header=SIGNATURE_HEADER,
                    ),
                )
            payload = self._parse(body)
            if kind == "order":
                status, answer = self._order(channel, payload, key, body)
            else:
                status, answer = self._cancel(channel, payload)
        except ChannelError as exc:
            status, answer = exc.status, exc.body
        except (UserError, ValidationError, AccessError) as exc:
            # Odoo's own refusal may name other customers' documents or the
            # channel's internal user: the channel gets a plain sentence, the
            # merchant the detail in the log
            detail = str(exc)
            status, answer = (
                422,
                {
                    "error": "refused",
                    "message": env._(
                        "The order was refused; the merchant sees why in the "
                        "channel's log."
                    ),
                },
            )
        if status != 200:
            # nothing of the refused request stays; its log line does
            self._rollback()
        if channel:
            answer_order = answer.get("order_id") if status == 200 else False
            # the log is the channel's, whoever the public caller is
            env["wholesale.channel.log"].sudo().create(
                {
                    "channel_id": channel.id,
                    "direction": "in",
                    "kind": kind,
                    "status": status,
                    "payload_hash": payload_hash(body),
                    "idempotency_key": (key or "")[:200] or False,
                    "order_id": answer_order or False,
                    "item_count": len(
                        (self._safe_lines(body) if kind == "order" else []) or []
                    ),
                    "message": detail
                    or answer.get("message")
                    or ("replayed" if answer.get("replayed") else False),
                }
            )
        return _json(status, answer)

    def _rollback(self):
        env = request.env
        env.cr.rollback()
        env.transaction.reset()

    @staticmethod
    def _safe_lines(body):
        try:
            lines = json.loads(body).get("lines")
        except (ValueError, AttributeError):
            return []
        return lines if isinstance(lines, list) else []

    def _read_body(self):
        httprequest = request.httprequest
        length = httprequest.content_length
        if length is not None and length > MAX_BODY:
            raise ChannelError(
                413,
                "too_large",
                request.env._("The body is over %(max)s bytes.", max=MAX_BODY),
            )
        # a body sent without its length (chunked) is read up to the limit only
        httprequest.max_content_length = MAX_BODY
        try:
            body = httprequest.get_data(cache=True)
        except RequestEntityTooLarge:
            body = b"x" * (MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise ChannelError(
                413,
                "too_large",
                request.env._("The body is over %(max)s bytes.", max=MAX_BODY),
            )
        return body

    def _channel(self, channel_id):
        # the public caller is known by the signature, checked next with the
        # channel's secret: the channel is looked up as the system
        channel = (
            request.env["wholesale.sales.channel"]
            .sudo()
            .search(
                [
                    ("id", "=", channel_id),
                    ("kind", "in", SYNC_KINDS),
                    ("active", "=", True),
                ],
                limit=1,
            )
        )
        if not channel:
            raise ChannelError(
                404,
                "unknown_channel",
                request.env._("No active web shop or marketplace has this id."),
            )
        return channel

    def _parse(self, body):
        def refuse_constant(name):
            raise ValueError(f"{name} is not a number JSON allows")

        try:
            payload = json.loads(body, parse_constant=refuse_constant)
        except ValueError as exc:
            raise ChannelError(
                400, "malformed", request.env._("The body is not JSON: %s", exc)
            ) from exc
        if not isinstance(payload, dict):
            raise ChannelError(
                400, "malformed", request.env._("The body must be a JSON object.")
            )
        return payload

    @staticmethod
    def _malformed(message):
        return ChannelError(400, "malformed", message)

    def _order(self, channel, payload, key, body):
        env = request.env
        if not key or len(key) > 200 or not key.isprintable() or not key.isascii():
            raise self._malformed(
                env._(
                    "An Idempotency-Key header of 1 to 200 printable characters "
                    "is required."
                )
            )
        Request = env["wholesale.channel.request"].sudo()  # the channel's own records
        previous = Request.search(
            [("channel_id", "=", channel.id), ("idempotency_key", "=", key)], limit=1
        )
        if previous:
            if previous.payload_hash != payload_hash(body):
                raise ChannelError(
                    422,
                    "idempotency_key_reused",
                    env._(
                        "This Idempotency-Key was used for another order: a "
                        "replay sends the same body."
                    ),
                )
            return 200, {**json.loads(previous.response), "replayed": True}
        # Taken first: a copy of this request arriving meanwhile waits here for
        # this transaction, then is retried by Odoo (a serialization failure)
        # and answers the stored result above.
        env.cr.execute(
            """
            INSERT INTO wholesale_channel_request
                (channel_id, company_id, idempotency_key, payload_hash, create_date,
                 write_date, create_uid, write_uid)
            VALUES (%s, %s, %s, %s, now() at time zone 'utc',
                    now() at time zone 'utc', %s, %s)
            ON CONFLICT (channel_id, idempotency_key) DO NOTHING
            RETURNING id
            """,
            [
                channel.id,
                channel.company_id.id,
                key,
                payload_hash(body),
                env.uid,
                env.uid,
            ],
            log_exceptions=False,  # a copy's serialization failure, retried
        )
        row = env.cr.fetchone()
        if not row:  # under REPEATABLE READ a copy's row raises instead
            raise ChannelError(
                409,
                "in_progress",
                env._("This request is being answered: send it again."),
            )
        user = channel.user_id
        if not user or not user.active:
            raise ChannelError(
                422,
                "refused",
                env._("The channel has no active user to create its orders as."),
            )
        company = channel.company_id
        uenv = env(
            user=user.id, context={**env.context, "allowed_company_ids": company.ids}
        )
        order = self._create_order(uenv, channel.with_env(uenv), payload)
        answer = {
            "order": order.name,
            "order_id": order.id,
            "state": order.state,
            "reference": order.wholesale_channel_ref,
            "replayed": False,
        }
        Request.browse(row[0]).write(
            {"order_id": order.id, "response": json.dumps(answer)}
        )
        return 200, answer

    # ------------------------------------------------------------------
    def _check_order_header(self, env, channel, payload):
        """The order's reference, customer, lines and currency, checked."""
        reference = payload.get("reference")
        if (
            not isinstance(reference, str)
            or not reference.strip()
            or len(reference) > 64
        ):
            raise self._malformed(
                env._(
                    "reference: the channel's order id, a text of 1 to 64 characters."
                )
            )
        reference = reference.strip()
        customer = payload.get("customer")
        if (
            not isinstance(customer, dict)
            or not isinstance(customer.get("name"), str)
            or not customer["name"].strip()
        ):
            raise self._malformed(env._("customer: an object with at least a name."))
        for field in ("email", "phone", "street", "city", "zip", "country"):
            if customer.get(field) is not None and not isinstance(customer[field], str):
                raise self._malformed(env._("customer.%s must be a text.", field))
        lines = payload.get("lines")
        if not isinstance(lines, list) or not lines:
            raise self._malformed(env._("lines: a list of at least one line."))
        if len(lines) > MAX_LINES:
            raise self._malformed(env._("At most %s lines in one order.", MAX_LINES))
        currency = payload.get("currency")
        pricelist = channel.pricelist_id
        order_currency = pricelist.currency_id or channel.company_id.currency_id
        if currency is not None:
            if not isinstance(currency, str):
                raise self._malformed(env._("currency must be a text (ISO code)."))
            if currency.upper() != order_currency.name:
                raise ChannelError(
                    422,
                    "bad_currency",
                    env._(
                        "This channel's orders are in %(expected)s, not %(given)s.",
                        expected=order_currency.name,
                        given=currency,
                    ),
                )
        # every order of the channel counts, whatever the channel user may read
        existing = (
            env["sale.order"]
            .sudo()
            .search_count(
                [
                    ("wholesale_channel_id", "=", channel.id),
                    ("wholesale_channel_ref", "=", reference),
                ],
                limit=1,
            )
        )
        if existing:
            raise ChannelError(
                422,
                "duplicate_reference",
                env._(
                    "The order %(reference)s was already received (under another "
                    "idempotency key).",
                    reference=reference,
                ),
            )
        return reference, customer, lines, pricelist

    def _create_order(self, env, channel, payload):
        reference, customer, lines, pricelist = self._check_order_header(
            env, channel, payload
        )
        company = channel.company_id
        resolved = [
            self._resolve_line(env, company, line, index)
            for index, line in enumerate(lines)
        ]
        warehouse = channel.warehouse_id or env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        if not warehouse:
            raise ChannelError(
                422, "refused", env._("The channel's company has no warehouse.")
            )
        pieces = defaultdict(float)
        for product, uom, qty, _price in resolved:
            if product.is_storable:
                pieces[product] += uom._compute_quantity(
                    qty, product.uom_id, round=False
                )
        pairs = {(product.id, warehouse.id) for product in pieces}
        with hold_pool(env, pairs):
            self._check_stock(env, channel, warehouse, pieces)
            partner = self._partner(env, channel, customer)
            order_lines = []
            for product, uom, qty, price in resolved:
                values = {
                    "product_id": product.id,
                    "product_uom_id": uom.id,
                    "product_uom_qty": qty,
                }
                if price is not None:
                    values["price_unit"] = price
                order_lines.append((0, 0, values))
            order_vals = {
                "partner_id": partner.id,
                "company_id": company.id,
                "warehouse_id": warehouse.id,
                "wholesale_channel_id": channel.id,
                "wholesale_channel_ref": reference,
                "client_order_ref": reference,
                "origin": channel.name,
                "order_line": order_lines,
            }
            if channel.team_id:
                order_vals["team_id"] = channel.team_id.id
            if pricelist:
                order_vals["pricelist_id"] = pricelist.id
            order = env["sale.order"].with_company(company).create(order_vals)
            for line, (_product, _uom, _qty, price) in zip(
                order.order_line, resolved, strict=True
            ):
                if price is not None and line.price_unit != price:
                    line.price_unit = price
            order.action_confirm()
        return order

    def _resolve_line(self, env, company, line, index):
        if not isinstance(line, dict):
            raise self._malformed(env._("lines[%s] must be an object.", index))
        sku, barcode, unit = line.get("sku"), line.get("barcode"), line.get("unit")
        if bool(sku) == bool(barcode):
            raise self._malformed(
                env._("lines[%s]: give either sku or barcode.", index)
            )
        for name, value in (("sku", sku), ("barcode", barcode), ("unit", unit)):
            if value is not None and not isinstance(value, str):
                raise self._malformed(
                    env._("lines[%(i)s].%(f)s must be a text.", i=index, f=name)
                )
        qty = line.get("quantity")
        if (
            isinstance(qty, bool)
            or not isinstance(qty, (int, float))
            or not math.isfinite(qty)
        ):
            raise self._malformed(env._("lines[%s].quantity must be a number.", index))
        price = line.get("price")
        if price is not None and (
            isinstance(price, bool)
            or not isinstance(price, (int, float))
            or not math.isfinite(price)
        ):
            raise self._malformed(env._("lines[%s].price must be a number.", index))
        Product = env["product.product"].with_company(company)
        company_domain = [
            ("company_id", "in", [False, company.id]),
            ("sale_ok", "=", True),
        ]
        uom = None
        if sku:
            product = Product.search(
                [("default_code", "=", sku), *company_domain], limit=2
            )
        else:
            product = Product.search(
                [("barcode", "=", barcode), *company_domain], limit=2
            )
            if not product:
                # a unit barcode of the product's ladder: that unit applies
                unit_barcode = env["product.uom"].search(
                    [
                        ("barcode", "=", barcode),
                        ("company_id", "in", [False, company.id]),
                    ],
                    limit=1,
                )
                if unit_barcode and unit_barcode.product_id.sale_ok:
                    product, uom = unit_barcode.product_id, unit_barcode.uom_id
        if len(product) != 1:
            raise ChannelError(
                422,
                "unknown_product",
                env._(
                    "lines[%(index)s]: no single saleable product has %(what)s "
                    "%(code)s.",
                    index=index,
                    what=env._("the internal reference")
                    if sku
                    else env._("the barcode"),
                    code=sku or barcode,
                ),
                line=index,
            )
        units = (
            product.uom_id
            | product.uom_ids
            | product.product_tmpl_id.wholesale_step_ids.uom_id
        )
        if unit:
            wanted = unit.strip().lower()
            steps = product.product_tmpl_id.wholesale_step_ids.filtered(
                lambda s: (s.name or "").strip().lower() == wanted
            )
            match = (
                steps[:1].uom_id
                or units.filtered(lambda u: u.name.strip().lower() == wanted)[:1]
            )
            if not match or (uom and match != uom):
                raise ChannelError(
                    422,
                    "bad_quantity",
                    env._(
                        "lines[%(index)s]: %(product)s is not sold by the %(unit)s "
                        "(its units: %(units)s).",
                        index=index,
                        product=product.display_name,
                        unit=unit,
                        units=", ".join(units.mapped("name")),
                    ),
                    line=index,
                )
            uom = match
        uom = uom or product.uom_id
        if qty <= 0 or float_is_zero(qty, precision_digits=6):
            raise ChannelError(
                422,
                "bad_quantity",
                env._("lines[%s]: the quantity must be above 0.", index),
                line=index,
            )
        counts_pieces = uom != product.uom_id or uom._has_common_reference(
            env.ref("uom.product_uom_unit")
        )
        if counts_pieces and float_compare(qty, round(qty), precision_digits=6):
            raise ChannelError(
                422,
                "bad_quantity",
                env._(
                    "lines[%(index)s]: %(qty)s %(unit)s is not a whole number "
                    "of %(unit)s.",
                    index=index,
                    qty=qty,
                    unit=uom.name,
                ),
                line=index,
            )
        if price is not None and price < 0:
            raise ChannelError(
                422,
                "bad_price",
                env._("lines[%s]: the price cannot be negative.", index),
                line=index,
            )
        return product, uom, float(qty), float(price) if price is not None else None

    def _check_stock(self, env, channel, warehouse, pieces):
        """Refuse (409) what the channel may not sell: its sellable quantity,
        read after the pool rows were taken."""
        if not pieces or not env["wholesale.stock.pool"]._guard_enabled():
            # the administrator switched the oversell guard off: channels too
            return
        products = env["product.product"].union(*pieces)
        availability = products.with_company(
            channel.company_id
        )._wholesale_channel_availability(channel, warehouse=warehouse)
        short = []
        for product, qty in pieces.items():
            values = availability[product.id]
            if values["qty"] is None:
                continue
            if values["action"] in BLOCKING_ACTIONS or not values["action"]:
                available = values["qty"]
            else:  # warn, protect: the channel's buffer still holds
                available = max(values["free"] - (channel.buffer_qty or 0.0), 0.0)
            if (
                float_compare(
                    qty, available, precision_rounding=product.uom_id.rounding
                )
                > 0
            ):
                short.append(
                    {
                        "sku": product.default_code or product.barcode,
                        "asked": qty,
                        "available": feed_quantity(available),
                        "unit": product.uom_id.name,
                    }
                )
        if short:
            raise ChannelError(
                409,
                "not_enough_stock",
                env._(
                    "Not enough sellable stock on this channel for %(products)s.",
                    products=", ".join(item["sku"] for item in short),
                ),
                products=short,
            )

    def _partner(self, env, channel, customer):
        """The channel's customer: found again by e-mail among the customers
        this channel created (never a B2B customer or a vendor of the same
        address, whose terms and prices are not the marketplace's), else
        created."""
        company = channel.company_id
        # The channel's customer is the system's record, made for the channel:
        # its user may sell without the right to create contacts.
        Partner = env["res.partner"].sudo().with_company(company)
        email = (customer.get("email") or "").strip()
        normalized = email_normalize(email) if email else False
        if normalized:
            partner = Partner.search(
                [
                    ("email_normalized", "=", normalized),
                    ("wholesale_source_channel_id", "=", channel.id),
                ],
                limit=1,
            )
            if partner:
                return partner.with_env(env)
        values = {
            "name": customer["name"].strip(),
            "email": email or False,
            "phone": customer.get("phone") or False,
            "street": customer.get("street") or False,
            "city": customer.get("city") or False,
            "zip": customer.get("zip") or False,
            "company_id": company.id,
            "wholesale_source_channel_id": channel.id,
        }
        if customer.get("country"):
            country = env["res.country"].search(
                [("code", "=", customer["country"].strip().upper())], limit=1
            )
            if not country:
                raise self._malformed(
                    env._(
                        "customer.country: %s is not an ISO country code.",
                        customer["country"],
                    )
                )
            values["country_id"] = country.id
        return Partner.create(values).with_env(env)

    def _cancel(self, channel, payload):
        env = request.env
        reference = payload.get("reference")
        if not isinstance(reference, str) or not reference.strip():
            raise self._malformed(env._("reference: the channel's order id."))
        user = channel.user_id
        uenv = env(
            user=user.id,
            context={**env.context, "allowed_company_ids": channel.company_id.ids},
        )
        order = uenv["sale.order"].search(
            [
                ("wholesale_channel_id", "=", channel.id),
                ("wholesale_channel_ref", "=", reference.strip()),
            ],
            limit=1,
        )
        if not order:
            raise ChannelError(
                404, "unknown_order", env._("This channel sent no order %s.", reference)
            )
        if order.state != "cancel":
            try:
                order._wholesale_channel_cancel()
            except UserError as exc:
                raise ChannelError(409, "already_delivered", str(exc)) from exc
        return 200, {"order": order.name, "order_id": order.id, "state": order.state}

    # ------------------------------------------------------------------
    # The pull feed
    # ------------------------------------------------------------------
    @http.route(
        "/wholesale_retail/channel/<int:channel_id>/feed",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def channel_feed(self, channel_id, offset="0", limit="1000", after=None, **_kw):
        env = request.env
        try:
            channel = self._channel(channel_id)
            header = request.httprequest.headers.get("Authorization") or ""
            # the header only: a token in the address would be in access logs
            given = header[7:].strip() if header.lower().startswith("bearer ") else ""
            if not channel._wholesale_check_feed_token(given or ""):
                raise ChannelError(
                    401,
                    "bad_token",
                    env._("A valid feed token is required (Authorization: Bearer)."),
                )
            try:
                offset, limit = int(offset), int(limit)
                after = int(after) if after not in (None, "") else None
            except ValueError as exc:
                raise self._malformed(
                    env._("offset, limit and after are whole numbers.")
                ) from exc
            if offset < 0 or (after or 0) < 0 or not 1 <= limit <= FEED_MAX_LIMIT:
                raise self._malformed(
                    env._(
                        "offset >= 0, after >= 0 and limit from 1 to %s.",
                        FEED_MAX_LIMIT,
                    )
                )
            # the feed is the channel's, read as the system (token checked)
            items, total, last_id = channel._wholesale_feed(offset, limit, after)
        except ChannelError as exc:
            return _json(exc.status, exc.body)
        following = None
        if last_id:
            # keyset paging: the next page starts after this page's last product
            following = f"{request.httprequest.base_url}?" + url_encode(
                {"after": last_id, "limit": limit}
            )
        return _json(
            200,
            {
                "channel": channel.name,
                "items": items,
                "offset": offset,
                "after": after,
                "limit": limit,
                "total": total,
                "next": following,
            },
        )
