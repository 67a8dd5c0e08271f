#!/usr/bin/env python3
"""odoo-bin, but Odoo's own test suites run on the fully loaded registry.

``odoo-bin --test-tags /stock`` runs the at_install tests of ``stock`` while the
registry is only loaded up to ``stock`` (with or without ``-i``/``-u``), so the
modules that extend it (this addon included) are not active, and columns that
later modules added break those tests. To prove that core still works *with this
addon installed*, this wrapper adds the at_install tests of the modules named in
``WR_CORE_MODULES`` to the post_install run, where every installed module
(wholesale_retail included) is loaded. Usage: same arguments as odoo-bin.
"""

import os

import odoo.cli
from odoo.tests import loader
from odoo.tests.suite import OdooSuite

CORE_MODULES = [m for m in os.environ.get("WR_CORE_MODULES", "").split(",") if m]
_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    if position == "at_install":
        # During loading the registry is partial: keep the core modules' tests for
        # the post_install run below, on the fully loaded registry.
        return _make_suite([m for m in module_names if m not in CORE_MODULES], position)
    suite = _make_suite(module_names, position)
    modules = [m for m in module_names if m in CORE_MODULES]
    at_install = _make_suite(modules, "at_install")
    tests = list(at_install) + list(suite)
    return OdooSuite(sorted(tests, key=lambda t: getattr(t, "test_sequence", 0)))


loader.make_suite = make_suite

if __name__ == "__main__":
    odoo.cli.main()
