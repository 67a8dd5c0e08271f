from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    # ------------------------------------------------------------------
    # Serialization point
    # ------------------------------------------------------------------
    def _wholesale_pool_pairs(self, done=False):
        """(product, warehouse) pairs whose stock these moves consume.

        With ``done``, destinations count too (returns and receipts change
        the pool), and so do the move lines' own source locations.
        """
        pairs = set()
        for move in self:
            if not move.product_id.is_storable:
                continue
            locations = move.location_id
            if done:
                locations |= (
                    move.location_dest_id
                    | move.move_line_ids.location_id
                    | move.move_line_ids.location_dest_id
                )
            for location in locations:
                if location.usage == "internal" and location.warehouse_id:
                    pairs.add((move.product_id.id, location.warehouse_id.id))
        return pairs

    def _wholesale_bump_pool(self, done=False):
        return self.env["wholesale.stock.pool"]._bump(self._wholesale_pool_pairs(done))

    # ------------------------------------------------------------------
    # Confirmation and reservation
    # ------------------------------------------------------------------
    def _wholesale_is_wholesale_order(self):
        self.ensure_one()
        order = self.sale_line_id.order_id
        return bool(order and order.partner_id.commercial_partner_id.wholesale_customer)

    def _wholesale_check_confirmation(self):
        """Refuse a wholesale confirmation beyond the free quantity.

        Applies to moves of wholesale sale orders (customer flagged as
        wholesale) that reserve straight from a warehouse whose policy is
        'refuse'. Must run after the pool rows were bumped.
        """
        moves = self.filtered(
            lambda m: (
                m.location_id.warehouse_id.wholesale_oversell_policy == "refuse"
                and m._wholesale_is_wholesale_order()
            )
        )
        if not moves:
            return
        demand = defaultdict(float)
        for move in moves:
            demand[move.product_id, move.location_id.warehouse_id] += move.product_qty
        free = self.env["wholesale.stock.pool"]._free_quantities(
            moves.product_id.ids, moves.location_id.warehouse_id.ids
        )
        errors = []
        for (product, warehouse), qty in demand.items():
            available = free.get((product.id, warehouse.id), {}).get("free", 0.0)
            if (
                float_compare(
                    qty, available, precision_rounding=product.uom_id.rounding
                )
                > 0
            ):
                errors.append(
                    self.env._(
                        "%(product)s: %(ordered)s %(unit)s ordered, only %(available)s "
                        "%(unit)s available in %(warehouse)s.",
                        product=product.display_name,
                        ordered=product.uom_id.round(qty),
                        available=max(product.uom_id.round(available), 0.0),
                        unit=product.uom_id.name,
                        warehouse=warehouse.name,
                    )
                )
        if errors:
            orders = moves.sale_line_id.order_id
            raise UserError(
                self.env._(
                    "Not enough free stock to confirm %(orders)s:\n%(lines)s\n"
                    "Lower the quantities, or set the warehouse's wholesale "
                    "oversell policy to 'Confirm with a backorder'.",
                    orders=", ".join(orders.mapped("name")),
                    lines="\n".join(errors),
                )
            )

    def _action_confirm(self, merge=True, merge_into=False, create_proc=True):
        pool = self.env["wholesale.stock.pool"]
        if pool._guard_enabled():
            to_check = self.filtered(
                lambda m: (
                    m.state == "draft"
                    and m.product_id.is_storable
                    and not m.move_orig_ids
                    and m.procure_method == "make_to_stock"
                    and m.location_id.usage == "internal"
                    and m.location_id.warehouse_id
                )
            )
            if to_check:
                to_check._wholesale_bump_pool()
                to_check._wholesale_check_confirmation()
        return super()._action_confirm(
            merge=merge, merge_into=merge_into, create_proc=create_proc
        )

    def _action_assign(self, force_qty=False):
        to_reserve = self.filtered(
            lambda m: (
                m.state not in ("draft", "done", "cancel")
                and m.product_id.is_storable
                and not m.location_id.should_bypass_reservation()
            )
        )
        if to_reserve:
            to_reserve._wholesale_bump_pool()
        return super()._action_assign(force_qty=force_qty)

    # ------------------------------------------------------------------
    # Validation: never take another order's reservation silently
    # ------------------------------------------------------------------
    def _wholesale_reservation_takings(self):
        """What validating these moves takes from other moves' reservations.

        Returns ``{(product, warehouse): quantity}`` for the pairs where the
        picked quantity leaving the warehouse exceeds on hand minus what the
        other moves reserved there (core then frees their reservation, see
        ``stock.move.line._free_reservation``).
        """
        taken = defaultdict(float)
        own_reserved = defaultdict(float)
        for move in self:
            if move.is_inventory or not move.product_id.is_storable:
                continue
            for line in move.move_line_ids:
                location = line.location_id
                if location.usage != "internal" or not location.warehouse_id:
                    continue
                if location.should_bypass_reservation():
                    continue
                key = (move.product_id, location.warehouse_id)
                own_reserved[key] += line.quantity_product_uom
                if move.picked and line.picked:
                    taken[key] += line.quantity_product_uom
        if not taken:
            return {}
        products = self.env["product.product"].union(*(p for p, _w in taken))
        warehouses = self.env["stock.warehouse"].union(*(w for _p, w in taken))
        quantities = self.env["wholesale.stock.pool"]._free_quantities(
            products.ids, warehouses.ids
        )
        takings = {}
        for (product, warehouse), qty in taken.items():
            figures = quantities.get((product.id, warehouse.id))
            if not figures:
                continue
            others = figures["reserved"] - own_reserved[product, warehouse]
            free_for_us = figures["on_hand"] - others
            rounding = product.uom_id.rounding
            if float_compare(others, 0.0, precision_rounding=rounding) <= 0:
                continue
            if float_compare(qty, free_for_us, precision_rounding=rounding) <= 0:
                continue
            takings[product, warehouse] = min(others, qty - max(free_for_us, 0.0))
        return takings

    def _wholesale_other_reservations(self, takings):
        """Other moves' reserved quantity for the pairs of ``takings``."""
        lines = self.env["stock.move.line"].search(
            [
                ("product_id", "in", [p.id for p, _w in takings]),
                ("location_id.warehouse_id", "in", [w.id for _p, w in takings]),
                ("move_id", "not in", self.ids),
                ("move_id", "!=", False),
                ("state", "not in", ("done", "cancel")),
                ("quantity", ">", 0),
            ]
        )
        reserved = defaultdict(float)
        for line in lines:
            reserved[line.move_id] += line.quantity_product_uom
        return reserved

    def _wholesale_check_reservation_taking(self):
        """Refuse or prepare to record reservations taken by this validation."""
        takings = self._wholesale_reservation_takings()
        if not takings:
            return {}, {}
        reserved = self._wholesale_other_reservations(takings)
        if not self.env.context.get("wholesale_retail_allow_oversell"):
            protected = [
                move
                for move in reserved
                if move.location_id.warehouse_id.wholesale_oversell_policy == "refuse"
                and move._wholesale_is_wholesale_order()
                and (move.product_id, move.location_id.warehouse_id) in takings
            ]
            if protected:
                product, warehouse = (
                    protected[0].product_id,
                    (protected[0].location_id.warehouse_id),
                )
                raise UserError(
                    self.env._(
                        "Validating %(transfer)s would take %(qty)s %(unit)s of "
                        "%(product)s reserved for the wholesale order %(order)s in "
                        "%(warehouse)s. Lower the quantity to what this transfer "
                        "reserved, or unreserve the other order first.",
                        transfer=", ".join(self.picking_id.mapped("name"))
                        or self.env._("these moves"),
                        qty=product.uom_id.round(takings[product, warehouse]),
                        unit=product.uom_id.name,
                        product=product.display_name,
                        order=protected[0].sale_line_id.order_id.name,
                        warehouse=warehouse.name,
                    )
                )
        return takings, reserved

    def _wholesale_record_reservation_taking(self, takings, reserved_before):
        """Write on each transfer whose reservation this validation took.

        Core either frees the other moves' reservation
        (``stock.move.line._free_reservation``) or, when the extra quantity
        came from another location, leaves their reservation without stock
        behind it. Both are written on the robbed transfer.
        """
        transfers = ", ".join(self.picking_id.mapped("name")) or self.env._(
            "another transfer"
        )
        for move, before in reserved_before.items():
            key = (move.product_id, move.location_id.warehouse_id)
            if key not in takings or not move.exists() or not move.picking_id:
                continue
            after = sum(
                move.move_line_ids.filtered(lambda ml: ml.state != "done").mapped(
                    "quantity_product_uom"
                )
            )
            uom = move.product_id.uom_id
            move.picking_id.message_post(
                body=self.env._(
                    "The validation of %(transfer)s took %(qty)s %(unit)s of "
                    "%(product)s reserved for other orders in %(warehouse)s. "
                    "Reserved here: %(before)s before, %(after)s after.",
                    transfer=transfers,
                    qty=uom.round(takings[key]),
                    unit=uom.name,
                    product=move.product_id.display_name,
                    warehouse=key[1].name,
                    before=uom.round(before),
                    after=uom.round(after),
                )
            )

    def _action_done(self, cancel_backorder=False):
        pool = self.env["wholesale.stock.pool"]
        if not pool._guard_enabled():
            return super()._action_done(cancel_backorder=cancel_backorder)
        todo = self.filtered(lambda m: m.state not in ("done", "cancel"))
        todo._wholesale_bump_pool(done=True)
        takings, reserved_before = todo._wholesale_check_reservation_taking()
        result = super()._action_done(cancel_backorder=cancel_backorder)
        if takings:
            todo._wholesale_record_reservation_taking(takings, reserved_before)
        return result
