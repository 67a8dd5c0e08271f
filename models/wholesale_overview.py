from datetime import datetime, time, timedelta

import pytz

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Date, Datetime

#: POS orders that count as sales (paid, and posted at the session closing).
POS_SOLD_STATES = ("paid", "done")
#: A delivery that is neither ready nor finished waits for stock.
WAITING_PICKING_STATES = ("waiting", "confirmed")
#: How many of the products lowest in stock the dashboard names.
LOW_STOCK_LISTED = 8


class WholesaleOverview(models.AbstractModel):
    """The Wholesale & Retail dashboard: the figures of the current company.

    It is a client action (``wholesale_retail.dashboard``), not a record:
    nothing is stored and nothing is created per visit. ``get_dashboard_data``
    returns every figure in one call, each under a key, and
    ``action_open_figure(key)`` the list of the records that make it up.
    Both build the figure from the same model, domain and context
    (``_figure_spec``), with the user's own access rights, so the dashboard
    counts what the list shows.

    Sales are counted per channel (``wholesale.sales.channel``): the wholesale
    desk and the web shops and marketplaces by their confirmed sale orders
    (``sale.order.wholesale_channel_id``), each point of sale by its paid POS
    orders, except those that settle a sale order (the sale order counts, as
    in the monthly report). Amounts are untaxed, in the company's currency.
    """

    _name = "wholesale.overview"
    _description = "Wholesale & Retail Overview"

    # -- periods -----------------------------------------------------------

    def _period_bounds(self, period):
        """UTC datetimes [start, end) of ``period`` ("today" or "month", the
        month to date) in the user's time zone, as strings (they go into the
        domain of a window action)."""
        today = Date.context_today(self)
        first = today.replace(day=1) if period == "month" else today
        tz = self.env.tz
        return tuple(
            Datetime.to_string(
                tz.localize(datetime.combine(day, time.min))
                .astimezone(pytz.utc)
                .replace(tzinfo=None)
            )
            for day in (first, today + timedelta(days=1))
        )

    # -- figures -----------------------------------------------------------

    def _company(self):
        return self.env.company

    def _desk(self, company):
        # a search, not _wholesale_desk(): the dashboard only reads
        return self.env["wholesale.sales.channel"].search(
            [("company_id", "=", company.id), ("kind", "=", "wholesale")], limit=1
        )

    def _sale_domain(self, company, period):
        start, end = self._period_bounds(period)
        return [
            ("company_id", "=", company.id),
            ("state", "=", "sale"),
            ("date_order", ">=", start),
            ("date_order", "<", end),
        ]

    def _pos_domain(self, company, period):
        start, end = self._period_bounds(period)
        return [
            ("company_id", "=", company.id),
            ("state", "in", POS_SOLD_STATES),
            ("date_order", ">=", start),
            ("date_order", "<", end),
            # a POS order settling a sale order: the sale order counts
            ("lines", "not any", [("sale_order_line_id", "!=", False)]),
        ]

    def _channel_domain(self, company, channel, period):
        """(model, domain) of the orders of ``channel`` (False: the desk)."""
        if channel and channel.kind == "pos":
            return "pos.order", [
                *self._pos_domain(company, period),
                ("config_id", "=", channel.pos_config_id.id),
            ]
        if not channel or channel.kind == "wholesale":
            desk = self._desk(company)
            return "sale.order", [
                *self._sale_domain(company, period),
                ("wholesale_channel_id", "in", [*desk.ids, False]),
            ]
        return "sale.order", [
            *self._sale_domain(company, period),
            ("wholesale_channel_id", "=", channel.id),
        ]

    def _stock_value_domain(self, company):
        return [
            ("is_storable", "=", True),
            (
                "stock_quant_ids",
                "any",
                [
                    ("company_id", "=", company.id),
                    ("location_id.usage", "in", ("internal", "transit")),
                    ("quantity", "!=", 0),
                ],
            ),
        ]

    def _low_stock_domain(self, company):
        return [
            ("is_storable", "=", True),
            ("sale_ok", "=", True),
            ("company_id", "in", (False, company.id)),
            ("qty_available", "<", company.wholesale_low_stock_threshold),
        ]

    def _low_stock_context(self, company):
        # on hand in the company's warehouses, whichever companies the user
        # has ticked in the switcher: the list shows the same quantities
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "=", company.id)]
        )
        return {"warehouse_id": warehouses.ids}

    def _figure_spec(self, key):
        """{name, model, domain, context, views} of the figure ``key``.

        Keys: ``sales:<today|month>:<desk|channel id>``, ``stock_value``,
        ``low_stock``, ``oversell_open``, ``waiting_orders``."""
        company = self._company()
        parts = key.split(":") if isinstance(key, str) else []
        if len(parts) == 3 and parts[0] == "sales" and parts[1] in ("today", "month"):
            return self._sales_spec(company, parts[1], parts[2])
        if key == "stock_value":
            return {
                "name": self.env._("Stock Value"),
                "model": "product.product",
                "domain": self._stock_value_domain(company),
                "context": {},
                "views": ["stock.product_product_stock_tree"],
                "search_view": "stock.product_search_form_view_stock_report",
            }
        if key == "low_stock":
            return {
                "name": self.env._("Low Stock"),
                "model": "product.product",
                "domain": self._low_stock_domain(company),
                "context": self._low_stock_context(company),
                "views": ["stock.product_product_stock_tree"],
                "search_view": "stock.product_search_form_view_stock_report",
            }
        if key == "oversell_open":
            # (the title first: Odoo's string extractor takes a tuple that
            # follows a translated call in the same literal for one)
            name = self.env._("Open Oversell Incidents")
            return {
                "name": name,
                "model": "wholesale.oversell.incident",
                "domain": [("company_id", "=", company.id), ("state", "=", "open")],
                "context": {},
                "views": ["wholesale_retail.wholesale_oversell_incident_view_list"],
            }
        if key == "waiting_orders":
            desk = self._desk(company)
            name = self.env._("Wholesale Orders Waiting for Stock")
            return {
                "name": name,
                "model": "sale.order",
                "domain": [
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                    ("wholesale_channel_id", "in", [*desk.ids, False]),
                    (
                        "picking_ids",
                        "any",
                        [
                            ("picking_type_code", "=", "outgoing"),
                            ("state", "in", WAITING_PICKING_STATES),
                        ],
                    ),
                ],
                "context": {},
                "views": ["wholesale_retail.wholesale_overview_sale_order_view_list"],
            }
        raise UserError(self.env._("The overview has no figure %(key)s.", key=key))

    def _sales_spec(self, company, period, channel_key):
        channel = self.env["wholesale.sales.channel"]
        if channel_key != "desk":
            if not channel_key.isdigit():
                raise UserError(
                    self.env._("The overview has no channel %(key)s.", key=channel_key)
                )
            channel = channel.browse(int(channel_key)).exists()
            if not channel or channel.company_id != company:
                raise UserError(
                    self.env._("The overview has no channel %(key)s.", key=channel_key)
                )
        model, domain = self._channel_domain(company, channel, period)
        label = channel.name if channel else self.env._("Wholesale Desk")
        if period == "today":
            name = self.env._("%(channel)s: Today", channel=label)
        else:
            name = self.env._("%(channel)s: Month to Date", channel=label)
        view = (
            "wholesale_retail.wholesale_overview_pos_order_view_list"
            if model == "pos.order"
            else "wholesale_retail.wholesale_overview_sale_order_view_list"
        )
        return {
            "name": name,
            "model": model,
            "domain": domain,
            "context": {},
            "views": [view],
        }

    # -- amounts -----------------------------------------------------------

    def _to_company_currency(self, company, amounts):
        """Sum of {currency: amount} in the company's currency, at today's rate
        (as the list's total converts them)."""
        today = Date.context_today(self)
        return sum(
            currency._convert(amount or 0.0, company.currency_id, company, today)
            if currency and currency != company.currency_id
            else amount or 0.0
            for currency, amount in amounts.items()
        )

    def _sale_figures(self, company, period):
        """{channel id or False: (amount untaxed, count)} of the sale orders."""
        groups = self.env["sale.order"]._read_group(
            self._sale_domain(company, period),
            groupby=["wholesale_channel_id", "currency_id"],
            aggregates=["amount_untaxed:sum", "__count"],
        )
        amounts, counts = {}, {}
        for channel, currency, amount, count in groups:
            amounts.setdefault(channel.id, {}).setdefault(currency, 0.0)
            amounts[channel.id][currency] += amount
            counts[channel.id] = counts.get(channel.id, 0) + count
        return {
            cid: (self._to_company_currency(company, amounts[cid]), counts[cid])
            for cid in counts
        }

    def _pos_figures(self, company, period):
        """{pos.config id: (amount untaxed, count)} of the POS orders."""
        groups = self.env["pos.order"]._read_group(
            self._pos_domain(company, period),
            groupby=["config_id"],
            aggregates=["amount_total:sum", "amount_tax:sum", "__count"],
        )
        return {
            config.id: (
                self._to_company_currency(
                    company, {config.currency_id: (total or 0.0) - (tax or 0.0)}
                ),
                count,
            )
            for config, total, tax, count in groups
        }

    def _channels_data(self, company):
        Channel = self.env["wholesale.sales.channel"]
        desk = self._desk(company)
        sales = {p: self._sale_figures(company, p) for p in ("today", "month")}
        pos = {p: self._pos_figures(company, p) for p in ("today", "month")}
        # the desk first, then every point of sale, then the web shops and
        # marketplaces that sold this month
        channels = Channel.search(
            [("company_id", "=", company.id), ("kind", "!=", "wholesale")]
        ).sorted(lambda c: c.kind != "pos")
        rows = [(False, "desk", self.env._("Wholesale Desk"), "wholesale")]
        if desk:
            rows = [(desk, "desk", desk.name, "wholesale")]
        for channel in channels:
            if channel.kind != "pos" and channel.id not in sales["month"]:
                continue
            rows.append((channel, str(channel.id), channel.name, channel.kind))
        result = []
        for channel, key, name, kind in rows:
            row = {"key": key, "name": name, "kind": kind}
            for period in ("today", "month"):
                if kind == "pos":
                    amount, count = pos[period].get(channel.pos_config_id.id, (0.0, 0))
                elif kind == "wholesale":
                    amount, count = 0.0, 0
                    for cid in (*desk.ids, False):
                        a, c = sales[period].get(cid, (0.0, 0))
                        amount, count = amount + a, count + c
                else:
                    amount, count = sales[period].get(channel.id, (0.0, 0))
                row[period] = {
                    "key": f"sales:{period}:{key}",
                    "amount": company.currency_id.round(amount),
                    "count": count,
                }
            result.append(row)
        return result

    def _stock_data(self, company):
        Product = self.env["product.product"].with_context(
            allowed_company_ids=company.ids
        )
        valued = Product.search(self._stock_value_domain(company))
        low_ctx = self._low_stock_context(company)
        low = Product.with_context(**low_ctx).search(self._low_stock_domain(company))
        lowest = low.sorted(lambda p: (p.qty_available, p.display_name))
        return {
            "stock_value": {
                "key": "stock_value",
                "amount": company.currency_id.round(sum(valued.mapped("total_value"))),
                "count": len(valued),
            },
            "low_stock": {
                "key": "low_stock",
                "count": len(low),
                "threshold": company.wholesale_low_stock_threshold,
                "products": [
                    {
                        "id": product.id,
                        "name": product.display_name,
                        "qty_available": product.qty_available,
                        "free_qty": product.free_qty,
                        # in the ladder's words: "1 carton + 3 pcs"
                        "on_hand_text": product._wholesale_qty_text(
                            product.qty_available
                        ),
                        "free_text": product._wholesale_qty_text(product.free_qty),
                    }
                    for product in lowest[:LOW_STOCK_LISTED]
                ],
            },
        }

    @api.readonly
    @api.model
    def get_dashboard_data(self):
        """Every figure of the current company, each under its key."""
        self.browse().check_access("read")
        company = self._company()
        waiting = self._figure_spec("waiting_orders")
        waiting_groups = self.env["sale.order"]._read_group(
            waiting["domain"],
            groupby=["currency_id"],
            aggregates=["amount_untaxed:sum", "__count"],
        )
        oversell = self._figure_spec("oversell_open")
        return {
            "company": {"id": company.id, "name": company.name},
            "currency_id": company.currency_id.id,
            "date": Date.to_string(Date.context_today(self)),
            "channels": self._channels_data(company),
            **self._stock_data(company),
            "oversell_open": {
                "key": "oversell_open",
                "count": self.env[oversell["model"]].search_count(oversell["domain"]),
            },
            "waiting_orders": {
                "key": "waiting_orders",
                "count": sum(count for _c, _a, count in waiting_groups),
                "amount": company.currency_id.round(
                    self._to_company_currency(
                        company, {cur: amount for cur, amount, _n in waiting_groups}
                    )
                ),
            },
        }

    # -- actions -----------------------------------------------------------

    @api.readonly
    @api.model
    def action_open_figure(self, key):
        """The list of the records that make up the figure ``key``."""
        self.browse().check_access("read")
        spec = self._figure_spec(key)
        views = [(self.env.ref(xmlid).id, "list") for xmlid in spec["views"]]
        action = {
            "type": "ir.actions.act_window",
            "name": spec["name"],
            "res_model": spec["model"],
            "domain": spec["domain"],
            "context": spec["context"],
            "views": [*views, (False, "form")],
            "target": "current",
        }
        if spec.get("search_view"):
            action["search_view_id"] = [self.env.ref(spec["search_view"]).id, "search"]
        return action
