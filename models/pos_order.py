from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

ONLINE_CONTEXT_KEY = "wholesale_retail_online_order_uuid"


class PosOrder(models.Model):
    _inherit = "pos.order"

    wholesale_oversell_incident_ids = fields.One2many(
        "wholesale.oversell.incident",
        "pos_order_id",
        string="Oversell Incidents",
        groups="wholesale_retail.group_wholesale_user",
    )

    def _wholesale_is_online_payment(self):
        """True when the POS is validating this order right now, online.

        The POS front end (static/src/pos/oversell) puts the uuid of the order
        it is validating in the context of that one synchronous call, which
        blocks the payment screen until the server answers. Every other call
        (the background resync of an order paid while offline, a closing
        session flushing unsent orders, imports, tests) carries an order whose
        goods and money have already moved, so it must never be refused.
        """
        self.ensure_one()
        return bool(self.uuid) and self.env.context.get(ONLINE_CONTEXT_KEY) == self.uuid

    def _wholesale_pos_warehouse(self):
        self.ensure_one()
        return self.config_id.picking_type_id.warehouse_id

    def _wholesale_stock_shortages(self):
        """Bump the pool of the order's products, then compare with free stock.

        Returns a list of dicts (product, warehouse, sold, available, short)
        for products the order sells beyond the sellable quantity.
        """
        self.ensure_one()
        warehouse = self._wholesale_pos_warehouse()
        lines = self.lines.filtered(lambda line: line.product_id.is_storable)
        if not warehouse or not lines:
            return []
        pool = self.env["wholesale.stock.pool"]
        pool._bump((product.id, warehouse.id) for product in lines.product_id)
        sold = defaultdict(float)
        for line in lines:
            sold[line.product_id] += line.qty
        sold = {p: q for p, q in sold.items() if q > 0}
        if not sold:
            return []
        products = self.env["product.product"].union(*sold)
        sellable = products.with_context(
            wholesale_retail_exclude_pos_order_ids=self.ids
        )._wholesale_sellable_qty(warehouse=warehouse, channel="pos")
        shortages = []
        for product, qty in sold.items():
            available = sellable.get(product.id, 0.0)
            rounding = product.uom_id.rounding
            if float_compare(qty, available, precision_rounding=rounding) > 0:
                shortages.append(
                    {
                        "product": product,
                        "warehouse": warehouse,
                        "sold": qty,
                        "available": available,
                        "short": qty - max(available, 0.0),
                    }
                )
        return shortages

    def _wholesale_refusable_shortages(self, shortages):
        """The shortages the warehouse's POS policy refuses at online payment."""
        warehouse = self._wholesale_pos_warehouse()
        policy = warehouse.wholesale_pos_oversell_policy
        if policy == "refuse":
            return shortages
        if policy != "protect_wholesale":
            return []
        held = self._wholesale_wholesale_reservations(
            self.env["product.product"].union(*(s["product"] for s in shortages)),
            warehouse,
        )
        return [s for s in shortages if held.get(s["product"].id, 0.0) > 0]

    def _wholesale_wholesale_reservations(self, products, warehouse):
        """Quantity reserved in ``warehouse`` for wholesale orders, per product."""
        groups = self.env["stock.move"]._read_group(
            [
                ("product_id", "in", products.ids),
                ("location_id.warehouse_id", "=", warehouse.id),
                ("state", "in", ("assigned", "partially_available")),
                ("sale_line_id.order_id.partner_id.wholesale_customer", "=", True),
            ],
            groupby=["product_id"],
            aggregates=["quantity:sum"],
        )
        return {product.id: qty for product, qty in groups}

    def _wholesale_refuse_oversell(self, shortages):
        lines = [
            self.env._(
                "%(product)s: %(sold)s %(unit)s in the order, %(available)s "
                "%(unit)s available in %(warehouse)s",
                product=s["product"].display_name,
                sold=s["product"].uom_id.round(s["sold"]),
                available=max(s["product"].uom_id.round(s["available"]), 0.0),
                unit=s["product"].uom_id.name,
                warehouse=s["warehouse"].name,
            )
            for s in shortages
        ]
        raise UserError(
            self.env._(
                "Not enough stock to sell this order:\n%(lines)s\n"
                "Lower the quantity or remove the product, then pay again.",
                lines="\n".join(lines),
            )
        )

    def _wholesale_record_incidents(self, shortages):
        self.ensure_one()
        # The incident is the system's record of what happened, written
        # whatever the cashier's own rights: the POS user only sells.
        incidents = (
            self.env["wholesale.oversell.incident"]
            .sudo()
            .create(
                [
                    {
                        "company_id": self.company_id.id,
                        "product_id": s["product"].id,
                        "warehouse_id": s["warehouse"].id,
                        "quantity_sold": s["sold"],
                        "quantity_available": s["available"],
                        "quantity_short": s["short"],
                        "pos_order_id": self.id,
                        "session_id": self.session_id.id,
                        "order_date": self.date_order,
                    }
                    for s in shortages
                ]
            )
        )
        incidents._wholesale_notify_stock_managers()
        return incidents

    def _process_saved_order(self, draft):
        self.ensure_one()
        pool = self.env["wholesale.stock.pool"]
        if draft or self.state == "cancel" or not pool._guard_enabled():
            return super()._process_saved_order(draft)
        shortages = self._wholesale_stock_shortages()
        if shortages and self._wholesale_is_online_payment():
            refused = self._wholesale_refusable_shortages(shortages)
            if refused:
                self._wholesale_refuse_oversell(refused)
        # A late (offline) order is accepted: stock follows the goods, even
        # into reservations or below zero, and the incident says so.
        order = self.with_context(wholesale_retail_allow_oversell=True)
        result = super(PosOrder, order)._process_saved_order(draft)
        if shortages:
            self._wholesale_record_incidents(shortages)
        return result
