from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tools import float_compare

from .wholesale_unit_step import PIECES_DIGITS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    wholesale_step_ids = fields.One2many(
        "wholesale.unit.step",
        "product_tmpl_id",
        string="Unit Ladder",
        copy=False,
        help="The steps in which this product is sold: dozen, carton, pallet. "
        "Every step is counted in the product's unit, so all channels deduct "
        "from one stock count.",
    )
    wholesale_uom_id = fields.Many2one(
        "uom.uom",
        string="Wholesale Unit",
        compute="_compute_wholesale_uom_id",
        help="The unit wholesale orders default to.",
    )
    wholesale_min_qty = fields.Float(
        string="Wholesale Minimum",
        digits="Product Unit",
        help="Least quantity a wholesale order may hold, counted in the "
        "wholesale unit (e.g. 5 cartons). Zero: the category's rule.",
    )
    wholesale_qty_multiple = fields.Float(
        string="Wholesale Multiple",
        digits="Product Unit",
        help="Wholesale order lines must be a multiple of this, counted in the "
        "wholesale unit (1: only full cartons). Zero: the category's rule.",
    )

    @api.depends("wholesale_step_ids.is_wholesale_unit", "wholesale_step_ids.uom_id")
    def _compute_wholesale_uom_id(self):
        for template in self:
            template.wholesale_uom_id = template._wholesale_get_wholesale_step().uom_id

    @api.constrains("uom_id")
    def _check_wholesale_ladder_base(self):
        for template in self:
            for step in template.wholesale_step_ids.filtered("uom_id"):
                if step._wholesale_unit_pieces_mismatch() is not False:
                    raise ValidationError(
                        self.env._(
                            "%(product)s has a unit ladder counted in another unit: "
                            "clear the ladder before changing the product's unit.",
                            product=template.display_name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        # ladder lines are created before the variants: add their barcodes now
        templates.filtered("wholesale_step_ids")._wholesale_sync_ladder()
        return templates

    # ------------------------------------------------------------------
    # Ladder helpers
    # ------------------------------------------------------------------
    def _wholesale_get_wholesale_step(self):
        """The step wholesale orders default to (may be empty)."""
        self.ensure_one()
        return self.wholesale_step_ids.filtered("is_wholesale_unit")[:1]

    def _wholesale_get_step(self, uom):
        """The ladder step of ``uom`` (may be empty)."""
        self.ensure_one()
        return self.wholesale_step_ids.filtered(lambda s: s.uom_id == uom)[:1]

    def _wholesale_get_step_by_name(self, name):
        """The ladder step called ``name`` (may be empty)."""
        self.ensure_one()
        return self.wholesale_step_ids.filtered(lambda s: s.name == name)[:1]

    def _wholesale_quantity_rules(self):
        """Wholesale minimum and multiple of this product.

        :return: (unit, minimum, multiple), both counted in ``unit`` (the
            wholesale unit, else the product unit); the product's own values
            win, else the nearest category that sets one.
        """
        self.ensure_one()
        minimum = self.wholesale_min_qty
        multiple = self.wholesale_qty_multiple
        category = self.categ_id
        while category and not (minimum and multiple):
            minimum = minimum or category.wholesale_min_qty
            multiple = multiple or category.wholesale_qty_multiple
            category = category.parent_id
        return self.wholesale_uom_id or self.uom_id, minimum, multiple

    def _wholesale_sync_ladder(self):
        """Make ``uom_ids`` and the variant's unit barcodes match the ladder.

        Links every step's unit to the template and writes each step barcode
        as a ``product.uom`` of the (single) variant. Both are derived records
        of the ladder, written with sudo once the user's write on the ladder
        has passed its own access rights.
        """
        ProductUom = self.env["product.uom"].sudo()
        for template in self:
            steps = template.wholesale_step_ids.filtered("uom_id")
            missing = steps.uom_id - template.uom_ids
            if missing:
                template.sudo().uom_ids = [Command.link(u.id) for u in missing]
            variant = template.product_variant_ids[:1]
            if not variant or len(template.product_variant_ids) > 1:
                continue
            for step in steps.filtered("barcode"):
                packaging = ProductUom.search([("barcode", "=", step.barcode)])
                vals = {"product_id": variant.id, "uom_id": step.uom_id.id}
                if not packaging:
                    ProductUom.create(
                        dict(
                            vals,
                            barcode=step.barcode,
                            company_id=template.company_id.id,
                        )
                    )
                elif packaging.product_id != variant or packaging.uom_id != step.uom_id:
                    packaging.write(vals)
        # the ladder counts tiles and thresholds in steps
        self._wholesale_announce_availability()

    def _wholesale_announce_availability(self):
        """Tell the open POS that these products' figures may have changed
        (their category picks the rule, their ladder the threshold's steps)."""
        products = self.with_context(active_test=False).product_variant_ids
        if not products:
            return
        # every warehouse selling them, whoever edits the product
        warehouses = self.env["stock.warehouse"].sudo().search([]).ids
        self.env["wholesale.stock.pool"]._wholesale_availability_changed(
            [
                (product, warehouse)
                for product in products.ids
                for warehouse in warehouses
            ]
        )

    def write(self, vals):
        result = super().write(vals)
        # the category picks the rule; what a web shop lists depends on these
        if {"categ_id", "is_storable", "sale_ok", "active", "company_id"} & set(vals):
            self._wholesale_announce_availability()
        return result

    def _wholesale_set_ladder(
        self, steps, wholesale_step=None, min_qty=None, multiple=None
    ):
        """Add or update unit ladder steps of these products (API for data loaders
        and the "Apply a Unit Ladder" wizard). Nothing a product has is wiped.

        ``template._wholesale_set_ladder(steps, wholesale_step=None,
        min_qty=None, multiple=None)``

        :param list steps: one dict per step, smallest first::

                {"name": "Dozen", "pieces": 12, "barcode": "...",
                 "retail_price": 11.0, "wholesale_price": 9.5}
                {"name": "Carton", "count": 2, "of": "Dozen"}   # 24 pieces
                {"name": "Pallet", "count": 40, "of": "Carton"} # 960 pieces

            ``pieces`` counts base units (the product's unit); instead, ``count``
            and ``of`` (the name of an earlier step) give it through another
            step. ``barcode``, ``retail_price`` and ``wholesale_price`` are
            optional; a barcode needs a single template with one variant.
        :param str wholesale_step: name of the step wholesale orders default to;
            ``None`` keeps each product's own wholesale unit
        :param float min_qty: wholesale minimum, counted in the wholesale step
        :param float multiple: wholesale multiple, counted in the wholesale step
        :return: the ladder steps of these products (``wholesale.unit.step``)
        :raise ValidationError/UserError: on a bad step; nothing is changed

        A step the product already has (the same pieces, hence the same unit)
        is updated, not replaced: it keeps its name and unit, and of
        ``barcode``, ``retail_price`` and ``wholesale_price`` only the values
        given (not empty) are written; an empty or missing one never clears
        what the step has. Other steps are created. Steps the list does not
        name are kept: removing a step is done on the product, where open
        documents in its unit are checked. The ladder is then ordered by size.
        """
        specs = self._wholesale_ladder_specs(steps, wholesale_step)
        for template in self:
            free = template.wholesale_step_ids
            matched = []
            for spec in specs:
                step = (
                    free.filtered(
                        lambda s, v=spec: s.name == v["name"] and v["same_size"](s)
                    )[:1]
                    or free.filtered(lambda s, v=spec: v["same_size"](s))[:1]
                )
                free -= step
                matched.append(step)
            # the ladder, smallest first: (pieces, rank, existing step, spec)
            ladder = [
                (step.pieces, index, step, None)
                for index, step in enumerate(free.sorted("sequence"))
            ] + [
                (spec["vals"]["pieces"], index, step, spec)
                for index, (spec, step) in enumerate(zip(specs, matched, strict=True))
            ]
            ladder.sort(key=lambda row: (row[0], row[3] is not None, row[1]))
            wholesale = self.env["wholesale.unit.step"]
            if wholesale_step is not None:
                wholesale = next(
                    (
                        step
                        for spec, step in zip(specs, matched, strict=True)
                        if spec["is_wholesale"]
                    ),
                    wholesale,
                )
            commands = []
            for position, (_pieces, _index, step, spec) in enumerate(ladder):
                vals = {"sequence": (position + 1) * 10}
                if spec is None:
                    if wholesale_step is not None:
                        vals["is_wholesale_unit"] = False
                    commands.append(Command.update(step.id, vals))
                    continue
                vals.update(spec["update"])
                if wholesale_step is not None:
                    vals["is_wholesale_unit"] = spec["is_wholesale"]
                if step:
                    commands.append(Command.update(step.id, vals))
                else:
                    commands.append(Command.create(dict(spec["vals"], **vals)))
            # one wholesale unit at a time: unset the old one first
            template_vals = {
                "wholesale_step_ids": [
                    Command.update(s.id, {"is_wholesale_unit": False})
                    for s in template.wholesale_step_ids.filtered("is_wholesale_unit")
                    if wholesale_step is not None and s != wholesale
                ]
            }
            if min_qty is not None:
                template_vals["wholesale_min_qty"] = min_qty
            if multiple is not None:
                template_vals["wholesale_qty_multiple"] = multiple
            template.write(template_vals)
            template.write({"wholesale_step_ids": commands})
        # read the ladder again in its order (sequence) rather than the cache's
        self.invalidate_recordset(["wholesale_step_ids"])
        return self.wholesale_step_ids

    @api.model
    def _wholesale_ladder_specs(self, steps, wholesale_step):
        """Check the step dicts of ``_wholesale_set_ladder`` and prepare them.

        :return: one dict per step: ``vals`` (to create it), ``update`` (the
            optional keys given, to write on an existing step), ``is_wholesale``
            and ``same_size`` (a predicate on an existing step)
        :raise ValidationError: when a step counts in an unknown step
        """
        pieces_by_name = {}
        specs = []
        for spec in steps:
            pieces = spec.get("pieces")
            if pieces is None and spec.get("of"):
                if spec["of"] not in pieces_by_name:
                    raise ValidationError(
                        self.env._(
                            "The step %(step)s counts in %(of)s, which is not "
                            "an earlier step of the ladder.",
                            step=spec.get("name"),
                            of=spec["of"],
                        )
                    )
                pieces = spec.get("count", 0) * pieces_by_name[spec["of"]]
            pieces = pieces or 0.0
            # refuse before anything is written
            self.env["wholesale.unit.step"]._wholesale_check_pieces(
                pieces, spec.get("name")
            )
            pieces_by_name[spec.get("name")] = pieces
            update = {
                key: spec[key]
                for key in ("barcode", "retail_price", "wholesale_price")
                if spec.get(key)
            }
            specs.append(
                {
                    "name": spec.get("name"),
                    "vals": {"name": spec.get("name"), "pieces": pieces},
                    "update": update,
                    "is_wholesale": bool(wholesale_step)
                    and spec.get("name") == wholesale_step,
                    "same_size": lambda step, p=pieces: (
                        not float_compare(
                            step.pieces, p, precision_digits=PIECES_DIGITS
                        )
                    ),
                }
            )
        return specs

    # ------------------------------------------------------------------
    # Availability per sales channel (issue: live retail availability)
    # ------------------------------------------------------------------
    wholesale_availability_html = fields.Html(
        string="Availability by Channel",
        compute="_compute_wholesale_availability",
        sanitize=True,
        groups="wholesale_retail.group_wholesale_user",
        help="What each sales channel may sell now: the free quantity under the "
        "oversell guard, minus what the rule that applies and the channel's "
        "buffer hold back.",
    )
    wholesale_availability_summary = fields.Char(
        string="Sellable by Channel",
        compute="_compute_wholesale_availability",
        groups="wholesale_retail.group_wholesale_user",
    )

    def _wholesale_channel_rows(self):
        """``{template_id: [row]}``: one row per variant, channel and warehouse
        of the current company, with the sellable quantity and the rule."""
        # rows of the saved products (a form being edited shows its saved figures)
        origins = self._origin
        rows = {template.id: [] for template in origins}
        storable = origins.filtered("is_storable").product_variant_ids
        if not storable:
            return rows
        company = self.env.company
        channels = self.env["wholesale.sales.channel"].search(
            [("company_id", "=", company.id)]
        )
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "=", company.id)]
        )
        actions = dict(
            self.env["wholesale.channel.rule"]
            ._fields["action"]
            ._description_selection(self.env)
        )
        for channel in channels:
            for warehouse in channel.warehouse_id or warehouses:
                # a POS sells from its operation type's source location
                location = channel.pos_config_id.picking_type_id.default_location_src_id
                availability = storable._wholesale_channel_availability(
                    channel, warehouse=warehouse, location=location or None
                )
                for product in storable:
                    values = availability[product.id]
                    rows[product.product_tmpl_id.id].append(
                        {
                            "product": product,
                            "channel": channel,
                            "warehouse": warehouse,
                            "action": actions.get(values["action"], ""),
                            "buffer": product._wholesale_qty_text(channel.buffer_qty)
                            if channel.buffer_qty
                            else False,
                            "display": {
                                key: product._wholesale_qty_text(values[key] or 0.0)
                                for key in ("free", "held", "qty")
                            },
                            **values,
                        }
                    )
        return rows

    @api.depends_context("company")
    @api.depends("is_storable", "product_variant_ids")
    def _compute_wholesale_availability(self):
        rows = self._wholesale_channel_rows()
        for template in self:
            template_rows = rows.get(template._origin.id) or []
            template.wholesale_availability_summary = " · ".join(
                f"{row['channel'].name}: {row['display']['qty']}"
                for row in template_rows
                if len(template.product_variant_ids) == 1
            )
            template.wholesale_availability_html = (
                self.env["ir.qweb"]._render(
                    "wholesale_retail.product_channel_availability",
                    {
                        "rows": template_rows,
                        "many_variants": len(template.product_variant_ids) > 1,
                    },
                )
                if template_rows
                else False
            )
