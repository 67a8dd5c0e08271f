"""19.0.1.6.0: the monthly email writes its percentages and days with Odoo's
float widget, in the reader's number format, instead of Python's ``'%.1f' %``.
The template is a ``noupdate`` record: an update does not rewrite it, so the
three expressions are replaced in place in every language of its body, which
keeps whatever else a merchant changed in it."""

from odoo import SUPERUSER_ID, api

FIELDS = ("margin_percent", "return_rate_value", "turnover_days")


def _replacements():
    for name in FIELDS:
        options = "{'widget': 'float', 'precision': 1}"
        new = f't-out="object.{name}" t-options="{options}"'
        for quote in ("'", "&#39;", "&#x27;"):
            yield f't-out="{quote}%.1f{quote} % object.{name}"', new


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(
        "wholesale_retail.mail_template_monthly_report", raise_if_not_found=False
    )
    if not template:
        return
    for code, _name in env["res.lang"].get_installed():
        localized = template.with_context(lang=code)
        # a plain string: Markup.replace would escape the quotes searched for
        body = str(localized.body_html or "")
        new = body
        for old, replacement in _replacements():
            new = new.replace(old, replacement)
        if new != body:
            localized.body_html = new
