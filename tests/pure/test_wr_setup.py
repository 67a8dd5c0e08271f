"""The setup's decisions, run against fake trees and fake machines (no Odoo needed).

Each test is a newcomer's trap that once slipped through: an Odoo tree whose
requirements are not installed, a missing wkhtmltopdf, a clone in a folder whose
name has a dash.
"""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "wr.py"
spec = importlib.util.spec_from_file_location("wr_setup", SCRIPT)
wr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wr)


def fake_odoo(tmp_path, requirements, cli_imports=""):
    """An Odoo 19 source tree with ``requirements`` and an odoo.cli that imports
    ``cli_imports``."""
    tree = tmp_path / "odoo-19.0"
    (tree / "odoo" / "cli").mkdir(parents=True)
    (tree / "odoo" / "__init__.py").write_text("")
    (tree / "odoo" / "release.py").write_text(
        "version_info = (19, 0, 0, 'final', 0, '')\n"
    )
    (tree / "odoo" / "http.py").write_text("")
    (tree / "odoo" / "cli" / "__init__.py").write_text(cli_imports)
    (tree / "odoo" / "cli" / "server.py").write_text("")
    (tree / "addons").mkdir()
    if requirements is not None:
        (tree / "requirements.txt").write_text(requirements)
    return tree


def test_probe_finds_a_tree_whose_requirements_are_missing(tmp_path):
    tree = fake_odoo(
        tmp_path,
        "babel-not-here-wr==2.10.3 ; python_version >= '3.8'  # a comment\n"
        "pypiwin32-not-here-wr ; sys_platform == 'win32'\n"
        "pytest\n",
        cli_imports="import babel_not_here_wr\n",
    )
    probe, env = wr.probe_odoo(extra_path=tree)
    assert probe["major"] == 19
    assert Path(probe["root"]) == tree.resolve()
    # odoo-bin's own import fails, and requirements.txt names what is missing;
    # a requirement whose marker does not apply here is not asked for.
    assert "babel_not_here_wr" in probe["missing"]
    assert "babel-not-here-wr" in probe["missing"]
    assert "pypiwin32-not-here-wr" not in probe["missing"]
    assert "pytest" not in probe["missing"]
    assert str(tree) in env["PYTHONPATH"]


def test_probe_accepts_a_tree_that_can_start(tmp_path):
    tree = fake_odoo(tmp_path, "pytest\n")
    probe, _env = wr.probe_odoo(extra_path=tree)
    assert probe["major"] == 19 and probe["missing"] == []
    assert wr.odoo_requirements_plan(probe, False, False, ["libpq-dev"]) == ([], [])


def test_probe_without_odoo(tmp_path):
    probe, _env = wr.probe_odoo(extra_path=tmp_path)
    if probe["major"] is None:
        assert probe == {"major": None, "root": None, "missing": []}
    else:  # this machine imports a real Odoo: it is found, whatever the path says
        assert Path(probe["root"]) != tmp_path


def test_root_installs_build_packages_then_the_tree_requirements(tmp_path):
    tree = fake_odoo(tmp_path, "babel-not-here-wr\n")
    probe = {"major": 19, "root": str(tree), "missing": ["babel"]}
    apt, pip_args = wr.odoo_requirements_plan(probe, True, True, ["libpq-dev"])
    assert apt == ["libpq-dev"]
    assert pip_args[:2] == ["-r", str(tree / "requirements.txt")]
    if sys.version_info < (3, 12):
        assert "zope.interface<7" in pip_args and "zope.event<5" in pip_args


def test_non_root_without_build_packages_gets_one_clear_sentence(tmp_path):
    tree = fake_odoo(tmp_path, "psycopg2==2.9.5\n")
    probe = {"major": 19, "root": str(tree), "missing": ["psycopg2"]}
    with pytest.raises(wr.SetupError) as err:
        wr.odoo_requirements_plan(probe, False, True, ["libpq-dev", "libldap2-dev"])
    text = str(err.value)
    assert "apt-get install libpq-dev libldap2-dev" in text
    assert "psycopg2" in text and str(tree / "requirements.txt") in text


def test_non_root_with_build_packages_installs_with_pip(tmp_path):
    tree = fake_odoo(tmp_path, "babel\n")
    probe = {"major": 19, "root": str(tree), "missing": ["babel"]}
    apt, pip_args = wr.odoo_requirements_plan(probe, False, False, [])
    assert apt == [] and pip_args[:2] == ["-r", str(tree / "requirements.txt")]


