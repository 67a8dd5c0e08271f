from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged

I18N = Path(__file__).resolve().parents[1] / "i18n"
#: Odoo's language code -> the addon's .po file it loads
LANGS = {
    "ar_001": "ar",
    "th_TH": "th",
    "zh_CN": "zh_CN",
    "zh_TW": "zh_TW",
    "es_ES": "es",
    "pt_PT": "pt",
    "pt_BR": "pt_BR",
}


def po_of(code):
    """{msgid: msgstr} of the addon's .po file for Odoo's language ``code``."""
    return {e.msgid: e.msgstr for e in polib.pofile(str(I18N / f"{LANGS[code]}.po"))}


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Each of the seven languages loads into Odoo and is what the screens,
    the messages and the quantity formatter say."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("uom.group_uom")
        cls.kettle = cls.env["product.product"].create(
            {"name": "WR Lang Kettle", "is_storable": True}
        )
        cls.kettle.product_tmpl_id._wholesale_set_ladder(
            [{"name": "Carton", "pieces": 24}], wholesale_step="Carton"
        )
        cls.carton = cls.kettle.product_tmpl_id._wholesale_get_step_by_name(
            "Carton"
        ).uom_id

    def test_each_language_loads_and_is_used(self):
        Module = self.env["ir.module.module"]
        for code, po_name in LANGS.items():
            with self.subTest(lang=code):
                po = {
                    e.msgid: e.msgstr for e in polib.pofile(str(I18N / f"{po_name}.po"))
                }
                self.env["res.lang"]._activate_lang(code)
                Module._load_module_terms(["wholesale_retail"], [code], overwrite=True)
                env = self.env(context=dict(self.env.context, lang=code))
                # model terms: a menu, a field label, a selection value
                menu = env.ref("wholesale_retail.wholesale_overview_menu")
                self.assertEqual(menu.name, po["Overview"])
                field = env["ir.model.fields"]._get(
                    "wholesale.oversell.incident", "sold_text"
                )
                self.assertEqual(field.field_description, po["Sold"])
                policies = dict(
                    env["stock.warehouse"]
                    ._fields["wholesale_oversell_policy"]
                    ._description_selection(env)
                )
                self.assertEqual(policies["backorder"], po["Confirm with a backorder"])
                # code terms: the quantity formatter's words in the language
                text = self.kettle.with_env(env)._wholesale_qty_text(
                    600, uom=self.carton
                )
                self.assertEqual(
                    text,
                    po["%(count)s %(step)s (%(total)s %(unit)s)"]
                    % {
                        "count": "25",
                        "step": "Carton",
                        "total": "600",
                        "unit": po["pcs"],
                    },
                )
