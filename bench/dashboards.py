# ruff: noqa: E402  (Django is set up before the project is imported)
"""make bench: the dashboard pages against a synthetic directive of N units × 9 tasks ×
12 monthly periods, in the configured database (DATABASE_URL; SQLite if unset).

For each page: median and p95 server time over R requests (Django's test client, in
process, signed in as leadership), its number of SQL queries and the time they took
("SQL ms": the request's time inside the database driver), the CPU time the request
took in this process ("CPU ms": steadier than the wall clock on a busy machine), and the
ratios of the page and of its SQL to the raw SQL that reads the same figures (run once
after each request, A B A B: the median of each pair's ratio). The last two lines are
floors: a bench-only page that serves a matrix page's raw SQL and nothing more (the
least any page of those figures costs), and a page with no figures (the leader's
notifications: what any signed-in page costs).

    python bench/dashboards.py --units 5000 --requests 20 [--only "Ma trận, trang 1"]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from types import ModuleType

from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.utils.safestring import SafeString

from bench import synthetic
from bench.stats import p95
from directives.models import Assignment
from reports.filing.models import ProgressReport
from units.models import Membership
from units.permissions import requires

# The figures each page shows, computed by hand in one statement.
RAW_BY_PERIOD = """
SELECT r.period_id, COUNT(*),
       COUNT(*) FILTER (WHERE r.submitted_at < p.due + 1),
       COUNT(*) FILTER (WHERE r.status <> 'draft'),
       SUM(r.percent_done) FILTER (WHERE r.status <> 'draft'),
       COUNT(*) FILTER (WHERE r.status <> 'draft' AND r.assessment = 'done')
FROM reports_progressreport r JOIN reports_reportingperiod p ON p.id = r.period_id
WHERE p.directive_id = %s AND r.submitted_at IS NOT NULL {period}
GROUP BY r.period_id
"""
# A matrix page: its 50 units' cells, each with its report if ever sent (a draft never
# sent is no report to the matrix), then their rows' kept totals (RAW_KEPT_OF_UNITS) and
# the period's (RAW_KEPT_BY_PERIOD).
TASKS = """
SELECT t.id FROM directives_task t JOIN directives_section s ON s.id = t.section_id
WHERE s.directive_id = %s
"""
PAGE_UNITS = f"""
SELECT u.id FROM units_unit u
WHERE EXISTS (SELECT 1 FROM directives_assignment x
              WHERE x.unit_id = u.id AND x.task_id IN ({TASKS}))
ORDER BY u.parent_id, u.name, u.id LIMIT 50
"""
RAW_MATRIX_CELLS = f"""
SELECT a.unit_id, a.task_id, r.status, r.percent_done, r.submitted_at
FROM directives_assignment a
LEFT JOIN reports_progressreport r
       ON r.assignment_id = a.id AND r.period_id = %s AND r.submitted_at IS NOT NULL
