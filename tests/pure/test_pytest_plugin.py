"""The addon's Odoo tests are imported as ``odoo.addons.wholesale_retail``
whatever the clone's folder is called (scripts/pytest_wholesale_retail.py,
loaded by the repository's pytest.ini for pytest-odoo)."""

import importlib.util
import sys
from pathlib import Path

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
    link = plugin.addons_link(state=tmp_path / "state", root=root)
    assert link.name == "wholesale_retail"
    assert link.resolve() == root.resolve()
    assert plugin.addons_link(state=tmp_path / "state", root=root) == link
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
