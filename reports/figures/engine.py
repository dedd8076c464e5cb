"""The dashboard's figures, computed in the database (a fixed number of queries whatever
the number of units or periods), as DHIS2 defines them:

expected   = assignments of units active during the period (a unit closed before the
             period is not expected, so no rate exceeds 100%);
received   = reports sent at least once (a returned report stays received);
on time    = received, first sent by the period's due date (Vietnam's calendar day);
progress   = mean percent done, and the share assessed "hoàn thành", over the reports
             leadership may read (never a draft);
behind     = reports whose percent done is BEHIND_MARGIN points or more below the share of
             the directive's reporting time elapsed by the period's cutoff.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateTimeField, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from directives.models import Assignment, Directive
from reports.filing.models import ProgressReport
from reports.periods.calendar import day_end
from reports.periods.models import ReportingPeriod
from units.models import Unit

BEHIND_MARGIN = 25  # percentage points
COUNTS = ("expected", "received", "on_time", "readable", "percent_sum", "done", "behind")


@dataclass
class Figures:
    expected: int = 0
    received: int = 0
    on_time: int = 0
    readable: int = 0  # sent and not under revision: what progress is measured on
    percent_sum: int = 0
    done: int = 0
    behind: int = 0
    past_due: bool = False

    def add(self, other: "Figures") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.past_due = self.past_due or other.past_due

    def _rate(self, part: int) -> float | None:
        return 100 * part / self.expected if self.expected else None

    @property
    def completeness(self) -> float | None:
        return self._rate(self.received)

    @property
    def timeliness(self) -> float | None:
        return self._rate(self.on_time)

    @property
    def done_share(self) -> float | None:
        return self._rate(self.done)

    @property
    def mean_percent(self) -> float | None:
        return self.percent_sum / self.readable if self.readable else None

    @property
    def missing(self) -> int:
        return self.expected - self.received

    @property
    def overdue(self) -> int:
        return self.missing if self.past_due else 0


@dataclass
class PeriodFigures:
    period: ReportingPeriod
    figures: Figures = field(default_factory=Figures)


def _elapsed_share(directive: Directive, period: ReportingPeriod, last_cutoff) -> float | None:
    start = directive.reporting_starts_on or directive.issued_on
    if not last_cutoff or last_cutoff <= start:
        return None
    return min(1.0, (period.cutoff - start).days / (last_cutoff - start).days)


def _behind_threshold(directive: Directive, periods: list[ReportingPeriod]):
    """A CASE on the period: percent done below it is "behind schedule"."""
    last_cutoff = directive.reporting_ends_on or (periods[-1].cutoff if periods else None)
    whens = []
    for period in periods:
        share = _elapsed_share(directive, period, last_cutoff)
        if share is not None:
            whens.append(When(period_id=period.pk, then=Value(round(100 * share) - BEHIND_MARGIN)))
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def _per_period(periods: list[ReportingPeriod], value, output_field):
    """A CASE on the report's period: lets one scan of the reports table compare each
    report with its own period's dates, with no join."""
    return Case(
        *[When(period_id=p.pk, then=Value(value(p))) for p in periods],
        default=Value(None),
        output_field=output_field,
    )


def _sent_by_due(periods: list[ReportingPeriod]):
    """First sent by the due date (models.day_end), each report against its period's."""
    return Q(submitted_at__lt=_per_period(periods, lambda p: day_end(p.due), DateTimeField()))


def _aggregates(directive: Directive, periods: list[ReportingPeriod]) -> dict:
    readable = ~Q(status=ProgressReport.Status.DRAFT)
    behind = _behind_threshold(directive, periods)
    return {
        "received": Count("id"),
        "on_time": Count("id", filter=_sent_by_due(periods)),
        "readable": Count("id", filter=readable),
        "percent_sum": Sum("percent_done", filter=readable),
        "done": Count("id", filter=readable & Q(assessment=ProgressReport.Assessment.DONE)),
        "behind": Count("id", filter=readable & Q(percent_done__lt=behind)),
    }


def _fill(figures: Figures, row: dict) -> None:
    for name in ("received", "on_time", "readable", "done", "behind"):
        setattr(figures, name, row[name])
    figures.percent_sum = row["percent_sum"] or 0


