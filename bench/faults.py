# ruff: noqa: E402  (Django is set up once this run's database exists)
"""make faults: the production stack under load and faults (issue 8).

Starts its own PostgreSQL (initdb in a temporary folder), Redis, and the Procfile's
gunicorn, Celery worker and beat on spare loopback ports (bench/stack.py); stops only
those. Then:

  a  load: 50 unit staff file and send reports for 60 s through the HTML forms, while a
     reviewer returns what one person can: zero errors, p95 recorded, and afterwards every
     acknowledged report is in the database;
  b  the same with Redis stopped for 30 s in the middle: no report lost, every
     notification (in-app and e-mail) delivered once Redis is back;
  c  the Celery worker killed with SIGKILL in the middle of an XLSX export (a document's
     annex is summed by tree level, and renders too fast to be caught): the export
     completes after the worker is started again;
  d  the same load with PostgreSQL stopped for 5 s in the middle: the requests it
     catches get the clean 503 page, the rest succeed, nothing is half-written.

After each run the database is checked whole: every report's status agrees with its
transitions and its audit events, every return has its outbox message.

    python bench/faults.py [--clients 50] [--seconds 60] [--only a,b] [--keep]

Prints a table and writes var/faults.json; exits 1 if any check fails.
"""

import argparse
import contextlib
import datetime
import email.header
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load as clients
from bench.stack import Stack
from bench.stats import p95

# Shortened so recovery is seen in minutes; production keeps the defaults
# (config/settings.py: 60 s, 120 s, 120 s).
RECOVERY_SETTINGS = {
    "OUTBOX_DRAIN_SECONDS": "5",
    "OUTBOX_RESEND_SECONDS": "20",
    "EXPORT_LEASE_SECONDS": "15",
    "WEB_CONCURRENCY": "4",
    "WORKER_CONCURRENCY": "2",
}
TASKS = 30  # per unit: with 12-13 periods, 360 slots a unit or more, a third a load run
EXPORT_UNITS = 2000  # the export killed in (c): large enough to take a while


def check(condition: bool, message: str, failures: list[str]) -> None:
    if not condition:
        failures.append(message)


# The data --------------------------------------------------------------------------


def seed(units: int) -> dict:
    """A directive addressed to `units` units, each with one reporter, and a reviewer;
    the synthetic directive for the export. Returns the names and the slots."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from bench import synthetic
    from directives.models import Addressee, Assignment, Directive, Section, Task
    from directives.services import assignments_sync
    from reports.periods.services import periods_generate
    from units.models import Membership, Unit, UnitGroup

    User = get_user_model()
    today = timezone.localdate()
    with transaction.atomic():
        district = Unit.objects.create(name="Huyện ủy thử lỗi", kind="party_committee")
        members = [
            Unit.objects.create(
                name=f"Chi bộ thử lỗi {i}", kind="grassroots_party", parent=district
            )
            for i in range(1, units + 1)
        ]
        group = UnitGroup.objects.create(name="Các chi bộ thử lỗi")
        group.members.add(*members)
        directive = Directive.objects.create(
            number="THU-LOI/HU",
            issued_on=today,
            issuer=district,
            subject="Văn bản thử lỗi",
            signer_on_behalf="T/M BAN THƯỜNG VỤ",
            signer_title="PHÓ BÍ THƯ",
            signer_name="Người Ký Thử",
            status=Directive.Status.ACTIVE,
            schedule=Directive.Schedule.MONTHLY,
            # Periods exist once they have started (beat's hourly run removes any other):
            # the past year's, all still open for entry.
            reporting_starts_on=(today - datetime.timedelta(days=365)).replace(day=1),
            reporting_ends_on=today + datetime.timedelta(days=365),
            lock_days=400,
        )
        section = Section.objects.create(directive=directive, number="1", order=1, heading="Mục 1")
        Addressee.objects.create(section=section, group=group)
        for t in range(1, TASKS + 1):
            Task.objects.create(section=section, order=t, text=f"Nhiệm vụ thử lỗi {t}.")
        assignments_sync(directive=directive)
        periods_generate(directive=directive)
        password = make_password(clients.PASSWORD)  # hashed once: argon2 is slow on purpose
        for i, unit in enumerate(members, start=1):
            user = User.objects.create(
                username=f"chibo{i}", email=f"chibo{i}@thu-loi.invalid", password=password
            )
            Membership.objects.create(user=user, unit=unit, role=Membership.Role.REPORTER)
        reviewer = User.objects.create(username="theodoi", password=password)
        Membership.objects.create(user=reviewer, unit=district, role=Membership.Role.REVIEWER)
    periods = list(directive.periods.order_by("start").values_list("pk", flat=True))
    slots: dict[str, list[tuple[int, int]]] = {}
    for assignment_id, unit_name in Assignment.objects.filter(
        task__section__directive=directive
    ).values_list("pk", "unit__name"):
        name = "chibo" + unit_name.rsplit(" ", 1)[1]
        slots.setdefault(name, []).extend((assignment_id, period) for period in periods)
    started = time.monotonic()
    export_directive = synthetic.build(EXPORT_UNITS)
    return {
        "directive": directive.pk,
        "slots": {name: sorted(mine) for name, mine in slots.items()},
        "reviewer": "theodoi",
        "export_directive": export_directive.pk,
        "export_seed_seconds": time.monotonic() - started,
    }


def share(data: dict, part: int, parts: int = 3) -> dict[str, list[tuple[int, int]]]:
    """Each load run takes its own third of every unit's slots."""
    return {name: slots[part::parts] for name, slots in data["slots"].items()}


