#!/usr/bin/env python3
"""Set up, test and demo the wholesale_retail addon on a fresh machine.

    python3 scripts/wr.py test   # lint, install on a fresh database, run every suite
    python3 scripts/wr.py demo   # Dragon Mart demo shop served on http://localhost:8069

Each command finds or sets up what it needs, and is idempotent:

* Python packages from requirements.txt (skipped when already installed);
* Odoo 19: an importable ``odoo``; else ``ODOO_SRC=/path/to/odoo-19.0``; else the
  official 19.0 source downloaded into .state/ when the network allows;
* PostgreSQL: the PG* environment or a local server that answers; else a private
  cluster under .state/pg started with Debian's binaries (installed if root);
* Chromium for the browser tests (Debian package ``chromium``).

Nothing here is skipped quietly: a missing piece stops the command with a
message that says what to provide.
"""

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("WR_STATE_DIR", REPO / ".state"))
MODULE = "wholesale_retail"
ODOO_URL = "https://github.com/odoo/odoo/archive/refs/heads/19.0.tar.gz"
CORE_SUITES = os.environ.get("WR_CORE_SUITES", "stock,sale_stock")
# Core tests that fail on stock Odoo 19 itself when they run on a registry that also
# holds point_of_sale, pos_sale and sale_margin (measured with this runner on a
# database without wholesale_retail: 4 of 767 fail, all others pass). They assume
# a single picking type per warehouse or no auto-reservation from other modules.
CORE_BASELINE_FAILURES = [
    "/stock:TestSinglePicking.test_additional_move_1",
    "/stock:TestStockFlow.test_70_picking_state_all_at_once_reserve",
    "/stock:TestReports.test_report_forecast_5_multi_warehouse",
    "/stock:TestReports.test_report_reception_3_multiwarehouse",
]
RESULT_RE = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)


class SetupError(Exception):
    pass


def say(msg):
    print(f"[wr] {msg}", flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=False, **kw)


def is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(*packages):
    if not is_root() or not shutil.which("apt-get"):
        return False
    say(f"installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if run(["apt-get", "install", "-y", "-qq", *packages], env=env).returncode:
        run(["apt-get", "update", "-qq"], env=env)
        proc = run(["apt-get", "install", "-y", "-qq", *packages], env=env)
        return proc.returncode == 0
    return True


# --------------------------------------------------------------------------
# Python requirements
# --------------------------------------------------------------------------
def ensure_python_requirements():
    missing = []
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        name = re.split(r"[<>=!~; \[]", line, maxsplit=1)[0]
        wanted = line.split("==")[1].split(";")[0].strip() if "==" in line else None
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(line)
            continue
        if wanted and version != wanted:
            missing.append(line)
    if not missing:
        return
    say(f"installing Python packages: {', '.join(missing)}")
    proc = run([sys.executable, "-m", "pip", "install", "-q", *missing])
    if proc.returncode:
        raise SetupError(
            "pip could not install " + ", ".join(missing) + ". Install them by hand "
            "(pip install -r requirements.txt) and run this command again."
        )


# --------------------------------------------------------------------------
# Odoo
# --------------------------------------------------------------------------
def _probe_odoo(extra_path=None):
    env = dict(os.environ)
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(extra_path), env.get("PYTHONPATH")) if p
        )
    code = (
        "import json, os, odoo, odoo.release as r;"
        "print(json.dumps([r.version_info[0], list(odoo.__path__)]))"
    )
    proc = run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if proc.returncode:
        return None
    major, paths = json.loads(proc.stdout.strip().splitlines()[-1])
    return major, Path(paths[0]).parent, env


