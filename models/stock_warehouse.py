from odoo import api, fields, models

OVERSELL_POLICIES = [("refuse", "Refuse"), ("backorder", "Confirm with a backorder")]
OVERSELL_POLICY_HELP = (
    "What happens when a wholesale order asks for more than the sellable "
    "quantity of the warehouse (the free stock: on hand minus what other "
    "orders reserved).\n"
    "Refuse: the confirmation is refused with the available quantity, and a "
    "delivery may not take stock reserved for a wholesale order.\n"
    "Confirm with a backorder: the order is confirmed, the free part is "
    "reserved and the rest waits as a backorder.\n"
    "Either way, a delivery that takes stock reserved for another order is "
    "written on that order's transfer."
)


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    wholesale_oversell_policy = fields.Selection(
        OVERSELL_POLICIES,
        string="Wholesale Oversell Policy",
        required=True,
        default=lambda self: self._default_wholesale_oversell_policy(),
        help=OVERSELL_POLICY_HELP,
    )
    wholesale_oversell_policy_effect = fields.Char(
        string="What It Does",
        compute="_compute_wholesale_oversell_policy_effect",
        help="The policy's effect on a wholesale order beyond the free stock.",
    )
    wholesale_channel_rule_ids = fields.One2many(
        "wholesale.channel.rule",
        "warehouse_id",
        string="Channel Rules",
        help="What each sales channel may sell from this warehouse.",
    )
    wholesale_damaged_location_id = fields.Many2one(
        "stock.location",
        string="Damaged Goods Location",
        readonly=True,
        check_company=True,
        help="Where returned goods that cannot be sold go: an internal location "
        "beside the warehouse's stock, never under it, so that it counts in the "
        "warehouse's inventory but not in what can be sold. Created by the "
        "first return that needs it.",
    )
    wholesale_return_location_id = fields.Many2one(
        "stock.location",
        string="Returns Awaiting Scan",
        readonly=True,
        check_company=True,
        help="Where goods returned at a point of sale wait for the warehouse's "
        "scan when returns need one (Settings): outside the sellable stock. "
        "Created by the first return that needs it.",
    )

    @api.model
    def _default_wholesale_oversell_policy(self):
        if not self.pool.ready:
            # filling the column of existing warehouses while the addon is
            # installed: the company's default may have no column yet
            return "refuse"
        return self.env.company.wholesale_default_oversell_policy or "refuse"

    @api.depends("wholesale_oversell_policy")
    @api.depends_context("lang")
    def _compute_wholesale_oversell_policy_effect(self):
        effects = {
            "refuse": self.env._(
                "A wholesale order beyond the free stock is not confirmed; the "
                "message gives the quantity available."
            ),
            "backorder": self.env._(
                "The order is confirmed: the free stock is reserved, the rest "
                "waits as a backorder."
            ),
        }
        for warehouse in self:
            warehouse.wholesale_oversell_policy_effect = effects.get(
                warehouse.wholesale_oversell_policy, False
            )

    @api.model_create_multi
    def create(self, vals_list):
        Company = self.env["res.company"]
        for vals in vals_list:
            # the default of the warehouse's own company, not the current one's
            if "wholesale_oversell_policy" not in vals and vals.get("company_id"):
                company = Company.browse(vals["company_id"])
                vals["wholesale_oversell_policy"] = (
                    company.wholesale_default_oversell_policy or "refuse"
                )
        warehouses = super().create(vals_list)
        warehouses._wholesale_create_default_rules()
        return warehouses

    def _wholesale_create_default_rules(self, actions=None):
        """The warehouse's default rule: every retail channel of the warehouse,
        all products, no threshold. ``actions``: ``{warehouse_id: action}``,
        default "protect wholesale reservations" (the former POS oversell
        policy's default)."""
        actions = actions or {}
        # Part of creating the warehouse, whoever creates it.
        rules = self.env["wholesale.channel.rule"].sudo()
        existing = rules.with_context(active_test=False).search(
            [("warehouse_id", "in", self.ids), ("is_warehouse_default", "=", True)]
        )
        return rules.create(
            [
                {
                    "name": self.env._(
                        "%(warehouse)s: default", warehouse=warehouse.name
                    ),
                    "company_id": warehouse.company_id.id,
                    "warehouse_id": warehouse.id,
                    "scope": "all",
                    "priority": 0,
                    "threshold": 0.0,
                    "action": actions.get(warehouse.id, "protect"),
                    "is_warehouse_default": True,
                }
                for warehouse in self - existing.warehouse_id
            ]
        )

    def _wholesale_return_location(self, kind):
        """The warehouse's internal location for returned goods of ``kind``
        (``"damaged"`` or ``"awaiting"``), created on first use.

        It sits under the warehouse's view location, beside (never under) its
        stock location: ``wholesale.stock.pool._sellable`` and core's
        reservations only look under the stock location, so what is kept
        there is never sold, while it stays in the warehouse's valued
        inventory.
        """
        self.ensure_one()
        field = {
            "damaged": "wholesale_damaged_location_id",
            "awaiting": "wholesale_return_location_id",
        }[kind]
        location = self[field]
        if location:
            return location
        name = (
            self.env._("Damaged")
            if kind == "damaged"
            else self.env._("Returns Awaiting Scan")
        )
        # The warehouse's own setup record, created whoever makes the first
        # return that needs it (a cashier or salesperson cannot create
        # locations). Writing the warehouse row serializes two first returns.
        location = (
            self.env["stock.location"]
            .sudo()
            .create(
                {
                    "name": name,
                    "usage": "internal",
                    "location_id": self.view_location_id.id,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.sudo()[field] = location
        return location.with_env(self.env)
