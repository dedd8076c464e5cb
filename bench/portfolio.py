# ruff: noqa: E402  (Django is set up before the project is imported)
"""make bench: the pages across directives ("Tổng hợp": the portfolio, the unit scorecard,
what falls due, the list behind a figure) against a synthetic portfolio of D directives ×
50 tasks given to units of a tree of N units (bench/synthetic_portfolio.py), in the
configured database (DATABASE_URL; SQLite if unset).

For each page: median and p95 server time over R requests (Django's test client, in
process, signed in as leadership), its number of SQL statements, and its ratio to one raw
SQL statement that computes the same figures and rows by hand (PostgreSQL only; checked
once against what the page's code computes).

    python bench/portfolio.py --directives 200 --units 5000 --requests 20
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import synthetic_portfolio
from bench.dashboards import count_queries, timed
from bench.stats import p95
from directives.models import Assignment, Directive
from reports.figures import engine
from reports.figures.engine import DEADLINE_COUNTS, DeadlineFigures
from reports.figures.portfolio import Slice, falling_due, portfolio, scorecard
from reports.figures.portfolio_views import PAGE
from reports.filing.models import ExtensionRequest, ProgressReport
from units.models import Membership

# A task with a deadline for one unit, as the Government Office counts it
# (reports.filing.slots: DeadlineState): `due` is Assignment.due (the unit's own deadline,
# else the task's, or a granted extension's later date); `awaiting`: its declaration of
# completion waits for confirmation.
GIVEN = """
    SELECT a.id, a.unit_id, a.task_id, s.directive_id, t.kind, a.done_on,
           CASE WHEN a.extended_to > COALESCE(a.deadline, t.deadline) THEN a.extended_to
                ELSE COALESCE(a.deadline, t.deadline) END AS due,
           k.id IS NOT NULL AS awaiting
    FROM directives_assignment a
    JOIN directives_task t ON t.id = a.task_id
    JOIN directives_section s ON s.id = t.section_id
    JOIN directives_directive d ON d.id = s.directive_id
    LEFT JOIN reports_progressreport k
      ON k.assignment_id = a.id AND k.period_id IS NULL AND k.status = 'submitted'
    WHERE a.parent_id IS NULL AND {where}
"""
# The ten figures, of the rows of GIVEN with a deadline.
FIGURES = """
    COUNT(*) FILTER (WHERE {d}) AS assigned,
    COUNT(*) FILTER (WHERE {d} AND done_on IS NOT NULL) AS done,
    COUNT(*) FILTER (WHERE {d} AND done_on <= due) AS done_on_time,
    COUNT(*) FILTER (WHERE {d} AND done_on > due) AS done_late,
    COUNT(*) FILTER (WHERE {d} AND done_on IS NULL) AS open,
    COUNT(*) FILTER (WHERE {d} AND done_on IS NULL AND due >= %(today)s) AS open_within,
    COUNT(*) FILTER (WHERE {d} AND done_on IS NULL AND due < %(today)s) AS open_overdue,
    COUNT(*) FILTER (WHERE {d} AND done_on IS NULL AND awaiting) AS awaiting,
    COUNT(*) FILTER (WHERE {d} AND (done_on IS NOT NULL OR due < %(today)s)) AS due_so_far,
    COUNT(*) FILTER (WHERE {d} AND done_on IS NULL AND due >= %(today)s) AS not_yet_due
"""
SUMS = ", ".join(f"SUM({name})" for name in DEADLINE_COUNTS)

# The portfolio: each directive in force with its current period's expected, received,
# on time and overdue reports, and its tasks with a deadline; newest first. (No unit of
# the synthetic tree opens or closes at a date, and no period's report was extended: the
# engine checks both, this statement does not need to.)
RAW_PORTFOLIO = f"""
WITH now_period AS (  -- each directive's period reported now: the latest started
    SELECT DISTINCT ON (p.directive_id) p.id, p.directive_id, p.label, p.start, p.due
    FROM reports_reportingperiod p
    JOIN directives_directive d ON d.id = p.directive_id AND d.status = 'active'
    ORDER BY p.directive_id, p.start <= %(today)s DESC,
             CASE WHEN p.start <= %(today)s THEN p.start END DESC, p.start
), sent AS (  -- the reports sent for it (read from the index sent_reports_by_period)
    SELECT r.assignment_id, r.submitted_at
    FROM now_period c JOIN reports_progressreport r ON r.period_id = c.id
    WHERE r.submitted_at IS NOT NULL
), given AS (
    SELECT g.*, c.due AS period_due, r.submitted_at,
           c.id IS NOT NULL AND g.kind <> 'deadline'
           AND (g.done_on IS NULL OR g.done_on >= c.start) AS reports
    FROM ({GIVEN.format(where="d.status = 'active'")}) g
    LEFT JOIN now_period c ON c.directive_id = g.directive_id
    LEFT JOIN sent r ON r.assignment_id = g.id
), figures AS (
    SELECT directive_id,
           COUNT(*) FILTER (WHERE reports) AS expected,
           COUNT(submitted_at) FILTER (WHERE reports) AS received,
           COUNT(*) FILTER (WHERE reports AND submitted_at
               < (period_due + 1)::timestamp AT TIME ZONE %(tz)s) AS on_time,
           {FIGURES.format(d="kind <> 'ongoing'")}
    FROM given GROUP BY directive_id
)
SELECT d.id, d.number, d.doc_type, d.issued_on, d.subject, d.topic, i.name, c.label,
       f.expected, f.received, f.on_time,
       CASE WHEN c.due < %(today)s THEN f.expected - f.received ELSE 0 END AS overdue,
       {", ".join(f"f.{name}" for name in DEADLINE_COUNTS)}
