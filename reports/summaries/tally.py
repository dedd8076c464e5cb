"""What the units filed over a range of periods, read for a summary: each unit's figures
(from the counting engine, reports.figures.engine), what the units wrote, said once
(`sentences`: each assignment at its latest, gathered as the reports are read), the
indicator totals, and the matrix cells (each a slot's status, reports.filing.slots), made
row by row for a workbook. Drafts are never read: a summary quotes only what was sent.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

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

READ_KEPT = 20_000  # texts kept split while reading (units copy theirs period to period)
READABLE = (
    ProgressReport.Status.SUBMITTED,
    ProgressReport.Status.ACCEPTED,
    ProgressReport.Status.RETURNED,
)
FIELDS = ("achievements", "difficulties", "proposals")


@dataclass
class UnitFigures:
    """A unit the summary names, and its figures over the periods."""

    name: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class Tally:
    directive: Directive
    periods: list[ReportingPeriod]
    tasks: list[Task]
    units: dict[int, UnitFigures]  # in the order the summary lists them
    total: Figures
    today: datetime.date
    # What units wrote, said once: by (field, section id) for "achievements" (each
    # section's results), by (field, None) for the other two.
    said: dict[tuple[str, int | None], sentences.SaidOnce] = field(default_factory=dict)
    indicators: list[IndicatorTotal] = field(default_factory=list)
    # Tasks with a deadline, as of the day tallied: each unit's, and all together.
    deadlines: dict[int, DeadlineFigures] = field(default_factory=dict)
    deadlines_total: DeadlineFigures = field(default_factory=DeadlineFigures)

    def matrix(self, progress: Callable[[float], None] | None = None) -> Iterator[list[str]]:
        """The matrix's rows, period after period: [period, unit, a cell code a task]
        (`slots.status_seen`; "" where the unit owes nothing). Held at once: the slots
        (a few small values each) and one period's sent reports, never the rows."""
        column = {task.pk: i for i, task in enumerate(self.tasks)}
        kinds: dict[str, str] = {}  # one string a kind, not one a slot
        by_unit: dict[int, list[tuple]] = defaultdict(list)
        for pk, task_id, unit_id, kind, done_on in _slots(self.directive):
            by_unit[unit_id].append((pk, column[task_id], kinds.setdefault(kind, kind), done_on))
        periods = self.periods
        extensions = ExtensionRequest.objects.filter(period__in=periods)
        granted = slots.granted_extensions(extensions)
        dated = list(Unit.objects.dated().filter(pk__in=self.units).values_list("pk", flat=True))
        statuses: dict[str, str] = {}
        for index, period in enumerate(periods):
            reports = ProgressReport.objects.filter(
                period=period, submitted_at__isnull=False
            ).order_by()  # (ordered, a cursor's plan reads every report of the table)
            sent = {
                pk: statuses.setdefault(status, status)
                for pk, status in reports.values_list("assignment_id", "status").iterator(
                    chunk_size=10_000
                )
            }
            inactive = _inactive(dated, period)
            # A cell's status depends on its report's status (None: never sent) and on a
            # granted extension: `status_seen` is asked once for each, not once a cell.
            shown: dict[tuple, str] = {}
            for unit_id, unit in self.units.items():
                if unit_id in inactive:
                    continue
                cells = [""] * len(self.tasks)
                for pk, at, kind, done_on in by_unit.get(unit_id, ()):
                    if not reports_in(kind, done_on, period.start):
                        continue
                    extension = granted.get((pk, period.pk)) if granted else None
                    facts = (sent.get(pk), extension[0] if extension else None)
                    code = shown.get(facts)
                    if code is None:
                        code = shown[facts] = slots.status_seen(
                            sent=facts[0] is not None,
                            status=facts[0],
                            due=slots.due_date(period, facts[1]),
                            today=self.today,
                        )
                    cells[at] = code
                yield [period.label, unit.name, *cells]
            del sent
            if progress:
                progress((index + 1) / len(periods))


