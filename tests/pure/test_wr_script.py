"""Plain pytest for the runner's pure helpers (no Odoo needed)."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "wr.py"
spec = importlib.util.spec_from_file_location("wr_script", SCRIPT)
wr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wr)


def test_parse_log_counts_failures_and_errors(tmp_path):
    log = tmp_path / "odoo.log"
    log.write_text(
        "2026-11-22 INFO db odoo.modules.loading: Modules loaded.\n"
        "2026-11-22 ERROR db odoo.tests.result: 2 failed, 1 error(s) of 40 tests "
        "when loading database 'db'\n"
    )
    result = wr.parse_log(log)
    assert result == {"failed": 3, "total": 40, "browser_skips": [], "found": True}


def test_parse_log_without_summary_is_not_found(tmp_path):
    log = tmp_path / "odoo.log"
    log.write_text("2026-11-22 CRITICAL db odoo: Failed to initialize database\n")
    assert wr.parse_log(log)["found"] is False


def test_parse_log_reports_skipped_browser_tests(tmp_path):
    log = tmp_path / "odoo.log"
    log.write_text(
        "INFO db odoo.addons.x: skipped TestUi.test_tour : Chrome executable not "
        "found\nINFO db odoo.tests.result: 0 failed, 0 error(s) of 3 tests when "
        "loading database 'db'\n"
    )
    result = wr.parse_log(log)
    assert result["browser_skips"] and result["total"] == 3


LANG_CSV = (
    '"id","name","code","iso_code","direction","grouping","decimal_point",'
    '"thousands_sep","date_format","time_format","week_start"\n'
    '"base.lang_en","English (US)","en_US","en","Left-to-Right","[3,0]",".",",",'
    '"%m/%d/%Y","%I:%M:%S %p","7"\n'
    '"base.lang_ar","Arabic / الْعَرَبيّة","ar_001","ar","Right-to-Left","[3,0]",'
    '".",",","%d/%m/%Y","%I:%M:%S %p","6"\n'
    '"base.lang_ar_SY","Arabic (Syria)","ar_SY","ar_SY","Right-to-Left","[3,0]",'
    '".",",","%d/%m/%Y","%I:%M:%S %p","6"\n'
    '"base.lang_zh_CN","Chinese (Simplified)","zh_CN","zh_CN","Left-to-Right",'
    '"[3,0]",".",",","%Y年%m月%d日","%H时%M分%S秒","1"\n'
    '"base.lang_th","Thai / ภาษาไทย","th_TH","th","Left-to-Right","[3,0]",".",",",'
    '"%d/%m/%Y","%H:%M:%S","7"\n'
)


def test_odoo_languages_reads_codes_and_iso_codes():
    languages = wr.odoo_languages(LANG_CSV)
    assert set(languages) == {"en_US", "ar_001", "ar_SY", "zh_CN", "th_TH"}
    assert languages["ar_001"] == ("Arabic / الْعَرَبيّة", "ar")


def test_resolve_lang_takes_a_code_or_the_iso_code_of_one_language():
    languages = wr.odoo_languages(LANG_CSV)
    assert wr.resolve_lang("ar_001", languages) == "ar_001"
    assert wr.resolve_lang("zh_CN", languages) == "zh_CN"
    assert wr.resolve_lang("ar", languages) == "ar_001"
    assert wr.resolve_lang("th", languages) == "th_TH"


def test_resolve_lang_refuses_an_unknown_code_with_the_near_ones():
    languages = wr.odoo_languages(LANG_CSV)
    with pytest.raises(wr.SetupError) as near:
        wr.resolve_lang("ar_AE", languages)
    assert "'ar_AE'" in str(near.value) and "ar_001, ar_SY" in str(near.value)
    with pytest.raises(wr.SetupError) as far:
        wr.resolve_lang("klingon", languages)
    assert "'klingon'" in str(far.value) and "ar_001, zh_CN" in str(far.value)


def _parse_demo(monkeypatch, *argv):
    seen = {}
    monkeypatch.setattr(sys, "argv", ["wr.py", "demo", *argv])
    monkeypatch.setattr(wr, "cmd_demo", lambda args: seen.setdefault("args", args))
    wr.main()
    return seen["args"]


def test_demo_parser_takes_lang(monkeypatch):
    args = _parse_demo(monkeypatch, "--lang", "ar_001", "--db", "wr_demo")
    assert (args.lang, args.db, args.reset) == ("ar_001", "wr_demo", False)
    args = _parse_demo(monkeypatch, "--reset", "--port", "8575")
    assert (args.lang, args.reset, args.port) == (None, True, "8575")


def test_demo_shell_script_loads_and_or_sets_the_language():
    both = wr.demo_shell_script(load=True, lang="ar_001")
    assert both.splitlines() == [
        "from odoo.addons.wholesale_retail.demo import dragon_mart",
        "dragon_mart.load(env)",
        "dragon_mart.set_language(env, 'ar_001')",
        "env.cr.commit()",
    ]
    only_lang = wr.demo_shell_script(load=False, lang="th_TH")
    assert "dragon_mart.load(env)" not in only_lang
    assert "dragon_mart.set_language(env, 'th_TH')" in only_lang
    only_load = wr.demo_shell_script(load=True, lang=None)
    assert "set_language" not in only_load and "dragon_mart.load(env)" in only_load


def test_demo_with_an_unknown_language_stops_before_any_database(monkeypatch):
    touched = []
    monkeypatch.setattr(wr, "prepare", lambda need_browser: (["py"], [], {}))
    monkeypatch.setattr(
        wr, "read_odoo_languages", lambda cmd, env: wr.odoo_languages(LANG_CSV)
    )
    monkeypatch.setattr(wr, "run", lambda *a, **kw: touched.append(a))
    monkeypatch.setattr(wr, "drop_db", lambda *a: touched.append(a))
    monkeypatch.setattr(wr, "odoo_run", lambda *a: touched.append(a))
    monkeypatch.setattr(sys, "argv", ["wr.py", "demo", "--reset", "--lang", "xx"])
    assert wr.main() == 2
    assert touched == []
