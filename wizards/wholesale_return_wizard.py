from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare

from ..models.wholesale_stock_pool import hold_pool

PIECE_DIGITS = 4


class WholesaleReturnWizard(models.TransientModel):
    """Return goods of a wholesale (sale) order or a POS order, in one step.

    Opened from a sale order, a delivery, a POS order or a customer, or from
    the Return Goods menu by scanning or typing the receipt or order
    reference. It lists the order's lines with what is still returnable
    (sold, for a sale order delivered, minus what already came back by any
    flow: POS refunds made on the ticket screen count, through core's
    ``refunded_qty``), in any unit of the product's ladder.

    Confirming checks everything first, then acts, inside the stock pool's
    serialization point (``wholesale.stock.pool``) of every returned product,
    so that two returns of the same goods cannot both pass the check; any
    error undoes the whole return. The flows (``wholesale_return_wizard_flows``)
    use core's own documents: the return wizard of the delivery and the credit
    note of ``sale.order._create_invoices(final=True)``; ``pos.order.refund()``
    paid like the POS pays. Every returned line is logged in
    ``wholesale.return.log``.
    """

    _name = "wholesale.return.wizard"
    _description = "Return Goods"

    reference = fields.Char(
        help="Scan or type a POS receipt reference, a POS order or tracking "
        "number, a sale order number or the customer's reference."
    )
    scanned_barcode = fields.Char(
        store=False,
        help="A receipt or order barcode scanned anywhere on the form (the "
        "web client's barcode scanner); read as the reference.",
    )
    partner_id = fields.Many2one("res.partner", string="Customer")
    sale_order_id = fields.Many2one("sale.order", string="Sale Order")
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        help="Return only what this delivery of the order shipped.",
    )
    pos_order_id = fields.Many2one("pos.order", string="POS Order")
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    reason_id = fields.Many2one(
        "wholesale.return.reason",
        string="Reason",
        help="Given to every line; a line may take another.",
    )
    disposition = fields.Selection(
        [
            ("stock", "Back to Stock"),
            ("damaged", "Damaged Goods Location"),
            ("scrap", "Scrap"),
        ],
        string="Goods Go",
        default="stock",
        required=True,
        help="Given to every line; a line may go elsewhere. Back to stock: "
        "sellable at once. Damaged goods location: kept in the warehouse, "
        "never sold. Scrap: written off.",
    )
    line_ids = fields.One2many(
        "wholesale.return.wizard.line",
        "wizard_id",
        string="Lines",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    needs_scan = fields.Boolean(compute="_compute_needs_scan")
    stock_at_closing = fields.Boolean(compute="_compute_needs_scan")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        picking = self.env["stock.picking"].browse(values.get("picking_id"))
        if picking and not (values.get("sale_order_id") or values.get("pos_order_id")):
            if picking.sale_id:
                values["sale_order_id"] = picking.sale_id.id
            else:
                values["pos_order_id"] = picking.pos_order_id.id
                values["picking_id"] = False
        sale_order = self.env["sale.order"].browse(values.get("sale_order_id"))
        settling = self._wholesale_settling_pos_order(sale_order)
        if settling:
            values.update(
                sale_order_id=False, picking_id=False, pos_order_id=settling.id
            )
        return values

    @api.model
    def _wholesale_settling_pos_order(self, sale_order):
        """The POS order that settled ``sale_order`` (pos_sale), when the goods
        left with it and not with a delivery of the order: its goods come back
        through that POS order (a refund of its lines), else empty."""
        PosOrder = self.env["pos.order"]
        if not sale_order or not sale_order._wholesale_settled_at_pos():
            return PosOrder
        delivered = sale_order.order_line.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_id.usage == "customer"
        )
        if delivered or not PosOrder.has_access("read"):
            return PosOrder
        return PosOrder.search(
            [
                ("lines.sale_order_line_id", "in", sale_order.order_line.ids),
                ("is_refund", "=", False),
                ("state", "in", ("paid", "done")),
                ("company_id", "in", self.env.companies.ids),
            ],
            order="date_order desc, id desc",
            limit=1,
        )

    @api.depends("sale_order_id", "pos_order_id")
    def _compute_company_id(self):
        for wizard in self:
            origin = wizard._wholesale_origin()
            wizard.company_id = origin.sudo().company_id or self.env.company

    @api.depends("sale_order_id", "pos_order_id", "picking_id")
    def _compute_line_ids(self):
        for wizard in self:
            commands = [Command.clear()]
            if wizard._wholesale_origin_allowed():
                commands += [
                    Command.create(vals) for vals in wizard._wholesale_line_vals()
                ]
            wizard.line_ids = commands

    @api.depends("company_id", "pos_order_id")
    def _compute_needs_scan(self):
        for wizard in self:
            wizard.needs_scan = wizard.company_id.wholesale_return_needs_scan
            session = wizard.pos_order_id.config_id.current_session_id
            wizard.stock_at_closing = bool(
                wizard.pos_order_id
                and wizard._wholesale_origin_allowed()
                and session.update_stock_at_closing
            )

    @api.onchange("reference")
    def _onchange_reference(self):
        if self.reference:
            sale_order, pos_order = self._find_origin(self.reference)
            self.sale_order_id, self.pos_order_id = sale_order, pos_order
            self.picking_id = False

    @api.onchange("scanned_barcode")
    def _onchange_scanned_barcode(self):
        if self.scanned_barcode:
            self.reference = self.scanned_barcode.strip()
            self.scanned_barcode = False
            self._onchange_reference()

    @api.onchange("sale_order_id")
    def _onchange_sale_order_id(self):
        settling = self._wholesale_settling_pos_order(self.sale_order_id)
        if settling:
            self.sale_order_id, self.picking_id = False, False
            self.pos_order_id = settling
            return
        if self.sale_order_id:
            self.pos_order_id = False
            if self.picking_id.sale_id != self.sale_order_id:
                self.picking_id = False

    @api.onchange("pos_order_id")
    def _onchange_pos_order_id(self):
        if self.pos_order_id:
            self.sale_order_id = self.picking_id = False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference") and not (
                vals.get("sale_order_id") or vals.get("pos_order_id")
            ):
                sale_order, pos_order = self._find_origin(vals["reference"])
                vals.update(sale_order_id=sale_order.id, pos_order_id=pos_order.id)
            elif vals.get("sale_order_id") and not vals.get("pos_order_id"):
                settling = self._wholesale_settling_pos_order(
                    self.env["sale.order"].browse(vals["sale_order_id"])
                )
                if settling:
                    vals.update(
                        sale_order_id=False, picking_id=False, pos_order_id=settling.id
                    )
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Finding the order
    # ------------------------------------------------------------------
    @api.model
    def _find_origin(self, reference):
        """``(sale order, POS order)`` for a scanned or typed ``reference``,
        one of them empty, within the user's companies: a confirmed sale
        order by number or customer reference, else a POS order by receipt
        reference, order name or (the latest) tracking number."""
        reference = (reference or "").strip()
        # =ilike matches a pattern: a reference's own % and _ are literal
        pattern = (
            reference.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        )
        companies = [("company_id", "in", self.env.companies.ids)]
        SaleOrder = self.env["sale.order"]
        PosOrder = self.env["pos.order"]
        sale_order = SaleOrder
        if reference and SaleOrder.has_access("read"):
            sale_order = SaleOrder.search(
                companies + [("state", "=", "sale"), ("name", "=ilike", pattern)],
                limit=1,
            ) or SaleOrder.search(
                companies
                + [("state", "=", "sale"), ("client_order_ref", "=ilike", pattern)],
                order="date_order desc, id desc",
                limit=1,
            )
        if sale_order:
            settling = self._wholesale_settling_pos_order(sale_order)
            if settling:
                return SaleOrder, settling
            return sale_order, PosOrder
        if reference and PosOrder.has_access("read"):
            sold = companies + [
                ("is_refund", "=", False),
                ("state", "in", ("paid", "done")),
            ]
            for field in ("pos_reference", "name", "tracking_number"):
                pos_order = PosOrder.search(
                    sold + [(field, "=ilike", pattern)],
                    order="date_order desc, id desc",
                    limit=1,
                )
                if pos_order:
                    return SaleOrder, pos_order
        raise UserError(
            self.env._(
                "No order with the reference %(reference)s found in your "
                "companies: scan the receipt again or type the sale order "
                "number.",
                reference=reference,
            )
        )

    def _wholesale_origin(self):
        self.ensure_one()
        return self.sale_order_id or self.pos_order_id

    def _wholesale_origin_allowed(self):
        """The order belongs to one of the user's current companies (checked
        before reading anything of it)."""
        self.ensure_one()
        origin = self._wholesale_origin()
        return bool(origin) and origin.sudo().company_id in self.env.companies

    def _wholesale_warehouse(self):
        self.ensure_one()
        if self.sale_order_id:
            return self.sale_order_id.warehouse_id
        return self.pos_order_id.config_id.picking_type_id.warehouse_id

    # ------------------------------------------------------------------
    # The order's lines and what may come back
    # ------------------------------------------------------------------
    def _wholesale_line_vals(self):
        self.ensure_one()
        if self.sale_order_id:
            return self._wholesale_sale_line_vals()
        return self._wholesale_pos_line_vals()

    def _wholesale_sale_line_vals(self):
        vals_list = []
        for line in self.sale_order_id.order_line:
            if line.display_type or line.is_downpayment:
                continue
            if line.product_id.type != "consu":
                continue
            sold, returned = self._wholesale_sale_line_figures(line)
            if float_compare(sold, 0.0, precision_digits=PIECE_DIGITS) <= 0:
                continue
            units = line.product_id._wholesale_return_uoms()
            vals_list.append(
                {
                    "product_id": line.product_id.id,
                    "sale_line_id": line.id,
                    "sold_qty": sold,
                    "returned_qty": returned,
                    "uom_id": (
                        line.product_uom_id
                        if line.product_uom_id in units
                        else line.product_id.uom_id
                    ).id,
                }
            )
        return vals_list

    def _wholesale_pos_line_vals(self):
        vals_list = []
        for line in self.pos_order_id.lines:
            if line.product_id.type != "consu" or line.qty <= 0:
                continue
            units = line.product_id._wholesale_return_uoms()
            vals_list.append(
                {
                    "product_id": line.product_id.id,
                    "pos_line_id": line.id,
                    "sold_qty": line.qty,
                    "returned_qty": line.refunded_qty,
                    "uom_id": (
                        line.wholesale_uom_id
                        if line.wholesale_uom_id in units
                        else line.product_id.uom_id
                    ).id,
                }
            )
        return vals_list

    def _wholesale_delivered_moves(self, sale_line):
        """The done moves that took ``sale_line``'s goods to the customer
        (of the wizard's delivery only, when one is set), newest first."""
        self.ensure_one()
        moves = sale_line.move_ids.filtered(
            lambda m: (
                m.state == "done"
                and m.location_dest_id.usage == "customer"
                and (not m.origin_returned_move_id or m.to_refund)
            )
        )
        if self.picking_id:
            moves = moves.filtered(lambda m: m.picking_id == self.picking_id)
        return moves.sorted(lambda m: (m.date, m.id), reverse=True)

    @api.model
    def _wholesale_move_pieces(self, move):
        """Pieces of ``move``: done, what it moved; otherwise its demand."""
        if move.state == "done":
            return move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id, round=False
            )
        return move.product_qty

    def _wholesale_returned_pieces(self, move):
        """Pieces already sent back against the delivery ``move``: its return
        moves from the customer, done or still waiting (not cancelled)."""
        returns = move.returned_move_ids.filtered(
            lambda m: m.state != "cancel" and m.location_id.usage == "customer"
        )
        return sum(self._wholesale_move_pieces(m) for m in returns)

    def _wholesale_sale_line_figures(self, sale_line):
        """``(delivered, returned)`` pieces of ``sale_line``."""
        moves = self._wholesale_delivered_moves(sale_line)
        delivered = sum(self._wholesale_move_pieces(m) for m in moves)
        returned = sum(self._wholesale_returned_pieces(m) for m in moves)
        return delivered, returned

    def _wholesale_fresh_figures(self, line):
        """``(sold, returned)`` pieces of a wizard line, read again now: the
        wizard may have been open while another return was made."""
        if line.sale_line_id:
            return self._wholesale_sale_line_figures(line.sale_line_id)
        line.pos_line_id.invalidate_recordset(["refunded_qty"])
        return line.pos_line_id.qty, line.pos_line_id.refunded_qty

    # ------------------------------------------------------------------
    # Checks: all of them before anything is done
    # ------------------------------------------------------------------
    def _wholesale_check(self):
        """Refuse what cannot be returned; return the lines to return."""
        self.ensure_one()
        origin = self._wholesale_origin()
        if not origin:
            raise UserError(
                self.env._("Choose the sale order or POS order the goods come from.")
            )
        if not self._wholesale_origin_allowed():
            raise UserError(
                self.env._(
                    "%(order)s belongs to %(company)s, which is not one of your "
                    "current companies: switch to it to return its goods.",
                    order=origin.sudo().display_name,
                    company=origin.sudo().company_id.name,
                )
            )
        if self.sale_order_id and self.sale_order_id.state != "sale":
            raise UserError(
                self.env._(
                    "%(order)s is not a confirmed order.", order=self.sale_order_id.name
                )
            )
        pos_order = self.pos_order_id
        if pos_order and (
            pos_order.is_refund or pos_order.state not in ("paid", "done")
        ):
            raise UserError(
                self.env._(
                    "%(order)s is not a paid sale: only goods sold can be returned.",
                    order=self.pos_order_id.name,
                )
            )
        errors = []
        lines = self.line_ids.filtered(lambda line: line.qty)
        if not lines:
            raise UserError(
                self.env._("Set the quantity to return on at least one line.")
            )
        for line in lines:
            errors += self._wholesale_check_line(line)
        if self.pos_order_id:
            errors += self._wholesale_check_pos_session()
        if errors:
            raise UserError(
                self.env._(
                    "This return cannot be made:\n%(errors)s",
                    errors="\n".join(errors),
                )
            )
        return lines

    def _wholesale_check_line(self, line):
        product = line.product_id.display_name
        base = line.product_id.uom_id
        origin_line = line.sale_line_id or line.pos_line_id
        if (
            origin_line.order_id != self._wholesale_origin()
            or origin_line.product_id != line.product_id
        ):
            return [
                self.env._(
                    "%(product)s is not a line of %(order)s.",
                    product=product,
                    order=self._wholesale_origin().name,
                )
            ]
        if line.uom_id and line.uom_id not in line.allowed_uom_ids:
            return [
                self.env._(
                    "%(product)s: %(unit)s is not a unit of its ladder.",
                    product=product,
                    unit=line.uom_id.name,
                )
            ]
        if float_compare(line.qty, 0.0, precision_digits=PIECE_DIGITS) <= 0:
            return [
                self.env._(
                    "%(product)s: the quantity to return must be positive.",
                    product=product,
                )
            ]
        errors = []
        pieces = line._wholesale_pieces()
        if line._wholesale_is_fraction():
            errors.append(
                self.env._(
                    "%(product)s: %(qty)s %(unit)s is %(pieces)s %(base)s; return "
                    "whole %(base)s.",
                    product=product,
                    qty="%g" % line.qty,
                    unit=(line.uom_id or base).name,
                    pieces="%g" % round(pieces, PIECE_DIGITS),
                    base=base.name,
                )
            )
        sold, returned = self._wholesale_fresh_figures(line)
        if float_compare(pieces, sold - returned, precision_digits=PIECE_DIGITS) > 0:
            errors.append(
                self.env._(
                    "%(product)s: %(sold)s sold, %(returned)s already returned, "
                    "%(asked)s asked: at most %(returnable)s can come back.",
                    product=product,
                    sold=line.product_id._wholesale_qty_text(sold),
                    returned=line.product_id._wholesale_qty_text(returned),
                    asked=line.product_id._wholesale_qty_text(pieces, uom=line.uom_id),
                    returnable=line.product_id._wholesale_qty_text(
                        max(sold - returned, 0.0)
                    ),
                )
            )
        if not line.reason_id:
            errors.append(
                self.env._(
                    "%(product)s: give the reason of the return.", product=product
                )
            )
        return errors

    def _wholesale_check_pos_session(self):
        config = self.pos_order_id.config_id
        session = config.current_session_id
        if session and session.state in ("opening_control", "opened"):
            return []
        return [
            self.env._(
                "A POS refund is paid in an open session of %(pos)s: open the "
                "point of sale %(pos)s, then confirm the return again.",
                pos=config.name,
            )
        ]

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Check, then return the goods, refund the customer and log it."""
        self.ensure_one()
        lines = self._wholesale_check()
        warehouse = self._wholesale_warehouse()
        pairs = {(line.product_id.id, warehouse.id) for line in lines}
        # Take the pool rows first and check again: another return of the same
        # goods committed meanwhile makes this one retry on fresh figures.
        with hold_pool(self.env, pairs):
            lines = self._wholesale_check()
            needs_scan = self.company_id.wholesale_return_needs_scan
            if self.sale_order_id:
                logs, message = self._wholesale_return_sale(lines, needs_scan)
            else:
                logs, message = self._wholesale_return_pos(lines, needs_scan)
        return self._wholesale_result_action(logs, message)

    def _wholesale_result_action(self, logs, message):
        """A notification saying what was done, then the log rows (or, for
        someone who may not read them, the refund, credit note or transfer)."""
        if self.env["wholesale.return.log"].has_access("read"):
            next_action = {
                "type": "ir.actions.act_window",
                "name": self.env._("Returns"),
                "res_model": "wholesale.return.log",
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
                "domain": [("id", "in", logs.ids)],
            }
        else:
            logs = logs.sudo()
            document = (
                logs.refund_pos_order_id[:1]
                or logs.credit_note_id[:1]
                or logs.picking_id[:1]
            )
            next_action = {
                "type": "ir.actions.act_window",
                "res_model": document._name,
                "res_id": document.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Goods returned"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": next_action,
            },
        }
