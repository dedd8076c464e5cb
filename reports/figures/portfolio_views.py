"""Leadership's pages across directives: the portfolio ("Tổng hợp" opens on it), the tasks
behind each figure, a unit's scorecard for a year, and what falls due this week or month."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.models import Directive
from reports.filing.slots import deadline_states
from units.models import Unit, UnitGroup
from units.permissions import can, requires

from . import engine
from .engine import DeadlineFigures
from .portfolio import SORTS, Slice, falling_due, portfolio, scorecard

# Each figure of the Government Office, as its list is titled.
FIGURE_TITLES = {
    "assigned": _("Nhiệm vụ được giao"),
    "done": _("Đã hoàn thành"),
    "done_on_time": _("Hoàn thành đúng hạn"),
    "done_late": _("Hoàn thành quá hạn"),
    "open": _("Chưa hoàn thành"),
    "open_within": _("Chưa hoàn thành, trong hạn"),
    "open_overdue": _("Chưa hoàn thành, quá hạn"),
    "awaiting": _("Chờ xác nhận hoàn thành"),
    "due_so_far": _("Đã đến hạn"),
    "not_yet_due": _("Chưa đến hạn"),
}
STATUS_CHOICES = [
    ("", _("Đang thực hiện")),
    ("da_ket_thuc", _("Đã kết thúc")),
    ("tat_ca", _("Tất cả")),
]
PAGE = 50


def _years(today) -> list[int]:
    return list(range(today.year + 1, today.year - 6, -1))


@requires("dashboard.view")
def portfolio_page(request):
    """Every directive in force (or as filtered) with its figures, sortable."""
    slice = Slice.from_query(request.GET)
    sort = request.GET.get("sap_xep", "-ngay")
    sort = sort if sort.lstrip("-") in SORTS else "-ngay"
    rows = portfolio(slice=slice, sort=sort)
    totals = DeadlineFigures()
    for row in rows:
        totals.add(row.deadlines)
    context = {
        "rows": rows,
        "totals": totals,
        "sort": sort,
        "slice": slice,
        "issuers": Unit.objects.filter(issued_directives__isnull=False).distinct(),
        "doc_types": Directive.DocType.choices,
        "years": _years(timezone.localdate()),
        "topics": Directive.objects.exclude(topic="")
        .order_by("topic")
        .values_list("topic", flat=True)
        .distinct(),
        "statuses": STATUS_CHOICES,
        "can_export": can(request.user, "summary.edit"),
        "this_year": timezone.localdate().year,
        "this_quarter": (timezone.localdate().month - 1) // 3 + 1,
    }
    return render(request, "reports/portfolio.html", context)


@requires("dashboard.view")
def deadline_tasks(request):
    """The tasks behind one figure of the Government Office's, in one slice."""
    figure = request.GET.get("so_lieu", "assigned")
    figure = figure if figure in FIGURE_TITLES else "assigned"
    slice = Slice.from_query(request.GET)
    today = timezone.localdate()
    listed = engine.deadline_list(
        figure, assignments=slice.assignments(), due_between=slice.due_between, today=today
    ).select_related("unit", "task__section__directive")
    page = Paginator(listed, PAGE).get_page(request.GET.get("trang"))
    states = deadline_states(page.object_list, today=today)
    context = {
        "figure": figure,
        "title": FIGURE_TITLES[figure],
        "titles": FIGURE_TITLES,
        "slice": slice,
        "page": page,
        "states": [states[a.pk] for a in page.object_list],
        "figures": slice.count(today=today).get((), DeadlineFigures()),
    }
    return render(request, "reports/deadline_tasks.html", context)


@requires("dashboard.view")
def scorecard_page(request):
    """Each unit's tasks with a deadline due in a year (or a quarter) across directives."""
    today = timezone.localdate()
    query = request.GET.copy()
    query.setdefault("nam", str(today.year))
    query.setdefault("trang_thai", "tat_ca")  # a year's evaluation counts ended ones too
    slice = Slice.from_query(query)
    rows, total = scorecard(slice=slice, today=today)
    page = Paginator(rows, PAGE).get_page(request.GET.get("trang"))
    context = {
        "slice": slice,
        "page": page,
        "years": _years(today),
        "groups": UnitGroup.objects.all(),
        "total": total,
    }
    return render(request, "reports/scorecard.html", context)


@requires("dashboard.view")
def falling_due_page(request):
    """What falls due in the next 7 (or 30) days across directives, and what is overdue."""
    days = 30 if request.GET.get("trong") == "30" else 7
    slice = Slice.from_query(request.GET)
    today = timezone.localdate()
    soon, overdue = falling_due(days=days, slice=slice, today=today)
    soon_page = Paginator(soon, PAGE).get_page(request.GET.get("trang"))
    overdue_page = Paginator(overdue, PAGE).get_page(request.GET.get("trang_qua_han"))
    states = deadline_states([*soon_page.object_list, *overdue_page.object_list], today=today)
    context = {
        "days": days,
        "slice": slice,
        "soon": soon_page,
        "overdue": overdue_page,
        "soon_states": [states[a.pk] for a in soon_page.object_list],
        "overdue_states": [states[a.pk] for a in overdue_page.object_list],
    }
    return render(request, "reports/falling_due.html", context)


urlpatterns = [
    path("tong-hop/", portfolio_page, name="dashboard_index"),
    path("tong-hop/nhiem-vu-co-thoi-han/", deadline_tasks, name="deadline_tasks"),
    path("tong-hop/don-vi-theo-nam/", scorecard_page, name="scorecard"),
    path("tong-hop/sap-den-han/", falling_due_page, name="falling_due"),
]
