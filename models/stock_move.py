from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .wholesale_channel_rule import BLOCKING_ACTIONS
from .wholesale_stock_pool import POS_GOODS_MOVING, SCHEDULER_ASSIGN, hold_pool


class StockMove(models.Model):
    _inherit = "stock.move"

    # ------------------------------------------------------------------
    # Serialization point
    # ------------------------------------------------------------------
    def _wholesale_pool_pairs(self):
        """(product, warehouse) pairs whose stock these moves take away.

        The source locations of the moves and of their move lines: only stock
        leaving an internal location can oversell. Receipts and returns into
        stock add to the pool and take no row.
        """
        pairs = set()
        for move in self:
            if not move.product_id.is_storable:
                continue
            for location in move.location_id | move.move_line_ids.location_id:
                if location.usage == "internal" and location.warehouse_id:
                    pairs.add((move.product_id.id, location.warehouse_id.id))
        return pairs

    # ------------------------------------------------------------------
    # Confirmation and reservation
    # ------------------------------------------------------------------
    def _wholesale_is_wholesale_order(self):
        self.ensure_one()
        order = self.sale_line_id.order_id
        return bool(order and order.partner_id.commercial_partner_id.wholesale_customer)

    def _wholesale_check_confirmation(self):
        """Refuse a wholesale confirmation beyond the sellable quantity.

        Applies to moves of wholesale sale orders (customer flagged as
        wholesale) that take stock straight from a warehouse whose policy is
        'refuse', measured under each move's own source location
        (``wholesale.stock.pool._sellable``). Not to a quotation that pos_sale
        confirms while syncing a POS order that settled it: those goods have
        been handed over. Must run after the pool rows were bumped.
        """
        moves = self.filtered(
            lambda m: (
                m.location_id.warehouse_id.wholesale_oversell_policy == "refuse"
                and m._wholesale_is_wholesale_order()
            )
        )
        settled = moves.sale_line_id.order_id._wholesale_settled_at_pos()
        moves = moves.filtered(lambda m: m.sale_line_id.order_id not in settled)
        if not moves:
            return
        errors = []
        Pool = self.env["wholesale.stock.pool"]
        for location, location_moves in moves.grouped("location_id").items():
            demand = defaultdict(float)
            units = {}
            for move in location_moves:
                demand[move.product_id] += move.product_qty
                units.setdefault(move.product_id, move.product_uom)
            products = self.env["product.product"].union(*demand)
            company = location.warehouse_id.company_id
            desk = self.env["wholesale.sales.channel"]._wholesale_desk(company)
            availability = products.with_company(
                company
            )._wholesale_channel_availability(
                desk, warehouse=location.warehouse_id, location=location
            )
            short = {}
            for product, qty in demand.items():
                values = availability[product.id]
                # what a hide or block rule (and the desk's buffer) holds back
                available = (
                    values["qty"]
                    if values["action"] in BLOCKING_ACTIONS
                    else values["free"]
                )
                rounding = product.uom_id.rounding
                if float_compare(qty, available, precision_rounding=rounding) > 0:
                    short[product] = (qty, max(available, 0.0), values)
            if not short:
                continue
            holders = Pool._holders(
                [product.id for product in short],
                location,
                own_move_ids=location_moves.ids,
            )
            for product, (qty, available, values) in short.items():
                errors.append(
                    product._wholesale_shortage_text(
                        qty,
                        available,
                        location.warehouse_id,
                        holders.get(product.id, []),
                        uom=units[product],
                        rule=values["rule"]
                        if values["action"] in BLOCKING_ACTIONS and values["held"] > 0
                        else False,
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
        if not to_check:
            return super()._action_confirm(
                merge=merge, merge_into=merge_into, create_proc=create_proc
            )
        pool = self.env["wholesale.stock.pool"]
        pairs = to_check._wholesale_pool_pairs()
        if pool._guard_enabled():
            with hold_pool(self.env, pairs):
                to_check._wholesale_check_confirmation()
                moves = super()._action_confirm(
                    merge=merge, merge_into=merge_into, create_proc=create_proc
                )
        else:
            moves = super()._action_confirm(
                merge=merge, merge_into=merge_into, create_proc=create_proc
            )
        # a confirmed sale promises stock even before it reserves it
        pool._wholesale_availability_changed(pairs)
        return moves

    def write(self, vals):
        # a confirmed sale's promise changes with its quantity
        promises = (
            self.filtered(
                lambda m: (
                    m.sale_line_id and m.state in ("confirmed", "partially_available")
                )
            )
            if "product_uom_qty" in vals or "product_qty" in vals
            else self.browse()
        )
        pairs = promises._wholesale_pool_pairs()
        result = super().write(vals)
        if promises:
            self.env["wholesale.stock.pool"]._wholesale_availability_changed(pairs)
        return result

    def _action_cancel(self):
        pairs = self.filtered("sale_line_id")._wholesale_pool_pairs()
        result = super()._action_cancel()
        self.env["wholesale.stock.pool"]._wholesale_availability_changed(pairs)
        return result

    def _action_assign(self, force_qty=False):
        to_reserve = self.filtered(
            lambda m: (
                m.state not in ("draft", "done", "cancel")
                and m.product_id.is_storable
                and not m.location_id.should_bypass_reservation()
            )
        )
        if not to_reserve or SCHEDULER_ASSIGN.get():
            return super()._action_assign(force_qty=force_qty)
        with hold_pool(self.env, to_reserve._wholesale_pool_pairs()):
            return super()._action_assign(force_qty=force_qty)

    # ------------------------------------------------------------------
    # Validation: never take another order's reservation silently
    # ------------------------------------------------------------------
    def _wholesale_reservation_takings(self, settlement=None):
        """What validating these moves takes from other moves' reservations.

        Returns ``{(product, warehouse): quantity}`` for the pairs where the
        picked quantity leaving the warehouse exceeds on hand minus what the
        other moves reserved there (core then frees their reservation, see
        ``stock.move.line._free_reservation``). The reservations of the sale
        order lines a POS order settles (``settlement``) count as its own, up
        to the quantity settled.
        """
        taken = defaultdict(float)
        for move in self:
            if move.is_inventory or not move.product_id.is_storable:
                continue
            for line in move.move_line_ids:
                location = line.location_id
                if location.usage != "internal" or not location.warehouse_id:
                    continue
                if location.should_bypass_reservation():
                    continue
                if move.picked and line.picked:
                    taken[move.product_id, location.warehouse_id] += (
                        line.quantity_product_uom
                    )
        if not taken:
            return {}
        own_reserved = defaultdict(float)
        settled = defaultdict(float)
        settlement = settlement or {"move_ids": [], "caps": {}}
        for moves, reserved in (
            (self, own_reserved),
            (self.browse(settlement["move_ids"]), settled),
        ):
            for line in moves.move_line_ids:
                if (
                    line.state not in ("done", "cancel")
                    and line.location_id.warehouse_id
                ):
                    key = (line.product_id, line.location_id.warehouse_id)
                    reserved[key] += line.quantity_product_uom
        for key, qty in settled.items():
            own_reserved[key] += min(qty, settlement["caps"].get(key[0].id, 0.0))
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

    def _wholesale_check_reservation_taking(self, pos_moving):
        """Refuse, or prepare to record, reservations this validation takes.

        Runs as superuser: the person validating (a cashier, a storekeeper
        without sales rights) may not read the other orders it must look at,
        and an access error here would be swallowed by core's POS picking code
        and leave the goods unmoved. Never refuses while the POS moves its
        goods (``pos_moving``): core ignores the error there, so the goods
        move and the taking is recorded instead.
        """
        moves = self.sudo()
        takings = moves._wholesale_reservation_takings(
            pos_moving and pos_moving["settlement"]
        )
        if not takings:
            return {}, {}
        reserved = moves._wholesale_other_reservations(takings)
        if pos_moving:
            return takings, reserved
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
                protected[0].location_id.warehouse_id,
            )
            raise UserError(
                self.env._(
                    "Validating %(transfer)s would take %(qty)s of "
                    "%(product)s reserved for the wholesale order %(order)s in "
                    "%(warehouse)s. Lower the quantity to what this transfer "
                    "reserved, or unreserve the other order first.",
                    transfer=", ".join(self.picking_id.mapped("name"))
                    or self.env._("these moves"),
                    qty=product._wholesale_qty_text(takings[product, warehouse]),
                    product=product.display_name,
                    order=protected[0].sale_line_id.order_id.name,
                    warehouse=warehouse.name,
                )
            )
        return takings, reserved

    def _wholesale_record_reservation_taking(
        self, takings, reserved_before, pos_moving
    ):
        """Write on each transfer whose reservation this validation took.

        Core either frees the other moves' reservation
        (``stock.move.line._free_reservation``) or, when the extra quantity
        came from another location, leaves their reservation without stock
        behind it. Both are written on the robbed transfer; when a POS session
        closing moved the goods, an oversell incident is recorded too.
        Written as superuser: it is the system's record of what happened,
        whatever the rights of the person who validated.
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
            move.picking_id.sudo().message_post(
                body=self.env._(
                    "The validation of %(transfer)s took %(qty)s of "
                    "%(product)s reserved for other orders in %(warehouse)s. "
                    "Reserved here: %(before)s before, %(after)s after.",
                    transfer=transfers,
                    qty=move.product_id._wholesale_qty_text(takings[key]),
                    product=move.product_id.display_name,
                    warehouse=key[1].name,
                    before=move.product_id._wholesale_qty_text(before),
                    after=move.product_id._wholesale_qty_text(after),
                )
            )
        if pos_moving and pos_moving.get("session_id"):
            self._wholesale_record_closing_incidents(takings, pos_moving)

    def _wholesale_record_closing_incidents(self, takings, pos_moving):
        """An incident per product whose reservations a session closing took,
        for what the session's orders did not already record when they synced
        (an order paid offline beyond the sellable stock)."""
        session = self.env["pos.session"].browse(pos_moving["session_id"])
        sold = defaultdict(float)
        for move in self:
            sold[move.product_id] += move.product_qty
        Incident = self.env["wholesale.oversell.incident"].sudo()
        recorded = {
            (product, warehouse): short
            for product, warehouse, short in Incident._read_group(
                [("session_id", "=", session.id), ("pos_order_id", "!=", False)],
                groupby=["product_id", "warehouse_id"],
                aggregates=["quantity_short:sum"],
            )
        }
        takings = {
            key: qty - recorded.get(key, 0.0)
            for key, qty in takings.items()
            if float_compare(
                qty,
                recorded.get(key, 0.0),
                precision_rounding=key[0].uom_id.rounding,
            )
            > 0
        }
        if not takings:
            return
        incidents = (
            self.env["wholesale.oversell.incident"]
            .sudo()
            .create(
                [
                    {
                        "company_id": warehouse.company_id.id,
                        "product_id": product.id,
                        "warehouse_id": warehouse.id,
                        "quantity_sold": sold[product],
                        "quantity_available": sold[product] - qty,
                        "quantity_short": qty,
                        "session_id": session.id,
                        "picking_id": self.picking_id[:1].id,
                    }
                    for (product, warehouse), qty in takings.items()
                ]
            )
        )
        incidents._wholesale_notify_stock_managers()

    def _action_done(self, cancel_backorder=False):
        pool = self.env["wholesale.stock.pool"]
        if not pool._guard_enabled():
            return super()._action_done(cancel_backorder=cancel_backorder)
        pos_moving = POS_GOODS_MOVING.get()
        todo = self.filtered(lambda m: m.state not in ("done", "cancel"))
        with hold_pool(self.env, todo._wholesale_pool_pairs()):
            takings, reserved_before = todo._wholesale_check_reservation_taking(
                pos_moving
            )
            result = super()._action_done(cancel_backorder=cancel_backorder)
        if takings:
            todo._wholesale_record_reservation_taking(
                takings, reserved_before, pos_moving
            )
        return result
