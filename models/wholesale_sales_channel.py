from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class WholesaleSalesChannel(models.Model):
    """A way a company sells from its stock pool.

    Every POS config is a retail channel (created with it), each company has
    one wholesale desk (the sale orders of wholesale customers), and the
    channel-sync work adds web shops and marketplaces (``kind`` is meant to be
    extended with ``selection_add``). Availability rules
    (``wholesale.channel.rule``) restrict channels; ``buffer_qty`` is held back
    from every product on this channel.
    """

    _name = "wholesale.sales.channel"
    _description = "Sales Channel"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    kind = fields.Selection(
        [
            ("pos", "Point of Sale"),
            ("wholesale", "Wholesale Desk"),
            ("web", "Web Shop"),
            ("marketplace", "Marketplace"),
        ],
        required=True,
        default="web",
    )
    is_retail = fields.Boolean(
        compute="_compute_is_retail",
        store=True,
        help="Retail channels (points of sale, web shops, marketplaces) are "
        "restricted by the rules that name no channel.",
    )
    pos_config_id = fields.Many2one(
        "pos.config",
        string="Point of Sale",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        check_company=True,
        help="The warehouse this channel sells from. A point of sale sells from "
        "the warehouse of its operation type.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        help="Sale orders of this sales team belong to this channel (a web "
        "shop's orders carry its team). Orders of no channel's team belong to "
        "the wholesale desk.",
    )
    buffer_qty = fields.Float(
        string="Buffer",
        digits="Product Unit",
        default=0.0,
        help="Held back from every product on this channel, in the product's "
        "unit, on top of the threshold of the rule that applies: a marketplace "
        "with a buffer of 5 sees the free quantity minus 5. It is enforced as "
        "that rule's threshold is: hide and block refuse beyond it, warn warns.",
    )

    _pos_config_uniq = models.Constraint(
        "UNIQUE(pos_config_id)", "A point of sale is one sales channel."
    )
    _wholesale_desk_uniq = models.UniqueIndex(
        "(company_id) WHERE kind = 'wholesale'",
        "A company has one wholesale desk.",
    )

    @api.constrains("buffer_qty")
    def _check_buffer_qty(self):
        for channel in self:
            if channel.buffer_qty < 0:
                raise ValidationError(
                    self.env._(
                        "The buffer of %(channel)s cannot be negative.",
                        channel=channel.name,
                    )
                )

    @api.constrains("kind", "pos_config_id")
    def _check_kind(self):
        for channel in self:
            if (channel.kind == "pos") != bool(channel.pos_config_id):
                raise ValidationError(
                    self.env._(
                        "%(channel)s: a point-of-sale channel is created with its "
                        "point of sale; a wholesale desk, web shop or marketplace "
                        "has none.",
                        channel=channel.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_pos_or_desk(self):
        # whatever the user's rights on the reports: their rows keep them
        reported = (
            self.env["wholesale.monthly.report.summary"]
            .sudo()
            .search([("channel_id", "in", self.ids)])
            .channel_id
        )
        for channel in self:
            if channel in reported:
                raise UserError(
                    self.env._(
                        "%(channel)s cannot be deleted: monthly reports count "
                        "its sales. Archive it instead.",
                        channel=channel.name,
                    )
                )
            if channel.kind in ("pos", "wholesale"):
                raise UserError(
                    self.env._(
                        "%(channel)s cannot be deleted: a point of sale's channel "
                        "goes with its point of sale, and a company keeps its "
                        "wholesale desk. Archive it instead.",
                        channel=channel.name,
                    )
                )

    @api.depends("kind")
    def _compute_is_retail(self):
        for channel in self:
            channel.is_retail = channel.kind != "wholesale"

    @api.depends("pos_config_id.picking_type_id.warehouse_id")
    def _compute_warehouse_id(self):
        for channel in self:
            if channel.pos_config_id:
                channel.warehouse_id = (
                    channel.pos_config_id.picking_type_id.warehouse_id
                )

    def write(self, vals):
        result = super().write(vals)
        if {"buffer_qty", "active", "warehouse_id"} & set(vals):
            self.env["wholesale.stock.pool"]._wholesale_availability_changed(
                reload_companies=self.company_id.ids
            )
        return result

    @api.model
    def _wholesale_desk(self, company):
        """The wholesale desk of ``company``, created on first use."""
        # The desk is the company's own record: found and created whatever
        # the rights of the user whose order asks for it.
        channels = self.sudo().with_context(active_test=False)
        desk = channels.search(
            [("company_id", "=", company.id), ("kind", "=", "wholesale")], limit=1
        )
        if not desk:
            desk = channels.create(
                {
                    "name": self.env._("Wholesale Desk"),
                    "kind": "wholesale",
                    "company_id": company.id,
                    "sequence": 1,
                }
            )
        return desk.with_env(self.env)

    @api.model
    def _wholesale_ensure_channels(self):
        """A channel for every POS config and a desk for every company."""
        # Setup of the company's records (install, upgrade, a new company).
        channels = self.sudo().with_context(active_test=False)
        for company in self.env["res.company"].sudo().search([]):
            self._wholesale_desk(company)
        configs = (
            self.env["pos.config"].sudo().with_context(active_test=False).search([])
        )
        missing = (
            configs - channels.search([("pos_config_id", "!=", False)]).pos_config_id
        )
        missing._wholesale_create_channels()
