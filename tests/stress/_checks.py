"""What the stress scripts that work on a scratch database share: named
checks, the closing ``N passed, N failed`` line, and dropping the database."""

import shutil
import time
import traceback
from contextlib import closing, contextmanager

import odoo
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

CHECKS = []


def check(name, condition, detail=""):
    CHECKS.append((name, bool(condition)))
    print(f"  {'ok  ' if condition else 'FAIL'} {name} {detail}", flush=True)


def drop_database(name):
    Registry.delete(name)
    odoo.sql_db.close_db(name)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(name)))
    shutil.rmtree(config.filestore(name), ignore_errors=True)


@contextmanager
def scratch_run(scratch):
    """Any crash inside is a failed check; ``scratch`` is dropped at the end."""
    try:
        yield
    except Exception:  # noqa: BLE001 - any crash is a failed check, reported below
        traceback.print_exc()
        check("no crash", False)
    finally:
        drop_database(scratch)


def report(what, started):
    """Print the timing and the closing line; return the exit code."""
    failed = sum(1 for _name, ok in CHECKS if not ok)
    print(f"{what} took {time.time() - started:.0f}s")
    print(f"{len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0
