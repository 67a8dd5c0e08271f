import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_is_zero

PIECE_DIGITS = 4

_logger = logging.getLogger(__name__)


class WholesaleReturnLog(models.Model):
    """One returned line: what came back, from which order and channel, why,
    where it went, what it was worth, and the documents that did it.

    Only the return wizard writes these rows (``wholesale.return.wizard``),
    as the system's record of a return whoever confirmed it; users read
    them. A row is ``waiting`` while its return transfer waits for the
    warehouse's scan (Settings: returns wait for a warehouse scan) and
    becomes ``done`` when that transfer is validated
    (``stock.picking._action_done``): the goods are then back, scrapped if so
    decided, and a wholesale customer's credit note issued. The monthly report
    reads them for its return rate and its returns by reason.
    """

    _name = "wholesale.return.log"
    _description = "Return Log"
    _order = "date desc, id desc"
    _check_company_auto = True

    date = fields.Datetime(
        required=True, default=fields.Datetime.now, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    channel_id = fields.Many2one(
        "wholesale.sales.channel",
        string="Sales Channel",
        check_company=True,
        index=True,
        help="The point of sale that sold the goods, or the sale order's channel.",
    )
    warehouse_id = fields.Many2one("stock.warehouse", check_company=True)
    sale_order_id = fields.Many2one(
        "sale.order", string="Sale Order", check_company=True, index="btree_not_null"
    )
    sale_line_id = fields.Many2one("sale.order.line", string="Sale Order Line")
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", check_company=True, index="btree_not_null"
    )
    pos_line_id = fields.Many2one("pos.order.line", string="POS Order Line")
    partner_id = fields.Many2one("res.partner", string="Customer")
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, index=True
    )
    qty = fields.Float(
        string="Quantity",
        digits="Product Unit",
        help="Pieces returned, in the product's unit.",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    qty_uom = fields.Float(
        string="Quantity Returned",
        digits="Product Unit",
        help="The quantity in the unit it was returned in (1 Carton).",
    )
    uom_id = fields.Many2one("uom.uom", string="Unit Returned")
    reason_id = fields.Many2one(
        "wholesale.return.reason", string="Reason", check_company=True, index=True
    )
    disposition = fields.Selection(
        [
            ("stock", "Back to Stock"),
            ("damaged", "Damaged Goods Location"),
            ("scrap", "Scrapped"),
        ],
        required=True,
        default="stock",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    value_sale = fields.Monetary(
        string="Sale Value",
        help="What the returned quantity was sold for, without taxes, in the "
        "company's currency.",
    )
    value_cost = fields.Monetary(
        string="Cost Value",
        help="What the returned quantity cost, in the company's currency.",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Transfer",
        check_company=True,
        index="btree_not_null",
        help="The transfer that brings the goods back (or, for a point of sale "
        "return kept out of stock, moves them where they go).",
    )
    scrap_id = fields.Many2one("stock.scrap", string="Scrap", check_company=True)
    credit_note_id = fields.Many2one(
        "account.move", string="Credit Note", check_company=True
    )
    refund_pos_order_id = fields.Many2one(
        "pos.order", string="POS Refund", check_company=True
    )
    state = fields.Selection(
        [
            ("waiting", "Waiting for the Warehouse"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="done",
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Returned By",
        default=lambda self: self.env.user,
    )
    note = fields.Text()

    @api.depends("sale_order_id", "pos_order_id", "product_id")
    def _compute_display_name(self):
        for log in self:
            order = log.sale_order_id or log.pos_order_id
            names = (order.display_name, log.product_id.display_name)
            log.display_name = " - ".join(name for name in names if name)

    # ------------------------------------------------------------------
    # Completing a return: scrap, credit note, state
    # ------------------------------------------------------------------
    def _wholesale_finish(self, scrap_sources=None):
        """Complete these returns once their goods are in: scrap the rows to
        scrap, credit the wholesale customers for what they had been
        invoiced, and mark them done. Raises on any error (the caller decides
        whether the whole return fails).

        ``scrap_sources``: ``{log id: location}`` where the goods to scrap
        are; by default where the log's transfer put them.
        """
        scrap_sources = scrap_sources or {}
        for log in self.filtered(lambda log: log.disposition == "scrap"):
            location = scrap_sources.get(log.id) or log._wholesale_goods_location()
            log.scrap_id = log._wholesale_scrap(location)
        by_order = defaultdict(lambda: defaultdict(float))
        for log in self.filtered("sale_line_id"):
            by_order[log.sale_order_id][log.sale_line_id] += log.qty
        for order, pieces_by_line in by_order.items():
            # with the rights of who confirmed the return (not of the
            # storekeeper whose scan completes it, nor of this sudo record)
            user = self.filtered(lambda log, o=order: log.sale_order_id == o).user_id
            user = user[:1] or self.env.user
            credit_note = order.with_user(user)._wholesale_return_credit_note(
                {line.with_user(user): qty for line, qty in pieces_by_line.items()}
            )
            if credit_note:
                self.filtered(lambda log, o=order: log.sale_order_id == o).write(
                    {"credit_note_id": credit_note[:1].id}
                )
        self.state = "done"

    def _wholesale_goods_location(self):
        """Where this row's transfer put its product."""
        self.ensure_one()
        moves = self.picking_id.move_ids.filtered(
            lambda m: m.product_id == self.product_id and m.state == "done"
        )
        return moves[:1].location_dest_id or self.picking_id.location_dest_id

    def _wholesale_scrap(self, location):
        """Scrap this row's pieces from ``location``, through core's scrap
        (its scrap location, its sequence, its move)."""
        self.ensure_one()
        # A cashier has no inventory rights: the scrap is the consequence of
        # the return that someone with the right to return decided.
        scrap = (
            self.env["stock.scrap"]
            .sudo()
            .create(
                {
                    "company_id": self.company_id.id,
                    "product_id": self.product_id.id,
                    "product_uom_id": self.product_id.uom_id.id,
                    "scrap_qty": self.qty,
                    "location_id": location.id,
                    "origin": (self.sale_order_id or self.pos_order_id).name,
                }
            )
        )
        scrap.do_scrap()
        return scrap

    @api.model
    def _wholesale_pickings_done(self, pickings):
        """The warehouse validated ``pickings``: complete the returns that
        waited for them. Never raises: the goods have been received; a
        failure (the credit note, say) is written on the transfer and the
        order for someone to finish by hand."""
        logs = self.sudo().search(
            [("picking_id", "in", pickings.ids), ("state", "=", "waiting")]
        )
        for picking, picking_logs in logs.grouped("picking_id").items():
            try:
                with self.env.cr.savepoint():
                    received = picking_logs._wholesale_match_received(picking)
                    received._wholesale_finish()
            except Exception as error:  # reported below, never blocks the goods
                _logger.exception("Could not complete the returns of %s", picking.name)
                message = self.env._(
                    "The goods are back, but the return could not be completed: "
                    "%(error)s. Scrap or credit them by hand.",
                    error=str(error),
                )
                picking_logs.write({"state": "done", "note": message})
                for record in picking | picking_logs.sale_order_id:
                    record.sudo().message_post(body=message)

    def _wholesale_match_received(self, picking):
        """Waiting rows of a sale order's return ``picking``, just validated,
        keep what the warehouse received, not what was announced: a row
        beyond it is cut to what came (its values in proportion), the rest
        waits in the backorder when the warehouse made one, else it did not
        come back and is noted so. POS rows stay whole: their refund was paid.
        Returns the rows to complete now."""
        done_moves = picking.move_ids.filtered(lambda m: m.state == "done")
        backorder = (
            self.env["stock.picking"]
            .sudo()
            .search([("backorder_id", "=", picking.id)], limit=1)
        )
        complete = self.filtered(lambda log: not log.sale_line_id)
        for product, logs in (
            self.filtered("sale_line_id").grouped("product_id").items()
        ):
            received = sum(
                done_moves.filtered(
                    lambda m, p=product: m.product_id == p
                ).move_line_ids.mapped("quantity_product_uom")
            )
            waits = backorder.move_ids.filtered(
                lambda m, p=product: m.product_id == p and m.state != "cancel"
            )
            for log in logs.sorted("id"):
                take = min(log.qty, max(received, 0.0))
                received -= take
                rest = log.qty - take
                if float_is_zero(rest, precision_digits=PIECE_DIGITS):
                    complete |= log
                    continue
                if float_is_zero(take, precision_digits=PIECE_DIGITS):
                    if waits:
                        log.picking_id = backorder
                    else:
                        log.write(
                            {
                                "state": "cancel",
                                "note": self.env._(
                                    "Not received when %(transfer)s was validated.",
                                    transfer=picking.name,
                                ),
                            }
                        )
                    continue
                ratio = take / log.qty
                rest_vals = log._wholesale_split_vals(rest, 1 - ratio)
                log.write(log._wholesale_split_vals(take, ratio))
                complete |= log
                if waits:
                    # (``state`` fields are not copied by default)
                    log.copy(
                        {**rest_vals, "picking_id": backorder.id, "state": "waiting"}
                    )
                else:
                    log.note = self.env._(
                        "%(qty)s %(unit)s announced were not received when "
                        "%(transfer)s was validated.",
                        qty=rest,
                        unit=log.product_id.uom_id.name,
                        transfer=picking.name,
                    )
        return complete

    def _wholesale_split_vals(self, pieces, ratio):
        """Values of this row for ``pieces`` of it (``ratio`` of its value),
        counted in its unit when whole, else in pieces."""
        self.ensure_one()
        base = self.product_id.uom_id
        unit, count = base, pieces
        if self.uom_id and self.uom_id != base:
            in_unit = base._compute_quantity(pieces, self.uom_id, round=False)
            if float_is_zero(in_unit - round(in_unit), precision_digits=6):
                unit, count = self.uom_id, round(in_unit)
        return {
            "qty": pieces,
            "uom_id": unit.id,
            "qty_uom": count,
            "value_sale": self.value_sale * ratio,
            "value_cost": self.value_cost * ratio,
        }

    @api.model
    def _wholesale_pickings_cancelled(self, pickings):
        """A return transfer that waited was cancelled. A sale order's return
        did not happen: its rows are cancelled (what it would have returned is
        returnable again). A POS refund was paid and stands: its goods stay
        where they wait, and the row says so."""
        logs = self.sudo().search(
            [("picking_id", "in", pickings.ids), ("state", "=", "waiting")]
        )
        logs.filtered("sale_line_id").state = "cancel"
        for log in logs.filtered("pos_order_id"):
            log.note = self.env._(
                "%(transfer)s was cancelled: the refunded goods stay in "
                "%(location)s until someone moves them.",
                transfer=log.picking_id.name,
                location=log.picking_id.location_id.display_name,
            )