def test_an_installed_odoo_without_requirements_file_says_what_to_do(tmp_path):
    tree = fake_odoo(tmp_path, None)
    probe = {"major": 19, "root": str(tree), "missing": ["babel"]}
    with pytest.raises(wr.SetupError, match="requirements are missing"):
        wr.odoo_requirements_plan(probe, True, True, [])


def test_build_needs_names_the_debian_packages():
    nothing = wr.build_needs(exists=lambda _p: False, which=lambda _n: None)
    assert nothing == [
        "libpq-dev",
        "libldap2-dev",
        "libsasl2-dev",
        "gcc",
        "python3-dev",
    ]
    everything = wr.build_needs(exists=lambda _p: True, which=lambda _n: "/usr/bin/x")
    assert everything == []


def test_missing_wkhtmltopdf_fails_the_tests_and_warns_the_demo(capsys):
    calls = []

    def apt_refuses(*packages):
        calls.append(packages)
        return False

    with pytest.raises(wr.SetupError, match="apt-get install wkhtmltopdf"):
        wr.ensure_tool(
            ("wkhtmltopdf",),
            "wkhtmltopdf",
            "no PDF",
            which=lambda _n: None,
            apt=apt_refuses,
        )
    assert calls == [("wkhtmltopdf",)]
    assert not wr.ensure_tool(
        ("wkhtmltopdf",),
        "wkhtmltopdf",
        "no PDF",
        required=False,
        which=lambda _n: None,
        apt=apt_refuses,
    )
    assert "WARNING: wkhtmltopdf is missing" in capsys.readouterr().out


def test_a_tool_that_apt_installs_is_found_afterwards():
    installed = set()

    def apt_ok(*packages):
        installed.update(packages)
        return True

    assert wr.ensure_tool(
        ("wkhtmltopdf",),
        "wkhtmltopdf",
        "no PDF",
        which=lambda n: f"/usr/bin/{n}" if n in installed else None,
        apt=apt_ok,
    )


def test_debian_python_gets_its_own_venv(tmp_path):
    (tmp_path / "EXTERNALLY-MANAGED").write_text("[externally-managed]\n")
    assert wr.needs_own_venv("/usr", "/usr", tmp_path)
    assert not wr.needs_own_venv("/venv", "/usr", tmp_path)
    assert not wr.needs_own_venv("/usr", "/usr", tmp_path / "other")


def _tracked_copy(dest):
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = REPO / name.decode()
        if src.is_file():
            (dest / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name.decode())


@pytest.mark.parametrize("folder", ["newcomer-t", "wholesale_retail-19.0"])
def test_lint_does_not_read_the_clone_folder_name(tmp_path, folder):
    if not (REPO / ".git").exists():
        pytest.fail("this check copies the git checkout's files; run it from one")
    clone = tmp_path / folder
    clone.mkdir()
    _tracked_copy(clone)
    for cmd in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", *cmd],
            cwd=clone,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_core_plan_adds_the_pos_selection_unless_named_whole():
    modules, tags = wr.core_test_plan("stock,sale_stock")
    assert modules == ["stock", "sale_stock", "point_of_sale", "pos_sale"]
    parts = tags.split(",")
    assert parts[:2] == ["/stock", "/sale_stock"]
    assert "/point_of_sale:TestPosPickingBackorder" in parts
    assert "/pos_sale:TestPoSSale" in parts
    assert "/point_of_sale:TestUi.test_09_pos_barcodes_scan_product_packaging" in parts
    assert all(f"-{t}" in parts for t in wr.CORE_BASELINE_FAILURES)
    modules, tags = wr.core_test_plan("stock,point_of_sale")
    assert "/point_of_sale" in tags.split(",")
    assert not any(t.startswith("/point_of_sale:") for t in tags.split(","))
    assert "/pos_sale:TestPoSSale" in tags.split(",")


def test_missing_pdftotext_fails_the_tests():
    with pytest.raises(wr.SetupError, match="apt-get install poppler-utils"):
        wr.ensure_pdftotext(True, which=lambda _n: None, apt=lambda *_p: False)


