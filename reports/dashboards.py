"""The leadership dashboard: units × tasks for one period, with DHIS2's reporting rates.

expected   = assignments of units active during the period;
received   = reports sent (submitted, accepted, or returned after sending);
on time    = received reports first sent by the due date.
Drafts count as not received and their content is never shown here.
Three queries, whatever the number of units.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from directives.models import Assignment, Directive, Task
from units.models import Unit

from .models import ProgressReport, ReportingPeriod


@dataclass
class Cell:
    status: str  # a ProgressReport.Status, or "missing" / "overdue"
    role: str
    report_id: int | None = None
    percent_done: int | None = None
    on_time: bool | None = None


@dataclass
class Rates:
    expected: int = 0
    received: int = 0
    on_time: int = 0

    def add(self, cell: Cell) -> None:
        self.expected += 1
        if cell.report_id is not None:
            self.received += 1
            self.on_time += bool(cell.on_time)

    @property
    def completeness(self) -> float | None:
        return 100 * self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return 100 * self.on_time / self.expected if self.expected else None


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


def period_matrix(
    *, directive: Directive, period: ReportingPeriod, today: datetime.date | None = None
) -> PeriodMatrix:
    today = today or timezone.localdate()
    tasks = list(Task.objects.filter(section__directive=directive).select_related("section"))
    column = {task.pk: i for i, task in enumerate(tasks)}
    assignments = (
        Assignment.objects.filter(task__section__directive=directive)
        .filter(
            Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=period.cutoff),
            Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=period.start),
        )
        .select_related("unit")
        .order_by("task__section__order", "role", "unit__name")  # leads first
    )
    reports = {
        r["assignment_id"]: r
        for r in ProgressReport.objects.filter(
            period=period, status__in=ProgressReport.RECEIVED
        ).values("id", "assignment_id", "status", "percent_done", "submitted_at")
    }
    late_status = "overdue" if period.due < today else "missing"
    rows: dict[int, UnitRow] = {}
    totals = Rates()
    for assignment in assignments:
        row = rows.get(assignment.unit_id)
        if row is None:
            row = rows[assignment.unit_id] = UnitRow(assignment.unit, [None] * len(tasks))
        report = reports.get(assignment.pk)
        if report:
            cell = Cell(
                status=report["status"],
                role=assignment.role,
                report_id=report["id"],
                percent_done=report["percent_done"],
                on_time=timezone.localdate(report["submitted_at"]) <= period.due,
            )
        else:
            cell = Cell(status=late_status, role=assignment.role)
        row.cells[column[assignment.task_id]] = cell
        row.rates.add(cell)
        totals.add(cell)
    return PeriodMatrix(directive, period, tasks, list(rows.values()), totals)