def _closed_units(assignments) -> dict[int, tuple]:
    """Units of these assignments that open or close at some date: {unit id: (from, to)}.
    Usually none, and then no report needs its unit checked."""
    dated = {
        pk: (valid_from, valid_to)
        for pk, valid_from, valid_to in Unit.objects.filter(
            Q(valid_from__isnull=False) | Q(valid_to__isnull=False)
        ).values_list("pk", "valid_from", "valid_to")
    }
    if not dated:  # the usual case: no join with the assignments at all
        return {}
    concerned = assignments.filter(unit_id__in=dated).values_list("unit_id", flat=True)
    return {unit_id: dated[unit_id] for unit_id in set(concerned)}


def _outside(span: tuple, period: ReportingPeriod) -> bool:
    valid_from, valid_to = span
    return bool(
        (valid_from and valid_from > period.cutoff) or (valid_to and valid_to < period.start)
    )


def _directive_assignments(directive: Directive, assignments):
    if assignments is None:
        return Assignment.objects.filter(task__section__directive=directive), False
    return assignments, True


def _sent_reports(periods, assignments, narrowed: bool, closed: dict):
    """Reports sent in these periods, of units that existed in each report's period."""
    reports = ProgressReport.objects.filter(
        period_id__in=[p.pk for p in periods], submitted_at__isnull=False
    )
    if narrowed:
        reports = reports.filter(assignment__in=assignments)
    for unit_id, span in closed.items():
        outside = [p.pk for p in periods if _outside(span, p)]
        if outside:
            reports = reports.exclude(assignment__unit_id=unit_id, period_id__in=outside)
    return reports


def trend(
    *,
    directive: Directive,
    assignments=None,
    periods: list[ReportingPeriod] | None = None,
    today: datetime.date | None = None,
) -> list[PeriodFigures]:
    """The figures of every period of the directive, oldest first: four queries, the
    heavy one a single scan of the period's reports grouped by period.

    `assignments` narrows them (a unit's subtree, a group, a task); default: all.
    `periods` narrows them to those periods (one, for a page about one period).
    """
    today = today or timezone.localdate()
    periods = periods if periods is not None else list(directive.periods.order_by("start"))
    assignments, narrowed = _directive_assignments(directive, assignments)
    result = [PeriodFigures(p) for p in periods]
    if not periods:
        return result
    closed = _closed_units(assignments)
    total = assignments.count()
    per_unit = dict(
        assignments.filter(unit_id__in=closed).values_list("unit_id").annotate(n=Count("id"))
    )
    rows = _sent_reports(periods, assignments, narrowed, closed).values("period_id")
    by_period = {row["period_id"]: row for row in rows.annotate(**_aggregates(directive, periods))}
    for item in result:
        figures = item.figures
        figures.expected = total - sum(
            n for unit_id, n in per_unit.items() if _outside(closed[unit_id], item.period)
        )
        figures.past_due = item.period.due < today
        if row := by_period.get(item.period.pk):
            _fill(figures, row)
    return result


def by_unit(
    *, directive: Directive, period: ReportingPeriod, assignments=None, today=None
) -> dict[int, Figures]:
    """Each unit's figures for one period: three queries."""
    today = today or timezone.localdate()
    assignments, narrowed = _directive_assignments(directive, assignments)
    closed = _closed_units(assignments)
    result: dict[int, Figures] = defaultdict(Figures)
    for unit_id, n in assignments.values_list("unit_id").annotate(n=Count("id")):
        if unit_id in closed and _outside(closed[unit_id], period):
            continue
        result[unit_id].expected = n
        result[unit_id].past_due = period.due < today
    rows = (
        _sent_reports([period], assignments, narrowed, closed)
        .values("assignment__unit_id")
        .annotate(**_aggregates(directive, [period]))
    )
    for row in rows:
        if row["assignment__unit_id"] in result:
            _fill(result[row["assignment__unit_id"]], row)
    return dict(result)


@dataclass
class RollupRow:
    unit: Unit
    figures: Figures
    has_children: bool


def rollup(per_unit: dict[int, Figures], *, parent_id: int | None) -> list[RollupRow]:
    """The figures of each child of `parent_id` (None: the top of the tree), every one the
    sum over its whole subtree. One query (the tree), whatever its depth."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    totals: dict[int, Figures] = defaultdict(Figures)
    for unit_id, figures in per_unit.items():
        node = unit_id
        while node is not None:  # the unit itself and each of its ancestors
            totals[node].add(figures)
            node = parents.get(node)
    children = [u for u, p in parents.items() if p == parent_id and u in totals]
    with_children = {p for p in parents.values() if p is not None}
    units = Unit.objects.in_bulk(children)
    rows = [RollupRow(units[u], totals[u], u in with_children) for u in children]
    return sorted(rows, key=lambda r: r.unit.name)
