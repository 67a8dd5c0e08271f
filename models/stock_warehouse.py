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
        "written on that order's transfer.",
    )
    wholesale_pos_oversell_policy = fields.Selection(
        [
            ("protect_wholesale", "Protect wholesale reservations"),
            ("refuse", "Refuse beyond free stock"),
            ("allow", "Allow and record"),
        ],
        string="POS Oversell Policy",
        required=True,
        default="protect_wholesale",
        help="What happens when the POS, online, sells more than the free "
        "quantity of this warehouse (on hand minus reserved).\n"
        "Protect wholesale reservations: the sale is refused before payment when "
        "it would take stock that confirmed wholesale orders hold; otherwise it "
        "goes through and an oversell incident is recorded.\n"
        "Refuse beyond free stock: every such sale is refused before payment.\n"
        "Allow and record: the sale goes through and an incident is recorded.\n"
        "An order paid while the POS was offline is never refused.",
    )