def database_whole(directive_id: int, failures: list[str]) -> dict:
    """Every report of the directive is in a state its history explains: its status is its
    last transition's, a sent one has its sending time, every sending and return has its
    audit event, every return its outbox message."""
    from django.db import connections
    from django.db.models import Count, Q

    from ops.models import AuditEvent, OutboxMessage
    from reports.filing.models import ProgressReport, ReportTransition

    connections.close_all()  # the connection from before a restart is gone
    reports = ProgressReport.objects.filter(assignment__task__section__directive=directive_id)
    last = {}
    for report_id, to_status in (
        ReportTransition.objects.filter(report__in=reports)
        .order_by("report_id", "at", "pk")
        .values_list("report_id", "to_status")
    ):
        last[report_id] = to_status
    counts = reports.aggregate(
        total=Count("pk"),
        draft=Count("pk", filter=Q(status="draft")),
        sent_without_time=Count("pk", filter=~Q(status="draft") & Q(submitted_at=None)),
    )
    wrong = [
        pk for pk, status in reports.values_list("pk", "status") if last.get(pk, "draft") != status
    ]
    check(not wrong, f"{len(wrong)} reports whose status is not their history's", failures)
    check(not counts["sent_without_time"], "sent reports without a sending time", failures)
    for action, status in (("report.submitted", "submitted"), ("report.returned", "returned")):
        moves = ReportTransition.objects.filter(report__in=reports, to_status=status).count()
        events = AuditEvent.objects.filter(action=action, object_id__in=reports.values("pk"))
        check(
            moves == events.count(),
            f"{moves} transitions to {status} but {events.count()} audit events",
            failures,
        )
    returned = set(
        ReportTransition.objects.filter(report__in=reports, to_status="returned").values_list(
            "report_id", flat=True
        )
    )
    told = {
        args[0]
        for args in OutboxMessage.objects.filter(
            task="reports.tasks.notify_report_returned"
        ).values_list("args", flat=True)
    }
    check(returned <= told, f"{len(returned - told)} returns without outbox message", failures)
    return {"reports": counts["total"], "drafts": counts["draft"], "returns": len(returned)}


def acknowledged_kept(run: clients.Run, failures: list[str]) -> None:
    from reports.filing.models import ProgressReport, ReportTransition

    stored = {
        pk: (assignment, period, status)
        for pk, assignment, period, status in ProgressReport.objects.filter(
            pk__in=run.sent.values()
        ).values_list("pk", "assignment_id", "period_id", "status")
    }
    lost = [
        pk
        for (assignment, period), pk in run.sent.items()
        if stored.get(pk, (None, None, "draft"))[:2] != (assignment, period)
        or stored[pk][2] == "draft"
    ]
    check(not lost, f"{len(lost)} acknowledged reports not in the database as sent", failures)
    returned = set(
        ReportTransition.objects.filter(
            report_id__in=run.returned, to_status="returned"
        ).values_list("report_id", flat=True)
    )
    missing = set(run.returned) - returned
    check(not missing, f"{len(missing)} acknowledged returns not in the database", failures)