FROM figures f
JOIN directives_directive d ON d.id = f.directive_id
JOIN units_unit i ON i.id = d.issuer_id
LEFT JOIN now_period c ON c.directive_id = d.id
ORDER BY d.issued_on DESC, d.number
"""
# The scorecard: each unit's tasks with a deadline due in the year, of every directive
# (ended ones too); the first page (lowest share done on time first) and the total.
RAW_SCORECARD = f"""
WITH per_unit AS (
    SELECT unit_id, {FIGURES.format(d="TRUE")}
    FROM ({GIVEN.format(where="d.status <> 'draft' AND t.kind <> 'ongoing'")}) g
    WHERE due BETWEEN %(first)s AND %(last)s
    GROUP BY unit_id
)
(SELECT u.id, u.name, p.* FROM per_unit p JOIN units_unit u ON u.id = p.unit_id
 ORDER BY COALESCE(100::float8 * p.done_on_time / NULLIF(p.due_so_far, 0), -1),
          p.open_overdue DESC, u.name
 LIMIT {PAGE})
UNION ALL
SELECT NULL, NULL, NULL, {SUMS} FROM per_unit
"""
# What falls due: the first page of what is open and due within the days ahead, and of
# what is overdue (soonest first), each with its count, unit, task, directive, declaration
# and whether an extension is pending.
LISTED = """
    u.name, s.number, t."order", t.text, d.number, k.status, k.submitted_at,
    EXISTS (SELECT 1 FROM reports_extensionrequest x WHERE x.assignment_id = l.id
            AND x.period_id IS NULL AND x.status = 'pending') AS extension_pending
"""
JOINED = """
    LEFT JOIN units_unit u ON u.id = l.unit_id
    LEFT JOIN directives_task t ON t.id = l.task_id
    LEFT JOIN directives_section s ON s.id = t.section_id
    LEFT JOIN directives_directive d ON d.id = l.directive_id
    LEFT JOIN reports_progressreport k ON k.assignment_id = l.id AND k.period_id IS NULL
"""
OPEN = "d.status = 'active' AND t.kind <> 'ongoing' AND a.done_on IS NULL"
RAW_FALLING_DUE = f"""
WITH open_task AS ({GIVEN.format(where=OPEN)}), listed AS (
    (SELECT 'soon' AS list, o.*, COUNT(*) OVER () AS total FROM open_task o
     WHERE o.due BETWEEN %(today)s AND %(horizon)s ORDER BY o.due, o.id LIMIT {PAGE})
    UNION ALL
    (SELECT 'overdue', o.*, COUNT(*) OVER () FROM open_task o
     WHERE o.due < %(today)s ORDER BY o.due, o.id LIMIT {PAGE})
)
SELECT l.list, l.total, l.id, l.due, {LISTED}
FROM listed l {JOINED}
ORDER BY l.list DESC, l.due, l.id
"""
# The list behind one figure (open and overdue, every directive in force): the slice's
# ten figures and the first page of its tasks.
IN_FORCE = "d.status = 'active' AND t.kind <> 'ongoing'"
RAW_FIGURE_LIST = f"""
WITH given AS ({GIVEN.format(where=IN_FORCE)}),
figures AS (SELECT {FIGURES.format(d="TRUE")} FROM given),
listed AS (SELECT * FROM given WHERE done_on IS NULL AND due < %(today)s
           ORDER BY due, id LIMIT {PAGE})
SELECT {", ".join(f"f.{name}" for name in DEADLINE_COUNTS)}, l.id, l.due, {LISTED}
FROM figures f LEFT JOIN listed l ON TRUE {JOINED}
ORDER BY l.due, l.id
"""


def fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _figures(values) -> dict:
    return dict(zip(DEADLINE_COUNTS, values, strict=True))


def check(name: str, page, raw) -> None:
    """The raw statement's figures and rows are the page's code's, or the bench stops."""
    if page != raw:
        raise SystemExit(f"{name}: the raw SQL does not give the page's figures:\n{page}\n{raw}")


def check_portfolio(params: dict, today) -> None:
    periodic = ("expected", "received", "on_time", "overdue")
    page = [
        (
            r.directive.pk,
            *(getattr(r.periodic, n) for n in periodic),
            *(getattr(r.deadlines, n) for n in DEADLINE_COUNTS),
        )
        for r in portfolio(slice=Slice(), today=today)
    ]
    raw = [(row[0], *row[8:]) for row in fetch(RAW_PORTFOLIO, params)]
    check("Tổng hợp", page, raw)


