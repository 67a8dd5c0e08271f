from num2words import num2words

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

# Characters of the Simplified financial form that Traditional writes otherwise.
SIMPLIFIED_ONLY = set("贰叁陆万亿负圆")


@tagged("post_install", "-at_install")
class TestAmountInWords(TransactionCase):
    """``res.currency.amount_to_text``: Chinese in the financial uppercase form
    (Simplified for zh_CN, Traditional for zh_TW and zh_HK), every other
    language as core writes it through num2words."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("zh_CN", "zh_TW", "zh_HK", "ar_001", "th_TH", "es_ES", "pt_PT"):
            cls.env["res.lang"]._activate_lang(code)
        cls.currencies = {
            code: cls.env.ref(f"base.{code}")
            for code in ("CNY", "TWD", "HKD", "USD", "AED", "JPY", "KWD", "EUR")
        }

    def _words(self, code, amount, lang):
        currency = self.currencies[code].with_context(lang=lang)
        return currency.amount_to_text(amount)

    def test_simplified_chinese(self):
        cases = [
            (1234.56, "壹仟贰佰叁拾肆元伍角陆分"),
            (1000, "壹仟元整"),
            (1000.0, "壹仟元整"),
            (0, "零元整"),
            (0.5, "伍角"),
            (1000.05, "壹仟元零伍分"),
            (10, "壹拾元整"),
            (20_000_000, "贰仟万元整"),
            (100_000_001, "壹亿零壹元整"),
            (-1234.56, "负壹仟贰佰叁拾肆元伍角陆分"),
            # rounded to the currency's cents first
            (1234.564, "壹仟贰佰叁拾肆元伍角陆分"),
            (1234.565, "壹仟贰佰叁拾肆元伍角柒分"),
            (2.675, "贰元陆角捌分"),  # 2.67499… as a float: still half up
            (0.999, "壹元整"),
            (-0.001, "零元整"),
            (
                1_234_567_890_123_456,
                "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌亿玖仟零壹拾贰万叁仟肆佰伍拾陆元整",
            ),
        ]
        for amount, expected in cases:
            with self.subTest(amount=amount):
                self.assertEqual(self._words("CNY", amount, "zh_CN"), expected)

    def test_foreign_currency_is_named_first(self):
        self.assertEqual(
            self._words("USD", 1234.56, "zh_CN"), "美元壹仟贰佰叁拾肆元伍角陆分"
        )
        self.assertEqual(self._words("AED", 1000, "zh_CN"), "阿联酋迪拉姆壹仟元整")
        self.assertEqual(self._words("TWD", 1000, "zh_CN"), "新台币壹仟元整")
        self.assertEqual(self._words("AED", -20.5, "zh_CN"), "阿联酋迪拉姆负贰拾元伍角")
        # a currency without Chinese name in the table: its ISO code
        self.assertEqual(self._words("KWD", 1, "zh_CN"), "KWD壹元整")
        # a currency without decimals, rounded to whole units
        self.assertEqual(self._words("JPY", 1234.4, "zh_CN"), "日元壹仟贰佰叁拾肆元整")

    def test_third_decimal_is_written_as_li(self):
        self.assertEqual(self.currencies["KWD"].decimal_places, 3)
        cases = [
            (1.005, "KWD壹元零伍厘"),
            (1.505, "KWD壹元伍角零伍厘"),
            (1.555, "KWD壹元伍角伍分伍厘"),
            (0.005, "KWD伍厘"),
            (0.055, "KWD伍分伍厘"),
            (2.5, "KWD贰元伍角"),
        ]
        for amount, expected in cases:
            with self.subTest(amount=amount):
                self.assertEqual(self._words("KWD", amount, "zh_CN"), expected)

    def test_traditional_chinese(self):
        # the New Taiwan dollar is counted in whole dollars
        self.assertEqual(self.currencies["TWD"].decimal_places, 0)
        self.assertEqual(self._words("TWD", 1234, "zh_TW"), "壹仟貳佰參拾肆元整")
        self.assertEqual(self._words("TWD", 1234.56, "zh_TW"), "壹仟貳佰參拾伍元整")
        self.assertEqual(self._words("TWD", 1000, "zh_TW"), "壹仟元整")
        self.assertEqual(self._words("TWD", 20_000_000, "zh_TW"), "貳仟萬元整")
        self.assertEqual(self._words("TWD", 100_000_001, "zh_TW"), "壹億零壹元整")
        self.assertEqual(self._words("TWD", -1000, "zh_TW"), "負壹仟元整")
        self.assertEqual(self._words("CNY", 1000, "zh_TW"), "人民幣壹仟元整")
        self.assertEqual(self._words("AED", 1000, "zh_TW"), "阿聯酋迪拉姆壹仟元整")
        self.assertEqual(self._words("EUR", 1000, "zh_TW"), "歐元壹仟元整")
        # Hong Kong: Traditional, and the Hong Kong dollar is the home currency
        self.assertEqual(
            self._words("HKD", 1234.56, "zh_HK"), "壹仟貳佰參拾肆元伍角陸分"
        )
        self.assertEqual(
            self._words("USD", 1234.56, "zh_HK"), "美元壹仟貳佰參拾肆元伍角陸分"
        )
        # every digit and every unit: nothing Simplified is left
        words = self._words("HKD", -9_876_543_210_123.45, "zh_HK")
        self.assertEqual(
            words, "負玖萬捌仟柒佰陸拾伍億肆仟參佰貳拾壹萬零壹佰貳拾參元肆角伍分"
        )
        self.assertFalse(SIMPLIFIED_ONLY & set(words))

    @mute_logger("odoo.addons.wholesale_retail.models.res_currency")
    def test_too_large_for_chinese_words_keeps_core_text(self):
        words = self._words("CNY", 10**16, "zh_CN")
        self.assertTrue(words)
        self.assertNotIn("元", words)

    def test_other_languages_keep_num2words(self):
        """Arabic, Thai, Spanish and Portuguese are written by num2words, not in
        English (the words of core's connecting text and of the currency units
        depend on the translations loaded, so only the numbers are compared)."""
        english_1234 = num2words(1234, lang="en").title()
        for lang, iso in (
            ("ar_001", "ar"),
            ("th_TH", "th"),
            ("es_ES", "es"),
            ("pt_PT", "pt"),
        ):
            with self.subTest(lang=lang):
                words = self._words("USD", 1234.56, lang)
                integral = num2words(1234, lang=iso).title()
                fractional = num2words(56, lang=iso).title()
                self.assertNotEqual(integral, english_1234)
                self.assertTrue(words.startswith(integral + " "), words)
                self.assertIn(fractional, words)
                self.assertNotIn(english_1234, words)

    def test_english_is_unchanged(self):
        usd = self.currencies["USD"].with_context(lang="en_US")
        self.assertEqual(
            usd.amount_to_text(1234.56),
            "%s %s and %s %s"
            % (
                num2words(1234, lang="en").title(),
                usd.currency_unit_label,
                num2words(56, lang="en").title(),
                usd.currency_subunit_label,
            ),
        )