def notifications_delivered(stack: Stack, wait: float, failures: list[str]) -> dict:
    """Wait for the outbox to empty; then every return has told its unit, in the app and
    by e-mail (the worker's file-based backend writes the messages)."""
    from django.db import connections

    from ops.models import OutboxMessage
    from reports.filing.models import ReportTransition
    from reports.notifications.models import Notification

    connections.close_all()
    deadline = time.monotonic() + wait
    started = time.monotonic()
    while OutboxMessage.objects.filter(done_at=None).exists() and time.monotonic() < deadline:
        time.sleep(1)
    pending = OutboxMessage.objects.filter(done_at=None).count()
    returns = ReportTransition.objects.filter(to_status="returned").count()
    notices = Notification.objects.filter(message__contains="đã bị trả lại").count()
    mails = sum(1 for subject in mail_subjects(stack.mail) if subject.startswith(RETURNED))
    check(not pending, f"{pending} outbox messages never done", failures)
    check(notices == returns, f"{returns} returns but {notices} in-app notifications", failures)
    check(mails == returns, f"{returns} returns but {mails} e-mails", failures)
    return {"returns": returns, "notifications": notices, "emails": mails,
            "outbox_emptied_s": round(time.monotonic() - started, 1)}  # fmt: skip


RETURNED = "Báo cáo bị trả lại"  # the subject of a return's e-mail (beat's reminders go too)


SUBJECT = re.compile(r"^Subject: (.*(?:\n[ \t].*)*)", re.MULTILINE)  # with folded lines


def mail_subjects(folder: Path) -> list[str]:
    """The subjects of the e-mails Django's file backend wrote (one file a connection)."""
    return [
        str(email.header.make_header(email.header.decode_header(subject)))
        for path in folder.iterdir()
        for subject in SUBJECT.findall(path.read_text())
    ]


# The figures -----------------------------------------------------------------------


def figures(run: clients.Run, seconds: float, allow_503: bool, failures: list[str]) -> dict:
    answered = [r for r in run.calls if r.status is not None and r.status < 500]
    errors = [
        r
        for r in run.calls
        if r.status is None or (r.status >= 400 and not (allow_503 and r.clean_503))
    ]
    clean = [r for r in run.calls if r.clean_503]
    check(not run.failures, f"clients stopped: {run.failures[:3]}", failures)
    statuses = sorted({str(r.status) for r in errors})
    check(not errors, f"{len(errors)} errors (status {', '.join(statuses)})", failures)
    check(bool(run.sent), "no report was sent", failures)
    check(bool(run.returned), "no report was returned (did the reviewer sign in?)", failures)
    latency = [r.seconds * 1000 for r in answered]
    return {
        "requests": len(run.calls),
        "errors": len(errors),
        "clean_503": len(clean),
        "reports_sent": len(run.sent),
        "returns_acknowledged": len(run.returned),
        "sent_per_s": round(len(run.sent) / seconds, 1),
        "median_ms": round(statistics.median(latency)) if latency else 0,
        "p95_ms": round(p95(latency)),
        "p95_submit_ms": round(p95([r.seconds * 1000 for r in answered if r.kind == "submit"])),
        "max_ms": {
            kind: round(max(r.seconds for r in answered if r.kind == kind) * 1000)
            for kind in sorted({r.kind for r in answered})
        },
    }


def window(run: clients.Run, start: float, end: float) -> dict:
    """Requests answered while a fault lasted."""
    inside = [r for r in run.calls if start <= r.at < end and r.status is not None]
    latency = [r.seconds * 1000 for r in inside if r.status < 500]
    return {
        "requests": len(inside),
        "ok": sum(1 for r in inside if r.status < 400),
        "clean_503": sum(1 for r in inside if r.clean_503),
        "p95_ms": round(p95(latency)),
    }


# The scenarios ---------------------------------------------------------------------


