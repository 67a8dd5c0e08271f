from odoo import api, fields, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    """The "Wholesale Customer" flag: a commercial field, set by salespeople.

    The flag belongs to the commercial entity (the company) and is copied to
    its contacts by Odoo's commercial field sync, also when it is cleared. Only
    salespeople ("Sales / User: Own Documents Only" and up) choose it; other
    users may still create and edit contacts, whose flag then follows their
    company. The check is on the server, before create and write: no view or
    context key (such as ``default_wholesale_customer``) can bypass it; the
    commercial sync itself runs as superuser, as in core.
    """

    _inherit = "res.partner"

    wholesale_customer = fields.Boolean(
        string="Wholesale Customer",
        help="Buys by the carton or pallet, on credit terms. Wholesale customers "
        "get the wholesale units and prices on their sale orders. Set on the "
        "company, shared by its contacts; only salespeople change it.",
    )

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "wholesale_customer"]

    def _get_commercial_values(self):
        # core syncs only set values; "not wholesale" must reach contacts too
        values = super()._get_commercial_values()
        values["wholesale_customer"] = self.wholesale_customer
        return values

    @api.model_create_multi
    def create(self, vals_list):
        if not self._wholesale_may_choose_customer_flag():
            # a default (e.g. from the context) counts as the user's choice
            default = self.default_get(["wholesale_customer"]).get(
                "wholesale_customer", False
            )
            for vals in vals_list:
                parent = self.browse(vals.get("parent_id"))
                commercial = (
                    parent.commercial_partner_id
                    if parent and not vals.get("is_company")
                    else None
                )
                if commercial and "wholesale_customer" not in vals:
                    continue  # the commercial sync gives the company's flag
                self._wholesale_check_customer_flag(
                    vals.get("wholesale_customer", default),
                    commercial,
                    False,
                    vals.get("name") or "",
                )
        return super().create(vals_list)

    def write(self, vals):
        if "wholesale_customer" in vals and not (
            self._wholesale_may_choose_customer_flag()
        ):
            for partner in self:
                parent = (
                    self.browse(vals["parent_id"])
                    if "parent_id" in vals
                    else partner.parent_id
                )
                is_company = vals.get("is_company", partner.is_company)
                self._wholesale_check_customer_flag(
                    vals["wholesale_customer"],
                    parent.commercial_partner_id if parent and not is_company else None,
                    partner.wholesale_customer,
                    partner.display_name,
                )
        return super().write(vals)

    @api.model
    def _wholesale_may_choose_customer_flag(self):
        return self.env.su or self.env.user.has_group("sales_team.group_sale_salesman")

    @api.model
    def _wholesale_check_customer_flag(self, flag, commercial, current, name):
        """Refuse a flag a non-salesperson chose rather than took from the company.

        :param flag: the flag the partner would get
        :param commercial: the company the partner would belong to (its
            commercial entity), ``None`` when the partner is its own
        :param current: the partner's flag now (``False`` for a new one)
        :param name: the partner's name, for the message
        :raise AccessError: before anything is written
        """
        expected = commercial.wholesale_customer if commercial else current
        if bool(flag) != bool(expected):
            raise AccessError(
                self.env._(
                    "Only salespeople can mark %(partner)s as a wholesale customer "
                    "or remove the mark; a contact person takes it from its "
                    "company.",
                    partner=name,
                )
            )
