#!/usr/bin/env python3
"""odoo-bin, but Odoo's own test suites run on the fully loaded registry.

``odoo-bin --test-tags /stock`` without ``-i``/``-u`` runs only the post_install
tests, and with ``-i``/``-u`` it runs the at_install tests of ``stock`` before the
modules that extend it are loaded. To prove that core still works *with this
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
    suite = _make_suite(module_names, position)
    if position != "post_install":
        return suite
    modules = [m for m in module_names if m in CORE_MODULES]
    at_install = _make_suite(modules, "at_install")
    tests = list(at_install) + list(suite)
    return OdooSuite(sorted(tests, key=lambda t: getattr(t, "test_sequence", 0)))


loader.make_suite = make_suite

if __name__ == "__main__":
    odoo.cli.main()
