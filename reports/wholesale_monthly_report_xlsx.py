import io
import re

import xlsxwriter

from odoo import fields, models
from odoo.tools import format_date

#: characters Excel refuses in a sheet name, and its longest sheet name
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


class MonthlyReportXlsx(models.AbstractModel):
    """Writes a computed ``wholesale.monthly.report`` as an XLSX workbook.

    One sheet per section, bold frozen header rows, numbers written as
    numbers (with a number format), dates as dates.
    """

    _name = "report.wholesale_retail.monthly_report_xlsx"
    _description = "Monthly Report XLSX"

    def _generate_xlsx(self, report):
        report.ensure_one()
        report.check_access("read")
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        styles = self._styles(workbook, report)
        empty = self._empty_messages(report)
        rtl = self.env["res.lang"]._get_data(code=self.env.lang).direction == "rtl"
        for sheet_name, columns, rows in self._sections(report):
            sheet = self._write_sheet(
                workbook, styles, sheet_name, columns, rows, report
            )
            if rtl:
                # Arabic: the sheet reads from the right, as Excel does for it
                sheet.right_to_left()
            if sheet_name in empty:
                sheet.write_string(2, 0, empty[sheet_name], styles["text"])
        workbook.close()
        return buffer.getvalue()

    def _styles(self, workbook, report):
        digits = report.currency_id.decimal_places or 0
        money = "#,##0" + ("." + "0" * digits if digits else "")
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {
                    "bold": True,
                    "bg_color": "#D9E1F2",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "text": workbook.add_format({}),
            "money": workbook.add_format({"num_format": money}),
            "qty": workbook.add_format({"num_format": "#,##0.##"}),
            "percent": workbook.add_format({"num_format": "0.00"}),
            "days": workbook.add_format({"num_format": "#,##0.0"}),
            "int": workbook.add_format({"num_format": "0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }

    def _empty_messages(self, report):
        """{sheet name: why it is empty} for the sections with nothing."""
        _ = self.env._
        messages = {}
        if not report.has_sales:
            messages[_("Summary")] = messages[_("Sales by Product")] = _(
                "No sale, refund or return in this month for these warehouses "
                "and channels."
            )
        if not report.product_ids.filtered("slow_rank"):
            messages[_("Slow Movers")] = _(
                "No product was in stock at the end of the month."
            )
        if not report.product_ids.filtered("top_rank"):
            messages[_("Top Movers")] = _("No stocked product was sold in this month.")
        if not report.return_ids:
            messages[_("Returns by Reason")] = _("No goods came back in this month.")
        if len(report.receivable_ids) <= 1:
            messages[_("Receivables")] = _(
                "No wholesale customer was invoiced, paid or owed money in this month."
            )
        if not report.adjustment_ids:
            messages[_("Reconciliation")] = _(
                "No inventory count was applied in this month in these "
                "warehouses: there is nothing to reconcile."
            )
        return messages

    def _sections(self, report):
        """(sheet name, [(header, style, width)], rows of values)."""
        _ = self.env._
        summary_cols = [
            (_("Channel"), "text", 14),
            (_("Gross Sales"), "money", 14),
            (_("Refunds"), "money", 12),
            (_("Revenue"), "money", 14),
            (_("Cost of Goods Sold"), "money", 14),
            (_("Gross Margin"), "money", 14),
            (_("Margin %"), "percent", 10),
            (_("Pieces Sold"), "qty", 12),
            (_("Whole Cartons Sold"), "int", 12),
            (_("Pieces Returned"), "qty", 12),
            (_("Returns (value)"), "money", 12),
            (_("Return Rate (value) %"), "percent", 12),
            (_("Return Rate (units) %"), "percent", 12),
            (_("Average Stock Value"), "money", 14),
            (_("Inventory Turnover Days"), "days", 12),
        ]
        summary_rows = [
            [
                row.channel_label,
                row.gross_revenue,
                row.refunded_value,
                row.revenue,
                row.cogs,
                row.margin,
                row.margin_percent,
                row.qty_sold,
                row.qty_cartons,
                row.returned_qty,
                row.returned_value,
                row.return_rate_value,
                row.return_rate_qty,
                row.avg_stock_value if row.is_total else None,
                row.turnover_days if row.is_total else None,
            ]
            for row in report.summary_ids
        ]
        summary_rows.append([None] * len(summary_cols))
        summary_rows.append(
            [
                _("Checked against Odoo's %(analysis)s", analysis=report.check_source),
                None,
                None,
                report.check_revenue,
                None,
                None,
                None,
                report.check_qty,
            ]
            + [None] * (len(summary_cols) - 8)
        )
        summary_rows.append(
            [_("Difference"), None, None, report.check_difference]
            + [None] * (len(summary_cols) - 4)
        )
        summary_rows.append([None] * len(summary_cols))
        summary_rows.append(
            [
                _(
                    "Refunds: money given back (POS refunds; on the invoiced "
                    "basis, credit notes), which lowers revenue. Returns: goods "
                    "that came back in the month, however they were returned, "
                    "at the price they were sold for; the return rates compare "
                    "them with the gross sales."
                )
            ]
            + [None] * (len(summary_cols) - 1)
        )
        line_cols = [
            (_("Channel"), "text", 12),
            (_("Internal Reference"), "text", 14),
            (_("Product"), "text", 32),
            (_("Product Category"), "text", 18),
            (_("Gross Sales"), "money", 13),
            (_("Refunds"), "money", 12),
            (_("Revenue"), "money", 13),
            (_("Cost of Goods Sold"), "money", 13),
            (_("Gross Margin"), "money", 13),
            (_("Margin %"), "percent", 10),
            (_("Pieces Sold"), "qty", 11),
            (_("Whole Cartons"), "int", 11),
            (_("Loose Pieces"), "qty", 11),
            (_("Pieces Returned"), "qty", 11),
            (_("Returns (value)"), "money", 12),
            (_("Return Rate (value) %"), "percent", 11),
            (_("Return Rate (units) %"), "percent", 11),
        ]
        lines = report.line_ids
        lines.product_id.fetch(["default_code", "display_name"])
        line_rows = [
            [
                line.channel_id.name,
                line.product_id.default_code or "",
                line.product_id.display_name,
                line.categ_id.display_name or "",
                line.gross_revenue,
                line.refunded_value,
                line.revenue,
                line.cogs,
                line.margin,
                line.margin_percent,
                line.qty_sold,
                line.qty_cartons,
                line.qty_loose,
                line.returned_qty,
                line.returned_value,
                line.return_rate_value,
                line.return_rate_qty,
            ]
            for line in lines
        ]
        slow_cols = [
            (_("Rank"), "int", 7),
            (_("Internal Reference"), "text", 14),
            (_("Product"), "text", 32),
            (_("Days of Cover"), "days", 11),
            (_("No Sales"), "text", 9),
            (_("Pieces Sold"), "qty", 11),
            (_("Opening Stock"), "qty", 11),
            (_("Closing Stock"), "qty", 11),
            (_("Unit Cost"), "money", 11),
            (_("Stock Value Tied Up"), "money", 14),
            (_("Average Stock Value"), "money", 14),
            (_("Last Sale Date"), "date", 12),
        ]
        yes, no = _("Yes"), _("No")
        slow_rows = [
            [
                rec.slow_rank,
                rec.product_id.default_code or "",
                rec.product_id.display_name,
                None if rec.no_sales else rec.days_of_cover,
                yes if rec.no_sales else no,
                rec.qty_sold,
                rec.opening_qty,
                rec.closing_qty,
                rec.unit_cost,
                rec.stock_value,
                rec.avg_stock_value,
                rec.last_sale_date or None,
            ]
            for rec in report.product_ids.filtered("slow_rank").sorted("slow_rank")
        ]
        top_cols = [
            (_("Rank"), "int", 7),
            (_("Internal Reference"), "text", 14),
            (_("Product"), "text", 32),
            (_("Pieces Sold"), "qty", 11),
            (_("Whole Cartons"), "int", 11),
            (_("Loose Pieces"), "qty", 11),
            (_("Revenue"), "money", 13),
            (_("Gross Margin"), "money", 13),
            (_("Closing Stock"), "qty", 11),
            (_("Days of Cover"), "days", 11),
        ]
        top_rows = [
            [
                rec.top_rank,
                rec.product_id.default_code or "",
                rec.product_id.display_name,
                rec.qty_sold,
                rec.qty_cartons,
                rec.qty_loose,
                rec.revenue,
                rec.revenue - rec.cogs,
                rec.closing_qty,
                None if rec.no_sales else rec.days_of_cover,
            ]
            for rec in report.product_ids.filtered("top_rank").sorted("top_rank")
        ]
        kinds = dict(
            report.adjustment_ids._fields["kind"]._description_selection(self.env)
        )
        adj_cols = [
            (_("Kind"), "text", 18),
            (_("Date"), "datetime", 16),
            (_("Internal Reference"), "text", 14),
            (_("Product"), "text", 32),
            (_("Location"), "text", 20),
            (_("Book Quantity"), "qty", 12),
            (_("Counted Quantity"), "qty", 12),
            (_("Difference"), "qty", 12),
            (_("Difference Value"), "money", 14),
        ]
        adj_rows = [
            [
                kinds.get(adj.kind, adj.kind),
                fields.Datetime.context_timestamp(
                    self.with_context(tz=report.tz), adj.date
                ).replace(tzinfo=None),
                adj.product_id.default_code or "",
                adj.product_id.display_name,
                adj.location_id.display_name or "",
                adj.book_qty,
                adj.counted_qty,
                adj.difference_qty,
                adj.difference_value,
            ]
            for adj in report.adjustment_ids
        ]
        dispositions = dict(
            report.return_ids._fields["disposition"]._description_selection(self.env)
        )
        return_cols = [
            (_("Channel"), "text", 18),
            (_("Reason"), "text", 22),
            (_("Disposition"), "text", 14),
            (_("Returned Lines"), "int", 10),
            (_("Pieces Returned"), "qty", 12),
            (_("Value at Sale Price"), "money", 14),
            (_("Value at Cost"), "money", 14),
        ]
        return_rows = [
            [
                ret.channel_id.name or "",
                ret.reason_id.name or "",
                dispositions.get(ret.disposition, ""),
                ret.returns,
                ret.qty,
                ret.value_sale,
                ret.value_cost,
            ]
            for ret in report.return_ids
        ]
        receivable_cols = [
            (_("Customer"), "text", 28),
            (_("Invoiced"), "money", 14),
            (_("Collected"), "money", 14),
            (_("Open at Month End"), "money", 14),
            (_("Overdue at Month End"), "money", 14),
            (_("Current"), "money", 13),
            (_("1-30 Days"), "money", 13),
            (_("31-60 Days"), "money", 13),
            (_("61-90 Days"), "money", 13),
            (_("90+ Days"), "money", 13),
            (_("Unallocated Credits"), "money", 14),
        ]
        receivable_rows = [
            [
                rec.partner_label,
                rec.invoiced,
                rec.collected,
                rec.open_amount,
                rec.overdue_amount,
                rec.amount_current,
                rec.amount_1_30,
                rec.amount_31_60,
                rec.amount_61_90,
                rec.amount_90_plus,
                rec.amount_credits,
            ]
            for rec in report.receivable_ids
        ]
        return [
            (_("Summary"), summary_cols, summary_rows),
            (_("Sales by Product"), line_cols, line_rows),
            (_("Slow Movers"), slow_cols, slow_rows),
            (_("Top Movers"), top_cols, top_rows),
            (_("Returns by Reason"), return_cols, return_rows),
            (_("Receivables"), receivable_cols, receivable_rows),
            (_("Reconciliation"), adj_cols, adj_rows),
        ]

    @staticmethod
    def _sheet_name(name, taken):
        """``name`` as Excel takes it: without the characters it refuses, at
        most 31 characters, and unlike the names in ``taken`` (a translation
        may be longer, or two may read alike)."""
        name = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", name).split()).strip("'")
        name = name or "Sheet"
        taken = {other.casefold() for other in taken}
        candidate, number = name[:SHEET_NAME_MAX].rstrip(" '"), 1
        while candidate.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = name[: SHEET_NAME_MAX - len(suffix)].rstrip(" '") + suffix
        return candidate

    def _write_sheet(self, workbook, styles, sheet_name, columns, rows, report):
        # the language the sheet's words are in (env._ falls back to English)
        lang = self.env.lang or "en_US"
        taken = [sheet.name for sheet in workbook.worksheets()]
        sheet = workbook.add_worksheet(self._sheet_name(sheet_name, taken))
        sheet.write(0, 0, "%s: %s" % (sheet_name, report.name), styles["title"])
        sheet.write(
            1,
            0,
            self.env._(
                "%(date_from)s to %(date_to)s, amounts in %(currency)s",
                date_from=format_date(self.env, report.date_from, lang_code=lang),
                date_to=format_date(self.env, report.date_to, lang_code=lang),
                currency=report.currency_id.name,
            ),
        )
        header_row = 3
        for col, (header, _style, width) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write_string(header_row, col, header, styles["header"])
        sheet.freeze_panes(header_row + 1, 0)
        for row_index, values in enumerate(rows, header_row + 1):
            for col, value in enumerate(values):
                style = styles[columns[col][1]]
                if value is None or value is False:
                    sheet.write_blank(row_index, col, None, style)
                elif columns[col][1] in ("date", "datetime"):
                    sheet.write_datetime(row_index, col, value, style)
                elif isinstance(value, int | float):
                    sheet.write_number(row_index, col, value, style)
                else:
                    sheet.write_string(row_index, col, str(value), style)
        if rows:
            sheet.autofilter(header_row, 0, header_row + len(rows), len(columns) - 1)
        return sheet
