import json
import re
from datetime import date
from pathlib import Path

import polib
from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import tour_code

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
        # a company of its own: the screen holds only what the test made, on
        # any database (the demo's has months of sales and its channels)
        cls.company = cls.env["res.company"].create({"name": "WR Screen Co"})
        cls.report = cls.env["wholesale.monthly.report"].create(
            {"date_from": first, "company_id": cls.company.id}
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
                    company_id=self.company.id,
                    company_ids=[(6, 0, self.company.ids)],
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


@tagged("post_install", "-at_install")
class TestTranslationsPos(TestPointOfSaleHttpCommon):
    """In Chromium, a cashier with only the POS User rights whose language is
    Arabic or Thai: the point of sale runs in the language's direction and a
    channel rule's refusal says its title and message as the language's .po
    file does, with the quantity in the language's words."""

    REFUSAL = (
        "%(product)s: this point of sale may sell %(available)s (rule: "
        "%(rule)s). The order cannot hold %(requested)s."
    )

    def setUp(self):
        super().setUp()
        self.env.user.group_ids |= self.env.ref(
            "wholesale_retail.group_wholesale_manager"
        )

    def _blocked_drill(self, name):
        """21 on hand, "block below 20" at the main POS: one piece to sell."""
        stock = self.main_pos_config.picking_type_id.default_location_src_id
        drill = self.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 10.0,
                "taxes_id": False,
            }
        )
        self.env["stock.quant"]._update_available_quantity(drill, stock, 21)
        return self.env["wholesale.channel.rule"].create(
            {
                "name": f"{name} block below 20",
                "scope": "product",
                "product_id": drill.id,
                "warehouse_id": stock.warehouse_id.id,
                "channel_ids": [(6, 0, self.main_pos_config._wholesale_channel().ids)],
                "threshold": 20,
                "action": "block",
            }
        )

    def test_pos_refusal_in_arabic_and_thai(self):
        for code, po_name, direction in TestTranslationsUi.LANGS:
            with self.subTest(lang=code):
                rule = self._blocked_drill(f"WR Lang Drill {po_name}")
                self.env["res.lang"]._activate_lang(code)
                self.env["ir.module.module"]._load_module_terms(
                    ["wholesale_retail"], [code], overwrite=True
                )
                po = {
                    entry.msgid: entry.msgstr
                    for entry in polib.pofile(str(I18N / f"{po_name}.po"))
                }
                login = f"wr_pos_{po_name}"
                cashier = new_test_user(
                    self.env,
                    login=login,
                    password=login,
                    groups="base.group_user,point_of_sale.group_pos_user",
                    lang=code,
                )

                def pieces(qty, po=po):
                    return po["%(qty)s %(unit)s"] % {"qty": qty, "unit": po["pcs"]}

                data = {
                    "product": rule.product_id.name,
                    "direction": direction,
                    "title": po["Not enough stock"],
                    "body": po[self.REFUSAL]
                    % {
                        "product": rule.product_id.name,
                        "available": pieces(1),
                        "rule": rule.name,
                        "requested": pieces(2),
                    },
                    "english": [
                        "Not enough stock",
                        "this point of sale may sell",
                        "The order cannot hold",
                        "pcs",
                    ],
                }
                self.assertNotIn("this point of sale", data["body"])
                self.main_pos_config.with_user(cashier).open_ui()
                session = self.main_pos_config.current_session_id
                data["opening"] = session.state == "opening_control"
                self.start_pos_tour(
                    "WholesaleRetailTranslatedPosTour",
                    login=login,
                    code=tour_code(
                        "WholesaleRetailTranslatedPosTour",
                        self._get_url(),
                        wholesaleLangTour=data,
                    ),
                )
