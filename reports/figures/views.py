"""Leadership dashboards: the overview with its trend, the matrix, the roll-up through
the unit tree and groups, and the units to urge on (cần đôn đốc)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directives.models import Assignment, Directive, Section, Task
from reports.filing.models import ProgressReport
from reports.filing.slots import deadline_states, grid, report_facts, slot_states
from reports.periods.selectors import current_period
from reports.reminders.selectors import last_reminded
from reports.reminders.services import remind_all_queue, remind_owing_now
from units.models import Unit, formed_from, lineage
from units.permissions import requires
from units.text import whole_number

from . import charts, engine, matrix
from .engine import DeadlineFigures
from .indicators import directive_indicators, indicator_totals
from .portfolio import Slice
from .rollup import ancestors, group_rollup, tree_rollup, units_below

MATRIX_PAGE = 50  # units per page


def link_patterns(directive: Directive, period) -> dict[str, str]:
    """The links of a page's many rows (the matrix's, Cần đôn đốc's), reversed once with
    placeholders for the template's link_to."""
    marker = 987654321

    def pattern(name: str, *args) -> str:
        return reverse(name, args=args).replace(str(marker), "{}")

    return {
        "report": pattern("reports:detail", marker),
        "follow_up": pattern("reports:follow_up", marker, period.pk),
        "unit": pattern("reports:unit_page", directive.pk, marker),
        "task": pattern("reports:task_page", directive.pk, marker),
        "remind": pattern("reports:remind_unit", directive.pk, marker),
    }


def _directive_and_period(request, directive_id: int):
    """The directive, its periods, and the one chosen by "ky" (default: the current)."""
    directive = get_object_or_404(Directive, pk=directive_id)
    periods = list(directive.periods.order_by("start"))
    chosen = (request.POST if request.method == "POST" else request.GET).get("ky", "")
    period = next((p for p in periods if str(p.pk) == chosen), None)
    return directive, periods, period or current_period(periods)


def _up_to(periods: list, period) -> list:
    """The periods up to the one chosen (all of them, none being chosen)."""
    return [p for p in periods if period is None or p.start <= period.start]


@requires("dashboard.view")
def overview(request, directive_id: int):
    directive, periods, period = _directive_and_period(request, directive_id)
    trend = engine.trend(directive=directive, periods=periods)
    current = next((t.figures for t in trend if t.period == period), None)
    chart = charts.percent_bars(
        [t.period.label for t in trend],
        [
            (_("Đầy đủ"), [t.figures.completeness for t in trend]),
            (_("Đúng hạn"), [t.figures.timeliness for t in trend]),
            (_("Tiến độ bình quân"), [t.figures.mean_percent for t in trend]),
        ],
    )
    slice = Slice(status="tat_ca", directive=directive)
    indicators = directive_indicators(directive)
    return render(
        request,
        "reports/overview.html",
        {
            "directive": directive,
            "periods": periods,
            "period": period,
            "current": current,
            "trend": trend,
            "chart": chart,
            "slice": slice,
            "deadlines": slice.count().get((), DeadlineFigures()),
            "indicators": indicator_totals(
                indicators=indicators, periods=_up_to(periods, period), by_period=True
            ),
        },
    )


@requires("dashboard.view")
def dashboard(request, directive_id: int):
    """The matrix: units (by their place in the tree) × tasks for one period, filtered,
    a page of units at a time."""
    directive, periods, period = _directive_and_period(request, directive_id)
    sections = list(Section.objects.filter(directive=directive).order_by("order"))
    section_id = next((s.pk for s in sections if str(s.pk) == request.GET.get("muc")), None)
    status = request.GET.get("trang_thai", "")
    kind = request.GET.get("loai", "")
    kind = kind if kind in Unit.Kind.values else ""
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "directive": directive,
        "periods": periods,
        "period": period,
        "sections": sections,
        "section_id": section_id,
        "status": status if status in matrix.STATUS_FILTERS else "",
        "statuses": matrix.STATUS_FILTERS,
        "kind": kind,
        "kinds": Unit.Kind.choices,
        "query": query,
    }
    if period:
        status = context["status"]
        tasks = matrix.matrix_tasks(directive=directive, section_id=section_id)
        # Filtered by unit (kind, name, owing a report), the filter runs on the kept totals:
        # one row per unit, no report read. By section or a report's status, on the slots.
        units = None
        if not section_id and status in ("", "missing"):
            units = matrix.expected_units(
                period=period, kind=kind, query=query, missing=status == "missing"
            )
        granted = engine.extensions(periods=[period])  # read once: totals, rows, cells
        expecting = None
        # The totals line sums the rows listed, on every page: each listed unit's slots
        # of the tasks shown, whatever filter chose the units.
        if units is not None:
            shown = units if (status or kind or query) else None  # None: the whole directive
            if shown is None:
                totals, expecting = engine.total_expecting(
                    directive=directive, period=period, granted=granted
                )
            else:
                totals = engine.total(directive=directive, periods=[period], units=shown)
        else:
            assignments = matrix.matrix_assignments(
                tasks=tasks, period=period, status=status, kind=kind, query=query
            )
            units = matrix.matrix_units(assignments=assignments, period=period)
            if section_id or status or kind or query:  # the listed units' slots shown
                shown = matrix.matrix_assignments(tasks=tasks, period=period)
                totals = engine.total(
                    directive=directive, periods=[period], assignments=shown, units=units
                )
            else:
                totals = engine.total(directive=directive, periods=[period])
        pages = Paginator(units, MATRIX_PAGE)
        if expecting is not None:  # the whole directive: counted with its totals
            pages.count = expecting
        page = pages.get_page(request.GET.get("trang"))
        context |= {
            "page": page,
            "totals": totals,
            "matrix": matrix.period_matrix(
                directive=directive,
                period=period,
                units=page.object_list,
                tasks=tasks,
                every_task=not section_id,
                granted=granted,
            ),
            "query_string": request.GET.copy(),
            "links": link_patterns(directive, period),
        }
        context["query_string"].pop("trang", None)
    return render(request, "reports/dashboard.html", context)


