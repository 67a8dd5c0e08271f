import json
import re
from datetime import date
from pathlib import Path

import polib
from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

I18N = Path(__file__).resolve().parents[1] / "i18n"
WORDS = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"%\(|%s|%d|\{\{|<")


@tagged("post_install", "-at_install")
class TestTranslationsUi(HttpCase):
    """In Chromium, as a wholesale manager whose language is Arabic or Thai:
    the monthly report's screen runs in the language's direction and shows
    none of the addon's words in English."""

    LANGS = (("ar_001", "ar", "rtl"), ("th_TH", "th", "ltr"))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code, _po, _dir in cls.LANGS:
            cls.env["res.lang"]._activate_lang(code)
            cls.env["ir.module.module"]._load_module_terms(
                ["wholesale_retail"], [code], overwrite=True
            )
        first = date.today().replace(day=1) - relativedelta(months=1)
        cls.report = cls.env["wholesale.monthly.report"].create(
            {"date_from": first, "company_id": cls.env.company.id}
        )
        cls.report.action_compute()

    def _english_labels(self, po_name):
        """The addon's labels of the monthly report's screen (its models'
        fields and its views), of two words or more, that the language's
        file translates otherwise: none may be on the screen."""
        labels = set()
        for entry in polib.pofile(str(I18N / f"{po_name}.po")):
            where = " ".join(place for place, _line in entry.occurrences)
            if "monthly_report" not in where or not entry.msgid.strip():
                continue
            if PLACEHOLDER.search(entry.msgid) or len(WORDS.findall(entry.msgid)) < 2:
                continue
            if entry.msgstr and entry.msgstr != entry.msgid:
                labels.add(entry.msgid.strip())
        return sorted(labels)

    def test_monthly_report_in_arabic_and_thai(self):
        for code, po_name, direction in self.LANGS:
            with self.subTest(lang=code):
                login = f"wr_lang_{po_name}"
                new_test_user(
                    self.env,
                    login=login,
                    groups="wholesale_retail.group_wholesale_manager",
                    lang=code,
                )
                english = self._english_labels(po_name)
                self.assertGreater(len(english), 20)
                code_js = """
                    (async () => {
                        const english = %s;
                        const wanted = %s;
                        for (let i = 0; i < 200; i++) {
                            if (document.querySelector(".o_form_view .o_notebook")) {
                                break;
                            }
                            await new Promise((resolve) => setTimeout(resolve, 100));
                        }
                        await new Promise((resolve) => setTimeout(resolve, 1000));
                        // Odoo marks a right-to-left language on the body and
                        // serves its styles flipped by rtlcss: the form runs rtl
                        const form = document.querySelector(".o_form_view");
                        const dir = getComputedStyle(form).direction;
                        const marked = document.body.classList.contains("o_rtl");
                        if (dir !== wanted || marked !== (wanted === "rtl")) {
                            console.error(`the page runs ${dir}, not ${wanted}`);
                            return;
                        }
                        const text = document.body.innerText;
                        const left = english.filter((label) => text.includes(label));
                        if (left.length) {
                            console.error("left in English: " + left.join(" | "));
                            return;
                        }
                        console.log("test successful");
                    })();
                """ % (json.dumps(english), json.dumps(direction))
                self.browser_js(
                    "/odoo/action-wholesale_retail.wholesale_monthly_report_action/"
                    f"{self.report.id}",
                    code_js,
                    login=login,
                    timeout=120,
                )
