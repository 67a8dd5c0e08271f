"""pytest plugin: the addon's Odoo tests under pytest-odoo, from any clone.

Odoo imports an addon as ``odoo.addons.<technical name>``, and this addon's
technical name is ``wholesale_retail`` wherever it is cloned (a folder called
``wholesale-retail`` or ``wholesale_retail-19.0``). pytest-odoo takes the
module name from the folder, so a clone under another name stopped at
collection ("No module named 'odoo.addons.<folder>'"). Loaded by the
repository's pytest.ini, this plugin, when pytest-odoo runs (an
``--odoo-database``, ``--odoo-config`` or ``ODOO_RC``):

* names every file of the clone ``odoo.addons.wholesale_retail.<its path>``,
  so that pytest imports the very module Odoo loads, whatever the folder;
* when no addons path is given (no ``--odoo-addons-path``, no configuration
  file), gives Odoo its own addons, the OCA addons that ``scripts/wr.py``
  installed into ``.state/oca`` (queue_job, when there) and the clone's
  ``.state/addons``, which holds the link ``wholesale_retail`` -> the clone
  (made if missing by ``scripts/wr.py``'s own helper);
* keeps queue_job's job runner from starting in the test process
  (``ODOO_QUEUE_JOB_CHANNELS=root:0``): importing queue_job patches Odoo's
  server so that the HTTP server of ``--odoo-http`` would start it, and it
  would run the database's pending jobs (a demo database's pushes to its
  marketplaces) beside the tests; the tests trap their jobs (``trap_jobs``)
  and run them themselves;
* puts the wkhtmltopdf with patched Qt that ``scripts/wr.py`` fetched into
  ``.state/wkhtmltox`` first on the PATH, as ``wr.py`` runs Odoo (Debian's
  build draws Arabic lines over themselves: a PDF test says so).

Without pytest-odoo (``tests/pure``, ``-p no:odoo``) it does nothing.
"""

import importlib.util
import os
from pathlib import Path

import _pytest.pathlib
import pytest

# the setup's own constants and helpers (scripts/ is on pytest's path)
from wr import (
    MODULE,
    oca_addons_dir,
    odoo_addons_paths,
    patched_wkhtmltopdf_dir,
)
from wr import REPO as ADDON_ROOT


def module_name_of(path, root=ADDON_ROOT, module=MODULE):
    """The name Odoo imports ``path`` under (a file of the addon at ``root``):
    ``odoo.addons.wholesale_retail.tests.test_unit_ladder`` for
    ``<root>/tests/test_unit_ladder.py``; None for a file outside ``root``."""
    path = Path(path).resolve()
    try:
        relative = path.relative_to(Path(root).resolve())
    except ValueError:
        return None
    parts = list(relative.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(["odoo", "addons", module, *parts])


def _odoo_root():
    """The folder that holds the ``odoo`` package (and ``addons/`` in a source
    tree)."""
    spec = importlib.util.find_spec("odoo")
    origin = spec.origin if spec.origin not in (None, "namespace") else None
    package = (
        Path(origin).parent
        if origin
        else Path(next(iter(spec.submodule_search_locations)))
    )
    return package.parent


def _uses_odoo(config):
    """pytest-odoo is loaded and will run Odoo (its own condition)."""
    return config.pluginmanager.has_plugin("odoo") and bool(
        config.getoption("--odoo-database", None)
        or config.getoption("--odoo-config", None)
        or config.getoption("--odoo-dev", None)
        or os.environ.get("ODOO_RC")
        or os.environ.get("OPENERP_SERVER")
    )


def _name_files_as_odoo_does(odoo_root):
    original = _pytest.pathlib.resolve_pkg_root_and_module_name

    def resolve_pkg_root_and_module_name(path, *, consider_namespace_packages=False):
        name = module_name_of(path)
        if name is None:
            return original(
                path, consider_namespace_packages=consider_namespace_packages
            )
        # the root is the folder already on sys.path that holds ``odoo``:
        # pytest imports ``name`` from there, through Odoo's addons path
        return odoo_root, name

    _pytest.pathlib.resolve_pkg_root_and_module_name = resolve_pkg_root_and_module_name


#: queue_job's channels in the tests: a root capacity of 0 starts no job runner
NO_JOB_RUNNER = "root:0"


def default_addons_path(odoo_root, state=None):
    """The addons path without ``--odoo-addons-path``, as ``scripts/wr.py``
    builds it: Odoo's addons, ``.state/oca/odoo/addons`` when ``wr.py`` has
    installed queue_job there (an Odoo installed by pip may have its own), the
    folder of the link to the clone."""
    oca = oca_addons_dir(state)
    return odoo_addons_paths(
        odoo_root, oca if (oca / "queue_job").is_dir() else None, state
    )


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    # before pytest-odoo's own wrapper, which reads the addons path and then
    # wraps the module naming patched here
    if _uses_odoo(config):
        os.environ["ODOO_QUEUE_JOB_CHANNELS"] = NO_JOB_RUNNER
        odoo_root = _odoo_root()
        _name_files_as_odoo_does(odoo_root)
        if not (
            config.getoption("--odoo-addons-path", None)
            or config.getoption("--odoo-config", None)
            or os.environ.get("ODOO_RC")
            or os.environ.get("OPENERP_SERVER")
        ):
            config.option.odoo_addons_path = ",".join(default_addons_path(odoo_root))
    yield


# Odoo looks for wkhtmltopdf on the PATH once per process, when it first
# prints: the patched build that scripts/wr.py fetched (and checked) goes
# first as this plugin loads
_PATCHED = patched_wkhtmltopdf_dir()
if (_PATCHED / "wkhtmltopdf").exists():
    os.environ["PATH"] = f"{_PATCHED}{os.pathsep}{os.environ.get('PATH', '')}"