@requires("dashboard.view")
def rollup(request, directive_id: int):
    """Every figure summed through the unit tree (any level: open a unit to see its
    children) and by unit group, for one period."""
    directive, periods, period = _directive_and_period(request, directive_id)
    context = {"directive": directive, "periods": periods, "period": period}
    if period:
        parent = None
        if (parent_id := whole_number(request.GET.get("don_vi"))) is not None:
            parent = Unit.objects.filter(pk=parent_id).first()
        parent_id = parent.pk if parent else None
        granted = engine.extensions(periods=[period])  # read once: the tree, the groups
        rows = tree_rollup(directive=directive, period=period, parent_id=parent_id, granted=granted)
        history = formed_from([row.unit.pk for row in rows])
        for row in rows:
            row.formed_from = history.get(row.unit.pk, [])
        context |= {
            "parent": parent,
            "ancestors": ancestors(parent),
            "rows": rows,
            "groups": group_rollup(directive=directive, period=period, granted=granted)
            if not parent
            else [],
            "indicators": indicator_totals(
                indicators=directive_indicators(directive),
                periods=_up_to(periods, period),
                assignments=Assignment.objects.filter(unit_id__in=units_below(parent.pk))
                if parent
                else None,
                by_period=True,
            ),
        }
    return render(request, "reports/rollup.html", context)


@requires("dashboard.view")
def owed(request, directive_id: int):
    """Cần đôn đốc: the units that owe reports for the period, most owed first."""
    directive, periods, period = _directive_and_period(request, directive_id)
    owing = engine.owing(period=period) if period else None
    if owing is not None:  # a page of the kept totals, then its units' whole figures
        page = Paginator(owing, 100).get_page(request.GET.get("trang"))
        shown = [row.unit_id for row in page.object_list]
        figures = engine.by_unit(directive=directive, period=period, units=shown)
        page.object_list = [(row.unit, figures[row.unit_id]) for row in page.object_list]
    else:
        rows = []
        if period:
            per_unit = engine.by_unit(directive=directive, period=period)
            missing = {u: f for u, f in per_unit.items() if f.missing}
            units = Unit.objects.in_bulk(list(missing))
            rows = sorted(
                ((units[u], f) for u, f in missing.items()),
                key=lambda row: (-row[1].missing, row[0].name),
            )
        page = Paginator(rows, 100).get_page(request.GET.get("trang"))
    reminded = (
        last_reminded(period=period, unit_ids=[unit.pk for unit, _f in page.object_list])
        if period
        else {}
    )
    page.object_list = [(unit, f, reminded.get(unit.pk)) for unit, f in page.object_list]
    context = {"directive": directive, "periods": periods, "period": period, "page": page}
    if period:
        context["links"] = link_patterns(directive, period)  # a hundred rows link twice
    return render(request, "reports/owed.html", context)


@requires("dashboard.view")
def unit_page(request, directive_id: int, unit_id: int):
    """One unit: each of its tasks reported each period, in every period it reports in,
    and below them those of the units it was formed from (a reorganisation), each in
    the periods it was active; and each of its tasks with a deadline."""
    directive = get_object_or_404(Directive, pk=directive_id)
    unit = get_object_or_404(Unit.objects.select_related("parent", "successor"), pk=unit_id)
    history = lineage(unit)
    periods = list(directive.periods.order_by("start"))
    given = list(
        Assignment.objects.counted()
        .filter(task__section__directive=directive, unit__in=[unit, *history])
        .select_related("task__section", "unit")
        .order_by("task__section__order", "task__order")
    )
    assignments = [a for a in given if a.task.is_periodic]
    # Sent reports only: a draft never sent reads as no report on a leadership page.
    sent = ProgressReport.objects.filter(assignment__in=assignments, submitted_at__isnull=False)
    states = slot_states(
        grid([(a.pk, a.unit_id) for a in assignments], periods), reports=report_facts(sent)
    )
    groups = []
    for shown in [unit, *history]:
        rows = []
        for assignment in (a for a in assignments if a.unit_id == shown.pk):
            cells = []
            for period in periods:
                owes = assignment.reports_in(period.start) and shown.is_active_between(
                    period.start, period.cutoff
                )
                if not owes:
                    cells.append(None)
                    continue
                state = states[assignment.pk, period.pk]
                report = state.readable_report
                cells.append((state.status, report and report.pk, report and report.percent_done))
            rows.append((assignment, cells))
        if rows:
            groups.append((shown, rows))
    deadlines = deadline_states([a for a in given if a.task.has_deadline and a.unit_id == unit.pk])
    trend = engine.trend(
        directive=directive,
        assignments=Assignment.objects.filter(pk__in=[a.pk for a in assignments]),
        periods=periods,
    )
    return render(
        request,
        "reports/unit_page.html",
        {
            "directive": directive,
            "unit": unit,
            "history": history,
            "periods": periods,
            "groups": groups,
            "trend": trend,
            "deadlines": deadlines.values(),
        },
    )


