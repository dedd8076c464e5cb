"""What the units filed over a range of periods, read for a summary: each unit's counts
and the matrix cells (one query per period), the last words each assignment sent, and
the indicator totals. Drafts are never read: a summary quotes only what was sent.

The counts follow the dashboard's rules (reports.figures): a unit is expected in a period
only if it existed then; received = sent at least once; on time = first sent by the due
date (models.day_end).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from directives.models import Assignment, Directive, Indicator, Task
from reports.figures.matrix import matrix_tasks
from reports.filing import slots
from reports.filing.models import IndicatorValue, ProgressReport
from reports.periods.calendar import day_end
from reports.periods.models import ReportingPeriod
from units.models import Unit

READABLE = (
    ProgressReport.Status.SUBMITTED,
    ProgressReport.Status.ACCEPTED,
    ProgressReport.Status.RETURNED,
)


@dataclass
class UnitTally:
    name: str
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    expected: int = 0
    received: int = 0
    on_time: int = 0
    accepted: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.received

    def _rate(self, part: int) -> float | None:
        return round(100 * part / self.expected, 1) if self.expected else None

    @property
    def completeness(self) -> float | None:
        return self._rate(self.received)

    @property
    def timeliness(self) -> float | None:
        return self._rate(self.on_time)

    def active_in(self, period: ReportingPeriod) -> bool:
        return (self.valid_from is None or self.valid_from <= period.cutoff) and (
            self.valid_to is None or self.valid_to >= period.start
        )

    def add(self, other: "UnitTally") -> None:
        for name in ("expected", "received", "on_time", "accepted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Slot(NamedTuple):
    """One assignment, as the tally reads it."""

    pk: int
    task_id: int
    unit_id: int
    role: str


@dataclass
class Words:
    """The last texts an assignment sent in the range."""

    achievements: str
    difficulties: str
    proposals: str


@dataclass
class IndicatorTotal:
    indicator: Indicator
    value: Decimal
    units: int  # how many units gave a figure


@dataclass
class Tally:
    directive: Directive
    periods: list[ReportingPeriod]
    tasks: list[Task]
    units: dict[int, UnitTally]  # in the order the summary lists them
    total: UnitTally
    matrix: list[list[str]] = field(default_factory=list)  # [period, unit, code per task]
    words: dict[int, Words] = field(default_factory=dict)  # by assignment id
    assignments: list[Slot] = field(default_factory=list)
    indicators: list[IndicatorTotal] = field(default_factory=list)


def _cell(report: tuple | None, due: datetime.date, today: datetime.date) -> str:
    """A matrix cell, as the dashboard shows it: overdue once the unit's own due date (an
    extension's, if granted) has passed."""
    if report is None:
        return "overdue" if due < today else "missing"
    status = report[0]
    return "revising" if status == ProgressReport.Status.DRAFT else status


def _units(directive: Directive) -> dict[int, UnitTally]:
    """The units given tasks, listed under their parents (by name), then by name."""
    rows = (
        Unit.objects.filter(
            pk__in=Assignment.objects.filter(task__section__directive=directive).values("unit_id")
        )
        .order_by(F("parent__name").asc(nulls_first=True), "name", "pk")
        .values_list("pk", "name", "valid_from", "valid_to")
    )
    return {pk: UnitTally(name, valid_from, valid_to) for pk, name, valid_from, valid_to in rows}


def _words(periods: list[ReportingPeriod]) -> dict[int, Words]:
    """Each assignment's last sent report in the range that says anything: the database
    ranks them, so only one row an assignment comes back."""
    latest = Window(RowNumber(), partition_by="assignment_id", order_by=F("period__start").desc())
    rows = (
        ProgressReport.objects.filter(period__in=periods, status__in=READABLE)
        .exclude(achievements="", difficulties="", proposals="")
        .annotate(rank=latest)
        .filter(rank=1)
        .values_list("assignment_id", "achievements", "difficulties", "proposals")
    )
    return {assignment_id: Words(*texts) for assignment_id, *texts in rows}


def _indicator_totals(directive: Directive, periods: list[ReportingPeriod]) -> list:
    """Each indicator over the range: per unit as its aggregation says (the sum of the
    periods, the latest period's figure, or the largest), then summed over the units."""
    indicators = list(
        Indicator.objects.filter(task__section__directive=directive)
        .select_related("task__section")
        .order_by("task__section__order", "task__order", "order", "pk")
    )
    if not indicators:
        return []
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=indicators, report__period__in=periods, report__status__in=READABLE
        )
        .order_by("report__period__start")
        .values_list("indicator_id", "report__assignment_id", "value")
    )
    per_unit: dict[int, dict[int, Decimal]] = defaultdict(dict)
    kinds = {i.pk: i.aggregation for i in indicators}
    for indicator_id, assignment_id, value in rows.iterator(chunk_size=5000):
        seen = per_unit[indicator_id]
        before = seen.get(assignment_id)
        if before is None or kinds[indicator_id] == Indicator.Aggregation.LATEST:
            seen[assignment_id] = value
        elif kinds[indicator_id] == Indicator.Aggregation.SUM:
            seen[assignment_id] = before + value
        else:
            seen[assignment_id] = max(before, value)
    return [
        IndicatorTotal(i, sum(per_unit[i.pk].values(), Decimal(0)), len(per_unit[i.pk]))
        for i in indicators
    ]


def tally(
    *,
    directive: Directive,
    periods: list[ReportingPeriod],
    today: datetime.date | None = None,
    progress: Callable[[float], None] | None = None,
) -> Tally:
    """Everything a summary needs over `periods`: a fixed number of queries per period."""
    today = today or timezone.localdate()
    tasks = matrix_tasks(directive=directive)
    column = {task.pk: i for i, task in enumerate(tasks)}
    units = _units(directive)
    assignments = [
        Slot(*row)
        for row in Assignment.objects.filter(task__section__directive=directive)
        .order_by("task__section__order", "task__order", "role", "unit__name")
        .values_list("pk", "task_id", "unit_id", "role")
    ]
    by_unit: dict[int, list[Slot]] = defaultdict(list)
    for slot in assignments:
        by_unit[slot.unit_id].append(slot)
    result = Tally(directive, periods, tasks, units, UnitTally(""), assignments=assignments)
    for index, period in enumerate(periods):
        on_time = ExpressionWrapper(
            Q(submitted_at__lt=day_end(period.due)), output_field=BooleanField()
        )
        dues = slots.extended_due_dates(period)
        sent = {
            assignment_id: (status, in_time)
            for assignment_id, status, in_time in ProgressReport.objects.filter(
                period=period, submitted_at__isnull=False
            )
            .annotate(in_time=on_time)
            .values_list("assignment_id", "status", "in_time")
        }
        for unit_id, unit in units.items():
            if not unit.active_in(period):
                continue
            cells = [""] * len(tasks)
            for slot in by_unit[unit_id]:
                report = sent.get(slot.pk)
                cells[column[slot.task_id]] = _cell(report, dues.get(slot.pk, period.due), today)
                unit.expected += 1
                if report is not None:
                    unit.received += 1
                    unit.on_time += report[1]
                    unit.accepted += report[0] == ProgressReport.Status.ACCEPTED
            result.matrix.append([period.label, unit.name, *cells])
        if progress:
            progress((index + 1) / (len(periods) + 2))
    for unit in units.values():
        result.total.add(unit)
    result.words = _words(periods)
    result.indicators = _indicator_totals(directive, periods)
    if progress:
        progress(1.0)
    return result