def _slots(directive: Directive):
    """(pk, task, unit, task's kind, done on) of each assignment the matrix shows: the
    counted ones of tasks reported on (not those with a deadline alone)."""
    return (
        Assignment.objects.counted()
        .filter(task__section__directive=directive)
        .exclude(task__kind=Task.Kind.DEADLINE)
        .values_list("pk", "task_id", "unit_id", "task__kind", "done_on")
        .order_by()
        .iterator(chunk_size=5000)
    )


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


def _said(
    directive: Directive, periods: list[ReportingPeriod], units: dict[int, UnitFigures]
) -> dict[tuple[str, int | None], sentences.SaidOnce]:
    """What the units wrote over the periods, said once (`Tally.said`): the reports that
    say anything, read in one query assignment after assignment (each one's in the order
    of its periods), each brought to its latest state (`sentences.latest`) and gathered
    at once; only one assignment's texts are in memory at a time. A sentence's place:
    its unit's in the listing, then the task's (section, task, role)."""
    rows = (
        ProgressReport.objects.filter(
            period__in=periods,
            status__in=READABLE,
            assignment__parent__isnull=True,
            assignment__task__section__directive=directive,
        )
        .exclude(assignment__task__kind=Task.Kind.DEADLINE)
        .exclude(achievements="", difficulties="", proposals="")
        .order_by("assignment_id")  # read in the order of an index: no sort
        .values_list(
            "assignment_id",
            "period_id",
            "assignment__unit_id",
            "assignment__task__section_id",
            "assignment__task__section__order",
            "assignment__task__order",
            "assignment__role",
            *FIELDS,
        )
    )
    place = {unit_id: index for index, unit_id in enumerate(units)}
    start = {period.pk: period.start for period in periods}
    said: dict[tuple[str, int | None], sentences.SaidOnce] = {}
    read: dict[str, tuple] = {}
    for assignment_id, reports in groupby(rows.iterator(chunk_size=10_000), itemgetter(0)):
        reports = sorted(reports, key=lambda report: start[report[1]])  # oldest first
        unit_id, section_id, section_order, task_order, role = reports[0][2:7]
        if unit_id not in place:
            continue
        if len(read) > READ_KEPT:
            read.clear()
        at = (section_order, task_order, role, assignment_id)
        for index, name in enumerate(FIELDS):
            texts = [report[7 + index] for report in reports]
            latest = sentences.latest(texts, read) if any(texts) else None
            if latest:
                bucket = (name, section_id if name == "achievements" else None)
                gathered = said.setdefault(bucket, sentences.SaidOnce())
                gathered.add(place[unit_id], units[unit_id].name, at, latest)
    return said


def tally(
    *,
    directive: Directive,
    periods: list[ReportingPeriod],
    today: datetime.date | None = None,
    words: bool = True,
) -> Tally:
    """Everything a summary needs over `periods`, in a fixed number of queries; the
    matrix's rows are made on demand (`Tally.matrix`). With `words` False, what units
    wrote is not read (the figures frozen for an export need none of it)."""
    today = today or timezone.localdate()
    units = _units(directive)
    total = Figures()
    for unit_id, figures in engine.by_unit(
        directive=directive, periods=periods, today=today
    ).items():
        units[unit_id].figures = figures
        total.add(figures)
    tasks = matrix_tasks(directive=directive)
    result = Tally(directive, periods, tasks, units, total, today)
    if words:
        result.said = _said(directive, periods, units)
    result.indicators = indicator_totals(
        indicators=directive_indicators(directive), periods=periods
    )
    given = Assignment.objects.filter(task__section__directive=directive)
    deadlines = engine.count_deadlines(assignments=given, by=("unit",), today=today)
    for (unit_id,), figures in deadlines.items():
        result.deadlines[unit_id] = figures
        result.deadlines_total.add(figures)
    return result