def load_run(stack, data, part, args, events=(), allow_503=False):
    from django.db import connections

    failures: list[str] = []
    run = clients.load(
        stack.base_url,
        dict(list(share(data, part).items())[: args.clients]),
        data["reviewer"],
        args.seconds,
        events,
    )
    connections.close_all()  # this process's connection did not outlive a restart
    result = figures(run, args.seconds, allow_503, failures)
    acknowledged_kept(run, failures)
    result["database"] = database_whole(data["directive"], failures)
    return run, result, failures


def outage(stop, start, clock):
    """The actions that stop and restart a service, noting on `clock` when the stop began
    ("down") and when the service was back ("up")."""
    times = {}

    def down():
        times["down"] = clock()
        stop()

    def up():
        start()
        times["up"] = clock()

    return times, down, up


def scenario_a(stack, data, args):
    _run, result, failures = load_run(stack, data, 0, args)
    result["notifications"] = notifications_delivered(stack, 60, failures)
    return result, failures


def scenario_b(stack, data, args):
    from django.utils import timezone

    from ops.models import OutboxMessage

    down = args.seconds / 4
    up = down + min(30, args.seconds / 2)  # 30 s, or half of a shorter run
    clock, stop_redis, start_redis = outage(stack.redis.stop, stack.start_redis, timezone.now)
    run, result, failures = load_run(stack, data, 1, args, [(down, stop_redis), (up, start_redis)])
    during = result["redis_down"] = window(run, down, up)
    # Queuing a notification must not wait for Redis: no slower than the rest of the run.
    slowest_return = max((r.seconds for r in run.calls if r.kind == "return"), default=0)
    check(
        during["p95_ms"] <= 2 * result["p95_ms"] + 200,
        f"p95 {during['p95_ms']} ms while Redis was down, {result['p95_ms']} ms in all",
        failures,
    )
    check(slowest_return < 10, f"a return took {slowest_return:.1f} s", failures)
    result["notifications"] = notifications_delivered(stack, 120, failures)
    caught = OutboxMessage.objects.filter(created_at__range=(clock["down"], clock["up"]))
    last = max(caught.values_list("done_at", flat=True), default=None)
    during["returns"] = caught.count()
    during["all_told_after_restart_s"] = (
        round((last - clock["up"]).total_seconds(), 1) if last else None
    )
    check(caught.exists(), "no return was made while Redis was down", failures)
    return result, failures


def scenario_d(stack, data, args):
    down, up = args.seconds / 3, args.seconds / 3 + 5
    clock, stop_postgres, start_postgres = outage(stack.pg.stop, stack.pg.start, time.monotonic)
    run, result, failures = load_run(
        stack, data, 2, args, [(down, stop_postgres), (up, start_postgres)], allow_503=True
    )
    stopping, back = clock["down"] - run.started, clock["up"] - run.started
    result["postgres_down"] = window(run, stopping, back)
    after = [r for r in run.calls if r.at >= back and r.status is not None]
    first_ok = min((r.at for r in after if r.status < 400), default=back)
    result["postgres_down"]["seconds"] = round(back - stopping, 1)
    result["postgres_down"]["first_ok_after_start_s"] = round(first_ok - back, 2)
    # A 503 is right only while PostgreSQL is down: answered after the stop began and
    # within a second of the restart (kept connections are checked before reuse).
    stray = [r for r in run.calls if r.clean_503 and not stopping <= r.at + r.seconds <= back + 1]
    result["postgres_down"]["503_outside"] = len(stray)
    check(result["clean_503"] > 0, "no request met the outage", failures)
    check(not stray, f"{len(stray)} 503 pages outside the outage", failures)
    result["notifications"] = notifications_delivered(stack, 60, failures)
    return result, failures