def _download_odoo():
    target = STATE / "odoo-19.0"
    if (target / "odoo" / "release.py").exists():
        return target
    STATE.mkdir(parents=True, exist_ok=True)
    archive = STATE / "odoo-19.0.tar.gz"
    say(f"downloading the official Odoo 19.0 source from {ODOO_URL}")
    try:
        with (
            urllib.request.urlopen(ODOO_URL, timeout=60) as resp,
            archive.open("wb") as out,
        ):
            shutil.copyfileobj(resp, out)
    except OSError as exc:
        archive.unlink(missing_ok=True)
        raise SetupError(
            f"Odoo 19 is not importable and it could not be downloaded ({exc}). "
            "Install Odoo 19.0 so that `python3 -c 'import odoo'` works, or set "
            "ODOO_SRC=/path/to/odoo-19.0 (a source tree with odoo/ and addons/)."
        ) from exc
    with tarfile.open(archive) as tar:
        top = tar.getmembers()[0].name.split("/")[0]
        tar.extractall(STATE, filter="data")
    (STATE / top).rename(target)
    archive.unlink()
    say("installing Odoo's requirements.txt")
    if run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "-r",
            target / "requirements.txt",
        ]
    ).returncode:
        raise SetupError("pip could not install Odoo's requirements.txt")
    return target


def find_odoo():
    """Return (odoo command prefix, addons path list, environment)."""
    probe = _probe_odoo()
    source = "the installed odoo package"
    if not probe and os.environ.get("ODOO_SRC"):
        probe = _probe_odoo(Path(os.environ["ODOO_SRC"]).resolve())
        source = f"ODOO_SRC={os.environ['ODOO_SRC']}"
        if not probe:
            raise SetupError(f"{source} has no importable odoo")
    if not probe:
        probe = _probe_odoo(_download_odoo())
        source = "the downloaded 19.0 source"
    major, root, env = probe
    if major != 19:
        raise SetupError(f"{source} is Odoo {major}; this addon needs Odoo 19.0")
    odoo_bin = root / "odoo-bin"
    cmd = (
        [sys.executable, str(odoo_bin)]
        if odoo_bin.exists()
        else [sys.executable, "-m", "odoo"]
    )
    link_dir = STATE / "addons"
    link_dir.mkdir(parents=True, exist_ok=True)
    link = link_dir / MODULE
    if link.is_symlink() and link.resolve() != REPO:
        link.unlink()
    if not link.exists():
        link.symlink_to(REPO, target_is_directory=True)
    addons = [str(link_dir)]
    if (root / "addons").is_dir():
        addons.insert(0, str(root / "addons"))
    say(f"Odoo 19 from {source} ({root})")
    return cmd, addons, env


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------
def _pg_ready(env):
    if not shutil.which("pg_isready"):
        return False
    return run(["pg_isready", "-q"], env=env).returncode == 0


def _pg_bindir():
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


def ensure_postgres(env):
    """Return the db options for odoo-bin, starting a private cluster if needed."""
    user = env.get("PGUSER") or os.environ.get("USER") or "root"
    if user == "postgres":
        raise SetupError(
            "Odoo refuses the database role 'postgres'. Set PGUSER to another role."
        )
    if any(k in os.environ for k in ("PGHOST", "PGPORT")) or _pg_ready(env):
        say("PostgreSQL answers with the current PG* settings")
        return []
    bindir = _pg_bindir()
    if not bindir and apt_install("postgresql"):
        bindir = _pg_bindir()
    if not bindir:
        raise SetupError(
            "No PostgreSQL answers and none can be installed: start one and set "
            "PGHOST/PGPORT/PGUSER, or run this as root on Debian."
        )
    data = STATE / "pg" / "data"
    sock = STATE / "pg" / "run"
    port = os.environ.get("WR_PG_PORT", "5439")
    owner = "postgres" if is_root() else None

    def as_owner(cmd):
        return ["runuser", "-u", owner, "--", *cmd] if owner else cmd

    sock.mkdir(parents=True, exist_ok=True)
    if owner:
        shutil.chown(STATE / "pg", owner)
        shutil.chown(sock, owner)
    if not (data / "PG_VERSION").exists():
        say(f"creating a private PostgreSQL cluster in {data}")
        if run(
            as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                ]
            )
        ).returncode:
            raise SetupError("initdb failed")
    pg_env = dict(env, PGHOST=str(sock), PGPORT=port)
    if not _pg_ready(pg_env):
        say("starting the private PostgreSQL cluster")
        opts = f"-k {sock} -p {port} -c listen_addresses=''"
        if run(
            as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    opts,
                    "-l",
                    str(STATE / "pg" / "server.log"),
                    "-w",
                    "start",
                ]
            )
        ).returncode:
            raise SetupError(f"PostgreSQL did not start; see {STATE}/pg/server.log")
    run(
        [
            "psql",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-q",
            "-c",
            (
                f'DO $$BEGIN CREATE ROLE "{user}" SUPERUSER LOGIN; '
                "EXCEPTION WHEN duplicate_object THEN NULL; END$$;"
            ),
        ],
        env=pg_env,
    )
    env.update(PGHOST=str(sock), PGPORT=port)
    return [f"--db_host={sock}", f"--db_port={port}", f"--db_user={user}"]