def check_scorecard(params: dict, today, year: int) -> None:
    slice = Slice(status="tat_ca", year=year)
    rows, total = scorecard(slice=slice, today=today)
    page = [
        (r.unit_id, _figures(getattr(r.figures, n) for n in DEADLINE_COUNTS)) for r in rows[:PAGE]
    ]
    page.append((None, _figures(getattr(total, n) for n in DEADLINE_COUNTS)))
    raw = [(row[0], _figures(int(v or 0) for v in row[3:])) for row in fetch(RAW_SCORECARD, params)]
    check("Đơn vị theo năm", page, raw)


def check_falling_due(params: dict, today) -> None:
    soon, overdue = falling_due(days=30, slice=Slice(), today=today)
    page = [("soon", soon.count(), a.pk) for a in soon[:PAGE]]
    page += [("overdue", overdue.count(), a.pk) for a in overdue[:PAGE]]
    check("Sắp đến hạn", page, [row[:3] for row in fetch(RAW_FALLING_DUE, params)])


def check_figure_list(params: dict, today) -> None:
    slice = Slice()
    total = slice.count(today=today).get((), DeadlineFigures())
    listed = engine.deadline_list("open_overdue", assignments=slice.assignments(), today=today)
    page = [(*(getattr(total, n) for n in DEADLINE_COUNTS), a.pk) for a in listed[:PAGE]]
    n = len(DEADLINE_COUNTS)
    raw = [row[: n + 1] for row in fetch(RAW_FIGURE_LIST, params) if row[n] is not None]
    check("Danh sách", page, raw)


def describe(directives: list[Directive], built: float) -> str:
    ids = [d.pk for d in directives]
    given = Assignment.objects.filter(task__section__directive__in=ids)
    counted = given.filter(parent__isnull=True)
    reports = ProgressReport.objects.filter(assignment__in=given)
    closed = sum(d.status == Directive.Status.CLOSED for d in directives)
    in_force = Directive.objects.in_force().count()
    return (
        f"{len(directives)} directives ({len(directives) - closed} in force, {closed} closed; "
        f"{in_force} in force in the database) × 50 tasks: "
        f"{counted.count():,} assignments ({counted.with_deadline().count():,} with a deadline, "
        f"{given.count() - counted.count():,} more handed down), "
        f"{reports.filter(period__isnull=False).count():,} periodic reports, "
        f"{reports.filter(period__isnull=True).count():,} declarations of completion, "
        f"{ExtensionRequest.objects.filter(assignment__in=given).count():,} extension "
        f"requests (built in {built:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directives", type=int, default=200)
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    directives = synthetic_portfolio.build(args.directives, args.units)
    built = time.perf_counter() - started
    today = timezone.localdate()
    year = today.year
    leader, _ = get_user_model().objects.get_or_create(
        username=f"bench-lanhdao-portfolio-{args.directives}x{args.units}"
    )
    province = directives[0].issuer.parent or directives[0].issuer  # every issuer is below it
    Membership.objects.get_or_create(user=leader, unit=province, role="leadership")
    client = Client()
    client.force_login(leader)
    params = {
        "today": today,
        "tz": settings.TIME_ZONE,
        "first": datetime.date(year, 1, 1),
        "last": datetime.date(year, 12, 31),
        "horizon": today + datetime.timedelta(days=30),
    }
    pages = [
        ("Tổng hợp (danh mục văn bản)", reverse("reports:dashboard_index"), RAW_PORTFOLIO,
         check_portfolio),
        (f"Đơn vị theo năm {year}", reverse("reports:scorecard") + f"?nam={year}",
         RAW_SCORECARD, lambda p, t: check_scorecard(p, t, year)),
        ("Sắp đến hạn 30 ngày, quá hạn", reverse("reports:falling_due") + "?trong=30",
         RAW_FALLING_DUE, check_falling_due),
        ("Danh sách: chưa hoàn thành, quá hạn",
         reverse("reports:deadline_tasks") + "?so_lieu=open_overdue", RAW_FIGURE_LIST,
         check_figure_list),
    ]  # fmt: skip
    postgres = connection.vendor == "postgresql"

    print(f"Đôn đốc bench, across directives ({connection.vendor}, {today}): "
          f"{describe(directives, built)}")  # fmt: skip
    print("| page | median ms | p95 ms | queries | raw ms | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, url, sql, same in pages:
        assert client.get(url).status_code == 200, url  # warm up, and check it works
        executed = count_queries(lambda url=url: client.get(url))
        page_times = timed(lambda url=url: client.get(url), args.requests)
        median = statistics.median(page_times)
        if postgres:  # the raw statements are PostgreSQL's (DISTINCT ON, AT TIME ZONE)
            same(params, today)
            raw_times = timed(lambda sql=sql: fetch(sql, params), args.requests)
            raw_median = statistics.median(raw_times)
            raw = f"{raw_median:.0f} | {median / raw_median:.1f}"
        else:
            raw = "– | –"
        print(f"| {name} | {median:.0f} | {p95(page_times):.0f} | {executed} | {raw} |")


if __name__ == "__main__":
    main()