def test_fonts_already_there_install_nothing():
    def apt_must_not_run(*packages):
        raise AssertionError(packages)

    assert wr.ensure_fonts(
        fc_list=lambda: "/usr/share/fonts/NotoSansCJK.ttc: Noto Sans CJK SC",
        apt=apt_must_not_run,
    )


def test_missing_chinese_font_is_installed_as_root():
    installed = set()

    def apt_ok(*packages):
        installed.update(packages)
        return True

    def fc_list():
        return "Noto Sans CJK SC" if "fonts-noto-cjk" in installed else ""

    assert wr.ensure_fonts(fc_list=fc_list, apt=apt_ok)
    assert {"fonts-noto-cjk", "fonts-noto-core", "fontconfig"} <= installed


def test_missing_chinese_font_without_root_says_what_to_run(capsys):
    # no fc-list (it lists nothing) and apt refused: a warning, not a stop
    assert not wr.ensure_fonts(fc_list=lambda: "", apt=lambda *_p: False)
    out = capsys.readouterr().out
    assert "WARNING: no Chinese font" in out
    assert "apt-get install fontconfig fonts-noto-cjk fonts-noto-core" in out


def fake_wkhtmltopdf(folder, version):
    """A wkhtmltopdf in ``folder`` that says ``version``."""
    folder.mkdir(parents=True, exist_ok=True)
    binary = folder / "wkhtmltopdf"
    binary.write_text(f"#!/bin/sh\necho 'wkhtmltopdf {version}'\n")
    binary.chmod(0o755)
    return binary


def test_patched_wkhtmltopdf_on_path_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(wr, "STATE", tmp_path / "state")
    system = fake_wkhtmltopdf(tmp_path / "usr", "0.12.6.1 (with patched qt)")
    env = {"PATH": str(system.parent)}

    def no_fetch(_dest):
        raise AssertionError("nothing to fetch")

    assert wr.ensure_patched_wkhtmltopdf(env, fetch=no_fetch)
    assert env == {"PATH": str(system.parent)}


def test_unpatched_wkhtmltopdf_gets_the_patched_one_first_on_path(
    tmp_path, monkeypatch
):
    """Debian's build draws Arabic lines over themselves: the patched one is
    fetched once into .state and goes first on the PATH Odoo runs with."""
    monkeypatch.setattr(wr, "STATE", tmp_path / "state")
    system = fake_wkhtmltopdf(tmp_path / "usr", "0.12.6")
    fetched = []

    def fetch(dest):
        fetched.append(dest)
        fake_wkhtmltopdf(dest.parent, "0.12.4 (with patched qt)")
        return True

    for _run in range(2):
        env = {"PATH": str(system.parent)}
        assert wr.ensure_patched_wkhtmltopdf(env, fetch=fetch)
        local = tmp_path / "state" / "wkhtmltox" / "bin"
        assert env["PATH"].split(":") == [str(local), str(system.parent)]
        assert shutil.which("wkhtmltopdf", path=env["PATH"]) == str(
            local / "wkhtmltopdf"
        )
    assert fetched == [local / "wkhtmltopdf"], "fetched once"


def test_no_patched_wkhtmltopdf_warns_and_keeps_debians(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(wr, "STATE", tmp_path / "state")
    system = fake_wkhtmltopdf(tmp_path / "usr", "0.12.6")
    env = {"PATH": str(system.parent)}
    assert not wr.ensure_patched_wkhtmltopdf(env, fetch=lambda _dest: False)
    assert env == {"PATH": str(system.parent)}
    out = capsys.readouterr().out
    assert "WARNING: wkhtmltopdf is not the build with patched Qt" in out
    assert "Arabic" in out


def test_a_broken_local_copy_is_fetched_again(tmp_path, monkeypatch):
    monkeypatch.setattr(wr, "STATE", tmp_path / "state")
    system = fake_wkhtmltopdf(tmp_path / "usr", "0.12.6")
    local = tmp_path / "state" / "wkhtmltox" / "bin"
    fake_wkhtmltopdf(local, "0.12.6")  # what a bad copy would say

    def fetch(dest):
        fake_wkhtmltopdf(dest.parent, "0.12.4 (with patched qt)")
        return True

    env = {"PATH": str(system.parent)}
    assert wr.ensure_patched_wkhtmltopdf(env, fetch=fetch)
    assert env["PATH"].split(":")[0] == str(local)
    assert wr.wkhtmltopdf_is_patched(local / "wkhtmltopdf")