# --------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------
def ensure_chromium():
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    if os.environ.get("ODOO_BROWSER_BIN") or any(shutil.which(n) for n in names):
        return
    if not apt_install("chromium"):
        raise SetupError(
            "Chromium is missing, so the POS browser tests cannot run. Install the "
            "Debian package 'chromium' (apt-get install chromium)."
        )


def ensure_rtlcss():
    if shutil.which("rtlcss") or not shutil.which("npm"):
        return
    say("installing rtlcss (npm) for right-to-left styles")
    run(["npm", "install", "-g", "-s", "rtlcss@4.3.0"])


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------
def prepare(need_browser):
    ensure_python_requirements()
    cmd, addons, env = find_odoo()
    db_opts = ensure_postgres(env)
    if need_browser:
        ensure_chromium()
    ensure_rtlcss()
    return cmd, [f"--addons-path={','.join(addons)}", *db_opts], env


def filestore(db):
    data_dir = Path(os.environ.get("ODOO_DATA_DIR", Path.home() / ".local/share/Odoo"))
    return data_dir / "filestore" / db


def drop_db(env, db):
    run(["dropdb", "--if-exists", db], env=env)
    shutil.rmtree(filestore(db), ignore_errors=True)


def copy_template(env, template, db):
    """Developer shortcut: a copy of a database that has the dependencies."""
    run(["createdb", "-T", template, db], env=env)
    if filestore(template).is_dir():
        shutil.copytree(filestore(template), filestore(db))


