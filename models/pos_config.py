from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

#: Most products one availability call may ask about (the POS loads at most
#: ``point_of_sale.limited_product_count`` products, 5,000 by default).
MAX_AVAILABILITY_PRODUCTS = 20000


class PosConfig(models.Model):
    _inherit = "pos.config"

    @api.model_create_multi
    def create(self, vals_list):
        configs = super().create(vals_list)
        configs._wholesale_create_channels()
        return configs

    def write(self, vals):
        result = super().write(vals)
        if "name" in vals:
            for channel in self._wholesale_channel_records():
                channel.name = channel.pos_config_id.name
        return result

    def _wholesale_channel_records(self):
        # The channels are the configs' own settings records.
        return (
            self.env["wholesale.sales.channel"]
            .sudo()
            .with_context(active_test=False)
            .search([("pos_config_id", "in", self.ids)])
        )

    def _wholesale_create_channels(self):
        # A POS manager creating a shop creates its channel, whatever their
        # rights on channels.
        if self:
            self.env["wholesale.sales.channel"].sudo().create(
                [
                    {
                        "name": config.name,
                        "kind": "pos",
                        "pos_config_id": config.id,
                        "company_id": config.company_id.id,
                    }
                    for config in self
                ]
            )

    def _wholesale_channel(self):
        """This POS's sales channel (created if the POS predates the addon)."""
        self.ensure_one()
        channel = self._wholesale_channel_records()
        if not channel:
            self._wholesale_create_channels()
            channel = self._wholesale_channel_records()
        return channel

    def _wholesale_availability(
        self,
        product_ids,
        exclude_pos_order_ids=(),
        settlement=None,
        storable_only=False,
    ):
        """``product.product._wholesale_channel_availability`` for this POS:
        under the POS's source location, with this POS's channel's rules."""
        self.ensure_one()
        products = self.env["product.product"].browse(product_ids)
        return products._wholesale_channel_availability(
            self._wholesale_channel(),
            warehouse=self.picking_type_id.warehouse_id,
            location=self.picking_type_id.default_location_src_id,
            exclude_pos_order_ids=exclude_pos_order_ids,
            settlement=settlement,
            storable_only=storable_only,
        )

    def _wholesale_availability_payload(self, product_ids):
        """What the POS front end shows and enforces, per storable product:
        ``{product_id: {"qty", "action", "rule", "step": [name, pieces] or
        False, "steps", "unit"}}`` (the ladder step a tile counts in: the
        wholesale unit, else the first step above one piece; all the steps
        above one piece, for the quantity formatter; the unit's short label)."""
        self.ensure_one()
        # Products and their ladders are read for the cashier's POS, whatever
        # the cashier's rights on the ladder: only this POS's company's
        # products and shared ones.
        templates = (
            self.env["product.product"]
            .sudo()
            .browse(product_ids)
            ._wholesale_storable_templates(company=self.company_id)
        )
        if not templates:
            return {}
        availability = self._wholesale_availability(list(templates), storable_only=True)
        steps, ladders = {}, {}
        for step in (
            self.env["wholesale.unit.step"]
            .sudo()
            .search_fetch(
                [
                    ("product_tmpl_id", "in", list(set(templates.values()))),
                    ("pieces", ">", 1),
                ],
                ["product_tmpl_id", "name", "pieces"],
                order="is_wholesale_unit desc, sequence, pieces, id",
            )
        ):
            steps.setdefault(step.product_tmpl_id.id, [step.name, step.pieces])
            ladders.setdefault(step.product_tmpl_id.id, []).append(
                [step.name, step.pieces]
            )
        products = self.env["product.product"].sudo().browse(list(templates))
        return {
            product.id: {
                "qty": availability[product.id]["qty"],
                "action": availability[product.id]["action"],
                "rule": availability[product.id]["rule"],
                "step": steps.get(templates[product.id], False),
                # every step, for the messages (the server's formatter's choice)
                "steps": ladders.get(templates[product.id], []),
                # "pcs", "kg": the unit the POS's messages count in
                "unit": product._wholesale_unit_label(),
            }
            for product in products
        }

    def wholesale_availability(self, product_ids):
        """What this POS may sell of ``product_ids``: asked by the POS when it
        starts and when its bus reconnects; changes then come over the bus
        (``WHOLESALE_AVAILABILITY``). Reads only, but not on a read replica
        (no ``@api.readonly``): it answers a bus message sent when a change
        committed, and a replica may not have that change yet."""
        self.ensure_one()
        self.check_access("read")
        if not isinstance(product_ids, (list, tuple)) or not all(
            isinstance(pid, int) and not isinstance(pid, bool) for pid in product_ids
        ):
            raise UserError(self.env._("The products to look up are malformed."))
        if len(product_ids) > MAX_AVAILABILITY_PRODUCTS:
            raise UserError(self.env._("Too many products to look up at once."))
        return {"products": self._wholesale_availability_payload(product_ids)}

    def wholesale_check_order(self, lines, partner_id=False):
        """Would the oversell guard refuse this order? Asked by the POS when the
        cashier opens the payment screen, before any card terminal charges.

        ``lines``: ``[{"product_id": int, "qty": float, "sale_order_line_id":
        int or False}]``; ``partner_id``: the order's customer (a settled sale
        order counts only for its own customer). Returns ``{"message": str}``
        with the refusal the payment would meet, or ``{"message": False}``.
        Reads only: the final payment check (``pos.order._process_saved_order``)
        decides again.
        """
        self.ensure_one()
        self.check_access("read")
        try:
            parsed = [
                (
                    int(line.get("product_id") or 0),
                    float(line.get("qty") or 0.0),
                    int(line.get("sale_order_line_id") or 0),
                )
                for line in lines
            ]
            partner_id = int(partner_id or 0)
        except (AttributeError, TypeError, ValueError) as error:
            raise UserError(
                self.env._("The order lines to check are malformed.")
            ) from error
        if len(parsed) > 1000:
            raise UserError(self.env._("Too many order lines to check at once."))
        if not self.env["wholesale.stock.pool"]._guard_enabled():
            # the guard off: the payment refuses nothing, nor does this check
            return {"message": False}
        products = (
            self.env["product.product"]
            .browse({product_id for product_id, _qty, _sol in parsed} - {0})
            .exists()
        )
        partner = self.env["res.partner"].browse(partner_id).exists()
        sold = defaultdict(float)
        settled = []
        for product_id, qty, sale_line_id in parsed:
            product = products.browse(product_id)
            if product not in products or not product.is_storable:
                continue
            sold[product] += qty
            sale_line = self.env["sale.order.line"].browse(sale_line_id)
            settled.append((product, qty, sale_line, partner))
        orders = self.env["pos.order"]
        settlement = orders._wholesale_settlement(self, settled)
        refused = orders._wholesale_refusals(self, sold, settlement=settlement)
        if not refused:
            return {"message": False}
        return {"message": orders._wholesale_oversell_message(refused)}
