# ruff: noqa: E402  (Django is set up once this run's database exists)
"""make scaleout: when one machine is not enough (issue 16). On spare loopback ports, all
its own: a PostgreSQL primary and a streaming replica made from it with pg_basebackup,
Redis, two gunicorns (the Procfile's web, twice) behind nginx, the Celery worker and
beat, with DATABASE_REPLICA_URL set, so that the pages read from the replica
(config/replica.py).

Under load through nginx (unit staff filing, leadership reading dashboards), it stops one
web process (gracefully, as systemctl stop does) a third of the way in, then the
replica two thirds of the way in. It checks that:
- no request failed: nginx moved the traffic to the other web process, and reads fell
  back to the primary;
- both web processes served requests, and the second went on alone;
- the replica served reads while it ran, and dashboards were answered after it stopped;
- every acknowledged report is in the database, and the database is whole.

    python bench/scaleout.py [--clients 30] [--seconds 60] [--units 600] [--keep]

Prints the figures, writes var/scaleout.json, exits 1 if any check fails.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import faults, loadtest
from bench import load as clients
from bench.stack import Postgres, Process, Stack, _pg_bin, _port_open, _wait_for, spare_port

NGINX = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    # As deploy/nginx.conf's upstream, with two hosts: a host that refuses the connection
    # is left out for a while and the request goes to the other (nothing was sent yet);
    # a host marked down (then nginx -s reload) gets no new request.
    upstream dondoc {{
        server 127.0.0.1:{web1} max_fails=1 fail_timeout=10s{web1_down};
        server 127.0.0.1:{web2} max_fails=1 fail_timeout=10s;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://dondoc;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


class Replica(Postgres):
    """A hot standby streaming from `primary`, made with pg_basebackup."""

    def __init__(self, folder: Path, primary: Postgres, port: int):
        self.folder, self.data, self.port, self.user = folder, folder / "pgdata", port, primary.user
        folder.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(folder, self.user, self.user)
        self.primary = primary

    def copy(self) -> None:
        self._run(
            _pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", self.primary.port,
            "-U", "postgres", "-D", self.data, "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip

    def lag_bytes(self) -> int:
        import psycopg

        with psycopg.connect(self.primary.url.replace("postgres://", "postgresql://")) as db:
            row = db.execute(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication"
            ).fetchone()
        return int(row[0]) if row and row[0] is not None else -1

    def rows_read(self) -> int:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as db:
            return db.execute(
                "SELECT tup_returned + tup_fetched FROM pg_stat_database "
                "WHERE datname = 'dondoc_faults'"
            ).fetchone()[0]


def access_lines(log: Path) -> int:
    """Requests a gunicorn answered, from its access log (its process log here)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return sum(1 for line in text.splitlines() if '"GET ' in line or '"POST ' in line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--leaders", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--units", type=int, default=600, help="of the directive read")
    parser.add_argument("--keep", action="store_true", help="keep the folder and its logs")
    parser.add_argument("--out", default=str(ROOT / "var" / "scaleout.json"))
    args = parser.parse_args()
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("scaleout: nginx is needed (apt-get install nginx-light)")
    reporters = args.clients - args.leaders - 1

    folder = Path(tempfile.mkdtemp(prefix="dondoc-scaleout-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("scaleout: stopped (SIGTERM)"))
    replica_port, web2_port, nginx_port = spare_port(), spare_port(), spare_port()
    stack = replica = web2 = nginx = None
    failures: list[str] = []
    result: dict = {}
    try:
        stack = Stack(
            folder,
            DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{replica_port}/dondoc_faults",
            OUTBOX_DRAIN_SECONDS="5",
            REPLICA_RETRY_SECONDS="5",
        )
        stack.start_services()
        os.environ.update(stack.env)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        faults.EXPORT_UNITS = 10  # the fault runs' export directive: not read here
        data = faults.seed(reporters)
        names, pages = loadtest.leaders(args.leaders, args.units)
        from django.db import connections

        connections.close_all()
        replica = Replica(folder / "replica", stack.pg, replica_port)
        replica.copy()
        replica.start()

        stack.start_app()
        bind = f"127.0.0.1:{web2_port}"
        command = [bind if w == f"127.0.0.1:{stack.web_port}" else w for w in stack.web.command]
        web2 = Process("web2", command, stack.env, folder / "web2.log")
        web2.start()
        _wait_for(web2, lambda: _port_open(web2_port))
        temp = folder / "nginx"
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (temp / name).mkdir(parents=True)
        temp.chmod(0o777)
        for path in temp.iterdir():
            path.chmod(0o777)
        conf = folder / "nginx.conf"

        def configure(web1_down: bool) -> None:
            conf.write_text(
                NGINX.format(
                    folder=folder,
                    temp=temp,
                    web1=stack.web_port,
                    web2=web2_port,
                    port=nginx_port,
                    web1_down=" down" if web1_down else "",
                )
            )

        configure(web1_down=False)
        command = [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(folder)]
        nginx = Process("nginx", command, stack.env, folder / "nginx.log")
        nginx.start()
        _wait_for(nginx, lambda: _port_open(nginx_port))
        base_url = f"http://127.0.0.1:{nginx_port}"

        read_before = replica.rows_read()
        times: dict[str, float] = {}
        started = time.monotonic()

        def clock() -> float:
            return time.monotonic() - started

        def stop_web1():
            """As a host is taken out (docs/deploy.md): marked down in nginx's upstream and
            nginx reloaded, so it gets no new request; then stopped (SIGTERM: gunicorn
            finishes what it serves). Stopped at once instead, the requests waiting in
            its listen queue are reset, and nginx may not send a form twice: 502."""
            times["web1_stopped"] = clock()
            result["web1_requests"] = access_lines(folder / "web.log")
            result["web2_requests_before"] = access_lines(folder / "web2.log")
            configure(web1_down=True)
            nginx.signal(signal.SIGHUP)  # nginx -s reload
            time.sleep(2)  # the old nginx workers finish what they passed on
            stack.web.stop()

        def stop_replica():
            result["replica_lag_bytes"] = replica.lag_bytes()
            result["replica_rows_read"] = replica.rows_read() - read_before
            times["replica_stopped"] = clock()
            replica.stop()
            replica.stopped = True

        run = clients.load(
            base_url,
            dict(list(faults.share(data, 0).items())[:reporters]),
            data["reviewer"],
            args.seconds,
            events=[(args.seconds / 3, stop_web1), (2 * args.seconds / 3, stop_replica)],
            leaders=names,
            pages=pages,
            think=0.5,
        )
        connections.close_all()
        result["web2_requests"] = access_lines(folder / "web2.log")
        result["times"] = {k: round(v, 1) for k, v in times.items()}
        result["load"] = loadtest.table(run)
        errors = [r for r in run.calls if r.status is None or r.status >= 400]
        result["errors"] = len(errors)
        dashboards = set(pages)
        after_replica = [
            r
            for r in run.calls
            if r.kind in dashboards and r.at > times.get("replica_stopped", 1e9) + 1
        ]
        after_web1 = [r for r in run.calls if r.at > times.get("web1_stopped", 1e9) + 1]
        result["answered_after_web1_stopped"] = len(after_web1)
        result["dashboards_after_replica_stopped"] = len(after_replica)
        faults.check(not run.failures, f"clients stopped: {run.failures[:3]}", failures)
        statuses = sorted({str(r.status) for r in errors})
        faults.check(not errors, f"{len(errors)} errors (status {', '.join(statuses)})", failures)
        for r in errors[:5]:  # what went wrong, and when: the run's times above say what ran
            print(f"    error: {r.kind} at {r.at:.1f} s, status {r.status} {r.error}")
        faults.check(result["web1_requests"] > 0, "the first web process served nothing", failures)
        faults.check(
            result["web2_requests_before"] > 0, "the second web process served nothing", failures
        )
        faults.check(
            result["web2_requests"] > result["web2_requests_before"],
            "the second web process did not go on alone",
            failures,
        )
        faults.check(bool(after_web1), "nothing was answered after a web process stopped", failures)
        faults.check(result["replica_rows_read"] > 1000, "the replica served no reads", failures)
        faults.check(
            bool(after_replica) and all(r.status == 200 for r in after_replica),
            "dashboards were not answered after the replica stopped",
            failures,
        )
        faults.acknowledged_kept(run, failures)
        result["database"] = faults.database_whole(data["directive"], failures)
    finally:
        for process in (nginx, web2):
            if process:
                process.stop()
        if replica and not getattr(replica, "stopped", False):
            with contextlib.suppress(subprocess.CalledProcessError):
                replica.stop()
        if stack:
            stack.stop()
        if args.keep:
            print(f"logs in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps({k: v for k, v in result.items() if k != "load"}, ensure_ascii=False))
    for kind, row in result.get("load", {}).items():
        print(f"  {kind:22} n={row['requests']:5d} errors={row['errors']} p95={row['p95_ms']} ms")
    Path(args.out).parent.mkdir(exist_ok=True)
    report = {"clients": args.clients, "seconds": args.seconds, "result": result}
    report["failures"] = failures
    Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    for failure in failures:
        print(f"    FAILED: {failure}")
    print("scaleout:", "FAILED" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
