import json

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

ONLINE = "wholesale_retail_online_order_uuid"


def tour_code(tour_name, start_url, **window):
    """Browser code that sets ``window.<key>`` to each value, then starts
    ``tour_name`` at ``start_url`` (a tour that reads its data from there)."""
    options = {
        "stepDelay": 0,
        "keepWatchBrowser": False,
        "debug": False,
        "startUrl": start_url,
        "delayToCheckUndeterminisms": 0,
    }
    values = "".join(f"window.{key} = {json.dumps(v)}; " for key, v in window.items())
    return f"{values}odoo.startTour({json.dumps(tour_name)}, {json.dumps(options)});"


def customer_invoice(
    env,
    partner,
    amount,
    day,
    due=None,
    move_type="out_invoice",
    company=None,
    currency=None,
    post=True,
):
    """A customer invoice (or credit note) of one line of ``amount``, without
    tax nor payment terms, dated (and booked) ``day`` and due on ``due``
    (default ``day``), posted unless ``post`` is false."""
    company = company or env.company
    move = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "company_id": company.id,
                "currency_id": (currency or company.currency_id).id,
                "invoice_date": day,
                "date": day,
                "invoice_date_due": due or day,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "WR goods",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
    )
    if post:
        move.action_post()
    return move


class WholesalePoolCommon(TestPoSCommon):
    """The back office (a wholesale manager with inventory rights), the default
    warehouse, a stock manager who receives incidents, and a way to run a call
    as a request would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref(
            "wholesale_retail.group_wholesale_manager"
        ) | cls.env.ref("stock.group_stock_manager")
        cls.warehouse = cls.company_data["default_warehouse"]
        cls.stock_manager = new_test_user(
            cls.env,
            login="wr_pool_stock_manager",
            groups="stock.group_stock_manager",
            company_id=cls.company.id,
        )

    def _sync(self, order_data, online=False):
        """Sync a POS order as the POS does: ``online`` as the payment screen's
        own call (which may be refused), else as a late sync (never refused)."""
        pos_order = self.env["pos.order"]
        if online:
            pos_order = pos_order.with_context(**{ONLINE: order_data["uuid"]})
        pos_order.sync_from_ui([order_data])
        return self.env["pos.order"].search([("uuid", "=", order_data["uuid"])])

    def _rollback_on_error(self, func, *args, **kwargs):
        """Run ``func`` as a request would: its changes are undone if it raises."""
        try:
            with self.env.cr.savepoint():
                return func(*args, **kwargs)
        finally:
            self.env.invalidate_all()
