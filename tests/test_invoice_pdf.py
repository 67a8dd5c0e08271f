import shutil
import subprocess
import tempfile
import unicodedata
from unittest.mock import patch

from lxml import html as lxml_html
from num2words import num2words

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_date, formatLang

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .test_translations import po_of

# The amount in words of 1,234.56 in Chinese, written here by hand.
ZH_WORDS = {
    "zh_CN": "壹仟贰佰叁拾肆元伍角陆分",
    "zh_TW": "壹仟貳佰參拾肆元伍角陸分",
}
# Chinese names of the currencies the test company may use.
ZH_CURRENCY = {
    "zh_CN": {"CNY": "", "USD": "美元", "EUR": "欧元", "AED": "阿联酋迪拉姆"},
    "zh_TW": {"TWD": "", "USD": "美元", "EUR": "歐元", "AED": "阿聯酋迪拉姆"},
}


def normalise(text):
    """``text`` on one line, compared by its letters.

    NFKC folds Arabic presentation forms and CJK radicals (⾓ for 角) that
    pdftotext may give back; bidi controls (category Cf) and combining marks
    (Mn: Thai tone marks, which pdftotext drops) are removed.
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Mn"))
    return " ".join(text.split())


@tagged("post_install", "-at_install")
class TestInvoicePdf(AccountTestInvoicingCommon, HttpCase):
    """The wholesale invoice printed by an invoicing user, in the customer's
    language: payment terms and due dates, cartons and pieces per line, and
    the amount in words.

    The PDF is printed for real by wkhtmltopdf, with the report's styles
    fetched from this test server (hence an HttpCase). Debian's wkhtmltopdf
    (unpatched Qt) draws text set in the report's web font (Lato: Latin
    letters, digits) as outlines, without a text layer (the setup puts the
    build with patched Qt first, which keeps it text, but the test holds with
    either); the amount in words is set in a system font (DejaVu, Noto for
    Thai and Chinese) and is real text in every language. So the PDF is
    checked for the words and fonts, and the very same HTML that wkhtmltopdf
    prints is checked for the rest (cartons, due dates, amounts).

    The invoice: 3 cartons of 24 kettles at 400.00 and 6 loose kettles at
    5.76, no taxes: 1,234.56, due half in 30 days and half in 60 days.
    """

    LANGS = ("ar_001", "th_TH", "zh_CN", "zh_TW", "es_ES")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for tool in ("pdftotext", "pdffonts"):
            if not shutil.which(tool):
                raise AssertionError(
                    f"{tool} is missing: install poppler-utils "
                    "(python3 scripts/wr.py test does it)"
                )
        for code in cls.LANGS:
            cls.env["res.lang"]._activate_lang(code)
        # the addon's words in each language, as on a database that has them
        cls.env["ir.module.module"]._load_module_terms(
            ["wholesale_retail"], list(cls.LANGS), overwrite=True
        )
        # wkhtmltopdf fetches the report's styles from this test server
        cls.env["ir.config_parameter"].set_param("report.url", cls.base_url())
        cls.env.user.group_ids |= cls.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )
        cls.company = cls.company_data["company"]
        cls.currency = cls.company_data["currency"]
        cls.invoicing_user = new_test_user(
            cls.env,
            login="wr_pdf_invoicing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "WR PDF Wholesaler", "wholesale_customer": True}
        )
        cls.retail_customer = cls.env["res.partner"].create(
            {"name": "WR PDF Retail Customer"}
        )
        cls.product = cls._create_product(
            name="WR PDF Kettle", lst_price=5.76, taxes_id=[Command.clear()]
        )
        cls.carton = (
            cls.env["wholesale.unit.step"]
            .create(
                {
                    "product_tmpl_id": cls.product.product_tmpl_id.id,
                    "name": "Carton",
                    "pieces": 24,
                    "is_wholesale_unit": True,
                }
            )
            .uom_id
        )
        cls.payment_term = cls.env["account.payment.term"].create(
            {
                "name": "WR PDF half in 30 days, half in 60 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 50, "nb_days": 30}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 50, "nb_days": 60}
                    ),
                ],
            }
        )
        cls.invoice = cls._wr_invoice(cls.customer)

    @classmethod
    def _wr_invoice(cls, partner):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.to_date("2026-01-15"),
                "invoice_payment_term_id": cls.payment_term.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_id": cls.carton.id,
                            "quantity": 3,
                            "price_unit": 400.0,
                            "tax_ids": [Command.clear()],
                        }
                    ),
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "quantity": 6,
                            "price_unit": 5.76,
                            "tax_ids": [Command.clear()],
                        }
                    ),
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _report(self):
        return self.env["ir.actions.report"].with_user(self.invoicing_user)

    def _html_text(self, invoices):
        """The text of the HTML that wkhtmltopdf prints for ``invoices``."""
        self.env.invalidate_all()
        content, _type = self._report()._render_qweb_html(
            "account.account_invoices", invoices.ids, data={"report_type": "pdf"}
        )
        tree = lxml_html.fromstring(content)
        # what the PDF does not show (display: none) is not its text
        for hidden in tree.xpath("//*[contains(concat(' ', @class, ' '), ' d-none ')]"):
            hidden.drop_tree()
        return normalise(tree.text_content())

    def _pdf(self, invoice):
        """The real PDF of ``invoice``: (its text, the fonts it embeds)."""
        self.env.invalidate_all()
        pdf, report_type = (
            self._report()
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", invoice.ids)
        )
        self.assertEqual(report_type, "pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = self._run(["pdftotext", "-enc", "UTF-8", file.name, "-"])
            fonts = self._run(["pdffonts", file.name])
        return normalise(text), fonts

    @staticmethod
    def _run(cmd):
        return subprocess.run(cmd, capture_output=True, check=True, text=True).stdout

    def _expected_words(self, lang):
        """The amount in words, computed here without the addon's code."""
        if lang in ZH_WORDS:
            prefix = ZH_CURRENCY[lang].get(self.currency.name, self.currency.name)
            return [prefix + ZH_WORDS[lang]]
        iso = self.env["res.lang"]._get_data(code=lang).iso_code
        return [num2words(1234, lang=iso).title(), num2words(56, lang=iso).title()]

    def _assert_all_in(self, expected, text, msg, pdf=False):
        for words in expected:
            if pdf:
                # pdftotext may split an Arabic word where wkhtmltopdf joins
                # its letters: the PDF's text is compared without spaces
                self.assertIn(
                    normalise(words).replace(" ", ""), text.replace(" ", ""), msg
                )
            else:
                self.assertIn(normalise(words), text, msg)

    def test_wholesale_invoice_in_each_language(self):
        self.assertEqual(self.invoice.amount_total, 1234.56)
        carton_line, piece_line = self.invoice.invoice_line_ids.sorted("quantity")
        due_dates = sorted(
            self.invoice.line_ids.filtered(
                lambda l: l.display_type == "payment_term"
            ).mapped("date_maturity")
        )
        self.assertEqual(
            due_dates,
            [fields.Date.to_date("2026-02-14"), fields.Date.to_date("2026-03-16")],
        )
        for lang in self.LANGS:
            with self.subTest(lang=lang):
                self.customer.lang = lang
                lang_env = self.env(context=dict(self.env.context, lang=lang))
                words = self._expected_words(lang)
                # the PDF: the words in the customer's script, in a font that has it
                pdf_text, fonts = self._pdf(self.invoice)
                self._assert_all_in(
                    words, pdf_text, f"{lang} PDF: {pdf_text}", pdf=True
                )
                if lang.startswith("zh"):
                    self.assertIn("CJK", fonts)
                if lang == "th_TH":
                    self.assertIn("Thai", fonts)
                # what wkhtmltopdf printed
                text = self._html_text(self.invoice)
                label = po_of(lang)["Amount in words:"]
                self._assert_all_in([label, *words], text, lang)
                # cartons and the pieces they make; pieces alone on a piece line
                carton_label = carton_line.with_env(lang_env)._wholesale_pieces_label()
                piece_label = piece_line.with_env(lang_env)._wholesale_pieces_label()
                # the quantity in the unit the price is for, and its pieces,
                # in the language's words ("pcs" is translated)
                pcs = carton_line.product_id.with_env(lang_env)._wholesale_unit_label()
                self.assertNotEqual(pcs, "pcs")
                for part in ("3 Carton (24)", "72", pcs):
                    self.assertIn(part, carton_label)
                self.assertTrue(piece_label.startswith("6 "), piece_label)
                self.assertNotIn("=", piece_label)
                self._assert_all_in([carton_label, piece_label], text, lang)
                # the payment terms, and each due date with its amount
                self.assertIn(self.payment_term.name, text)
                half = normalise(formatLang(lang_env, 617.28, digits=2))
                self.assertEqual(text.count(half), 2, text)
                for due in due_dates:
                    self.assertIn(normalise(format_date(lang_env, due)), text)

    def test_one_print_for_customers_of_different_languages(self):
        """Each invoice of a batch gets the words of its own customer's language
        (wkhtmltopdf without patched Qt prints one document at a time, so the
        batch is checked in the HTML it would print)."""
        other = self.env["res.partner"].create(
            {
                "name": "WR PDF Wholesaler Two",
                "wholesale_customer": True,
                "lang": "es_ES",
            }
        )
        self.customer.lang = "zh_CN"
        text = self._html_text(self.invoice | self._wr_invoice(other))
        self._assert_all_in(self._expected_words("zh_CN"), text, "zh_CN")
        self._assert_all_in(self._expected_words("es_ES"), text, "es_ES")

    def test_wholesale_credit_note(self):
        """A credit note shows the cartons and the words, but no due dates."""
        self.customer.lang = "zh_TW"
        credit_note = self.invoice._reverse_moves()
        credit_note.action_post()
        text = self._html_text(credit_note)
        self._assert_all_in(self._expected_words("zh_TW"), text, "zh_TW")
        carton_line = self.invoice.invoice_line_ids.sorted("quantity")[0]
        label = carton_line.with_context(lang="zh_TW")._wholesale_pieces_label()
        self.assertIn("3 Carton (24)", label)
        self.assertIn(label, text)
        self.assertNotIn(self.payment_term.name, text)
        self.assertNotIn("Due Date", text)

    def test_retail_invoice_keeps_core_layout(self):
        retail_invoice = self._wr_invoice(self.retail_customer)
        self.retail_customer.lang = "zh_CN"
        self.company.display_invoice_amount_total_words = False
        text = self._html_text(retail_invoice)
        self.assertNotIn(ZH_WORDS["zh_CN"], text)
        self.assertNotIn("Amount in words", text)
        self.assertNotIn("= 72", text)
        self.assertNotIn(self.payment_term.name, text)
        # core's own switch prints the words for every customer
        self.company.display_invoice_amount_total_words = True
        text = self._html_text(retail_invoice)
        self.assertIn(ZH_WORDS["zh_CN"], text)
        pdf_text, fonts = self._pdf(retail_invoice)
        self.assertIn(ZH_WORDS["zh_CN"], pdf_text)
        self.assertIn("CJK", fonts)

    def test_a_localization_layout_built_on_core_still_prints(self):
        """Localizations print their own primary copy of core's invoice
        document and locate its elements by their attributes: l10n_gcc_invoice
        (the Gulf, l10n_ae's layout) puts its Arabic amount in words before
        core's ``<p t-if="o.company_id.display_invoice_amount_total_words">``.
        The addon leaves that paragraph's t-if as it is (it hides the paragraph
        on wholesale invoices, not its block), so such
        a layout is still valid and prints the wholesale invoice. The layout
        here is made as l10n_gcc_invoice and l10n_ae make theirs."""
        key = "wholesale_retail.wr_localized_invoice_document"
        View = self.env["ir.ui.view"]
        View.create(
            {
                "name": "WR localized invoice document",
                "type": "qweb",
                "mode": "primary",
                "key": key,
                "inherit_id": self.env.ref("account.report_invoice_document").id,
                "arch": """
                    <data>
                        <p t-if="o.company_id.display_invoice_amount_total_words"
                           position="before">
                            <p>WR localized words</p>
                        </p>
                    </data>
                """,
            }
        )
        View.create(
            {
                "name": "WR localized invoice dispatch",
                "type": "qweb",
                "inherit_id": self.env.ref("account.report_invoice").id,
                "arch": f"""
                    <xpath expr="//t[@t-call='account.report_invoice_document']"
                           position="after">
                        <t t-elif="o._get_name_invoice_report() == '{key}'"
                           t-call="{key}" t-lang="lang"/>
                    </xpath>
                """,
            }
        )
        retail_invoice = self._wr_invoice(self.retail_customer)
        with patch.object(
            type(self.invoice), "_get_name_invoice_report", lambda move: key
        ):
            text = self._html_text(self.invoice)
            retail_text = self._html_text(retail_invoice)
        self.assertIn("3 Carton (24) = 72 pcs", text)
        self.assertIn(self.payment_term.name, text)
        self.assertIn("Amount in words: One Thousand Two Hundred", text)
        # the wholesale invoice prints its own words instead of core's
        # paragraph, and keeps what a localization adds beside it (the Gulf's
        # words in the second language); other invoices keep both
        self.assertIn("WR localized words", text)
        self.assertNotIn("Total amount in words", text)
        self.assertIn("WR localized words", retail_text)
        self.assertNotIn("= 72", retail_text)
