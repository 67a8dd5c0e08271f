from odoo import api, models
from odoo.tools import formatLang

from .quantity_format import format_ladder_qty


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _wholesale_sellable_channels(self):
        return ["pos", "wholesale", "web"]

    def _wholesale_qty_text(self, qty, uom=None):
        """``qty`` (in the product's unit) in the words of its unit ladder,
        in the user's language: "25 cartons (600 pcs)", "20 cartons + 13 pcs",
        "13 pcs". ``uom``: the unit the document counts in (an order line's
        carton), preferred when the quantity holds one. The one quantity
        formatter of every message, view and report (see quantity_format.py).
        """
        self.ensure_one()
        base = self.uom_id
        steps = [
            (step.name, step.pieces) for step in self.product_tmpl_id.wholesale_step_ids
        ]
        unit_pieces = None
        if uom and uom != base and uom._has_common_reference(base):
            unit_pieces = uom._compute_quantity(1.0, base, round=False)
        return format_ladder_qty(
            qty,
            steps,
            self._wholesale_unit_label(),
            unit_pieces=unit_pieces,
            **self._wholesale_qty_words(),
        )

    def _wholesale_unit_label(self):
        """ "pcs" for a product counted in Units, else its unit's name."""
        self.ensure_one()
        # (the id is cached: no query per product, unlike env.ref's exists())
        unit_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "uom.product_uom_unit", raise_if_not_found=False
        )
        if self.uom_id.id == unit_id:
            return self.env._("pcs")
        return self.uom_id.name

    @api.model
    def _wholesale_qty_words(self):
        """The user's language for ``quantity_format.format_ladder_qty``: its
        number format, English plurals or not, and the translated patterns."""
        lang = self.env.lang or "en_US"
        return {
            "number": lambda value, digits: formatLang(self.env, value, digits=digits),
            "plural": lang.startswith("en"),
            "digits": self.env["decimal.precision"].precision_get("Product Unit"),
            # "25 cartons (600 pcs)", "20 cartons + 13 pcs", "13 pcs"
            "join": self.env._("%(count)s %(step)s + %(rest)s %(unit)s"),
            "whole": self.env._("%(count)s %(step)s (%(total)s %(unit)s)"),
            "bare": self.env._("%(qty)s %(unit)s"),
        }

    def _wholesale_shortage_text(
        self, qty, available, warehouse, holders, uom=None, rule=False, at_pos=False
    ):
        """One line of a refusal: what is asked, what is free, who holds the
        rest. "Kettle: 25 cartons (600 pcs) ordered, only 20 cartons + 13 pcs
        free in WH. Held: 4 cartons (96 pcs) for S00193." ``holders`` as
        ``wholesale.stock.pool._holders`` gives them; ``rule``: the channel
        rule that limits what may be sold; ``at_pos``: the words of a POS
        order ("in the order", "may be sold here")."""
        self.ensure_one()
        values = {
            "product": self.display_name,
            "asked": self._wholesale_qty_text(qty, uom=uom),
            "available": self._wholesale_qty_text(max(available, 0.0), uom=uom),
            "warehouse": warehouse.name,
            "rule": rule,
        }
        if at_pos and rule:
            text = self.env._(
                "%(product)s: %(asked)s in the order, %(available)s may be sold "
                "here from %(warehouse)s (rule: %(rule)s).",
                **values,
            )
        elif at_pos:
            text = self.env._(
                "%(product)s: %(asked)s in the order, %(available)s may be sold "
                "here from %(warehouse)s.",
                **values,
            )
        elif rule:
            text = self.env._(
                "%(product)s: %(asked)s ordered, only %(available)s may be sold "
                "from %(warehouse)s (rule: %(rule)s).",
                **values,
            )
        else:
            text = self.env._(
                "%(product)s: %(asked)s ordered, only %(available)s free in "
                "%(warehouse)s.",
                **values,
            )
        if holders:
            text += " " + self.env._(
                "Held: %(held)s.",
                held=self.env["wholesale.stock.pool"]._held_text(self, holders),
            )
        return text

    def _wholesale_storable_templates(self, company=None):
        """``{product_id: template_id}`` for the storable products of ``self``
        (of ``company`` or shared, when given), in ``self``'s order. One SQL
        query: ``filtered("is_storable")`` computes the related field record by
        record, about 0.35 s for 10,000 products."""
        ids = [pid for pid in self._ids if isinstance(pid, int)]  # saved ones
        if not ids:
            return {}
        self.flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["is_storable", "company_id"])
        self.env.cr.execute(
            """
            SELECT pp.id, pp.product_tmpl_id
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.id = ANY(%s) AND pt.is_storable
               AND (%s IS NULL OR pt.company_id IS NULL OR pt.company_id = %s)
            """,
            [ids, company and company.id, company and company.id],
        )
        templates = dict(self.env.cr.fetchall())
        return {pid: templates[pid] for pid in ids if pid in templates}

    def _wholesale_sellable_qty(
        self,
        warehouse=None,
        channel="pos",
        location=None,
        exclude_pos_order_ids=(),
        settlement=None,
    ):
        """Sellable quantity per product, in the product unit.

        Under ``location`` (default: the stock location of ``warehouse``, or of
        every warehouse of the current company): free stock, minus open POS
        sessions' sales not moved yet, minus confirmed sale moves' unreserved
        promises, plus what a POS settlement may take of its own sale order
        lines (``settlement``); see ``wholesale.stock.pool._sellable``, the one
        function every decision uses.

        ``channel``: a ``wholesale.sales.channel`` record applies the channel's
        rules and buffer (see ``_wholesale_channel_availability``); a name
        (``"pos"``, ``"wholesale"``, ``"web"``) gives the pool's own figure.
        Returns ``{product_id: qty}`` for every product of ``self``.
        """
        is_record = isinstance(channel, models.BaseModel)
        if not is_record and channel not in self._wholesale_sellable_channels():
            raise ValueError(f"Unknown sales channel {channel!r}")
        if not self:
            return {}
        if is_record:
            availability = self._wholesale_channel_availability(
                channel,
                warehouse=warehouse,
                location=location,
                exclude_pos_order_ids=exclude_pos_order_ids,
                settlement=settlement,
            )
            return {pid: values["qty"] for pid, values in availability.items()}
        if not location:
            warehouses = warehouse or self.env["stock.warehouse"].search(
                [("company_id", "=", self.env.company.id)]
            )
            location = warehouses.lot_stock_id
        return self.env["wholesale.stock.pool"]._sellable(
            self.ids,
            location,
            exclude_pos_order_ids=exclude_pos_order_ids,
            settlement=settlement,
        )

    def _wholesale_channel_availability(
        self,
        channel,
        warehouse=None,
        location=None,
        exclude_pos_order_ids=(),
        settlement=None,
        storable_only=False,
    ):
        """What ``channel`` may sell of each product, and why.

        Returns ``{product_id: {"qty", "free", "held", "action", "rule_id",
        "rule"}}``: ``free`` is the pool's sellable quantity under ``location``
        (default: the stock location of ``warehouse``, default the channel's
        warehouse), ``held`` what the winning rule and the channel's buffer hold
        back, ``qty`` = max(free - held, 0); ``action`` and ``rule`` come from the
        winning rule (``False`` when none applies). Non-storable products are
        not limited (``qty`` is ``None``); ``storable_only``: the caller knows
        that every product of ``self`` is storable. A few SQL queries for any
        number of products.
        """
        channel.ensure_one()
        warehouse = warehouse or channel.warehouse_id
        if not location:
            location = (
                warehouse
                or self.env["stock.warehouse"].search(
                    [("company_id", "=", channel.company_id.id)]
                )
            ).lot_stock_id
        storable = (
            self
            if storable_only
            else self.browse(list(self._wholesale_storable_templates()))
        )
        result = {
            product.id: {
                "qty": None,
                "free": None,
                "held": 0.0,
                "action": False,
                "rule_id": False,
                "rule": False,
            }
            for product in self - storable
        }
        if not storable:
            return result
        free = self.env["wholesale.stock.pool"]._sellable(
            storable.ids,
            location,
            exclude_pos_order_ids=exclude_pos_order_ids,
            settlement=settlement,
        )
        rules = self.env["wholesale.channel.rule"]._wholesale_resolve(
            channel, storable.ids, warehouse
        )
        buffer = channel.buffer_qty or 0.0
        for product_id in storable.ids:
            rule = rules.get(product_id)
            held = (rule[3] if rule else 0.0) + buffer
            pool = free.get(product_id) or 0.0
            result[product_id] = {
                "qty": max(pool - held, 0.0),
                "free": pool,
                "held": held,
                "action": rule[2] if rule else False,
                "rule_id": rule[0] if rule else False,
                "rule": rule[1] if rule else False,
            }
        return result

    def _wholesale_return_uoms(self):
        """The units a return may count this product in: its own unit and the
        units of its ladder's steps."""
        self.ensure_one()
        return self.uom_id | self.product_tmpl_id.wholesale_step_ids.uom_id
