from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    wholesale_oversell_policy = fields.Selection(
        [("refuse", "Refuse"), ("backorder", "Confirm with a backorder")],
        string="Wholesale Oversell Policy",
        required=True,
        default="refuse",
        help="What happens when a wholesale order asks for more than the free "
        "quantity of this warehouse (on hand minus what other orders reserved).\n"
        "Refuse: the confirmation is refused with the available quantity, and a "
        "delivery may not take stock reserved for a wholesale order.\n"
        "Confirm with a backorder: the order is confirmed, the free part is "
        "reserved and the rest waits as a backorder.\n"
        "Either way, a delivery that takes stock reserved for another order is "
        "written on that order's transfer, and POS sales beyond the free "
        "quantity are refused at payment.",
    )
