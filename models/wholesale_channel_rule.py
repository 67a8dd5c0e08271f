from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

SCOPE_RANK = {"product": 3, "category": 2, "all": 1}
#: Actions that refuse a sale beyond the channel's sellable quantity.
BLOCKING_ACTIONS = ("hide", "block")


class WholesaleChannelRule(models.Model):
    """What a sales channel may sell of the stock pool.

    A rule holds ``threshold`` back from the channels it restricts, for the
    products of its scope in its warehouse (or every warehouse of the
    company): the channel's sellable quantity is the free quantity under the
    oversell guard, minus the threshold, minus the channel's buffer, never
    below 0. For one product and channel, the most specific rule wins: a
    product's rule over a category's (the deepest category first) over one for
    all products; then the higher priority; then a warehouse's rule over one
    for every warehouse. Two rules of the same scope, warehouse and priority
    that apply to a common channel and disagree are refused. Each warehouse's
    default rule (priority 0) yields to any rule of a higher priority.
    """

    _name = "wholesale.channel.rule"
    _description = "Channel Availability Rule"
    _order = "priority desc, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    priority = fields.Integer(
        default=10,
        help="Among rules of the same scope, the higher priority wins; at equal "
        "priority, a warehouse's own rule wins over one for every warehouse.",
    )
    scope = fields.Selection(
        [
            ("all", "All Products"),
            ("category", "Product Category"),
            ("product", "Product"),
        ],
        required=True,
        default="all",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Category",
        help="The rule applies to the products of this category and of its "
        "subcategories.",
    )
    product_id = fields.Many2one(
        "product.product", string="Product", check_company=True
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="Empty: every warehouse of the company.",
    )
    channel_scope = fields.Selection(
        [
            ("retail", "Every retail channel"),
            ("listed", "The listed channels"),
        ],
        string="Restricts",
        required=True,
        default="retail",
        help="Every retail channel: the points of sale, web shops and "
        "marketplaces of the company, present and future (not the wholesale "
        "desk). The listed channels: only those (the wholesale desk too, when "
        "listed); a rule whose listed channels are all deleted restricts none.",
    )
    channel_ids = fields.Many2many(
        "wholesale.sales.channel",
        string="Channels",
        check_company=True,
        context={"active_test": False},
        help="The channels a rule restricting listed channels applies to.",
    )
    threshold = fields.Float(
        digits="Product Unit",
        default=0.0,
        help="Held back from the channels: they may sell the free quantity minus this.",
    )
    threshold_unit = fields.Char(
        string="Threshold Unit",
        help="Empty: the product's own unit (pieces). Or the name of a step of "
        "the product's unit ladder, e.g. Carton: a threshold of 2 then holds "
        "back two of the product's cartons. A product without such a step "
        "follows the next rule.",
    )
    action = fields.Selection(
        [
            ("hide", "Hide from the channel"),
            ("block", "Block sales beyond the sellable quantity"),
            ("warn", "Warn only"),
            ("protect", "Protect wholesale reservations"),
        ],
        required=True,
        default="block",
        help="Hide: at or below the threshold the product leaves the channel "
        "(the POS's product list and search), and no more than the sellable "
        "quantity may be sold.\n"
        "Block: the channel may not sell more than the sellable quantity.\n"
        "Warn only: the channel is warned beyond the sellable quantity.\n"
        "Protect wholesale reservations: a sale beyond the sellable quantity "
        "is refused only when confirmed wholesale orders hold that stock.\n"
        "An order paid while the POS was offline is never refused.",
    )
    is_warehouse_default = fields.Boolean(
        string="Warehouse Default",
        readonly=True,
        help="Created with the warehouse (or from its former POS oversell policy).",
    )

    @api.constrains(
        "scope",
        "categ_id",
        "product_id",
        "threshold",
        "threshold_unit",
        "channel_scope",
    )
    def _check_scope(self):
        for rule in self:
            if rule.channel_scope == "listed" and not rule._wholesale_channels():
                raise ValidationError(
                    self.env._(
                        "The rule %(rule)s restricts the listed channels: list at "
                        "least one.",
                        rule=rule.name,
                    )
                )
            rule._wholesale_check_threshold_unit()
            if rule.threshold < 0:
                raise ValidationError(
                    self.env._(
                        "The threshold of the rule %(rule)s cannot be negative.",
                        rule=rule.name,
                    )
                )
            if rule.scope == "category" and not rule.categ_id:
                raise ValidationError(
                    self.env._("The rule %(rule)s needs a category.", rule=rule.name)
                )
            if rule.scope == "product" and not rule.product_id:
                raise ValidationError(
                    self.env._("The rule %(rule)s needs a product.", rule=rule.name)
                )

    def _wholesale_channels(self):
        """The listed channels, archived ones included: archiving a channel
        (or a client's ``active_test`` context) must not empty the list."""
        self.ensure_one()
        return self.with_context(active_test=False).channel_ids

    def _wholesale_check_threshold_unit(self):
        """A threshold counted in a ladder step names a step that exists: on
        the product for a product's rule, on some product otherwise."""
        self.ensure_one()
        unit = (self.threshold_unit or "").strip().lower()
        if not unit:
            return
        domain = [("name", "=ilike", unit)]
        if self.scope == "product":
            domain.append(("product_tmpl_id", "=", self.product_id.product_tmpl_id.id))
        # the check reads every company's ladders the rule could apply to
        if not self.env["wholesale.unit.step"].sudo().search_count(domain, limit=1):
            raise ValidationError(
                self.env._(
                    'The rule %(rule)s counts its threshold in "%(unit)s", but no '
                    "unit ladder has a step of that name%(where)s.",
                    rule=self.name,
                    unit=self.threshold_unit.strip(),
                    where=self.env._(
                        " for %(product)s", product=self.product_id.display_name
                    )
                    if self.scope == "product"
                    else "",
                )
            )

    @api.model
    def _wholesale_normalize_vals(self, vals):
        """A rule keeps only the target of its scope, and listing channels
        makes it restrict the listed channels."""
        vals = dict(vals)
        scope = vals.get("scope")
        if scope and scope != "product":
            vals["product_id"] = False
        if scope and scope != "category":
            vals["categ_id"] = False
        if vals.get("channel_ids") and "channel_scope" not in vals:
            vals["channel_scope"] = "listed"
        return vals

    @api.onchange("scope")
    def _onchange_scope(self):
        if self.scope != "category":
            self.categ_id = False
        if self.scope != "product":
            self.product_id = False

    def _wholesale_target(self):
        self.ensure_one()
        if self.scope == "product":
            return self.product_id.id
        if self.scope == "category":
            return self.categ_id.id
        return False

    def _wholesale_overlaps_channels(self, other):
        """Whether the two rules restrict a common channel."""
        retail = [rule.channel_scope == "retail" for rule in (self, other)]
        if all(retail):
            return True
        if not any(retail):
            return bool(self._wholesale_channels() & other._wholesale_channels())
        listed = (other if retail[0] else self)._wholesale_channels()
        return any(listed.mapped("is_retail"))

    def _wholesale_agrees_with(self, other):
        return (
            self.action == other.action
            and (self.threshold_unit or "").strip().lower()
            == (other.threshold_unit or "").strip().lower()
            and float_compare(self.threshold, other.threshold, precision_digits=6) == 0
        )

    @api.constrains(
        "active",
        "scope",
        "categ_id",
        "product_id",
        "warehouse_id",
        "priority",
        "channel_ids",
        "channel_scope",
        "threshold",
        "threshold_unit",
        "action",
        "company_id",
    )
    def _check_contradictions(self):
        for rule in self.filtered("active"):
            others = self.with_context(active_test=True).search(
                [
                    ("id", "!=", rule.id),
                    ("active", "=", True),
                    ("company_id", "=", rule.company_id.id),
                    ("scope", "=", rule.scope),
                    ("categ_id", "=", rule.categ_id.id),
                    ("product_id", "=", rule.product_id.id),
                    ("warehouse_id", "=", rule.warehouse_id.id),
                    ("priority", "=", rule.priority),
                ]
            )
            for other in others:
                if rule._wholesale_overlaps_channels(
                    other
                ) and not rule._wholesale_agrees_with(other):
                    raise ValidationError(
                        self.env._(
                            'The rules "%(rule)s" and "%(other)s" have the same '
                            "scope, warehouse and priority, restrict a common "
                            "channel and disagree. Give one of them a higher "
                            "priority, or narrow its scope or channels.",
                            rule=rule.name,
                            other=other.name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create([self._wholesale_normalize_vals(v) for v in vals_list])
        self.env["wholesale.stock.pool"]._wholesale_availability_changed(
            reload_companies=rules.company_id.ids
        )
        return rules

    def write(self, vals):
        companies = self.company_id
        result = super().write(self._wholesale_normalize_vals(vals))
        self.env["wholesale.stock.pool"]._wholesale_availability_changed(
            reload_companies=(companies | self.company_id).ids
        )
        return result

    def unlink(self):
        companies = self.company_id.ids
        result = super().unlink()
        self.env["wholesale.stock.pool"]._wholesale_availability_changed(
            reload_companies=companies
        )
        return result

    @api.model
    def _wholesale_candidates(self, channel, warehouse):
        """The rules that may apply on ``channel`` in ``warehouse``, as
        ``(sort key, scope, target, (id, name, action, threshold, unit))``."""
        # Rules are the company's settings: every user selling on a channel
        # is restricted by them, whatever their own rights on rules.
        rules = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("active", "=", True),
                    ("company_id", "=", channel.company_id.id),
                    "|",
                    ("warehouse_id", "=", False),
                    ("warehouse_id", "=", warehouse.id if warehouse else False),
                ]
            )
        )
        candidates = []
        for rule in rules:
            if rule.channel_scope == "listed":
                if channel not in rule._wholesale_channels():
                    continue
            elif not channel.is_retail:
                continue
            candidates.append(
                (
                    (
                        SCOPE_RANK[rule.scope],
                        rule.priority,
                        bool(rule.warehouse_id),
                        rule.channel_scope == "listed",
                        -rule.id,
                    ),
                    rule.scope,
                    rule._wholesale_target(),
                    (
                        rule.id,
                        rule.name,
                        rule.action,
                        rule.threshold,
                        (rule.threshold_unit or "").strip().lower(),
                    ),
                )
            )
        return candidates

    # ------------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------------
    @api.model
    def _wholesale_resolve(self, channel, product_ids, warehouse):
        """The rule that holds for each product on ``channel`` in ``warehouse``.

        Returns ``{product_id: (rule_id, rule_name, action, held)}``, ``held``
        being the rule's threshold in the product's unit, or ``None`` for a
        product no rule restricts. A few SQL queries for any number of
        products; the rules are read once.
        """
        result = dict.fromkeys(product_ids)
        if not product_ids:
            return result
        candidates = self._wholesale_candidates(channel, warehouse)
        if not candidates:
            return result
        candidates.sort(key=lambda c: c[0], reverse=True)
        by_product, by_categ, for_all = {}, {}, []
        for _key, scope, target, data in candidates:
            if scope == "product":
                by_product.setdefault(target, []).append(data)
            elif scope == "category":
                by_categ.setdefault(target, []).append(data)
            else:
                for_all.append(data)

        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        self.env["product.category"].flush_model(["parent_path"])
        self.env.cr.execute(
            """
            SELECT pp.id, pp.product_tmpl_id, pc.parent_path
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN product_category pc ON pc.id = pt.categ_id
             WHERE pp.id = ANY(%s)
            """,
            [list(product_ids)],
        )
        products = self.env.cr.fetchall()
        steps = {}
        if any(data[4] for _k, _s, _t, data in candidates):
            self.env["wholesale.unit.step"].flush_model(
                ["product_tmpl_id", "name", "pieces"]
            )
            self.env.cr.execute(
                """
                SELECT product_tmpl_id, LOWER(TRIM(name)), MIN(pieces)
                  FROM wholesale_unit_step
                 WHERE product_tmpl_id = ANY(%s)
                 GROUP BY product_tmpl_id, LOWER(TRIM(name))
                """,
                [list({template_id for _p, template_id, _path in products})],
            )
            steps = {(t, name): pieces for t, name, pieces in self.env.cr.fetchall()}

        for product_id, template_id, parent_path in products:
            chain = by_product.get(product_id, [])
            if by_categ and parent_path:
                # deepest category first: "1/4/9/" -> 9, 4, 1
                for categ_id in reversed(parent_path.rstrip("/").split("/")):
                    chain = chain + by_categ.get(int(categ_id), [])
            for rule_id, name, action, threshold, unit in (*chain, *for_all):
                if unit:
                    pieces = steps.get((template_id, unit))
                    if pieces is None:
                        continue
                    held = threshold * pieces
                else:
                    held = threshold
                result[product_id] = (rule_id, name, action, held)
                break
        return result
