import io
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import polib
from dateutil.relativedelta import relativedelta
from lxml import etree
from lxml import html as lxml_html

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import format_date, formatLang

from .test_invoice_pdf import normalise
from .test_translations import LANGS, po_of

I18N = Path(__file__).resolve().parents[1] / "i18n"
SHEETS = (
    "Summary",
    "Sales by Product",
    "Slow Movers",
    "Top Movers",
    "Returns by Reason",
    "Receivables",
    "Reconciliation",
)
SUMMARY_HEADERS = ("Channel", "Gross Sales", "Refunds", "Revenue", "Cost of Goods Sold")
SUBJECT = "Monthly report {{ object.name }}"


def mail_body_msgid():
    """The monthly email's text, as the .pot holds it (one term)."""
    return next(
        entry.msgid
        for entry in polib.pofile(str(I18N / "wholesale_retail.pot"))
        if "Here is the merged" in entry.msgid
    )


def overlapping_words(bbox_html):
    """The pairs of words of one line that a PDF prints over each other, from
    ``pdftotext -bbox`` (coordinates are per page): [(word, word, points of
    overlap)]."""
    tree = etree.fromstring(
        bbox_html.encode(), etree.XMLParser(recover=True, huge_tree=True)
    )
    overlaps = []
    for page in tree.iter("{*}page"):
        boxes = [
            (*(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")), word.text)
            for word in page.iter("{*}word")
        ]
        for index, (x0, y0, x1, y1, text) in enumerate(boxes):
            for u0, v0, u1, v1, other in boxes[index + 1 :]:
                shared_height = min(y1, v1) - max(y0, v0)
                if shared_height < 0.5 * min(y1 - y0, v1 - v0):
                    continue  # not on one line
                overlap = min(x1, u1) - max(x0, u0)
                if overlap > 1.0:
                    overlaps.append((text, other, round(overlap, 1)))
    return overlaps


class LanguagesReportCase:
    """The seven languages loaded, and last month's report of a company of
    its own: the files hold only what the test made, on any database (the
    demo's has months of sales)."""

    @classmethod
    def _set_up_report(cls):
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
            cls.env["ir.module.module"]._load_module_terms(
                ["wholesale_retail"], [code], overwrite=True
            )
        cls.env.user.group_ids |= cls.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )
        first = date.today().replace(day=1) - relativedelta(months=1)
        company = cls.env["res.company"].create({"name": "WR Languages Co"})
        cls.env.user.company_ids |= company
        cls.report = cls.env["wholesale.monthly.report"].create(
            {"date_from": first, "company_id": company.id}
        )
        cls.report.action_compute()


@tagged("post_install", "-at_install")
class TestMonthlyReportLanguages(LanguagesReportCase, TransactionCase):
    """The monthly report's XLSX and email in the reader's language: the
    XLSX's sheet names and headers (Arabic sheets from the right), one
    monthly email per language of the recipients, each with its own subject,
    text and files, and labels in each language in one transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_up_report()

    def _workbook(self, code):
        content = self.report.with_context(lang=code)._render_xlsx()
        return openpyxl.load_workbook(io.BytesIO(content))

    def test_xlsx_in_each_language(self):
        for code in LANGS:
            with self.subTest(lang=code):
                po = po_of(code)
                workbook = self._workbook(code)
                self.assertEqual(
                    workbook.sheetnames,
                    [po[name][:31] for name in SHEETS],
                    "the sheet names in the language",
                )
                summary = workbook.worksheets[0]
                self.assertEqual(
                    [summary.cell(4, col).value for col in range(1, 6)],
                    [po[header] for header in SUMMARY_HEADERS],
                )
                self.assertEqual(
                    summary["A1"].value, f"{po['Summary']}: {self.report.name}"
                )
                # the month's first day, written as the language writes dates
                self.assertIn(
                    format_date(
                        self.env(context={"lang": code}), self.report.date_from
                    ),
                    summary["A2"].value,
                )
                self.assertNotIn("amounts in", summary["A2"].value)
                self.assertEqual(
                    bool(summary.sheet_view.rightToLeft),
                    code == "ar_001",
                    "Arabic sheets read from the right",
                )

    def test_sheet_names_excel_accepts(self):
        """A translation Excel would refuse as a sheet name (too long, with
        its forbidden characters, or two alike) still gives a workbook."""
        xlsx = self.env["report.wholesale_retail.monthly_report_xlsx"]
        taken = []
        for name in (
            "Ventes par produit / par canal [mois]: détail*",
            "Ventes par produit / par canal [mois]: détail?",
            "Summary",
            "summary",
            "x" * 30 + "'s sheet",  # Excel refuses a name ending with '
        ):
            taken.append(xlsx._sheet_name(name, taken))
        self.assertEqual(
            taken,
            [
                "Ventes par produit par canal mo",
                "Ventes par produit par cana (2)",
                "Summary",
                "summary (2)",
                "x" * 30,
            ],
        )

    def test_labels_in_each_language_in_one_transaction(self):
        """The labels the report computes follow the language they are read
        in, also within one transaction (the monthly email renders each
        language in turn)."""
        total = self.report.summary_ids.filtered("is_total")
        self.assertEqual(len(total), 1)
        for code in ("th_TH", "ar_001", "en_US", "th_TH"):
            with self.subTest(lang=code):
                po = po_of(code) if code != "en_US" else {}
                self.assertEqual(
                    total.with_context(lang=code).channel_label,
                    po.get("Total", "Total"),
                )
                source = "Sales Analysis + Point of Sale Analysis"
                self.assertEqual(
                    self.report.with_context(lang=code).check_source,
                    po.get(source, source),
                )

    def test_monthly_email_per_language(self):
        """Four managers who read Arabic, Thai, Spanish and English get four
        mails: each its subject, text, figures and files in the reader's
        language."""
        managers = {
            code: new_test_user(
                self.env,
                login=f"wr_monthly_{code}",
                email=f"monthly.{code}@example.com",
                groups="base.group_user,wholesale_retail.group_wholesale_manager",
                lang=code,
            )
            for code in ("ar_001", "th_TH", "es_ES", "en_US")
        }
        self.report.company_id.wholesale_monthly_report_partner_ids = [
            (6, 0, [user.partner_id.id for user in managers.values()])
        ]
        mails = self.report.with_context(
            force_report_rendering=False
        )._send_to_managers()
        self.assertEqual(len(mails), 4)
        for code, user in managers.items():
            with self.subTest(lang=code):
                mail = mails.filtered(
                    lambda m, user=user: m.recipient_ids == user.partner_id
                )
                self.assertEqual(len(mail), 1)
                po = po_of(code) if code != "en_US" else {}
                subject = po.get(SUBJECT) or SUBJECT
                self.assertEqual(
                    mail.subject, subject.replace("{{ object.name }}", self.report.name)
                )
                body = " ".join(
                    lxml_html.fromstring(mail.body_html).text_content().split()
                )
                body_msgid = mail_body_msgid()
                template = lxml_html.fromstring(po.get(body_msgid) or body_msgid)
                for words in (
                    template.xpath("//p")[0].text_content(),  # "Hello,"
                    template.xpath("//li")[0].text,  # "Revenue: "
                ):
                    self.assertIn(" ".join(words.split()), body)
                # the return rate as the language writes numbers ("0,0" in
                # Spanish), not Python's "%.1f"
                rate = formatLang(
                    self.env(context={"lang": code}),
                    self.report.return_rate_value,
                    digits=1,
                )
                self.assertIn(f"{rate} %", body)
                xlsx = mail.attachment_ids.filtered(lambda a: a.name.endswith(".xlsx"))
                sheets = openpyxl.load_workbook(io.BytesIO(xlsx.raw)).sheetnames
                self.assertEqual(sheets[0], po.get("Summary", "Summary"))
                pdf = mail.attachment_ids.filtered(lambda a: a.name.endswith(".pdf"))
                page = lxml_html.fromstring(pdf.raw).xpath("//body")[0]
                self.assertEqual(page.get("dir"), "rtl" if code == "ar_001" else "ltr")


@tagged("post_install", "-at_install")
class TestMonthlyReportPdfLanguages(LanguagesReportCase, HttpCase):
    """The monthly report's PDF printed for real in Arabic and Thai (an
    HttpCase: wkhtmltopdf fetches the report's styles from the test server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_up_report()
        cls.env["ir.config_parameter"].set_param("report.url", cls.base_url())

    @staticmethod
    def _run(cmd):
        return subprocess.run(cmd, capture_output=True, check=True, text=True).stdout

    def test_pdf_in_arabic_and_thai(self):
        """Printed by wkhtmltopdf: the page runs right to left in Arabic, and
        the report's title and sections are in the language's words."""
        for code, direction in (("ar_001", "rtl"), ("th_TH", "ltr")):
            with self.subTest(lang=code):
                po = po_of(code)
                report = self.report.with_context(lang=code)
                html = report.with_context(force_report_rendering=False)._render_pdf()
                body = lxml_html.fromstring(html).xpath("//body")[0]
                self.assertEqual(body.get("dir"), direction)
                pdf = report.with_context(force_report_rendering=True)._render_pdf()
                self.assertTrue(pdf.startswith(b"%PDF"))
                with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
                    file.write(pdf)
                    file.flush()
                    text = self._run(["pdftotext", "-enc", "UTF-8", file.name, "-"])
                    words = self._run(["pdftotext", "-bbox", file.name, "-"])
                self.assertGreater(words.count("<word "), 100)
                self.assertEqual(
                    overlapping_words(words),
                    [],
                    "words printed over each other (wkhtmltopdf without "
                    "patched Qt draws Arabic lines so: python3 scripts/wr.py "
                    "test puts the patched one first on the PATH)",
                )
                # pdftotext may split an Arabic word where it joins letters:
                # compared without spaces
                text = normalise(text).replace(" ", "")
                for label in ("Monthly Report", "Summary", "Slow Movers", "Top Movers"):
                    self.assertIn(normalise(po[label]).replace(" ", ""), text, label)
                self.assertNotIn("SlowMovers", text)
