import base64
import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.modules import module

_logger = logging.getLogger(__name__)


class WholesaleMonthlyReportExports(models.Model):
    """The PDF, the XLSX and the monthly email."""

    _inherit = "wholesale.monthly.report"

    @api.readonly
    def action_download_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": "/wholesale_retail/monthly_report/%d/xlsx" % self.id,
            "target": "download",
        }

    @api.readonly
    def action_print_pdf(self):
        self.ensure_one()
        return self.env.ref("wholesale_retail.action_report_monthly").report_action(
            self
        )

    def _chart_bars(self):
        """Bars for the SVG chart of the PDF: revenue, cost and margin per
        channel, scaled to 0..100."""
        self.ensure_one()
        rows = self.summary_ids.filtered(lambda row: not row.is_total)
        top = max(
            [abs(v) for row in rows for v in (row.revenue, row.cogs, row.margin)]
            or [0.0]
        )
        bars = []
        for row in rows:
            for key, colour in (
                ("revenue", "#2e86c1"),
                ("cogs", "#b03a2e"),
                ("margin", "#239b56"),
            ):
                bars.append(
                    {
                        "label": row.channel_label,
                        "key": key,
                        "value": row[key],
                        "height": 100.0 * abs(row[key]) / top if top else 0.0,
                        "colour": colour,
                    }
                )
        return bars

    def _scope_label(self):
        """ "all channels, all warehouses" or the names chosen."""
        self.ensure_one()
        channels = (
            ", ".join(self.channel_ids.mapped("name"))
            if self.channel_ids
            else self.env._("all channels")
        )
        warehouses = (
            ", ".join(self.warehouse_ids.mapped("name"))
            if self.warehouse_ids
            else self.env._("all warehouses")
        )
        return f"{channels}; {warehouses}"

    def _format_number(self, value, digits=2):
        """A number with the thousands separator of the report's language."""
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        return lang.format(f"%.{digits}f", value or 0.0, grouping=True)

    def _render_pdf(self):
        self.ensure_one()
        # dates in the company's time zone, whoever renders it (the cron too)
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(tz=self.tz)
            ._render_qweb_pdf("wholesale_retail.action_report_monthly", self.ids)
        )
        return content

    def _render_xlsx(self):
        self.ensure_one()
        return self.env["report.wholesale_retail.monthly_report_xlsx"]._generate_xlsx(
            self
        )  # dates in the company's time zone: see _sections

    def _export_attachments(self):
        self.ensure_one()
        stem = "monthly-report-%s-%s-%s" % (
            self.date_from.strftime("%Y-%m"),
            self.company_id.id,
            self.env.lang or "en_US",  # one pair of files per language mailed
        )
        return self.env["ir.attachment"].create(
            [
                {
                    "name": "%s.pdf" % stem,
                    "datas": base64.b64encode(self._render_pdf()),
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                },
                {
                    "name": "%s.xlsx" % stem,
                    "datas": base64.b64encode(self._render_xlsx()),
                    "mimetype": "application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                    "res_model": self._name,
                    "res_id": self.id,
                },
            ]
        )

    def _monthly_report_recipients(self):
        """The partners the report is mailed to: the company's chosen
        recipients (Settings > Wholesale & Retail) that have an email, or when
        it chose none, its wholesale managers that have one."""
        self.ensure_one()
        chosen = self.company_id.wholesale_monthly_report_partner_ids
        if chosen:
            return chosen.filtered("email")
        managers = self.env.ref("wholesale_retail.group_wholesale_manager").user_ids
        managers = managers.filtered(
            lambda user: (
                user.active
                and not user.share
                and self.company_id in user.company_ids
                and user.partner_id.email
            )
        )
        return managers.partner_id

    def _send_to_managers(self):
        """Mail the PDF and the XLSX to the report's recipients (see
        ``_monthly_report_recipients``), one mail per language of theirs: the
        subject, the text and both files in that language; nothing when the
        company turned the monthly email off."""
        self.ensure_one()
        mails = self.env["mail.mail"]
        if not self.company_id.wholesale_monthly_report_email:
            return mails
        recipients = self._monthly_report_recipients()
        if not recipients:
            _logger.info("Monthly report %s: no recipient with an email", self.name)
            return mails
        template = self.env.ref("wholesale_retail.mail_template_monthly_report")
        default_lang = self.company_id.partner_id.lang or self.env.lang or "en_US"
        by_lang = recipients.grouped(lambda partner: partner.lang or default_lang)
        for lang, partners in sorted(by_lang.items()):
            report = self.with_context(lang=lang)
            attachments = report._export_attachments()
            mail_id = template.with_context(lang=lang).send_mail(
                self.id,
                email_values={
                    "recipient_ids": [(6, 0, partners.ids)],
                    "attachment_ids": [(6, 0, attachments.ids)],
                },
            )
            mails |= self.env["mail.mail"].browse(mail_id)
        return mails

    @api.model
    def _last_month_of(self, company, today=None):
        """The first day of the month before ``today`` in ``company``'s time
        zone (the cron runs as a user without one)."""
        if today is None:
            tz = company.partner_id.tz or "UTC"
            today = fields.Date.context_today(self.with_context(tz=tz))
        return (today.replace(day=1) - relativedelta(months=1)).replace(day=1)

    @api.model
    def _cron_send_monthly_report(self, companies=None, today=None):
        """On the 1st: build last month's report of each company that emails
        it (``res.company.wholesale_monthly_report_email``) and mail the PDF
        and the XLSX to its recipients (see ``_monthly_report_recipients``).

        Each company in its own transaction: a failing company is logged and
        rolled back, and the others are still computed and sent. A company
        whose month was mailed already (a retried run) is skipped.
        """
        companies = (companies or self.env["res.company"].search([])).filtered(
            "wholesale_monthly_report_email"
        )
        mails = self.env["mail.mail"]
        for index, company in enumerate(companies, 1):
            try:
                with self.env.cr.savepoint():
                    mails |= self._send_monthly_report_of(company, today)
            except Exception:
                self.env.invalidate_all()
                _logger.exception(
                    "Monthly report of %s (id %s) failed; the other companies' "
                    "reports are still sent",
                    company.name,
                    company.id,
                )
                continue
            if not module.current_test:
                # one company's mail is sent for good
                self.env["ir.cron"]._commit_progress(
                    1, remaining=len(companies) - index
                )
        return mails

    @api.model
    def _send_monthly_report_of(self, company, today=None):
        month = self._last_month_of(company, today)
        report_model = self.with_company(company).with_context(
            allowed_company_ids=company.ids
        )
        report = report_model.search(
            [
                ("company_id", "=", company.id),
                ("date_from", "=", month),
                ("warehouse_ids", "=", False),
                ("channel_ids", "=", False),
                ("revenue_basis", "=", "ordered"),
            ],
            limit=1,
        ) or report_model.create({"company_id": company.id, "date_from": month})
        if report.mailed_on:
            return self.env["mail.mail"]
        report.action_compute()
        mails = report._send_to_managers()
        report.mailed_on = fields.Datetime.now()
        return mails
