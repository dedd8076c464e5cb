"""The leadership dashboard: units × tasks for one period, with DHIS2's reporting rates.

expected   = assignments of units active during the period;
received   = reports sent at least once (a returned report stays received);
on time    = received reports first sent by the due date;
on time after extension = first sent by the due date a granted extension set (shown
             beside, never instead: an extension does not hide lateness).
A draft is never shown: one never sent is not received; one being revised after a return
is received, shown as "revising", without a link. Four queries, whatever the number of units.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.models import Assignment, Directive, Task
from reports.filing import slots
from reports.filing.models import ProgressReport
from reports.periods.calendar import day_end
from reports.periods.models import ReportingPeriod
from units.models import Unit, active_between_q, fold


@dataclass
class Cell:
    status: str  # a ProgressReport.Status, or "missing" / "overdue" / "revising"
    role: str
    received: bool = False
    on_time: bool = False
    on_time_extended: bool = False
    assignment_id: int | None = None
    report_id: int | None = None  # set only when the viewer may open the report
    percent_done: int | None = None


@dataclass
class Rates:
    expected: int = 0
    received: int = 0
    on_time: int = 0
    on_time_extended: int = 0

    def add(self, cell: Cell) -> None:
        self.expected += 1
        self.received += cell.received
        self.on_time += cell.on_time
        self.on_time_extended += cell.on_time_extended

    @property
    def completeness(self) -> float | None:
        return 100 * self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return 100 * self.on_time / self.expected if self.expected else None

    @property
    def timeliness_extended(self) -> float | None:
        return 100 * self.on_time_extended / self.expected if self.expected else None


@dataclass
class UnitRow:
    unit: Unit
    cells: list[Cell | None]
    rates: Rates = field(default_factory=Rates)


@dataclass
class PeriodMatrix:
    directive: Directive
    period: ReportingPeriod
    tasks: list[Task]
    rows: list[UnitRow]
    totals: Rates


STATUS_FILTERS = {
    "missing": _("Chưa nộp, quá hạn"),
    "submitted": _("Đã gửi, chờ xem xét"),
    "accepted": _("Đã tiếp nhận"),
    "returned": _("Trả lại để bổ sung"),
    "revising": _("Đang bổ sung"),
}


def matrix_tasks(*, directive: Directive, section_id=None, task_id=None) -> list[Task]:
    """The matrix's columns: the directive's tasks, or one section's, or one task."""
    tasks = Task.objects.filter(section__directive=directive)
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
    period has `status`. (Whether the unit is active in the period: `matrix_units`.)"""
    assignments = Assignment.objects.filter(task_id__in=[t.pk for t in tasks])
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


def period_matrix(
    *,
    directive: Directive,
    period: ReportingPeriod,
    units=None,
    tasks: list[Task] | None = None,
    today: datetime.date | None = None,
) -> PeriodMatrix:
    """Units × tasks for one period: every unit, or only `units` (a page of them), in
    that order; the directive's tasks, or `tasks`. Four or five queries."""
    today = today or timezone.localdate()
    tasks = tasks if tasks is not None else matrix_tasks(directive=directive)
    column = {task.pk: i for i, task in enumerate(tasks)}
    # Plain rows, not model instances: a page of 50 units has 450 of them.
    assignments = (
        Assignment.objects.filter(task__in=[t.pk for t in tasks])
        .filter(active_between_q(period.start, period.cutoff, prefix="unit__"))
        .order_by("task__section__order", "role", "unit__name")  # leads first
    )
    if units is not None:
        units = list(units)
        assignments = assignments.filter(unit__in=[u.pk for u in units])
    assignments = list(assignments.values_list("pk", "task_id", "unit_id", "role"))
    unit_by_id = (
        {u.pk: u for u in units}
        if units is not None
        else Unit.objects.select_related("parent").in_bulk({a[2] for a in assignments})
    )
    reports = {
        r["assignment_id"]: r
        for r in ProgressReport.objects.filter(
            period=period,
            submitted_at__isnull=False,
            assignment_id__in=[a[0] for a in assignments],
        ).values("id", "assignment_id", "status", "percent_done", "submitted_at")
    }
    dues = slots.effective_due_dates(period, [a[0] for a in assignments])
    rows: dict[int, UnitRow] = {}
    totals = Rates()
    for assignment_id, task_id, unit_id, role in assignments:
        row = rows.get(unit_id)
        if row is None:
            row = rows[unit_id] = UnitRow(unit_by_id[unit_id], [None] * len(tasks))
        due = dues[assignment_id]
        report = reports.get(assignment_id)
        cell = Cell(status="overdue" if due < today else "missing", role=role)
        cell.assignment_id = assignment_id
        if report is not None:
            cell.received = True
            cell.on_time = report["submitted_at"] < day_end(period.due)
            cell.on_time_extended = report["submitted_at"] < day_end(due)
            if report["status"] == ProgressReport.Status.DRAFT:
                # Sent, returned, now being revised: received, but the text is the unit's.
                cell.status = "revising"
            else:
                cell.status = report["status"]
                cell.report_id = report["id"]
                cell.percent_done = report["percent_done"]
        row.cells[column[task_id]] = cell
        row.rates.add(cell)
        totals.add(cell)
    ordered = [rows[u.pk] for u in units if u.pk in rows] if units is not None else rows.values()
    return PeriodMatrix(directive, period, tasks, list(ordered), totals)
