"""Plain pytest for the runner's pure helpers (no Odoo needed)."""

import importlib.util
from pathlib import Path

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
