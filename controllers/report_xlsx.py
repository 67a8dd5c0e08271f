from odoo.http import Controller, content_disposition, request, route


class MonthlyReportXlsxController(Controller):
    @route(
        "/wholesale_retail/monthly_report/<int:report_id>/xlsx",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def monthly_report_xlsx(self, report_id, **kwargs):
        """Download a monthly report as XLSX, with the user's own rights.

        It only reads the computed report: a read-only route, which Odoo may
        serve from a PostgreSQL replica."""
        report = request.env["wholesale.monthly.report"].browse(report_id).exists()
        if not report:
            return request.not_found()
        report.check_access("read")
        content = report._render_xlsx()
        filename = "%s.xlsx" % (report.name or "monthly-report")
        return request.make_response(
            content,
            [
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
