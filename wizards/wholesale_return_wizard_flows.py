from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare

from ..models.pos_order import WIZARD_REFUND
from ..models.wholesale_return_log import WIZARD_VALIDATING
from ..models.wholesale_stock_pool import server_mark

PIECE_DIGITS = 4


class WholesaleReturnWizard(models.TransientModel):
    """The two return flows: a sale order's goods come back through core's
    return of its deliveries (and a credit note when they were invoiced), a
    POS order's through core's POS refund paid in the open session."""

    _inherit = "wholesale.return.wizard"

    # ------------------------------------------------------------------
    # Wholesale: return of the deliveries, credit note
    # ------------------------------------------------------------------
    def _wholesale_destination(self, warehouse, disposition):
        """Where returned goods of ``disposition`` are received: the stock
        location, or the damaged goods location (scrapped goods are scrapped
        from there, once received)."""
        if disposition == "stock":
            return warehouse.lot_stock_id
        return warehouse._wholesale_return_location("damaged")

    def _wholesale_return_sale(self, lines, needs_scan):
        order = self.sale_order_id
        warehouse = order.warehouse_id
        # {(delivery, destination): {delivery move: pieces}}, and per line
        # the pieces taken from each delivery
        plan = defaultdict(lambda: defaultdict(float))
        parts = []
        for line in lines:
            remaining = line._wholesale_pieces()
            destination = self._wholesale_destination(warehouse, line.disposition)
            split = defaultdict(float)
            for move in self._wholesale_delivered_moves(line.sale_line_id):
                if float_compare(remaining, 0.0, precision_digits=PIECE_DIGITS) <= 0:
                    break
                free = self._wholesale_move_pieces(
                    move
                ) - self._wholesale_returned_pieces(move)
                take = min(free, remaining)
                if float_compare(take, 0.0, precision_digits=PIECE_DIGITS) <= 0:
                    continue
                plan[move.picking_id, destination][move] += take
                split[move.picking_id] += take
                remaining -= take
            parts.append((line, destination, split))
        returns = {
            key: self._wholesale_create_return(key[0], key[1], moves)
            for key, moves in plan.items()
        }
        if not needs_scan:
            for picking in returns.values():
                self._wholesale_validate(picking)
        logs = self._wholesale_create_logs(
            [
                self._wholesale_log_vals(
                    line,
                    pieces,
                    picking=returns[delivery, destination],
                    state="waiting" if needs_scan else "done",
                )
                for line, destination, split in parts
                for delivery, pieces in split.items()
            ]
        )
        if not needs_scan:
            logs._wholesale_finish()
        return logs, self._wholesale_sale_message(logs, needs_scan)

    def _wholesale_create_return(self, delivery, destination, pieces_by_move):
        """Core's return of ``delivery`` for ``pieces_by_move`` ({move:
        pieces}) into ``destination``, lowering the delivered quantities of
        the order (``to_refund``). Confirmed, not validated."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=delivery.id,
                active_ids=delivery.ids,
                active_model="stock.picking",
            )
            .create(
                {
                    "picking_id": delivery.id,
                    "wholesale_location_dest_id": destination.id,
                }
            )
        )
        for return_line in wizard.product_return_moves:
            pieces = pieces_by_move.get(return_line.move_id, 0.0)
            base = return_line.product_id.uom_id
            return_line.write(
                {
                    "quantity": base._compute_quantity(
                        pieces, return_line.uom_id, round=False
                    ),
                    "to_refund": True,
                }
            )
        action = wizard.action_create_returns()
        return self.env["stock.picking"].browse(action["res_id"])

    def _wholesale_validate(self, picking):
        """Validate ``picking`` for its whole demand, at once."""
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        with server_mark(WIZARD_VALIDATING, tuple(picking.ids)):
            picking.button_validate()
        if picking.state != "done":
            raise UserError(
                self.env._(
                    "%(transfer)s could not be validated at once (lots or serial "
                    "numbers to give?): validate it in Inventory, or let returns "
                    "wait for a warehouse scan.",
                    transfer=picking.name,
                )
            )

    def _wholesale_sale_message(self, logs, needs_scan):
        logs = logs.sudo()
        if needs_scan:
            return self.env._(
                "%(transfers)s waits for the warehouse: the goods come back into "
                "stock, and the customer is credited, when it is validated.",
                transfers=", ".join(logs.picking_id.mapped("name")),
            )
        if logs.credit_note_id:
            return self.env._(
                "%(transfers)s received; credit note %(credit_notes)s posted.",
                transfers=", ".join(logs.picking_id.mapped("name")),
                credit_notes=", ".join(logs.credit_note_id.mapped("name")),
            )
        return self.env._(
            "%(transfers)s received; nothing invoiced was returned, so no credit "
            "note was issued.",
            transfers=", ".join(logs.picking_id.mapped("name")),
        )

    # ------------------------------------------------------------------
    # Point of Sale: refund order, paid in the open session
    # ------------------------------------------------------------------
    def _wholesale_return_pos(self, lines, needs_scan):
        order = self.pos_order_id
        config = order.config_id
        warehouse = config.picking_type_id.warehouse_id
        source = config.picking_type_id.default_location_src_id
        refund = self._wholesale_pos_refund(
            order, {line.pos_line_id: line._wholesale_pieces() for line in lines}
        )
        at_closing = refund.session_id.update_stock_at_closing and not (
            refund.picking_ids
        )
        goods_picking = refund.picking_ids[:1]
        pickings = {}  # line -> transfer that moves its goods, if not the refund's
        scrap_sources = {}
        if needs_scan:
            # The refund put the goods back on the shelf: hold them out of the
            # sellable stock until the warehouse scans them where they go.
            awaiting = warehouse._wholesale_return_location("awaiting")
            self._wholesale_internal_transfer(
                warehouse,
                source,
                [(ln.product_id, ln._wholesale_pieces(), awaiting) for ln in lines],
                validate=True,
            )
            for line in lines:
                destination = (
                    source
                    if line.disposition == "stock"
                    else warehouse._wholesale_return_location("damaged")
                )
                pickings[line] = self._wholesale_internal_transfer(
                    warehouse,
                    awaiting,
                    [(line.product_id, line._wholesale_pieces(), destination)],
                    validate=False,
                )
        else:
            for line in lines.filtered(lambda line: line.disposition == "damaged"):
                pickings[line] = self._wholesale_internal_transfer(
                    warehouse,
                    source,
                    [
                        (
                            line.product_id,
                            line._wholesale_pieces(),
                            warehouse._wholesale_return_location("damaged"),
                        )
                    ],
                    validate=True,
                )
        note = (
            self.env._(
                "The point of sale moves stock when its session closes: the goods "
                "come back into stock then."
            )
            if at_closing
            else False
        )
        vals_list = []
        for line in lines:
            vals = self._wholesale_log_vals(
                line,
                line._wholesale_pieces(),
                picking=pickings.get(line) or goods_picking,
                state="waiting" if needs_scan else "done",
            )
            vals.update(refund_pos_order_id=refund.id, note=note)
            vals_list.append(vals)
        logs = self._wholesale_create_logs(vals_list)
        if not needs_scan:
            for log in logs.filtered(lambda log: log.disposition == "scrap"):
                scrap_sources[log.id] = source
            logs._wholesale_finish(scrap_sources=scrap_sources)
        message = self.env._(
            "Refund %(refund)s paid (%(amount)s).",
            refund=refund.name,
            amount=refund.currency_id.format(refund.amount_total),
        )
        if needs_scan:
            message += " " + self.env._(
                "The goods wait for the warehouse's scan (%(transfers)s) before "
                "they can be sold again.",
                transfers=", ".join(logs.sudo().picking_id.mapped("name")),
            )
        elif note:
            message += " " + note
        return logs, message

    def _wholesale_pos_refund(self, order, pieces_by_line):
        """Core's refund of ``order`` (``pos.order.refund()``) for the pieces
        of ``pieces_by_line`` ({pos.order.line: pieces}) only, paid in the
        POS's open session with the order's first payment method, as the POS
        pays it (``_process_saved_order``: its transfer brings the goods back
        at once, or at the session's closing)."""
        refund = self.env["pos.order"].browse(order.refund()["res_id"])
        kept = self.env["pos.order.line"]
        for refund_line in refund.lines:
            pieces = pieces_by_line.get(refund_line.refunded_orderline_id)
            if pieces:
                refund_line.qty = -pieces
                kept |= refund_line
        (refund.lines - kept).unlink()
        kept._onchange_amount_line_all()
        refund._compute_prices()
        if order.account_move:
            # an invoiced sale is refunded with a credit note (core's, which
            # reverses the order's invoice), as the POS does for it
            refund.to_invoice = True
        session = refund.session_id
        method = self._wholesale_refund_payment_method(order, session)
        currency = refund.currency_id
        amount = refund.amount_total
        if currency.is_zero(order.amount_total + refund.amount_total):
            amount = -order.amount_paid  # a whole refund gives back what was paid
        refund.add_payment(
            {
                "pos_order_id": refund.id,
                "amount": refund._get_rounded_amount(
                    amount,
                    method.is_cash_count or not refund.config_id.only_round_cash_method,
                ),
                "name": self.env._("Return"),
                "payment_method_id": method.id,
            }
        )
        with server_mark(WIZARD_REFUND):  # this wizard logs it, with its reason
            refund._process_saved_order(False)
        if refund.state not in ("paid", "done"):
            raise UserError(
                self.env._(
                    "The refund %(refund)s could not be paid.", refund=refund.name
                )
            )
        refund.config_id.notify_synchronisation(session.id, 0)
        return refund

    def _wholesale_refund_payment_method(self, order, session):
        methods = session.payment_method_ids
        method = order.payment_ids.filtered(lambda p: p.amount > 0)[
            :1
        ].payment_method_id
        if method in methods:
            return method
        return methods.sorted(lambda m: m.is_cash_count, reverse=True)[:1]

    def _wholesale_internal_transfer(self, warehouse, source, items, validate):
        """A transfer of ``items`` ([(product, pieces, destination)], one
        destination) out of ``source``: validated at once, or left ready for
        the warehouse's scan."""
        destination = items[0][2]
        # A cashier has no inventory rights: moving the goods of a return they
        # may make is part of that return.
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": warehouse.int_type_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "origin": self._wholesale_origin().name,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": pieces,
                                "product_uom": product.uom_id.id,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                            }
                        )
                        for product, pieces, _destination in items
                    ],
                }
            )
        )
        picking.action_confirm()
        if validate:
            self._wholesale_validate(picking)
        else:
            picking.action_assign()
        return picking.with_env(self.env)

    # ------------------------------------------------------------------
    # The log
    # ------------------------------------------------------------------
    def _wholesale_log_vals(self, line, pieces, picking, state):
        """A log row of ``pieces`` of the wizard ``line``: the values at sale
        price and at cost are in the company's currency."""
        order = self._wholesale_origin()
        company = order.company_id
        product = line.product_id
        unit = line.uom_id or product.uom_id
        if line.sale_line_id:
            sale_line = line.sale_line_id
            ordered = sale_line.product_uom_id._compute_quantity(
                sale_line.product_uom_qty, product.uom_id, round=False
            )
            price = sale_line.price_subtotal / ordered if ordered else 0.0
            cost = sale_line.product_uom_id._compute_price(
                sale_line.purchase_price, product.uom_id
            )
            currency, date = order.currency_id, order.date_order
            channel = order.wholesale_channel_id
        else:
            pos_line = line.pos_line_id
            price = pos_line.price_subtotal / pos_line.qty if pos_line.qty else 0.0
            currency, date = order.currency_id, order.date_order
            channel = order._wholesale_return_channel(
                pos_line, order.config_id._wholesale_channel()
            )
            cost = None
            if pos_line.is_total_cost_computed and pos_line.qty:
                cost = pos_line.total_cost / pos_line.qty
        company_currency = company.currency_id

        def convert(amount):
            return currency._convert(amount, company_currency, company, date)

        value_cost = (
            convert(cost * pieces)
            if cost is not None
            else product.with_company(company).standard_price * pieces
        )
        return {
            "date": fields.Datetime.now(),
            "company_id": company.id,
            "channel_id": channel.id,
            "warehouse_id": self._wholesale_warehouse().id,
            "sale_order_id": self.sale_order_id.id,
            "sale_line_id": line.sale_line_id.id,
            "pos_order_id": self.pos_order_id.id,
            "pos_line_id": line.pos_line_id.id,
            "partner_id": order.partner_id.id,
            "product_id": product.id,
            "qty": pieces,
            "uom_id": unit.id,
            "qty_uom": product.uom_id._compute_quantity(pieces, unit, round=False),
            "reason_id": line.reason_id.id,
            "disposition": line.disposition,
            "value_sale": convert(price * pieces),
            "value_cost": value_cost,
            "picking_id": picking.id,
            "state": state,
            "user_id": self.env.user.id,
        }

    def _wholesale_create_logs(self, vals_list):
        # The log is the system's record of the return, written for whoever
        # confirmed it; users only read it (a cashier not even that).
        return self.env["wholesale.return.log"].sudo().create(vals_list)
