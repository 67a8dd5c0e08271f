"""The real server the benchmarks drive, and a JSON-RPC session on it.

``start_server`` runs ``odoo-bin --workers 4`` on loopback (HTTP on ``port``,
the bus websocket on ``port + 1``) and waits for both; ``Client`` is one
logged-in JSON-RPC session, as one browser tab or one POS is.

``queue_job_server_argv`` and ``queue_job_env`` are what a server needs to run
OCA queue_job's jobrunner inside it (``--load=base,rpc,web,queue_job``, its
channels, and the HTTP address the jobrunner calls back): pass them as
``start_server(..., extra_argv=..., env=...)``.
"""

import http.cookiejar
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import odoo


class Client:
    """One JSON-RPC session, as one browser tab or one POS is."""

    def __init__(self, base, db, login="admin", password="admin"):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )

    def session_id(self):
        return next(c.value for c in self.jar if c.name == "session_id")

    def rpc(self, path, params):
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params}, default=str
        )
        request = urllib.request.Request(
            self.base + path, body.encode(), {"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=600) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"][:300])
        return answer.get("result")  # a method returning None sends no result

    def call(self, model, method, args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )


def server_log_path(port):
    """Where the server on ``port`` writes its log."""
    return f"/tmp/wr_bench_server_{port}.log"


def queue_job_server_argv(modules=("base", "rpc", "web", "queue_job")):
    """Options that load queue_job server-wide, so its jobrunner runs inside
    the server (a process of its own under ``--workers``)."""
    return [f"--load={','.join(modules)}"]


def queue_job_env(port, channels="root:4", host="127.0.0.1"):
    """Environment of a server whose jobrunner calls it back on
    ``http://host:port`` (``/queue_job/runjob``) with ``channels``."""
    env = dict(os.environ)
    env.update(
        ODOO_QUEUE_JOB_CHANNELS=channels,
        ODOO_QUEUE_JOB_SCHEME="http",
        ODOO_QUEUE_JOB_HOST=host,
        ODOO_QUEUE_JOB_PORT=str(port),
    )
    return env


def start_server(argv, db, port, extra_argv=(), env=None, log_level="warn"):
    """``extra_argv`` goes after the fixed options (a later option wins, e.g.
    ``--max-cron-threads=1``); ``env``: the server's environment (default
    this process's)."""
    odoo_bin = Path(odoo.__path__[0]).parent / "odoo-bin"
    cmd = [
        sys.executable,
        str(odoo_bin),
        *argv,
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        "--workers=4",
        "--max-cron-threads=0",
        f"--http-port={port}",
        f"--gevent-port={port + 1}",
        "--http-interface=127.0.0.1",
        "--limit-time-real=900",
        "--limit-time-cpu=900",
        f"--log-level={log_level}",
        *extra_argv,
    ]
    log_path = server_log_path(port)
    log = open(log_path, "w")  # noqa: SIM115
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    ready = set()
    for _i in range(120):
        for url in (base + "/web/login", f"http://127.0.0.1:{port + 1}/websocket"):
            if url in ready:
                continue
            try:
                with urllib.request.urlopen(url, timeout=5):
                    ready.add(url)
            except urllib.error.HTTPError:
                # /websocket answers a plain GET with 400 (no upgrade): it's up
                ready.add(url)
            except OSError:
                pass
        if len(ready) == 2:
            return server, base
        if server.poll() is not None:
            break
        time.sleep(1)
    server.terminate()
    raise SystemExit(
        f"the server did not answer on {base} and its gevent port; see {log_path}"
    )


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
