import logging
from decimal import ROUND_HALF_UP, Decimal

from odoo import models, tools

_logger = logging.getLogger(__name__)

# Languages written in Traditional characters; every other zh_* is Simplified.
TRADITIONAL_LANGS = {"zh_TW", "zh_HK"}

# The money a reader of the language assumes when no currency is named.
HOME_CURRENCY = {"zh_CN": "CNY", "zh_TW": "TWD", "zh_HK": "HKD"}

# cn2an's "rmb" mode writes the digits 零壹贰叁肆伍陆柒捌玖, the units 拾佰仟万亿,
# 元角分整 and the sign 负 (cn2an/conf.py NUMBER_UP_AN2CN, UNIT_UP_ORDER_AN2CN and
# an2cn.py); 厘 is ours. These are the ones whose Traditional form differs (圆 is
# not written by cn2an, mapped in case a later version does).
TO_TRADITIONAL = str.maketrans(
    {
        "贰": "貳",
        "叁": "參",
        "陆": "陸",
        "万": "萬",
        "亿": "億",
        "负": "負",
        "圆": "圓",
    }
)

# Currency names written before the amount: (Simplified, Traditional).
CURRENCY_NAMES = {
    "CNY": ("人民币", "人民幣"),
    "TWD": ("新台币", "新臺幣"),
    "HKD": ("港币", "港幣"),
    "USD": ("美元", "美元"),
    "EUR": ("欧元", "歐元"),
    "AED": ("阿联酋迪拉姆", "阿聯酋迪拉姆"),
    "THB": ("泰铢", "泰銖"),
    "SAR": ("沙特里亚尔", "沙特里亞爾"),
    "GBP": ("英镑", "英鎊"),
    "JPY": ("日元", "日圓"),
}

# cn2an writes at most 16 integer digits (its unit list ends at 仟万亿).
MAX_CN_DIGITS = 16


class ResCurrency(models.Model):
    _inherit = "res.currency"

    def amount_to_text(self, amount):
        """Write ``amount`` in words; in Chinese, in the financial uppercase form.

        num2words, which core uses, has no Chinese and falls back to English.
        For a zh_* language the amount is written as on Chinese cheques and
        invoices (大写金额) by the library cn2an: 1234.56 is 壹仟贰佰叁拾肆元伍角陆分,
        1000 is 壹仟元整; zh_TW and zh_HK get the Traditional characters.

        The unit words stay 元/角/分 (one, a tenth, a hundredth of the unit)
        whatever the currency: that is how the financial form is written for
        foreign money too (bank forms put the currency beside 元角分), and the
        currency's own unit labels (``currency_unit_label``) are English words.
        So that a reader sees which money it is, the currency's Chinese name (or
        its ISO code) comes first, unless it is the language's home currency
        (CNY for zh_CN, TWD for zh_TW, HKD for zh_HK).

        Other languages keep core's behaviour.
        """
        self.ensure_one()
        lang = tools.get_lang(self.env)
        if not (lang.code == "zh" or lang.code.startswith("zh_")):
            return super().amount_to_text(amount)
        try:
            # loaded when used: most databases never write Chinese
            import cn2an
        except ImportError:
            _logger.warning(
                "The library 'cn2an' is missing (pip install cn2an): amounts in "
                "words are not written in Chinese."
            )
            return super().amount_to_text(amount)

        # rounded as currency.round() does (half up), but in decimal: a float
        # rounding loses the units of amounts of 16 digits
        step = Decimal(repr(self.rounding))
        value = (Decimal(repr(amount)) / step).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        ) * step
        negative = value < 0
        digits = f"{abs(value):.{self.decimal_places}f}"
        if len(digits.partition(".")[0]) > MAX_CN_DIGITS:
            _logger.warning("%s is too large to be written in Chinese words.", digits)
            return super().amount_to_text(amount)
        words = self._wholesale_cn_financial_words(cn2an, digits)
        if negative:
            words = "负" + words
        traditional = lang.code in TRADITIONAL_LANGS
        if self.name != HOME_CURRENCY.get(lang.code, "CNY"):
            names = CURRENCY_NAMES.get(self.name)
            words = (names[traditional] if names else self.name) + words
        if traditional:
            words = words.translate(TO_TRADITIONAL)
        return words

    @staticmethod
    def _wholesale_cn_financial_words(cn2an, digits):
        """The financial form of ``digits`` (a non-negative "1234.56").

        cn2an writes whole units, 角 and 分; a third decimal (the fils of the
        Kuwaiti or Bahraini dinar) is written as 厘, which cn2an drops.
        """
        integral, _sep, fraction = digits.partition(".")
        words = cn2an.an2cn(
            f"{integral}.{fraction[:2]}" if fraction else integral, "rmb"
        )
        li = fraction[2:3]
        if li and li != "0":
            words = words.removesuffix("整")
            if words == "零元":
                words = ""
            elif not words.endswith("分"):
                words += "零"  # a zero 角 or 分 sits between
            words += cn2an.an2cn(li, "up") + "厘"
        return words
