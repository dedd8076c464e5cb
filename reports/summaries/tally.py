"""What the units filed over a range of periods, read for a summary: each unit's figures
(from the counting engine, reports.figures.engine), the matrix cells (each a slot's
status, reports.filing.slots: three queries a period), the last words each assignment
sent, and the indicator totals. Drafts are never read: a summary quotes only what was
sent.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from directives.models import Assignment, Directive, Indicator, Task, reports_in
from reports.figures import engine
from reports.figures.engine import DeadlineFigures, Figures
from reports.figures.matrix import matrix_tasks
from reports.filing import slots
from reports.filing.models import ExtensionRequest, IndicatorValue, ProgressReport
from reports.periods.models import ReportingPeriod
from units.models import Unit, active_between_q

READABLE = (
    ProgressReport.Status.SUBMITTED,
    ProgressReport.Status.ACCEPTED,
    ProgressReport.Status.RETURNED,
)


@dataclass
class UnitFigures:
    """A unit the summary names, and its figures over the periods."""

    name: str
    figures: Figures = field(default_factory=Figures)


class Slot(NamedTuple):
    """One assignment, as the tally reads it."""

    pk: int
    task_id: int
    unit_id: int
    role: str
    kind: str  # the task's
    done_on: datetime.date | None


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
    units: dict[int, UnitFigures]  # in the order the summary lists them
    total: Figures
    matrix: list[list[str]] = field(default_factory=list)  # [period, unit, code per task]
    words: dict[int, Words] = field(default_factory=dict)  # by assignment id
    assignments: list[Slot] = field(default_factory=list)
    indicators: list[IndicatorTotal] = field(default_factory=list)
    # Tasks with a deadline, as of the day tallied: each unit's, and all together.
    deadlines: dict[int, DeadlineFigures] = field(default_factory=dict)
    deadlines_total: DeadlineFigures = field(default_factory=DeadlineFigures)


def _units(directive: Directive) -> dict[int, UnitFigures]:
    """The units given tasks, listed under their parents (by name), then by name."""
    given = Assignment.objects.counted().filter(task__section__directive=directive)
    rows = (
        Unit.objects.filter(pk__in=given.values("unit_id"))
        .order_by(F("parent__name").asc(nulls_first=True), "name", "pk")
        .values_list("pk", "name")
    )
    return {pk: UnitFigures(name) for pk, name in rows}


def _inactive(dated: list[int], period: ReportingPeriod) -> set[int]:
    """Of these units (those that open or close at a date), those that did not exist
    during the period."""
    if not dated:
        return set()
    return set(
        Unit.objects.filter(pk__in=dated)
        .exclude(active_between_q(period.start, period.cutoff))
        .values_list("pk", flat=True)
    )


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
    """Everything a summary needs over `periods`: a fixed number of queries, and one more
    a period (two where units open or close at a date)."""
    today = today or timezone.localdate()
    tasks = matrix_tasks(directive=directive)
    column = {task.pk: i for i, task in enumerate(tasks)}
    units = _units(directive)
    assignments = [
        Slot(*row)
        for row in Assignment.objects.counted()
        .filter(task__section__directive=directive)
        .exclude(task__kind=Task.Kind.DEADLINE)
        .order_by("task__section__order", "task__order", "role", "unit__name")
        .values_list("pk", "task_id", "unit_id", "role", "task__kind", "done_on")
    ]
    by_unit: dict[int, list[Slot]] = defaultdict(list)
    for slot in assignments:
        by_unit[slot.unit_id].append(slot)
    total = Figures()
    for unit_id, figures in engine.by_unit(
        directive=directive, periods=periods, today=today
    ).items():
        units[unit_id].figures = figures
        total.add(figures)
    result = Tally(directive, periods, tasks, units, total, assignments=assignments)
    granted = slots.granted_extensions(ExtensionRequest.objects.filter(period__in=periods))
    dated = list(Unit.objects.dated().filter(pk__in=units).values_list("pk", flat=True))
    for index, period in enumerate(periods):
        sent = dict(
            ProgressReport.objects.filter(period=period, submitted_at__isnull=False).values_list(
                "assignment_id", "status"
            )
        )
        inactive = _inactive(dated, period)
        for unit_id, unit in units.items():
            if unit_id in inactive:
                continue
            cells = [""] * len(tasks)
            for slot in by_unit[unit_id]:
                if not reports_in(slot.kind, slot.done_on, period.start):
                    continue
                extension = granted.get((slot.pk, period.pk))
                cells[column[slot.task_id]] = slots.status_seen(
                    sent=slot.pk in sent,
                    status=sent.get(slot.pk),
                    due=slots.due_date(period, extension[0] if extension else None),
                    today=today,
                )
            result.matrix.append([period.label, unit.name, *cells])
        if progress:
            progress((index + 1) / (len(periods) + 2))
    result.words = _words(periods)
    result.indicators = _indicator_totals(directive, periods)
    given = Assignment.objects.filter(task__section__directive=directive)
    deadlines = engine.count_deadlines(assignments=given, by=("unit",), today=today)
    for (unit_id,), figures in deadlines.items():
        result.deadlines[unit_id] = figures
        result.deadlines_total.add(figures)
    if progress:
        progress(1.0)
    return result
