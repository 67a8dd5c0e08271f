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


# --------------------------------------------------------------------------
# OCA's queue_job
# --------------------------------------------------------------------------
def fake_queue_job(addons, version):
    """A queue_job addon in ``addons`` whose manifest says ``version``."""
    folder = addons / "queue_job"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").write_text("")
    (folder / "__manifest__.py").write_text(
        f"{{'name': 'Job Queue', 'version': {version!r}}}\n"
    )
    return folder


class FakePip:
    """pip as ensure_queue_job calls it: records the command and, unless told
    to fail, puts a queue_job of ``version`` where ``--target`` says."""

    def __init__(self, version="19.0.2.4.0", returncode=0):
        self.version, self.returncode, self.calls = version, returncode, []

    def __call__(self, cmd, **_kw):
        self.calls.append(cmd)
        if not self.returncode:
            target = Path(cmd[cmd.index("--target") + 1])
            fake_queue_job(target / "odoo" / "addons", self.version)
        return subprocess.CompletedProcess(cmd, self.returncode)


def test_queue_job_pin_and_the_version_its_manifest_says():
    assert wr.QUEUE_JOB_WHEEL == "odoo-addon-queue_job==19.0.2.4.0.1"
    assert wr.wheel_addon_version() == "19.0.2.4.0"
    assert wr.wheel_addon_version("odoo-addon-queue_job==19.0.2.5.1.3") == (
        "19.0.2.5.1"
    )


def test_queue_job_pip_command_has_no_deps_a_target_and_the_pin(tmp_path):
    cmd = wr.queue_job_pip_cmd(tmp_path / "oca", python="/venv/bin/python")
    assert cmd[:4] == ["/venv/bin/python", "-m", "pip", "install"]
    assert "--no-deps" in cmd
    assert cmd[cmd.index("--target") + 1] == str(tmp_path / "oca")
    assert cmd[-1] == "odoo-addon-queue_job==19.0.2.4.0.1"


def test_queue_job_installed_once_into_state_oca(tmp_path):
    pip = FakePip()
    for _run in range(2):
        addons = wr.ensure_queue_job({"odoo_dist": None}, state=tmp_path, run_cmd=pip)
        assert addons == tmp_path / "oca" / "odoo" / "addons"
        assert wr.addon_version(addons / "queue_job") == "19.0.2.4.0"
    assert len(pip.calls) == 1, "the second run finds it and installs nothing"
    assert "--no-deps" in pip.calls[0]
    assert pip.calls[0][-1] == wr.QUEUE_JOB_WHEEL
    # installed aside, then moved in: nothing else is left in the state folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oca"]


def test_another_queue_job_version_is_replaced(tmp_path):
    old = fake_queue_job(tmp_path / "oca" / "odoo" / "addons", "19.0.2.3.0")
    (old / "stale.py").write_text("")
    pip = FakePip()
    addons = wr.ensure_queue_job({}, state=tmp_path, run_cmd=pip)
    assert len(pip.calls) == 1
    assert wr.addon_version(addons / "queue_job") == "19.0.2.4.0"
    assert not (addons / "queue_job" / "stale.py").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oca"]


def test_an_odoo_installed_by_pip_with_its_queue_job_installs_nothing(tmp_path):
    def no_pip(cmd, **_kw):
        raise AssertionError(f"nothing to install: {cmd}")

    probe = {"odoo_dist": "19.0", "queue_job": "/site/odoo/addons/queue_job"}
    assert wr.ensure_queue_job(probe, state=tmp_path, run_cmd=no_pip) is None
    assert not (tmp_path / "oca").exists()


@pytest.mark.parametrize(
    "probe",
    [
        # a source tree (no odoo distribution) that happens to import one
        {"odoo_dist": None, "queue_job": "/site/odoo/addons/queue_job"},
        # an Odoo installed by pip, without queue_job
        {"odoo_dist": "19.0", "queue_job": None},
    ],
)
def test_otherwise_queue_job_is_installed(tmp_path, probe):
    pip = FakePip()
    addons = wr.ensure_queue_job(probe, state=tmp_path, run_cmd=pip)
    assert addons == wr.oca_addons_dir(tmp_path) and len(pip.calls) == 1


@pytest.mark.parametrize("pip", [FakePip(returncode=1), FakePip(version="19.0.1.0.0")])
def test_a_failed_queue_job_install_says_what_to_run(tmp_path, pip):
    with pytest.raises(wr.SetupError) as err:
        wr.ensure_queue_job({}, state=tmp_path, run_cmd=pip)
    text = str(err.value)
    assert "odoo-addon-queue_job==19.0.2.4.0.1" in text
    assert f"pip install --no-deps --upgrade --target {tmp_path / 'oca'}" in text
    assert not (tmp_path / "oca").exists()
    assert list(tmp_path.iterdir()) == [], "no half-installed folder is left"


def test_addons_path_has_odoo_then_oca_then_the_clone(tmp_path):
    tree = fake_odoo(tmp_path, "")
    oca = wr.oca_addons_dir(tmp_path / "state")
    paths = wr.odoo_addons_paths(tree, oca, state=tmp_path / "state")
    assert paths == [
        str(tree / "addons"),
        str(tmp_path / "state" / "oca" / "odoo" / "addons"),
        str(tmp_path / "state" / "addons"),
    ]
    assert (tmp_path / "state" / "addons" / "wholesale_retail").resolve() == REPO
    # an Odoo installed by pip has its addons (queue_job too) inside its package
    installed = tmp_path / "site-packages"
    installed.mkdir()
    assert wr.odoo_addons_paths(installed, None, state=tmp_path / "state") == [
        str(tmp_path / "state" / "addons")
    ]


def test_find_odoo_puts_the_oca_addons_on_the_addons_path(tmp_path, monkeypatch):
    tree = fake_odoo(tmp_path, "pytest\n")
    monkeypatch.setattr(wr, "STATE", tmp_path / "state")
    monkeypatch.setenv("ODOO_SRC", str(tree))
    monkeypatch.setattr(
        wr,
        "probe_odoo",
        lambda **_kw: ({"major": 19, "root": str(tree), "missing": []}, {}),
    )
    monkeypatch.setattr(wr, "run", FakePip())
    _cmd, addons, _env = wr.find_odoo()
    assert addons == [
        str(tree / "addons"),
        str(tmp_path / "state" / "oca" / "odoo" / "addons"),
        str(tmp_path / "state" / "addons"),
    ]


def test_probe_tells_an_odoo_installed_by_pip_and_its_queue_job(tmp_path):
    tree = fake_odoo(tmp_path, "pytest\n")
    probe, _env = wr.probe_odoo(extra_path=tree)
    assert not probe.get("queue_job")
    fake_queue_job(tree / "odoo" / "addons", "19.0.2.4.0")
    dist = tree / "odoo-19.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: odoo\nVersion: 19.0\n")
    probe, _env = wr.probe_odoo(extra_path=tree)
    assert probe["odoo_dist"] == "19.0"
    assert Path(probe["queue_job"]) == tree / "odoo" / "addons" / "queue_job"