def scenario_c(stack, data, args):
    """An XLSX export of the synthetic directive's year (every unit, and the matrix:
    the export that still takes a while); the worker is killed once it has written some
    progress, and started again two seconds later."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from openpyxl import load_workbook

    from directives.models import Directive
    from reports.summaries.compose import summary_compose
    from reports.summaries.models import Export
    from reports.summaries.pipeline import export_request

    failures: list[str] = []
    connections.close_all()
    directive = Directive.objects.get(pk=data["export_directive"])
    periods = list(directive.periods.order_by("start"))
    summary = summary_compose(directive=directive, period_from=periods[0], period_to=periods[-1])
    reviewer = get_user_model().objects.get(username=data["reviewer"])
    export = export_request(summary=summary, format="xlsx", by=reviewer)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        export.refresh_from_db()
        # Past the figures (FIGURES_SHARE): the run that takes over reuses them.
        if export.status == Export.Status.RUNNING and export.progress >= 60:
            break
        time.sleep(0.1)
    progress_at_kill = export.progress
    check(export.status == Export.Status.RUNNING, f"export {export.status} at kill", failures)
    stack.worker.kill()
    killed = time.monotonic()
    time.sleep(2)
    export.refresh_from_db()
    still = export.status == Export.Status.RUNNING
    check(still, "the export ended with its worker: kill it earlier", failures)
    stack.start_worker()
    deadline = time.monotonic() + 240
    while export.status not in (Export.Status.DONE, Export.Status.FAILED):
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
        export.refresh_from_db()
    done = time.monotonic() - killed
    check(export.status == Export.Status.DONE, f"export {export.status}: {export.error}", failures)
    rows = 0
    if export.status == Export.Status.DONE:
        with export.file.open("rb") as made:
            annex = load_workbook(made, read_only=True)["Phụ lục"]
            rows = sum(1 for _row in annex.iter_rows(values_only=True))
        check(rows > EXPORT_UNITS, "the exported workbook lacks its units", failures)
    return {
        "units": EXPORT_UNITS,
        "progress_at_kill": progress_at_kill,
        "done_after_kill_s": round(done, 1),
        "attempts": export.attempts,
        "annex_rows": rows,
        "size_kb": export.size // 1024,
    }, failures


SCENARIOS = {"a": scenario_a, "b": scenario_b, "c": scenario_c, "d": scenario_d}
TITLES = {
    "a": "tải: gửi báo cáo đồng thời",
    "b": "Redis dừng giữa lúc tải (30 s)",
    "c": "worker bị SIGKILL giữa lúc xuất XLSX",
    "d": "PostgreSQL dừng 5 s giữa lúc tải",
}


@contextlib.contextmanager
def _still_running(name: str, every: float = 30):
    """A line every `every` seconds while a step runs: a CI log never falls silent."""
    done = threading.Event()
    started = time.monotonic()

    def beat():
        while not done.wait(every):
            print(f"    ({name}) {time.monotonic() - started:.0f} s …", flush=True)

    beating = threading.Thread(target=beat, daemon=True)
    beating.start()
    try:
        yield
    finally:
        done.set()
        beating.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--only", default="abcd", help="which scenarios, e.g. ad")
    parser.add_argument("--keep", action="store_true", help="keep the folder and its logs")
    parser.add_argument("--out", default=str(ROOT / "var" / "faults.json"))
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="dondoc-faults-"))
    # A CI timeout stops the run with SIGTERM: unwind, so the services are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("faults: stopped (SIGTERM)"))
    stack = None
    results, all_failures = {}, {}
    try:
        stack = Stack(folder, **RECOVERY_SETTINGS)
        stack.start_services()
        os.environ.update(stack.env)  # this process seeds and checks the same database
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        import django
        from django.core.management import call_command

        django.setup()
        with _still_running("setup"):
            call_command("migrate", verbosity=0)
            data = seed(args.clients)
            stack.start_app()
        for name in args.only:
            started = time.monotonic()
            print(f"({name}) {TITLES[name]} …", flush=True)
            with _still_running(name):
                result, failures = SCENARIOS[name](stack, data, args)
            result["wall_s"] = round(time.monotonic() - started, 1)
            results[name], all_failures[name] = result, failures
            print(json.dumps(result, ensure_ascii=False), flush=True)
            for failure in failures:
                print(f"    FAILED: {failure}", flush=True)
    finally:
        if stack:
            stack.stop()
        if args.keep:
            print(f"logs in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    Path(args.out).parent.mkdir(exist_ok=True)
    report = {"clients": args.clients, "seconds": args.seconds, "results": results}
    report["failures"] = all_failures
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2))
    failed = {name: f for name, f in all_failures.items() if f}
    print("faults:", "FAILED " + ", ".join(failed) if failed else "all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
