"""Plain pytest for the runner's pure helpers (no Odoo needed)."""

import importlib.util
import subprocess
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


def test_the_demo_serves_with_queue_job_loaded_server_wide():
    base = ["python3", "/odoo/odoo-bin", "--addons-path=/odoo/addons,/oca"]
    argv, env = wr.demo_server(base, {"PATH": "/usr/bin"}, "dragon_mart", "8310")
    assert argv[: len(base)] == base
    assert argv[len(base) :] == [
        "-d",
        "dragon_mart",
        "--http-port=8310",
        "--http-interface=127.0.0.1",
        "--db-filter",
        "^dragon_mart$",
        "--load=base,rpc,web,queue_job",
    ]
    # Odoo 19's own server-wide modules are kept: --load replaces the list
    loaded = argv[-1].split("=", 1)[1].split(",")
    assert loaded[:3] == ["base", "rpc", "web"] and "queue_job" in loaded
    assert env == {
        "PATH": "/usr/bin",
        "ODOO_QUEUE_JOB_CHANNELS": "root:2,root.wholesale_sync:2",
    }


def test_the_demo_keeps_the_users_job_channels():
    given = {"ODOO_QUEUE_JOB_CHANNELS": "root:1"}
    _argv, env = wr.demo_server(["odoo"], given, "db", "8069")
    assert env["ODOO_QUEUE_JOB_CHANNELS"] == "root:1"
    assert given == {"ODOO_QUEUE_JOB_CHANNELS": "root:1"}, "the caller's env is kept"


def test_demo_execs_the_served_odoo_with_its_env(monkeypatch):
    execs = []
    env = {"PATH": "/usr/bin"}
    monkeypatch.setattr(wr, "prepare", lambda need_browser: (["py", "bin"], [], env))
    monkeypatch.setattr(
        wr,
        "run",
        lambda *a, **kw: subprocess.CompletedProcess(a, 0, stdout=" wr_demo | x\n"),
    )
    monkeypatch.setattr(wr, "module_state", lambda env, db: ("installed", "0"))
    monkeypatch.setattr(wr, "manifest_version", lambda: "0")
    monkeypatch.setattr(wr.os, "execvpe", lambda *a: execs.append(a))
    monkeypatch.setattr(sys, "argv", ["wr.py", "demo", "--db", "wr_demo"])
    wr.main()
    [(file, argv, served_env)] = execs
    assert file == "py" and argv[:2] == ["py", "bin"]
    assert "--load=base,rpc,web,queue_job" in argv
    assert served_env["ODOO_QUEUE_JOB_CHANNELS"] == "root:2,root.wholesale_sync:2"


POT = """# Translation of Odoo Server.
msgid ""
msgstr ""
"Project-Id-Version: Odoo Server 19.0\\n"

#. module: wholesale_retail
#. odoo-python
#: code:addons/wholesale_retail/.state/addons/wholesale_retail/models/a.py:0
#: code:addons/wholesale_retail/models/a.py:0
msgid "Carton"
msgstr ""

#. module: wholesale_retail
#. odoo-python
#: code:addons/wholesale_retail/.state/oca/odoo/addons/queue_job/job.py:0
#: code:addons/wholesale_retail/.state/oca/odoo/addons/queue_job/models/b.py:0
msgid "Job %s"
msgstr ""

#. module: wholesale_retail
#: model:ir.model.fields,field_description:wholesale_retail.field_x
msgid "Pieces"
msgstr ""
"""


def test_the_pot_drops_what_the_exporter_found_under_state():
    """Odoo's exporter walks the module's folder, .state/ included: the
    link back into the clone and queue_job in .state/oca."""
    text = wr.drop_state_references(POT)
    assert "/.state/" not in text
    assert 'msgid "Job %s"' not in text
    assert '#: code:addons/wholesale_retail/models/a.py:0\nmsgid "Carton"' in text
    assert 'msgid "Pieces"' in text and text.startswith("# Translation")
    assert text.endswith('msgid "Pieces"\nmsgstr ""\n')
    assert wr.drop_state_references(text) == text


def test_an_older_demo_database_is_updated_before_it_is_served(monkeypatch):
    odoo_runs, execs = [], []
    monkeypatch.setattr(wr, "prepare", lambda need_browser: (["py", "bin"], [], {}))
    monkeypatch.setattr(
        wr,
        "run",
        lambda *a, **kw: subprocess.CompletedProcess(a, 0, stdout=" wr_demo | x\n"),
    )
    monkeypatch.setattr(wr, "module_state", lambda env, db: ("installed", "19.0.1"))
    monkeypatch.setattr(wr, "manifest_version", lambda: "19.0.2")
    monkeypatch.setattr(
        wr, "odoo_run", lambda base, env, args, log: odoo_runs.append(args) or (0, 1)
    )
    monkeypatch.setattr(wr.os, "execvpe", lambda *a: execs.append(a))
    monkeypatch.setattr(sys, "argv", ["wr.py", "demo", "--db", "wr_demo"])
    wr.main()
    assert odoo_runs == [
        [
            "-d",
            "wr_demo",
            "-u",
            "wholesale_retail",
            "--stop-after-init",
            "--log-level=warn",
        ]
    ]
    assert len(execs) == 1
