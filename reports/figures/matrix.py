"""The matrix: units × tasks for one period, each cell a slot's state as reviewers and
leadership see it (reports.filing.slots), each row's figures from the counting engine.

A draft is never shown: one never sent is not received; one being revised after a
return is received, shown as "revising", without a link.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.models import Assignment, Directive, Task
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.filing.slots import REVISING, STATUS_LABELS, granted_extensions, seen_slot
from reports.periods.models import ReportingPeriod
from units.models import Unit, active_between_q, fold

from .engine import Figures, by_unit
from .models import KeptTotals


@dataclass
class Cell:
    """One slot as the matrix shows it."""

    status: str  # these four: reports.filing.slots.seen_slot
    received: bool
    on_time: bool
    on_time_extended: bool
    role: str
    assignment_id: int
    report_id: int | None = None  # set only when the viewer may open the report
    percent_done: int | None = None


@dataclass
class UnitRow:
    unit: Unit
    cells: list[Cell | None]
    figures: Figures = field(default_factory=Figures)


@dataclass
class PeriodMatrix:
    directive: Directive
    period: ReportingPeriod
    tasks: list[Task]
    rows: list[UnitRow]
    totals: Figures  # of the rows shown


STATUS_FILTERS = {
    "missing": _("Chưa nộp, quá hạn"),
    "submitted": _("Đã gửi, chờ xem xét"),
    "accepted": STATUS_LABELS[ProgressReport.Status.ACCEPTED],
    "returned": STATUS_LABELS[ProgressReport.Status.RETURNED],
    REVISING: STATUS_LABELS[REVISING],
}


def matrix_tasks(*, directive: Directive, section_id=None, task_id=None) -> list[Task]:
    """The matrix's columns: the directive's tasks reported each period (one only to be
    done by a deadline has no period to show), or one section's, or one task."""
    tasks = Task.objects.filter(section__directive=directive).exclude(kind=Task.Kind.DEADLINE)
    if section_id:
        tasks = tasks.filter(section_id=section_id)
    if task_id:
        tasks = tasks.filter(pk=task_id)
    return list(tasks.select_related("section").order_by("section__order", "order"))


def matrix_assignments(
    *, tasks: list[Task], period: ReportingPeriod, status: str = "", kind: str = "", query: str = ""
):
    """The assignments a matrix shows: those of `tasks`, optionally one kind of unit, units
    whose name matches `query` (diacritics aside), or only those whose report for the
    period has `status`. (Whether the unit is active in the period: `matrix_units`.) A
    task handed down shows as the unit's own: the units below it are not in the matrix."""
    assignments = (
        Assignment.objects.counted().reporting_in(period).filter(task_id__in=[t.pk for t in tasks])
    )
    if kind:
        assignments = assignments.filter(unit__kind=kind)
    for word in fold(query).split():
        assignments = assignments.filter(unit__search_name__contains=word)
    if status in STATUS_FILTERS:
        sent = ProgressReport.objects.filter(
            assignment=OuterRef("pk"), period=period, submitted_at__isnull=False
        )
        if status == "missing":
            assignments = assignments.filter(~Exists(sent))
        elif status == "revising":
            assignments = assignments.filter(Exists(sent.filter(status="draft")))
        else:
            assignments = assignments.filter(Exists(sent.filter(status=status)))
    return assignments


def matrix_units(*, assignments, period: ReportingPeriod):
    """The units of those assignments active in the period, grouped by their parent in
    the tree, to page through."""
    return (
        Unit.objects.filter(active_between_q(period.start, period.cutoff))
        .filter(pk__in=assignments.values("unit_id"))
        .select_related("parent")
        .order_by("parent_id", "name", "pk")
    )


