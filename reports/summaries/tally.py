"""What the units filed over a range of periods, read for a summary: each unit's figures
(from the counting engine, reports.figures.engine), the matrix cells (each a slot's
status, reports.filing.slots: three queries a period), what each assignment said over
the periods (its latest state: `sentences.latest`), and the indicator totals. Drafts are
never read: a summary quotes only what was sent.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.db.models import F
from django.utils import timezone

from directives.models import Assignment, Directive, Task, reports_in
from reports.figures import engine
from reports.figures.engine import DeadlineFigures, Figures
from reports.figures.indicators import IndicatorTotal, directive_indicators, indicator_totals
from reports.figures.matrix import matrix_tasks
from reports.filing import slots
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.periods.models import ReportingPeriod
from units.models import Unit, active_between_q

from . import sentences
from .sentences import Sentence

READ_KEPT = 20_000  # texts kept split while reading (units copy theirs period to period)
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
    """What an assignment said over the periods, at its latest (`sentences.latest`)."""

    achievements: list[Sentence]
    difficulties: list[Sentence]
    proposals: list[Sentence]


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
    """What each assignment said over the periods: its reports that say anything, read
    period after period and brought to their latest state as they come (one query; the
    texts of one assignment in memory at a time)."""
    rows = (
        ProgressReport.objects.filter(period__in=periods, status__in=READABLE)
        .exclude(achievements="", difficulties="", proposals="")
        .order_by("assignment_id", "period__start")
        .values_list("assignment_id", "achievements", "difficulties", "proposals")
    )
    words: dict[int, Words] = {}
    read: dict[str, tuple] = {}
    for assignment_id, reports in groupby(rows.iterator(chunk_size=2000), itemgetter(0)):
        texts = list(zip(*(report[1:] for report in reports), strict=True))
        if len(read) > READ_KEPT:
            read.clear()
        words[assignment_id] = Words(*(sentences.latest(list(t), read) for t in texts))
    return words


def tally(
    *,
    directive: Directive,
    periods: list[ReportingPeriod],
    today: datetime.date | None = None,
    progress: Callable[[float], None] | None = None,
    words: bool = True,
    matrix: bool = True,
) -> Tally:
    """Everything a summary needs over `periods`: a fixed number of queries, and one more
    a period (two where units open or close at a date). With `words` False, what units
    wrote is not read (the figures frozen for an export need none of it); with `matrix`
    False, neither are the slots one by one (only a workbook draws the matrix: at 50,000
    units it is 600,000 rows)."""
    today = today or timezone.localdate()
    tasks = matrix_tasks(directive=directive)
    column = {task.pk: i for i, task in enumerate(tasks)}
    units = _units(directive)
    slots_read = (
        Assignment.objects.counted()
        .filter(task__section__directive=directive)
        .exclude(task__kind=Task.Kind.DEADLINE)
        .order_by("task__section__order", "task__order", "role", "unit__name")
        .values_list("pk", "task_id", "unit_id", "role", "task__kind", "done_on")
    )
    assignments = [Slot(*row) for row in slots_read] if matrix or words else []
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
    extensions = ExtensionRequest.objects.filter(period__in=periods)
    granted = slots.granted_extensions(extensions) if matrix else {}
    dated = Unit.objects.dated().filter(pk__in=units).values_list("pk", flat=True)
    dated = list(dated) if matrix else []
    for index, period in enumerate(periods if matrix else []):
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
    if words:
        result.words = _words(periods)
    result.indicators = indicator_totals(
        indicators=directive_indicators(directive), periods=periods
    )
    given = Assignment.objects.filter(task__section__directive=directive)
    deadlines = engine.count_deadlines(assignments=given, by=("unit",), today=today)
    for (unit_id,), figures in deadlines.items():
        result.deadlines[unit_id] = figures
        result.deadlines_total.add(figures)
    if progress:
        progress(1.0)
    return result
