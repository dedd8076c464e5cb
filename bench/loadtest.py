# ruff: noqa: E402  (Django is set up once this run's database exists)
"""make load: the production stack as `make serve` runs it, under 50 concurrent clients
for 60 s: unit staff filing reports through the HTML forms, a reviewer returning some,
and leadership reading the dashboards of a directive of N units (default 5,000). Each
client is a person: about a second between an answer and the next click (--think; 0
makes them machines, as make faults does).

Starts its own PostgreSQL, Redis, and the Procfile's processes on spare loopback ports
(bench/stack.py), with gunicorn as config/gunicorn.conf.py picks it for this machine.
Prints p50, p95 and p99 and the errors for each kind of request, writes var/load.json,
and exits 1 on any error.

    python bench/loadtest.py [--clients 50] [--leaders 10] [--seconds 60] [--units 5000]
                             [--think 1]
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import faults
from bench import load as clients
from bench.stack import Stack

DASHBOARDS = ("overview", "dashboard", "rollup", "owed")
FILING = ("form", "submit")


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def leaders(count: int, units: int) -> tuple[list[str], dict[str, str]]:
    """Leadership accounts and the pages they read: a synthetic directive of `units`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from bench import synthetic
    from units.models import Membership

    directive = synthetic.build(units)
    period = directive.periods.order_by("start").last()
    task = directive.sections.order_by("order").first().tasks.first()
    password = make_password(clients.PASSWORD)
    names = []
    for i in range(1, count + 1):
        user = get_user_model().objects.create(username=f"lanhdao{i}", password=password)
        Membership.objects.create(user=user, unit=directive.issuer, role="leadership")
        names.append(user.username)
    ky = f"?ky={period.pk}"
    pages = {
        "overview": reverse("reports:overview", args=[directive.pk]) + ky,
        "dashboard": reverse("reports:dashboard", args=[directive.pk]) + ky,
        "dashboard filtered": reverse("reports:dashboard", args=[directive.pk])
        + ky
        + "&trang_thai=missing&q=phuoc+1",
        "rollup": reverse("reports:rollup", args=[directive.pk]) + ky,
        "owed": reverse("reports:owed", args=[directive.pk]) + ky,
        "task page": reverse("reports:task_page", args=[directive.pk, task.pk]) + ky,
        "portfolio": reverse("reports:dashboard_index"),
    }
    return names, pages


def table(run: clients.Run) -> dict:
    kinds = {}
    for kind in sorted({r.kind for r in run.calls}):
        calls = [r for r in run.calls if r.kind == kind]
        ms = [r.seconds * 1000 for r in calls if r.status is not None and r.status < 500]
        errors = [r for r in calls if r.status is None or r.status >= 400]
        kinds[kind] = {
            "requests": len(calls),
            "errors": len(errors),
            "p50_ms": round(percentile(ms, 50)),
            "p95_ms": round(percentile(ms, 95)),
            "p99_ms": round(percentile(ms, 99)),
        }
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="all of them, leaders included")
    parser.add_argument("--leaders", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--units", type=int, default=5000, help="of the directive read")
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds between a person's clicks (± half)"
    )
    parser.add_argument("--out", default=str(ROOT / "var" / "load.json"))
    args = parser.parse_args()
    reporters = args.clients - args.leaders - 1  # and one reviewer

    folder = Path(tempfile.mkdtemp(prefix="dondoc-load-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("load: stopped (SIGTERM)"))
    stack = None
    try:
        stack = Stack(folder, OUTBOX_DRAIN_SECONDS="5")
        stack.start_services()
        os.environ.update(stack.env)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        faults.EXPORT_UNITS = 10  # the fault runs' export directive: not read here
        data = faults.seed(reporters)
        names, pages = leaders(args.leaders, args.units)
        stack.start_app()
        started = time.monotonic()
        run = clients.load(
            stack.base_url,
            dict(list(faults.share(data, 0).items())[:reporters]),
            data["reviewer"],
            args.seconds,
            leaders=names,
            pages=pages,
            think=args.think,
        )
        result = {"wall_s": round(time.monotonic() - started, 1), "kinds": table(run)}
        result["failures"] = run.failures
    finally:
        if stack:
            stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    import multiprocessing

    print(
        f"make load — {args.clients} clients ({reporters} filing, 1 reviewing, "
        f"{args.leaders} reading a directive of {args.units} units), {args.seconds:.0f} s, "
        f"{args.think:g} s between clicks, {multiprocessing.cpu_count()} cores"
    )
    print(f"{'request':22} {'n':>6} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for kind, row in result["kinds"].items():
        print(
            f"{kind:22} {row['requests']:6d} {row['errors']:6d} {row['p50_ms']:7d} "
            f"{row['p95_ms']:7d} {row['p99_ms']:7d}"
        )
    Path(args.out).parent.mkdir(exist_ok=True)
    report = {"clients": args.clients, "leaders": args.leaders, "seconds": args.seconds}
    report["think"] = args.think
    Path(args.out).write_text(json.dumps(report | result, ensure_ascii=False, indent=2))
    errors = sum(row["errors"] for row in result["kinds"].values())
    if errors or result["failures"]:
        print(f"load: {errors} errors; clients stopped: {result['failures'][:3]}")
        return 1
    print("load: no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