def expected_units(*, period: ReportingPeriod, kind: str = "", query: str = "", missing=False):
    """The units a whole-directive matrix shows, read from the kept totals (one row per
    unit expected in the period): of one kind, named like `query` (diacritics aside), or
    only those still owing a report (`missing`); grouped by their parent in the tree, to
    page through. None when the period is not kept (then: matrix_assignments)."""
    if not period.figures_kept:
        return None
    kept = KeptTotals.objects.filter(period=period, expected__gt=F("received") if missing else 0)
    units = Unit.objects.filter(pk__in=kept.values("unit_id"))
    if kind:
        units = units.filter(kind=kind)
    for word in fold(query).split():
        units = units.filter(search_name__contains=word)
    return units.select_related("parent").order_by("parent_id", "name", "pk")


def period_matrix(
    *,
    directive: Directive,
    period: ReportingPeriod,
    units=None,
    tasks: list[Task] | None = None,
    every_task: bool = False,
    today: datetime.date | None = None,
    granted: dict | None = None,
) -> PeriodMatrix:
    """Units × tasks for one period: every unit, or only `units` (a page of them), in
    that order; the directive's tasks, or `tasks`. At most nine queries, whatever the
    number of units (tests/reports/figures/test_matrix.py pins them). With every task
    (`tasks` None, or `every_task`: they are the directive's all) and a page of units,
    each row's figures are the unit's kept totals. `granted`: the period's extensions,
    if the page has read them (engine.extensions)."""
    today = today or timezone.localdate()
    every_task = every_task or tasks is None
    tasks = tasks if tasks is not None else matrix_tasks(directive=directive)
    column = {task.pk: i for i, task in enumerate(tasks)}
    shown = (
        Assignment.objects.counted()
        .reporting_in(period)
        .filter(task__in=[t.pk for t in tasks])
        .filter(active_between_q(period.start, period.cutoff, prefix="unit__"))
    )
    if units is not None:
        units = list(units)
        shown = shown.filter(unit__in=[u.pk for u in units])
    # One statement for the cells: each assignment with its report if ever sent (a draft
    # never sent reads as no report to those who see the matrix). Plain rows, not model
    # instances: a page of 50 units has 450 of them.
    sent = FilteredRelation(
        "reports", condition=Q(reports__period=period, reports__submitted_at__isnull=False)
    )
    cells = list(
        shown.annotate(sent=sent)
        .order_by("task__section__order", "role", "unit__name")  # leads first
        .values_list(
            "pk", "task_id", "unit_id", "role", "sent__pk", "sent__status",
            "sent__submitted_at", "sent__percent_done",
        )
    )  # fmt: skip
    unit_by_id = (
        {u.pk: u for u in units}
        if units is not None
        else Unit.objects.select_related("parent").in_bulk({c[2] for c in cells})
    )
    if granted is None:
        granted = granted_extensions(
            ExtensionRequest.objects.filter(period=period, assignment__in=shown)
        )
    if every_task and units is not None:  # the unit's whole row: what the kept totals hold
        shown_units = [u.pk for u in units]
        figures = by_unit(
            directive=directive, period=period, units=shown_units, today=today, granted=granted
        )
    else:
        figures = by_unit(
            directive=directive, period=period, assignments=[c[0] for c in cells], today=today
        )
    rows: dict[int, UnitRow] = {}
    for assignment_id, task_id, unit_id, role, report_id, status, submitted_at, done in cells:
        row = rows.get(unit_id)
        if row is None:
            row = rows[unit_id] = UnitRow(
                unit_by_id[unit_id], [None] * len(tasks), figures.get(unit_id, Figures())
            )
        extension = granted.get((assignment_id, period.pk))
        seen = seen_slot(
            period,
            status=status,
            submitted_at=submitted_at,
            granted=extension[0] if extension else None,
            today=today,
        )
        cell = Cell(*seen, role, assignment_id)
        if report_id and status != ProgressReport.Status.DRAFT:  # readable: not being revised
            cell.report_id, cell.percent_done = report_id, done
        row.cells[column[task_id]] = cell
    ordered = [rows[u.pk] for u in units if u.pk in rows] if units is not None else rows.values()
    totals = Figures()
    for row in ordered:
        totals.add(row.figures)
    return PeriodMatrix(directive, period, tasks, list(ordered), totals)
