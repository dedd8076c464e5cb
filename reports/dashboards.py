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

from django.utils import timezone

from directives.models import Assignment, Directive, Task
from units.models import Unit, active_between_q

from . import selectors
from .models import ProgressReport, ReportingPeriod, sent_on_time


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


def period_matrix(
    *, directive: Directive, period: ReportingPeriod, today: datetime.date | None = None
) -> PeriodMatrix:
    today = today or timezone.localdate()
    tasks = list(
        Task.objects.filter(section__directive=directive)
        .select_related("section")
        .order_by("section__order", "order")
    )
    column = {task.pk: i for i, task in enumerate(tasks)}
    assignments = (
        Assignment.objects.filter(task__section__directive=directive)
        .filter(active_between_q(period.start, period.cutoff, prefix="unit__"))
        .select_related("unit")
        .order_by("task__section__order", "role", "unit__name")  # leads first
    )
    reports = {
        r["assignment_id"]: r
        for r in ProgressReport.objects.filter(period=period, submitted_at__isnull=False).values(
            "id", "assignment_id", "status", "percent_done", "submitted_at"
        )
    }
    assignments = list(assignments)
    dues = selectors.effective_due_dates(period, [a.pk for a in assignments])
    rows: dict[int, UnitRow] = {}
    totals = Rates()
    for assignment in assignments:
        row = rows.get(assignment.unit_id)
        if row is None:
            row = rows[assignment.unit_id] = UnitRow(assignment.unit, [None] * len(tasks))
        due = dues[assignment.pk]
        report = reports.get(assignment.pk)
        cell = Cell(status="overdue" if due < today else "missing", role=assignment.role)
        cell.assignment_id = assignment.pk
        if report is not None:
            cell.received = True
            cell.on_time = sent_on_time(report["submitted_at"], period.due)
            cell.on_time_extended = sent_on_time(report["submitted_at"], due)
            if report["status"] == ProgressReport.Status.DRAFT:
                # Sent, returned, now being revised: received, but the text is the unit's.
                cell.status = "revising"
            else:
                cell.status = report["status"]
                cell.report_id = report["id"]
                cell.percent_done = report["percent_done"]
        row.cells[column[assignment.task_id]] = cell
        row.rates.add(cell)
        totals.add(cell)
    return PeriodMatrix(directive, period, tasks, list(rows.values()), totals)
