from odoo import models
from odoo.fields import Domain
from odoo.tools import SQL

from .monthly_report import POS_DONE_STATES


class WholesaleMonthlyReportReconciliation(models.Model):
    """What counting found, and the check against Odoo's own reports.

    Inventory differences are the done inventory moves (``is_inventory``)
    of the month in the report's warehouses, with the book quantity of
    their location just before. The first count of a product that had no
    stock in those locations before is its opening stock: a line of its
    own, not a difference.

    The check recomputes the report's revenue with Odoo's own analysis
    reports for the same month, company, warehouses and channels (Sales
    Analysis for the ordered basis; Invoicing Analysis plus Point of Sale
    Analysis for the invoiced basis) and shows the difference in a line.
    """

    _inherit = "wholesale.monthly.report"

    def _collect_adjustments(self, start, end, warehouses):
        """Inventory adjustment move lines of the month with the book
        quantity of their location just before them, and whether any stock
        entered the report's locations before (no: opening stock)."""
        return self.env.execute_query_dict(
            SQL(
                """
            WITH loc AS (%(locations)s),
            adj AS MATERIALIZED (
                SELECT ml.id, ml.product_id, ml.date, ml.move_id,
                       ml.lot_id, ml.owner_id,
                       CASE WHEN ml.location_dest_id IN (SELECT id FROM loc)
                            THEN ml.location_dest_id ELSE ml.location_id END
                           AS location_id,
                       CASE WHEN ml.location_dest_id IN (SELECT id FROM loc)
                            THEN ml.result_package_id ELSE ml.package_id END
                           AS package_id,
                       CASE WHEN ml.location_dest_id IN (SELECT id FROM loc)
                            THEN ml.quantity_product_uom
                            ELSE -ml.quantity_product_uom END AS difference,
                       ml.quantity_product_uom AS line_qty
                  FROM stock_move m
                  JOIN stock_move_line ml ON ml.move_id = m.id
                 WHERE m.is_inventory AND m.state = 'done'
                   AND m.company_id = %(company)s
                   AND m.date >= %(start)s - INTERVAL '1 day'
                   AND ml.state = 'done'
                   AND ml.date >= %(start)s AND ml.date < %(end)s
                   AND (ml.location_id IN (SELECT id FROM loc)) !=
                       (ml.location_dest_id IN (SELECT id FROM loc))
            ),
            hist AS MATERIALIZED (
                SELECT h.id, h.product_id, h.date, h.location_id,
                       h.location_dest_id, h.quantity_product_uom,
                       h.lot_id, h.owner_id, h.package_id, h.result_package_id
                  FROM stock_move_line h
                 WHERE h.product_id IN (SELECT product_id FROM adj)
                   AND h.state = 'done'
                   AND h.date < %(end)s
                   AND (h.location_id IN (SELECT id FROM loc)
                        OR h.location_dest_id IN (SELECT id FROM loc))
            ),
            prior AS (
                -- did any of the product enter these locations before? (the
                -- lines of one count applied at once, lot by lot, all open)
                SELECT adj.id,
                       BOOL_OR(h.location_dest_id IN (SELECT id FROM loc))
                           AS had_stock
                  FROM adj
                  JOIN hist h ON h.product_id = adj.product_id
                   AND h.date < adj.date
              GROUP BY adj.id
            ),
            book AS (
                -- the quantity counted against: the same product, lot,
                -- package and owner in the same location, just before
                SELECT adj.id,
                       SUM(CASE WHEN h.location_dest_id = adj.location_id
                                 AND h.result_package_id
                                     IS NOT DISTINCT FROM adj.package_id
                                THEN h.quantity_product_uom ELSE 0 END
                         - CASE WHEN h.location_id = adj.location_id
                                 AND h.package_id
                                     IS NOT DISTINCT FROM adj.package_id
                                THEN h.quantity_product_uom ELSE 0 END) AS qty
                  FROM adj
                  JOIN hist h ON h.product_id = adj.product_id
                   AND h.lot_id IS NOT DISTINCT FROM adj.lot_id
                   AND h.owner_id IS NOT DISTINCT FROM adj.owner_id
                   AND (h.date < adj.date OR (h.date = adj.date AND h.id < adj.id))
              GROUP BY adj.id
            )
            SELECT adj.id AS move_line_id, adj.product_id, adj.date,
                   adj.location_id, adj.difference,
                   COALESCE(book.qty, 0) AS book_qty,
                   COALESCE(prior.had_stock, FALSE) AS had_stock,
                   CASE WHEN COALESCE(m.product_qty, 0) != 0
                        THEN m.value * adj.line_qty / m.product_qty
                        ELSE 0 END AS move_value
              FROM adj
              JOIN stock_move m ON m.id = adj.move_id
              LEFT JOIN book ON book.id = adj.id
              LEFT JOIN prior ON prior.id = adj.id
          ORDER BY adj.date, adj.id
                """,
                locations=self._internal_locations_sql(warehouses),
                start=start,
                end=end,
                company=self.company_id.id,
            )
        )

    def _prepare_adjustment_vals(self, adjustments, costs, info):
        vals_list = []
        for adj in adjustments:
            value = adj["move_value"] or 0.0
            if value:
                value = abs(value) * (1 if adj["difference"] > 0 else -1)
            else:
                value = adj["difference"] * costs[adj["product_id"]][1]
            opening = (
                not adj["had_stock"] and adj["book_qty"] == 0 and adj["difference"] > 0
            )
            vals_list.append(
                {
                    **self._section_vals(),
                    "kind": "opening" if opening else "difference",
                    "product_id": adj["product_id"],
                    "categ_id": info.get(adj["product_id"], (False,))[0],
                    "move_line_id": adj["move_line_id"],
                    "date": adj["date"],
                    "location_id": adj["location_id"],
                    "book_qty": adj["book_qty"],
                    "counted_qty": adj["book_qty"] + adj["difference"],
                    "difference_qty": adj["difference"],
                    "difference_value": value,
                }
            )
        return vals_list

    # ------------------------------------------------------------------
    # The check against Odoo's own analysis reports
    # ------------------------------------------------------------------

    def _pos_lines_paying_orders(self, start, end):
        """{POS line id: channel id} of the month's POS lines that pay for a
        sale order (pos_sale), with the order's channel: the lines that settle
        a line of the order, and the down payments taken on it at the POS (a
        line of the till's down payment product with its origin order).

        On the ordered basis the order counts and these lines do not; on the
        invoiced basis they count, in the order's channel, as the order is
        paid at the POS rather than invoiced."""
        return dict(
            self.env.execute_query(
                SQL(
                    """
            SELECT l.id, COALESCE(so.wholesale_channel_id, %(desk)s)
              FROM pos_order_line l
              JOIN pos_order o ON o.id = l.order_id
              LEFT JOIN pos_session ses ON ses.id = o.session_id
              LEFT JOIN pos_config cfg ON cfg.id = ses.config_id
              LEFT JOIN sale_order_line sol ON sol.id = l.sale_order_line_id
              LEFT JOIN sale_order so ON so.id = COALESCE(
                  sol.order_id,
                  CASE WHEN l.product_id = cfg.down_payment_product_id
                       THEN l.sale_order_origin_id END)
             WHERE (l.sale_order_line_id IS NOT NULL
                    OR l.sale_order_origin_id IS NOT NULL)  -- both indexed
               AND o.company_id = %(company)s
               AND o.date_order >= %(start)s AND o.date_order < %(end)s
               AND so.id IS NOT NULL
                    """,
                    desk=self._desk_sql(),
                    company=self.company_id.id,
                    start=start,
                    end=end,
                )
            )
        )

    def _check_against_odoo(self, start, end, warehouses, paying):
        """{revenue, qty}: the report's revenue and pieces sold as Odoo's own
        analysis reports give them for the same month, company, warehouses
        and channels, each line of them attributed as the report attributes
        it.

        Sale orders are checked against the Sales Analysis (``sale.report``,
        its sale order lines), invoices against the Invoicing Analysis
        (``account.invoice.report``, one row per invoice line) and POS lines
        against the Point of Sale Analysis (``report.pos.order``, one row per
        POS line). Reading these reports needs no more rights than the
        report's sources, which the user was checked for: hence sudo, for
        these reads.
        """
        env = (
            self.with_company(self.company_id)
            .with_context(allowed_company_ids=self.company_id.ids)
            .sudo()
            .env
        )
        channels = self.channel_ids
        desk = self.env["wholesale.sales.channel"]._wholesale_desk(self.company_id)
        pos_domain = Domain(
            [
                ("company_id", "=", self.company_id.id),
                ("date", ">=", start),
                ("date", "<", end),
                ("state", "in", list(POS_DONE_STATES)),
                ("product_id.type", "!=", "combo"),
            ]
        )
        if self.warehouse_ids:
            pos_domain &= Domain(
                "config_id.picking_type_id.warehouse_id", "in", warehouses.ids
            )
        if self.revenue_basis == "ordered":
            # a POS line paying for a sale order is the order's: not here
            pos_domain &= Domain("id", "not in", list(paying))
            if channels:
                pos_domain &= Domain("config_id", "in", channels.pos_config_id.ids)
            sale_domain = Domain(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date", ">=", start),
                    ("date", "<", end),
                    ("state", "=", "sale"),
                    ("product_id", "!=", False),
                    ("product_id.type", "!=", "combo"),
                ]
            )
            if self.warehouse_ids:
                sale_domain &= Domain("warehouse_id", "in", warehouses.ids)
            if channels:
                sale_domain &= Domain("wholesale_channel_id", "in", channels.ids)
            [(orders, orders_qty)] = env["sale.report"]._read_group(
                sale_domain, [], ["price_subtotal:sum", "product_uom_qty:sum"]
            )
        else:
            if channels:
                # a POS line paying for a sale order is in the order's channel
                theirs = [line for line, ch in paying.items() if ch in channels.ids]
                pos_domain &= Domain(
                    "config_id", "in", channels.pos_config_id.ids
                ) & Domain("id", "not in", list(paying)) | Domain("id", "in", theirs)
            invoice_domain = Domain(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ["out_invoice", "out_refund"]),
                    ("invoice_date", ">=", self.date_from),
                    ("invoice_date", "<=", self.date_to),
                    ("product_id", "!=", False),
                    ("product_id.type", "!=", "combo"),
                    ("move_id.pos_order_ids", "=", False),
                ]
            )
            lines = env["account.move.line"]
            if self.warehouse_ids:
                invoice_domain &= Domain(
                    "id",
                    "in",
                    lines._search(
                        [("sale_line_ids.order_id.warehouse_id", "in", warehouses.ids)]
                    ),
                )
            if channels:
                # an invoice line is its order's channel's; without an order
                # (or an order without channel), the desk's
                ours = Domain(
                    "sale_line_ids.order_id.wholesale_channel_id", "in", channels.ids
                )
                if desk in channels:
                    ours |= Domain("sale_line_ids", "=", False) | Domain(
                        "sale_line_ids.order_id.wholesale_channel_id", "=", False
                    )
                invoice_domain &= Domain("id", "in", lines._search(ours))
            [(orders, orders_qty)] = env["account.invoice.report"]._read_group(
                invoice_domain, [], ["price_subtotal:sum", "quantity:sum"]
            )
        [(pos, pos_qty)] = env["report.pos.order"]._read_group(
            pos_domain, [], ["price_subtotal_excl:sum", "product_qty:sum"]
        )
        return {
            "revenue": (orders or 0.0) + (pos or 0.0),
            "qty": (orders_qty or 0.0) + (pos_qty or 0.0),
        }