WHERE a.unit_id IN ({PAGE_UNITS}) AND a.task_id IN ({TASKS})
"""
# A unit's page: each of its tasks in every period, with its report if ever sent.
RAW_UNIT = f"""
SELECT a.task_id, r.period_id, r.status, r.percent_done, r.submitted_at
FROM directives_assignment a
LEFT JOIN reports_progressreport r ON r.assignment_id = a.id AND r.submitted_at IS NOT NULL
WHERE a.unit_id = %s AND a.task_id IN ({TASKS})
"""
# The same figures as the pages now read them: the kept totals (reports/figures/kept.py).
KEPT_SUMS = (
    "SUM(expected), SUM(received), SUM(on_time), SUM(accepted), SUM(readable), "
    "SUM(percent_sum), SUM(done), SUM(behind)"
)
RAW_KEPT_BY_PERIOD = f"""
SELECT k.period_id, {KEPT_SUMS} FROM reports_kepttotals k
JOIN reports_reportingperiod p ON p.id = k.period_id
WHERE p.directive_id = %s {{period}} GROUP BY k.period_id
"""
RAW_KEPT_BY_UNIT = f"""
SELECT k.unit_id, {KEPT_SUMS} FROM reports_kepttotals k WHERE k.period_id = %s GROUP BY k.unit_id
"""
RAW_KEPT_OF_UNITS = f"""
SELECT k.unit_id, {KEPT_SUMS} FROM reports_kepttotals k
WHERE k.period_id = %s AND k.unit_id IN ({PAGE_UNITS}) GROUP BY k.unit_id
"""


FLOOR = "(nền: trang thông báo)"
BARE = "(nền: ma trận chỉ có SQL thô)"
RECEIVED = 2  # in a row of RAW_KEPT_OF_UNITS: the unit, SUM(expected), SUM(received)
BARE_PAGE = """{% extends "base.html" %}{% block content %}<p>{{ totals }}</p><table>
{% for unit, cells, received in rows %}
<tr><th>{{ unit }}</th>{{ cells }}<td>{{ received }}</td></tr>
{% endfor %}</table>{% endblock %}"""


def bare_matrix(statements):
    """The app's URLs, and "bench/ma-tran-tho/": a page showing a matrix page's figures
    that does nothing else. It runs the raw SQL (`statements`: the cells, the rows' kept
    totals, the period's) behind the same sign-in, permission and base template, and
    draws each cell with an f-string, as the matrix's own tag does (format_html, used at
    first, cost more): no filters, links, late marks or cell rules. Bench-only (a URL
    conf of its own): the least any page of those figures costs."""
    page = engines["django"].from_string(BARE_PAGE)

    @requires("dashboard.view")
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute(*statements[0])
            cells = cursor.fetchall()
            cursor.execute(*statements[1])
            kept = {row[0]: row for row in cursor.fetchall()}  # unit, then KEPT_SUMS
            cursor.execute(*statements[2])
            totals = cursor.fetchall()
        rows = {}
        for unit, _task, status, percent, _submitted in cells:
            # As the matrix's own tag draws a cell (f-strings: a status is one of the
            # model's choices and a percent an integer, with nothing to escape).
            rows.setdefault(unit, []).append(f"<td>{status or '—'} {percent or ''}</td>")
        context = {
            "totals": totals,
            "rows": [
                (unit, SafeString("".join(cells)), kept[unit][RECEIVED])
                for unit, cells in rows.items()
            ],
        }
        return HttpResponse(page.render(context, request))

    urls = ModuleType("bench_urls")
    urls.urlpatterns = [path("bench/ma-tran-tho/", view), path("", include("config.urls"))]
    return urls


def timed(run, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def timed_page(client, url: str, repeat: int, against=None) -> dict[str, list[float]]:
    """Each request's whole time ("page"), the part of it spent in its SQL ("sql"), and
    its CPU time in this process ("cpu"), in ms; with `against` (the raw SQL, as a
    function), that run once after each request ("raw"): page and raw side by side, A B
    A B, so that both see the machine as it is at that moment."""
    times = {"page": [], "sql": [], "cpu": [], "raw": []}
    spent = [0.0]

    def clock(execute, *args):
        start = time.perf_counter()
        try:
            return execute(*args)
        finally:
            spent[0] += time.perf_counter() - start

    for _ in range(repeat):
        spent[0] = 0.0
        start, started_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(clock):
            client.get(url)
        times["page"].append((time.perf_counter() - start) * 1000)
        times["cpu"].append((time.process_time() - started_cpu) * 1000)
        times["sql"].append(spent[0] * 1000)
        if against is not None:
            times["raw"].extend(timed(against, 1))
    return times


def raw(sql, params) -> None:
    """Run the raw statement (or, given a list of (sql, params), each of them)."""
    statements = sql if params is None else [(sql, params)]
    with connection.cursor() as cursor:
        for statement, values in statements:
            if connection.vendor == "sqlite":  # date arithmetic differs; PG is the target
                statement = statement.replace("p.due + 1", "date(p.due, '+1 day')")
            cursor.execute(statement, values)
            cursor.fetchall()


def count_queries(run) -> int:
    """How many SQL statements run() sends (DEBUG is off, so count them at the cursor)."""
    executed = []

    def counter(execute, *args):
        executed.append(1)
        return execute(*args)

    with connection.execute_wrapper(counter):
        run()
    return len(executed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", action="append", help="time only this page (repeatable)")
    args = parser.parse_args()

    started = time.perf_counter()
    directive = synthetic.build(args.units)
    built = time.perf_counter() - started
    periods = list(directive.periods.order_by("start"))
    period = periods[-1]
    reports = ProgressReport.objects.filter(period__directive=directive).count()
    leader, _ = get_user_model().objects.get_or_create(username=f"bench-lanhdao-{args.units}")
    Membership.objects.get_or_create(user=leader, unit=directive.issuer, role="leadership")
    client = Client()
    client.force_login(leader)
    unit = Assignment.objects.filter(task__section__directive=directive).first().unit
    task = directive.sections.order_by("order").first().tasks.first()
    ky = f"?ky={period.pk}"
    matrix_sql = [
        (RAW_MATRIX_CELLS, [period.pk, directive.pk, directive.pk]),
        (RAW_KEPT_OF_UNITS, [period.pk, directive.pk]),
        (RAW_KEPT_BY_PERIOD.format(period=f"AND k.period_id = {period.pk}"), [directive.pk]),
    ]
    one_period = f"AND r.period_id = {period.pk}"
    pages = [
        ("Tổng quan", reverse("reports:overview", args=[directive.pk]) + ky,
         RAW_KEPT_BY_PERIOD.format(period=""), [directive.pk]),
        ("Ma trận, trang 1", reverse("reports:dashboard", args=[directive.pk]) + ky,
         matrix_sql, None),
        ("Ma trận, lọc chưa nộp + tìm", reverse("reports:dashboard", args=[directive.pk])
         + ky + "&trang_thai=missing&q=phuoc+1", RAW_BY_PERIOD.format(period=one_period),
         [directive.pk]),
        ("Theo cấp, theo nhóm", reverse("reports:rollup", args=[directive.pk]) + ky,
         RAW_KEPT_BY_UNIT, [period.pk]),
        ("Cần đôn đốc", reverse("reports:owed", args=[directive.pk]) + ky,
         RAW_KEPT_BY_UNIT, [period.pk]),
        ("Một nhiệm vụ", reverse("reports:task_page", args=[directive.pk, task.pk]) + ky,
         RAW_BY_PERIOD.format(period=one_period), [directive.pk]),
        ("Một đơn vị", reverse("reports:unit_page", args=[directive.pk, unit.pk]),
         RAW_UNIT, [unit.pk, directive.pk]),
        # The matrix page's figures and nothing more: the least such a page costs.
        (BARE, "/bench/ma-tran-tho/", matrix_sql, None),
        # No figures: what any signed-in page costs (session, user, roles, the base
        # template), the floor under every ratio above.
        (FLOOR, reverse("reports:notifications"), None, None),
    ]  # fmt: skip

    print(f"Đôn đốc bench — {connection.vendor}, {args.units} units × 9 tasks × "
          f"{len(periods)} periods = {reports} reports (built in {built:.1f} s)")  # fmt: skip
    print(
        f"{'page':32} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'SQL ms':>6} "
        f"{'CPU ms':>6} {'raw ms':>6} {'ratio':>5} {'SQL/raw':>7}"
    )
    with override_settings(ROOT_URLCONF=bare_matrix(matrix_sql)):
        for name, url, sql, params in pages:
            if args.only and name not in args.only:
                continue
            time_page(client, name, url, sql, params, args.requests)


def time_page(client, name: str, url: str, sql, params, requests: int) -> None:
    """Print one page's line: its times, queries and ratios to its raw SQL."""
    assert client.get(url).status_code == 200, url  # warm up, and check it works
    executed = count_queries(lambda url=url: client.get(url))
    times = timed_page(client, url, requests, against=sql and (lambda s=sql, p=params: raw(s, p)))
    median, in_sql = statistics.median(times["page"]), statistics.median(times["sql"])
    line = (
        f"{name:32} {median:9.0f} {p95(times['page']):8.0f} {executed:7d} {in_sql:6.0f} "
        f"{statistics.median(times['cpu']):6.0f}"
    )
    if sql is not None:  # the ratios: medians of each request's to the run beside it
        ratios = [a / b for a, b in zip(times["page"], times["raw"], strict=True)]
        of_sql = [a / b for a, b in zip(times["sql"], times["raw"], strict=True)]
        line += (
            f" {statistics.median(times['raw']):6.0f} {statistics.median(ratios):5.1f} "
            f"{statistics.median(of_sql):7.1f}"
        )
    print(line)


if __name__ == "__main__":
    main()
