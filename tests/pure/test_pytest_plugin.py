"""The addon's Odoo tests are imported as ``odoo.addons.wholesale_retail``
whatever the clone's folder is called (scripts/pytest_wholesale_retail.py,
loaded by the repository's pytest.ini for pytest-odoo)."""

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import _pytest.pathlib
import pytest

REPO = Path(__file__).resolve().parents[2]
# the plugin takes the setup's helpers from scripts/wr.py, as pytest.ini's
# pythonpath lets it
sys.path.insert(0, str(REPO / "scripts"))
spec = importlib.util.spec_from_file_location(
    "pytest_wholesale_retail_under_test",
    REPO / "scripts" / "pytest_wholesale_retail.py",
)
plugin = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plugin)
wr = sys.modules["wr"]  # the setup module the plugin imports its helpers from


def clone(tmp_path, folder):
    """A clone of the addon in ``folder``: its manifest and one test file."""
    root = tmp_path / folder
    (root / "tests").mkdir(parents=True)
    (root / "__manifest__.py").write_text("{'name': 'Wholesale & Retail'}\n")
    (root / "__init__.py").write_text("")
    (root / "tests" / "__init__.py").write_text("")
    (root / "tests" / "test_unit_ladder.py").write_text("")
    return root


@pytest.mark.parametrize(
    "folder", ["wholesale_retail", "wholesale-retail", "wholesale_retail-19.0", "main"]
)
def test_module_name_does_not_depend_on_the_folder(tmp_path, folder):
    root = clone(tmp_path, folder)
    name = plugin.module_name_of(root / "tests" / "test_unit_ladder.py", root=root)
    assert name == "odoo.addons.wholesale_retail.tests.test_unit_ladder"
    assert plugin.module_name_of(root / "tests" / "__init__.py", root=root) == (
        "odoo.addons.wholesale_retail.tests"
    )
    assert plugin.module_name_of(root / "__init__.py", root=root) == (
        "odoo.addons.wholesale_retail"
    )


def test_a_file_outside_the_clone_keeps_pytests_name(tmp_path):
    root = clone(tmp_path, "wholesale-retail")
    other = tmp_path / "elsewhere" / "test_other.py"
    other.parent.mkdir()
    other.write_text("")
    assert plugin.module_name_of(other, root=root) is None


def test_the_link_through_the_addons_path_names_the_same_module(tmp_path):
    """Odoo finds the clone through ``.state/addons/wholesale_retail``; a file
    reached through that link has the same name as through the clone."""
    root = clone(tmp_path, "wholesale-retail")
    link = wr.addons_link(state=tmp_path / "state", root=root)
    assert link.name == "wholesale_retail"
    assert link.resolve() == root.resolve()
    assert wr.addons_link(state=tmp_path / "state", root=root) == link
    assert plugin.module_name_of(link / "tests" / "test_unit_ladder.py", root=root) == (
        "odoo.addons.wholesale_retail.tests.test_unit_ladder"
    )


def test_pytest_imports_the_clones_tests_under_the_addons_name(tmp_path, monkeypatch):
    """pytest's resolution, as the plugin patches it for pytest-odoo, for this
    very clone, whatever its folder is called here; other files are left to
    pytest's own resolution."""

    def pytests_own(path, *, consider_namespace_packages=False):
        return Path("/pytest"), Path(path).stem

    monkeypatch.setattr(
        _pytest.pathlib, "resolve_pkg_root_and_module_name", pytests_own
    )
    plugin._name_files_as_odoo_does(Path("/odoo-root"))
    resolve = _pytest.pathlib.resolve_pkg_root_and_module_name
    assert resolve(REPO / "tests" / "test_unit_ladder.py") == (
        Path("/odoo-root"),
        "odoo.addons.wholesale_retail.tests.test_unit_ladder",
    )
    assert resolve(tmp_path / "test_other.py") == (Path("/pytest"), "test_other")


def test_no_conftest_in_the_clone():
    """pytest imports a conftest.py before any plugin can name it: in a clone
    called otherwise than the addon it would import the addon as a plain
    package, which Odoo refuses. Fixtures go in scripts/ plugins instead."""
    found = [
        str(path.relative_to(REPO))
        for path in REPO.rglob("conftest.py")
        if ".state" not in path.parts and ".git" not in path.parts
    ]
    assert found == []


def test_default_addons_path_has_queue_job_once_wr_installed_it(tmp_path):
    """Without --odoo-addons-path the plugin builds wr.py's addons path:
    Odoo's addons, .state/oca/odoo/addons once queue_job is there, the link's
    folder."""
    odoo_root = tmp_path / "odoo-19.0"
    (odoo_root / "addons").mkdir(parents=True)
    state = tmp_path / "state"
    assert plugin.default_addons_path(odoo_root, state) == [
        str(odoo_root / "addons"),
        str(state / "addons"),
    ]
    queue_job = wr.oca_addons_dir(state) / "queue_job"
    queue_job.mkdir(parents=True)
    (queue_job / "__manifest__.py").write_text("{'version': '19.0.2.4.0'}\n")
    assert plugin.default_addons_path(odoo_root, state) == [
        str(odoo_root / "addons"),
        str(state / "oca" / "odoo" / "addons"),
        str(state / "addons"),
    ]
    assert plugin.oca_addons_dir is wr.oca_addons_dir


class FakeConfig:
    """What the plugin reads of pytest's config when pytest-odoo runs."""

    def __init__(self, **options):
        self.pluginmanager = SimpleNamespace(has_plugin=lambda name: name == "odoo")
        self.options = {"--odoo-database": "wr_test", **options}
        self.option = SimpleNamespace(odoo_addons_path=None)

    def getoption(self, name, default=None):
        return self.options.get(name, default)


def test_no_job_runner_in_the_tests_and_the_oca_addons_on_the_path(
    tmp_path, monkeypatch
):
    """queue_job's runner would start with pytest-odoo's HTTP server and run
    the database's pending jobs beside the tests: the plugin gives it no
    capacity, whatever the environment says."""
    odoo_root = tmp_path / "odoo-19.0"
    (odoo_root / "addons").mkdir(parents=True)
    monkeypatch.setattr(wr, "STATE", tmp_path / "state")
    (wr.oca_addons_dir() / "queue_job").mkdir(parents=True)
    monkeypatch.setattr(plugin, "_odoo_root", lambda: odoo_root)
    monkeypatch.setattr(plugin, "_name_files_as_odoo_does", lambda root: None)
    monkeypatch.setenv("ODOO_QUEUE_JOB_CHANNELS", "root:2,root.wholesale_sync:2")
    config = FakeConfig()
    hook = plugin.pytest_cmdline_main(config)
    next(hook)
    assert plugin.os.environ["ODOO_QUEUE_JOB_CHANNELS"] == "root:0"
    assert config.option.odoo_addons_path.split(",") == [
        str(odoo_root / "addons"),
        str(tmp_path / "state" / "oca" / "odoo" / "addons"),
        str(tmp_path / "state" / "addons"),
    ]


def test_without_pytest_odoo_the_environment_is_left_alone(monkeypatch):
    monkeypatch.setenv("ODOO_QUEUE_JOB_CHANNELS", "root:2")
    config = FakeConfig(**{"--odoo-database": None})
    next(plugin.pytest_cmdline_main(config))
    assert plugin.os.environ["ODOO_QUEUE_JOB_CHANNELS"] == "root:2"
    assert config.option.odoo_addons_path is None
