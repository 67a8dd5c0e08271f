from odoo import api, fields, models


class WholesaleOversellIncident(models.Model):
    """A POS sale that took more than the sellable stock.

    Recorded when an order paid while the POS was offline reaches the server
    late, or when a session closing moves goods that other orders had
    reserved: it is never rejected (the goods and the money have already
    moved), so the shortfall is written down here and the stock managers get
    an activity to settle it (count, recall a reservation, reorder).
    """

    _name = "wholesale.oversell.incident"
    _description = "Oversell Incident"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self._default_company_id(),
    )
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, index=True
    )
    warehouse_id = fields.Many2one("stock.warehouse", required=True, check_company=True)
    quantity_sold = fields.Float(digits="Product Unit")
    quantity_available = fields.Float(
        digits="Product Unit",
        help="Free quantity (on hand minus reserved) when the order arrived.",
    )
    quantity_short = fields.Float(
        digits="Product Unit",
        help="Quantity sold beyond the free quantity.",
    )
    uom_id = fields.Many2one(related="product_id.uom_id")
    # the quantities in the words of the product's ladder: "2 cartons (48 pcs)"
    sold_text = fields.Char(string="Sold", compute="_compute_quantity_texts")
    available_text = fields.Char(string="Free", compute="_compute_quantity_texts")
    short_text = fields.Char(string="Short", compute="_compute_quantity_texts")
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", check_company=True, index=True
    )
    session_id = fields.Many2one(
        "pos.session", string="POS Session", check_company=True
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Transfer",
        check_company=True,
        help="The POS transfer whose validation took stock reserved for other "
        "orders (stock moved at the session closing).",
    )
    date = fields.Datetime(
        required=True, default=lambda self: self._default_date(), index=True
    )
    order_date = fields.Datetime(help="When the order was paid in the POS.")
    state = fields.Selection(
        [("open", "Open"), ("done", "Settled")],
        default="open",
        required=True,
        tracking=True,
    )

    @api.depends_context("lang")
    @api.depends("product_id", "quantity_sold", "quantity_available", "quantity_short")
    def _compute_quantity_texts(self):
        for incident in self:
            text = (
                incident.product_id._wholesale_qty_text if incident.product_id else None
            )
            incident.sold_text = text and text(incident.quantity_sold)
            incident.available_text = text and text(
                max(incident.quantity_available, 0.0)
            )
            incident.short_text = text and text(incident.quantity_short)

    @api.model
    def _default_company_id(self):
        return self.env.company

    @api.model
    def _default_date(self):
        return fields.Datetime.now()

    @api.depends("product_id", "pos_order_id", "session_id", "picking_id")
    def _compute_name(self):
        for incident in self:
            source = incident.pos_order_id.name or incident.picking_id.name
            incident.name = " / ".join(
                filter(
                    None,
                    [
                        source or incident.session_id.name,
                        incident.product_id.display_name,
                    ],
                )
            )

    def action_settle(self):
        self.write({"state": "done"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def _wholesale_notify_stock_managers(self):
        """One to-do activity per stock manager of the incident's company."""
        group = self.env.ref("stock.group_stock_manager")
        for incident in self:
            managers = group.all_user_ids.filtered(
                lambda u, c=incident.company_id: not u.share and c in u.company_ids
            )
            for user in managers:
                incident.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=self.env._(
                        "POS oversold %(product)s",
                        product=incident.product_id.display_name,
                    ),
                    note=self.env._(
                        "%(order)s (session %(session)s) sold %(sold)s of "
                        "%(product)s while only %(available)s were free in "
                        "%(warehouse)s: %(short)s short.",
                        order=incident.pos_order_id.name or "",
                        session=incident.session_id.name or "",
                        sold=incident.product_id._wholesale_qty_text(
                            incident.quantity_sold
                        ),
                        product=incident.product_id.display_name,
                        available=incident.product_id._wholesale_qty_text(
                            max(incident.quantity_available, 0.0)
                        ),
                        warehouse=incident.warehouse_id.name,
                        short=incident.product_id._wholesale_qty_text(
                            incident.quantity_short
                        ),
                    ),
                )