def odoo_run(base, env, args, log_path):
    """Run odoo-bin with ``args``, log to ``log_path``, echo the important lines."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    interesting = re.compile(
        r" (ERROR|CRITICAL|WARNING) |tests when loading database|Modules loaded|"
        r"Starting post tests|post-tests in|: \d+ tests [\d.]+s|skipped "
    )
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*base, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        for line in proc.stdout:
            log.write(line)
            if interesting.search(line):
                print("  " + line.rstrip()[:400], flush=True)
        proc.wait()
    return proc.returncode, time.time() - started


def parse_log(log_path):
    text = log_path.read_text(errors="replace")
    matches = RESULT_RE.findall(text)
    failed = errors = total = 0
    if matches:
        failed, errors, total = map(int, matches[-1])
    browser_skips = re.findall(
        r"skipped .*(Chrome executable not found|browser|Chrom)", text
    )
    return {
        "failed": failed + errors,
        "total": total,
        "browser_skips": browser_skips,
        "found": bool(matches),
    }


def lint():
    say("lint: ruff check, ruff format --check, pylint-odoo mandatory checks")
    ok = True
    for cmd in (
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
    ):
        ok &= run(cmd, cwd=REPO).returncode == 0
    py_files = [
        str(p.relative_to(REPO))
        for p in REPO.rglob("*.py")
        if ".state" not in p.parts and ".git" not in p.parts
    ]
    ok &= (
        run(
            [sys.executable, "-m", "pylint", "--rcfile=.pylintrc-mandatory", *py_files],
            cwd=REPO,
        ).returncode
        == 0
    )
    return ok


def odoo_tests(label, prefix, env, args, log_path):
    """Run one odoo-bin test pass; return (label, tests run, tests failed)."""
    rc, secs = odoo_run(prefix, env, args, log_path)
    r = parse_log(log_path)
    say(f"{label}: {r['total']} tests, {r['failed']} failed, rc={rc}, {secs:.0f}s")
    failed = r["failed"]
    if not r["found"] or rc:
        failed = max(failed, 1)
    if r["browser_skips"]:
        say(f"browser tests were skipped: {r['browser_skips'][:3]}")
        failed += len(r["browser_skips"])
    return label, max(r["total"], failed), failed


def stress_tests(opts, env, db, logs):
    """Run tests/stress/test_*.py: multi-process tests with real commits.

    Each script gets the odoo-bin options and ``-d DB`` and ends with a line
    ``N passed, N failed``; its exit code decides.
    """
    results = []
    for script in sorted((REPO / "tests" / "stress").glob("test_*.py")):
        say(f"stress test {script.name}")
        rc, secs = odoo_run(
            [sys.executable, str(script)],
            env,
            [*opts, "-d", db],
            logs / (script.stem + ".log"),
        )
        text = (logs / (script.stem + ".log")).read_text(errors="replace")
        m = re.findall(r"^(\d+) passed, (\d+) failed", text, re.MULTILINE)
        passed, failed = map(int, m[-1]) if m else (0, 1)
        if rc:
            failed = max(failed, 1)
        say(f"{script.name}: {passed} passed, {failed} failed, rc={rc}, {secs:.0f}s")
        results.append((script.name, passed + failed, failed))
    return results


def cmd_test(args):
    cmd, opts, env = prepare(need_browser=True)
    base = [*cmd, *opts]
    results = []
    if not args.no_lint:
        results.append(("lint", 1, 0 if lint() else 1))
    pure = [sys.executable, "-m", "pytest", "-q", "-p", "no:odoo", "--rootdir=."]
    proc = run(pure, cwd=REPO / "tests" / "pure", capture_output=True, text=True)
    print(proc.stdout[-2000:], proc.stderr[-2000:], sep="", flush=True)
    counts = {
        word: int(n)
        for n, word in re.findall(r"(\d+) (passed|failed|errors?)", proc.stdout)
    }
    pure_failed = (
        counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    )
    if proc.returncode and not pure_failed:
        pure_failed = 1
    results.append(
        ("pure-python tests", counts.get("passed", 0) + pure_failed, pure_failed)
    )
    db = args.db
    logs = STATE / "logs" / db
    logs.mkdir(parents=True, exist_ok=True)
    drop_db(env, db)
    if os.environ.get("WR_TEMPLATE_DB"):
        copy_template(env, os.environ["WR_TEMPLATE_DB"], db)
    common = [
        "-d",
        db,
        "--stop-after-init",
        "--log-level=info",
        f"--http-port={args.http_port}",
        "--http-interface=127.0.0.1",
        "--workers=0",
    ]
    say(f"installing {MODULE} on a fresh database '{db}' and running its tests")
    results.append(
        odoo_tests(
            MODULE,
            base,
            env,
            ["-i", MODULE, f"--test-tags={args.test_tags}", *common],
            logs / "addon.log",
        )
    )
    if not args.addon_only:
        results += stress_tests(opts, env, db, logs)
    if CORE_SUITES and not args.addon_only:
        tags = ",".join(
            [f"/{m}" for m in CORE_SUITES.split(",")]
            + [f"-{t}" for t in CORE_BASELINE_FAILURES]
        )
        say(f"running Odoo's own suites ({CORE_SUITES}) with {MODULE} installed")
        wrapper = [sys.executable, str(REPO / "scripts" / "odoo_core_tests.py")]
        results.append(
            odoo_tests(
                CORE_SUITES,
                [*wrapper, *opts],
                dict(env, WR_CORE_MODULES=CORE_SUITES),
                [f"--test-tags={tags}", *common],
                logs / "core.log",
            )
        )
    if not args.keep_db:
        drop_db(env, db)
    total = sum(t for _, t, _ in results)
    failed = sum(f for _, _, f in results)
    for name, t, f in results:
        print(f"  {name}: {t - f} passed, {f} failed")
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_demo(args):
    cmd, opts, env = prepare(need_browser=False)
    base = [*cmd, *opts]
    db = args.db
    exists = run(["psql", "-lqt"], env=env, capture_output=True, text=True)
    names = {line.split("|")[0].strip() for line in exists.stdout.splitlines()}
    has_db = db in names
    if not has_db or args.reset:
        drop_db(env, db)
        say(f"creating database '{db}' with {MODULE} (admin/admin)")
        rc, _secs = odoo_run(
            base,
            env,
            [
                "-d",
                db,
                "-i",
                MODULE,
                "--stop-after-init",
                "--log-level=warn",
            ],
            STATE / "logs" / "demo-install.log",
        )
        if rc:
            raise SetupError(f"install failed; see {STATE}/logs/demo-install.log")
        say("loading the Dragon Mart Electronics demo shop")
        started = time.time()
        proc = run(
            [*cmd, "shell", *opts, "-d", db, "--log-level=warn", "--no-http"],
            env=env,
            text=True,
            input="from odoo.addons.wholesale_retail.demo import dragon_mart\n"
            "dragon_mart.load(env)\nenv.cr.commit()\n",
        )
        if proc.returncode:
            raise SetupError("the demo loader failed")
        say(f"demo loaded in {time.time() - started:.0f}s")
    say(f"serving http://localhost:{args.port} (login admin / password admin)")
    os.execvpe(
        base[0],
        [
            *base,
            "-d",
            db,
            f"--http-port={args.port}",
            "--http-interface=127.0.0.1",
            "--db-filter",
            f"^{db}$",
        ],
        env,
    )


def cmd_pot(args):
    """Regenerate i18n/wholesale_retail.pot from a fresh install."""
    cmd, opts, env = prepare(need_browser=False)
    db = args.db
    drop_db(env, db)
    if os.environ.get("WR_TEMPLATE_DB"):
        copy_template(env, os.environ["WR_TEMPLATE_DB"], db)
    log = STATE / "logs" / db / "install.log"
    rc, _secs = odoo_run(
        [*cmd, *opts], env, ["-d", db, "-i", MODULE, "--stop-after-init"], log
    )
    if rc:
        raise SetupError(f"install failed; see {log}")
    pot = REPO / "i18n" / f"{MODULE}.pot"
    rc = run(
        [
            *cmd,
            opts[0],
            "i18n",
            "export",
            "-d",
            db,
            "-l",
            "pot",
            "-o",
            str(pot),
            MODULE,
        ],
        env=env,
    ).returncode
    drop_db(env, db)
    if rc:
        raise SetupError("the export failed")
    say(f"wrote {pot.relative_to(REPO)}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("test", help="lint, install on a fresh database, run all tests")
    t.add_argument("--db", default=os.environ.get("WR_TEST_DB", "wr_test"))
    t.add_argument("--addon-only", action="store_true", help="skip Odoo's own suites")
    t.add_argument("--no-lint", action="store_true")
    t.add_argument("--keep-db", action="store_true")
    t.add_argument("--test-tags", default=f"/{MODULE}", help="odoo --test-tags")
    t.add_argument("--http-port", default=os.environ.get("WR_TEST_HTTP_PORT", "8169"))
    d = sub.add_parser("demo", help="serve the Dragon Mart demo shop")
    d.add_argument("--db", default=os.environ.get("WR_DEMO_DB", "dragon_mart"))
    d.add_argument("--port", default=os.environ.get("WR_HTTP_PORT", "8069"))
    d.add_argument("--reset", action="store_true", help="rebuild the demo database")
    p = sub.add_parser("pot", help="regenerate i18n/wholesale_retail.pot")
    p.add_argument("--db", default="wr_pot")
    args = parser.parse_args()
    try:
        return {"test": cmd_test, "demo": cmd_demo, "pot": cmd_pot}[args.command](args)
    except SetupError as exc:
        print(f"[wr] ERROR: {exc}", file=sys.stderr, flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