@requires("dashboard.view")
def task_page(request, directive_id: int, task_id: int):
    """One task: every unit's report on it for the period (a task reported each period),
    and where each unit stands with its deadline (a task with one)."""
    directive, periods, period = _directive_and_period(request, directive_id)
    task = get_object_or_404(
        Task.objects.select_related("section"), pk=task_id, section__directive=directive
    )
    context = {"directive": directive, "periods": periods, "period": period, "task": task}
    given = Assignment.objects.counted().filter(task=task)
    if task.has_deadline:
        units = Paginator(given.select_related("unit", "task").order_by("unit__name", "pk"), 100)
        deadline_page = units.get_page(request.GET.get("trang_han"))
        context |= {
            "deadline_page": deadline_page,
            "deadlines": deadline_states(deadline_page.object_list).values(),
        }
    if period and task.is_periodic:
        shown = given.reporting_in(period)
        totals = engine.total(directive=directive, periods=[period], assignments=shown)
        units = matrix.matrix_units(assignments=shown, period=period)
        pages = Paginator(units, 100)
        # A unit has one assignment of a task: its rows are the slots the total expects,
        # counted without another scan of the units (issue 16).
        pages.count = totals.expected
        page = pages.get_page(request.GET.get("trang"))
        context |= {
            "page": page,
            "matrix": matrix.period_matrix(
                directive=directive, period=period, units=page.object_list, tasks=[task]
            ),
            "totals": totals,
            "links": link_patterns(directive, period),
            "indicators": indicator_totals(
                indicators=task.indicators.all(),
                periods=_up_to(periods, period),
                by_period=True,
            ),
        }
    return render(request, "reports/task_page.html", context)


@require_POST
@requires("review.queue")
def remind_unit(request, directive_id: int, unit_id: int):
    directive, _periods, period = _directive_and_period(request, directive_id)
    unit = get_object_or_404(Unit, pk=unit_id)
    sent = remind_owing_now(unit=unit, period=period) if period else 0
    if sent:
        messages.success(
            request, _("Đã nhắc %(unit)s về %(n)d báo cáo.") % {"unit": unit.name, "n": sent}
        )
    else:
        messages.info(
            request,
            _("%(unit)s đã được nhắc hôm nay, hoặc chưa có ai nhận nhắc.") % {"unit": unit.name},
        )
    url = reverse("reports:owed", args=[directive.pk])
    return redirect(f"{url}?ky={period.pk}" if period else url)


@require_POST
@requires("review.queue")
def remind_all(request, directive_id: int):
    """ "Nhắc tất cả": every unit still owing a report of the period, by the worker."""
    directive, _periods, period = _directive_and_period(request, directive_id)
    url = reverse("reports:owed", args=[directive.pk])
    if period is None:
        return redirect(url)
    with transaction.atomic():
        remind_all_queue(period=period)
    messages.success(
        request,
        _(
            "Đang nhắc mọi đơn vị còn thiếu báo cáo %(period)s (đơn vị đã được nhắc hôm nay "
            "thì thôi); cột “Nhắc lần cuối” cho biết giờ đã nhắc."
        )
        % {"period": period.in_sentence},
    )
    return redirect(f"{url}?ky={period.pk}")


urlpatterns = [
    path("tong-hop/<int:directive_id>/", overview, name="overview"),
    path("tong-hop/<int:directive_id>/ma-tran/", dashboard, name="dashboard"),
    path("tong-hop/<int:directive_id>/theo-don-vi/", rollup, name="rollup"),
    path("tong-hop/<int:directive_id>/can-don-doc/", owed, name="owed"),
    path("tong-hop/<int:directive_id>/don-vi/<int:unit_id>/", unit_page, name="unit_page"),
    path(
        "tong-hop/<int:directive_id>/can-don-doc/<int:unit_id>/nhac/",
        remind_unit,
        name="remind_unit",
    ),
    path("tong-hop/<int:directive_id>/can-don-doc/nhac-tat-ca/", remind_all, name="remind_all"),
    path("tong-hop/<int:directive_id>/nhiem-vu/<int:task_id>/", task_page, name="task_page"),
]
