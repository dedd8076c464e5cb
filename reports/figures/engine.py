"""The counting engine: every figure every page, export and API shows, for any slice of
a directive (periods; units, tasks; a subtree, a group or a section by narrowing
`assignments`), counted in the database in a fixed number of queries whatever the
number of units or periods.

Each figure counts slots, a unit's task in a period, as reports.filing.slots defines
their state (DHIS2's reporting rates):

expected     slots of units active during the period (units.models.active_between_q):
             a unit closed before the period is not expected, so no rate exceeds 100%;
received     slots whose report was sent at least once (a returned one stays received);
on time      received, first sent by the period's own due date;
on time after extension   received, first sent by the slot's own due date;
accepted     received and accepted;
missing      expected − received; overdue: missing, and past the slot's own due date;
progress     the mean percent done, and the share assessed "hoàn thành", over the reports
             leadership may read (sent, and not back in draft under revision);
behind       of those, percent done BEHIND_MARGIN points or more below the share of the
             directive's reporting time elapsed by the period's cutoff.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import (
    Assignment,
    Directive,
    Task,
    held_q,
    reporting_start,
    reports_in,
    reports_in_q,
)
from reports.filing import slots
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.periods.models import ReportingPeriod
from units.models import Unit, active_between, active_between_q
from workdays.calendar import day_end

from .models import KEPT, KeptTotals

BEHIND_MARGIN = 25  # percentage points


@dataclass
class Figures:
    expected: int = 0
    received: int = 0
    on_time: int = 0
    on_time_extended: int = 0
    accepted: int = 0
    readable: int = 0  # sent and not under revision: what progress is measured on
    percent_sum: int = 0
    done: int = 0
    behind: int = 0
    overdue: int = 0

    def add(self, other: "Figures") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def _rate(self, part: int) -> float | None:
        return 100 * part / self.expected if self.expected else None

    @property
    def missing(self) -> int:
        return self.expected - self.received

    @property
    def completeness(self) -> float | None:
        return self._rate(self.received)

    @property
    def timeliness(self) -> float | None:
        return self._rate(self.on_time)

    @property
    def timeliness_extended(self) -> float | None:
        return self._rate(self.on_time_extended)

    @property
    def done_share(self) -> float | None:
        return self._rate(self.done)

    @property
    def mean_percent(self) -> float | None:
        return self.percent_sum / self.readable if self.readable else None

    def as_dict(self) -> dict:
        """Every count and rate, by name (what the API and the exchange format read)."""
        rates = ("missing", "completeness", "timeliness", "timeliness_extended")
        rates += ("done_share", "mean_percent")
        return {name: getattr(self, name) for name in (*COUNTS, *rates)}


COUNTS = tuple(f.name for f in fields(Figures))
# How a slice is split: a report reaches its unit and task through its assignment.
DIMENSIONS = {
    "unit": ("unit_id", "assignment__unit_id"),
    "task": ("task_id", "assignment__task_id"),
    "directive": ("task__section__directive_id", "period__directive_id"),
}


def _directives_of(periods: list[ReportingPeriod], directive: Directive | None) -> dict:
    """Each period's directive, by id: `directive` when one is counted, else the periods'
    own (loaded with them: select_related("directive"))."""
    if directive is not None:
        return {directive.pk: directive}
    return {p.directive_id: p.directive for p in periods}


def _last_cutoffs(directives: dict[int, Directive]) -> None:
    """The end of each directive's reporting time: its reporting_ends_on, else its last
    period's cutoff (one query for those not read yet, kept on each directive object)."""
    unread = [d for d in directives.values() if not hasattr(d, "_last_cutoff")]
    if not unread:
        return
    last = dict(
        ReportingPeriod.objects.filter(directive__in=unread)
        .values("directive_id")
        .annotate(last=Max("cutoff"))
        .values_list("directive_id", "last")
        .order_by()
    )
    for directive in unread:
        directive._last_cutoff = directive.reporting_ends_on or last.get(directive.pk)


def behind_below(start, last_cutoff, cutoff) -> int | None:
    """The percent done under which a report is behind, for a period ending on `cutoff`
    of a directive reporting from `start` (directives.models.reporting_start) to
    `last_cutoff`: the share of that time elapsed, less BEHIND_MARGIN. None: no time
    to measure against."""
    if not last_cutoff or last_cutoff <= start:
        return None
    share = min(1.0, (cutoff - start).days / (last_cutoff - start).days)
    return round(100 * share) - BEHIND_MARGIN


def _per_period(periods: list[ReportingPeriod], value, output_field):
    """A CASE on the report's period: one scan of the reports compares each report with
    its own period's dates, with no join."""
    return Case(
        *[When(period_id=p.pk, then=Value(value(p))) for p in periods if value(p) is not None],
        default=Value(None),
        output_field=output_field,
    )


def _aggregates(directives: dict[int, Directive], periods: list[ReportingPeriod]) -> dict:
    if any(not d.reporting_ends_on for d in directives.values()):
        _last_cutoffs(directives)
    else:
        for directive in directives.values():
            directive._last_cutoff = directive.reporting_ends_on

    def behind(period):
        directive = directives[period.directive_id]
        start = reporting_start(directive.reporting_starts_on, directive.issued_on)
        return behind_below(start, directive._last_cutoff, period.cutoff)

    readable = ~Q(status=ProgressReport.Status.DRAFT)
    # slots.sent_by in SQL: first sent before the end of the period's due day.
    sent_by_due = Q(
        submitted_at__lt=_per_period(periods, lambda p: day_end(p.due), DateTimeField())
    )
    return {
        "received": Count("id"),
        "on_time": Count("id", filter=sent_by_due),
        "accepted": Count("id", filter=Q(status=ProgressReport.Status.ACCEPTED)),
        "readable": Count("id", filter=readable),
        "percent_sum": Sum("percent_done", filter=readable),
        "done": Count("id", filter=readable & Q(assessment=ProgressReport.Assessment.DONE)),
        "behind": Count(
            "id", filter=readable & Q(percent_done__lt=_per_period(periods, behind, IntegerField()))
        ),
    }


def count(
    *,
    periods: Iterable[ReportingPeriod],
    directive: Directive | None = None,
    assignments=None,
    units=None,
    by: tuple[str, ...] = (),
    today: datetime.date | None = None,
    kept: bool = True,
    granted: dict | None = None,
) -> "Counted":
    """The figures of `periods`, keyed by the values of `by` (any of "period", "unit",
    "task", "directive", in the key's order): by=() gives {(): the total}; with "period"
    left out, the periods are summed. The periods are one directive's (`directive`) or
    several directives' (loaded with select_related("directive")). `assignments` narrows
    the slots (default: the directives'): a queryset, or the ids of a few (a page of the
    matrix); `units` (a queryset of units) keeps those units' slots.

    The slots are those of the assignments the directive gave (a task handed down is
    counted once, as the unit's: Assignment.objects.counted), of tasks reported each
    period (until done: directives.models.reports_in_q), of units active in the period.

    Split by neither task nor assignment, the figures are read from the kept totals
    (reports.figures.kept): two queries, three where a granted extension concerns these
    slots; a period with none kept is counted live. Counted live (kept=False, or by task,
    or narrowed to some assignments): four queries, five the first time a directive
    object is counted (its last cutoff), and one more for extensions. `granted`: the
    periods' extensions already read (`extensions`), for a page that counts the same
    period several ways; the kept totals use them where `units` is None or a list."""
    today = today or timezone.localdate()
    periods = list(periods)
    split = _Split(by, periods, today)
    if not split.periods:
        return split.result()
    directives = _directives_of(periods, directive)
    if kept and assignments is None and "task" not in by:
        unkept = _count_kept(split, units)
        if unkept:
            live = _Split(by, [p for p in periods if p.pk in unkept], today)
            live.figures = split.figures
            _count_live(live, directives, None, units, extensions=False)  # all, below
        everything = _Seen(dated=True, handed_down=True, done=True)
        if granted is not None and (units is None or isinstance(units, list)):
            _count_extended(split, None, everything, _of(granted, split, units))
        else:
            _count_extended(split, _of_units(units), everything)
    else:
        _count_live(split, directives, assignments, units)
    return split.result()


def _of_units(units):
    return None if units is None else Assignment.objects.filter(unit__in=units)


def extensions(*, periods: list[ReportingPeriod]) -> dict:
    """The granted extensions in force for the counted slots of `periods` (few: most
    slots have none), each with its unit, task and directive: read once by a page that
    counts the same period several ways (a matrix page: its total, its rows, its cells).
    {(assignment id, period id): (new_due, unit id, task id, directive id)}."""
    everything = _Seen(dated=True, handed_down=True, done=True)
    granted = ExtensionRequest.objects.filter(period_id__in=[p.pk for p in periods])
    return slots.granted_extensions(
        _sent(granted, None, everything), *(column for _, column in DIMENSIONS.values())
    )


def _of(granted: dict, split: "_Split", units: list | None) -> dict:
    """Of the extensions `extensions` read, those of the split's periods (and of `units`),
    each with the values of the split's dimensions, as slots.granted_extensions gives."""
    place = {name: i for i, name in enumerate(DIMENSIONS)}
    keep = None if units is None else set(units)
    return {
        key: (new_due, *(facts[place[d]] for d in split.dims))
        for key, (new_due, *facts) in granted.items()
        if key[1] in split.period and (keep is None or facts[place["unit"]] in keep)
    }


def _count_live(split: "_Split", directives, assignments, units, extensions: bool = True):
    """Every kept count, and overdue, from the assignments and the reports themselves;
    with `extensions`, what granted extensions change too."""
    narrowed = assignments  # None: the directives' own, as each report's period says
    if isinstance(assignments, list | tuple | set | frozenset):
        narrowed = list(assignments)
        assignments = Assignment.objects.filter(pk__in=narrowed)
    elif assignments is None:
        assignments = Assignment.objects.filter(task__section__directive__in=list(directives))
    if units is not None:
        assignments = assignments.filter(unit__in=units)
        narrowed = assignments if not isinstance(narrowed, list) else narrowed
    # Usually no unit opens or closes at a date: then no slot needs its unit's dates
    # checked, and nothing is joined with the units.
    dated = Unit.objects.dated().exists()
    seen = _count_expected(split, assignments, dated)
    _count_received(split, directives, narrowed, seen)
    if extensions:
        _count_extended(split, narrowed, seen)


def _count_kept(split: "_Split", units) -> set[int]:
    """The kept counts of the split's periods (of `units`, if given), with overdue as
    far as the kept counts say it (missing, of periods past their due date): one query,
    summed in SQL by the split's keys (by unit over a year: a row a unit, not one a unit
    and period, read as a stream of tuples), with how many units expect a report
    (`Counted.units`). Returns the periods not kept
    (ReportingPeriod.figures_kept), to be counted live."""
    kept = [p.pk for p in split.periods if p.figures_kept]
    if not kept:
        return set(split.period)
    rows = KeptTotals.objects.filter(period_id__in=kept)
    if units is not None:
        rows = rows.filter(unit__in=units)
    column = {"unit": "unit_id", "directive": "period__directive_id"}
    # By period when the split is, or has no other key (with no key at all, Django would
    # group by every row).
    by_period = split.by_period or not split.dims
    keys = (["period_id"] if by_period else []) + [column[d] for d in split.dims]
    sums = {f"sum_{n}": Sum(n) for n in KEPT}
    sums["units"] = Count("pk", filter=Q(expected__gt=0))
    # Overdue: by period, the missing of each period past due, reckoned below; summed
    # over periods, in SQL, of those past due only.
    past_due = set(split.past_due) & set(kept)
    if not by_period and past_due:
        only = None if past_due == set(kept) else Q(period_id__in=sorted(past_due))
        sums["overdue"] = Sum(F("expected") - F("received"), filter=only, default=0)
    rows = rows.values_list(*keys).annotate(**sums).values_list(*keys, *sums).order_by()
    if "unit" in split.dims and not isinstance(units, list):  # a row a unit: a stream
        rows = rows.iterator(chunk_size=5000)
    # (Else a few rows, read at once: PostgreSQL may then scan in parallel, never for a
    # cursor; the overview's twelve periods of 50,000 units, 290 -> 170 ms. A page's
    # units, listed, are few: a cursor's three round trips would cost more than its rows.)
    width = len(keys)
    expected, received = width + KEPT.index("expected"), width + KEPT.index("received")
    for row in rows:
        key = row[:width] if by_period else (None, *row[:width])
        figures = split[key]
        for name, value in zip(KEPT, row[width:], strict=False):
            setattr(figures, name, getattr(figures, name) + value)
        figures.on_time_extended += row[width + KEPT.index("on_time")]
        if by_period and key[0] in past_due:
            figures.overdue += row[expected] - row[received]
        elif "overdue" in sums:
            figures.overdue += row[-1]
        split.add_units(key, row[width + len(KEPT)])
    return set(split.period) - set(kept)


class _Split:
    """The figures being counted, by (period id if "period" is in `by`, *the values of
    the other dimensions)."""

    def __init__(self, by: tuple[str, ...], periods: list[ReportingPeriod], today):
        self.by, self.periods, self.today = by, periods, today
        self.by_period = "period" in by
        self.dims = [d for d in by if d != "period"]
        self.period = {p.pk: p for p in periods}
        self.of_directive: dict[int, list[ReportingPeriod]] = defaultdict(list)
        for period in periods:
            self.of_directive[period.directive_id].append(period)
        self.past_due = [p.pk for p in periods if slots.past(p.due, today)]
        self.figures: dict[tuple, Figures] = defaultdict(Figures)
        self.units: dict[tuple, int] = defaultdict(int)  # units expected, from kept rows

    def __getitem__(self, key: tuple) -> Figures:
        """key: (period id, *values of the other dimensions)."""
        period_id, *values = key
        return self.figures[self._key(period_id, values)]

    def add_units(self, key: tuple, n: int) -> None:
        period_id, *values = key
        self.units[self._key(period_id, values)] += n

    def _key(self, period_id, values) -> tuple:
        return (period_id, *values) if self.by_period else tuple(values)

    def result(self) -> "Counted":
        result = Counted()
        for key, figures in self.figures.items():
            named = dict(zip(self.dims, key[1:] if self.by_period else key, strict=True))
            if self.by_period:
                named["period"] = key[0]
            by = tuple(named[d] for d in self.by)
            result[by] = figures
            if key in self.units:
                result.units[by] = self.units[key]
        return result


class Counted(dict):
    """count()'s figures by key; `units`: how many units expect a report under each key
    (summed over periods: unit-periods), where the kept totals were read."""

    def __init__(self):
        super().__init__()
        self.units: dict[tuple, int] = {}


@dataclass(frozen=True)
class _Seen:
    """What the scan of the assignments found, that the counts of reports must follow."""

    dated: bool  # some unit opens or closes at a date
    handed_down: bool  # some task was handed down (those assignments are not counted)
    done: bool  # some task reported each period until done is done


def _count_expected(split: _Split, assignments, dated: bool) -> _Seen:
    """Expected slots, from one scan of the assignments: each counted in the periods of
    its directive that it reports in (directives.models.reports_in, and
    units.models.active_between, in Python on the few facts that differ); and, as
    overdue for now, those of periods past their due date."""
    columns = ["task__section__directive_id", *(DIMENSIONS[d][0] for d in split.dims)]
    facts = ["task__kind", "done_on", "is_handed_down"] + (
        ["unit__valid_from", "unit__valid_to"] if dated else []
    )
    rows = (
        assignments.exclude(task__kind=Task.Kind.DEADLINE)
        .annotate(is_handed_down=ExpressionWrapper(Q(parent__isnull=False), BooleanField()))
        .order_by()
        .values(*columns, *facts)
        .annotate(n=Count("id"))
    )
    handed_down = done = False
    for row in rows:
        if row["is_handed_down"]:
            handed_down = True
            continue
        done_on = row["done_on"]
        done = done or done_on is not None
        values = tuple(row[c] for c in columns[1:])
        for period in split.of_directive[row["task__section__directive_id"]]:
            if not reports_in(row["task__kind"], done_on, period.start):
                continue
            if dated and not active_between(
                row["unit__valid_from"], row["unit__valid_to"], period.start, period.cutoff
            ):
                continue
            figures = split[(period.pk, *values)]
            figures.expected += row["n"]
            if period.pk in split.past_due:
                figures.overdue += row["n"]
    return _Seen(dated, handed_down, done)


def _sent(queryset, narrowed_to, seen: _Seen):
    """Reports or extensions of the slots counted: of `narrowed_to` assignments (a
    queryset or a list of ids; None: the directives', as their period already says), of
    assignments counted, reporting in the period, of units active in it."""
    if isinstance(narrowed_to, list):
        queryset = queryset.filter(assignment_id__in=narrowed_to)
    elif narrowed_to is not None:
        queryset = queryset.filter(assignment__in=narrowed_to)
    if seen.handed_down:
        queryset = queryset.filter(assignment__parent__isnull=True)
    if seen.done:
        queryset = queryset.filter(reports_in_q(F("period__start"), "assignment__"))
    if seen.dated:
        queryset = queryset.filter(
            active_between_q(F("period__start"), F("period__cutoff"), "assignment__unit__")
        )
    return queryset


def _count_received(split: _Split, directives, narrowed_to, seen: _Seen) -> None:
    """Every count of sent reports, in one scan; what was received of a period past its
    due date is taken off overdue."""
    by_period = ["period_id"] if split.by_period else []
    columns = [*by_period, *(DIMENSIONS[d][1] for d in split.dims)]
    aggregates = _aggregates(directives, split.periods)
    aggregates["received_past_due"] = Count("id", filter=Q(period_id__in=split.past_due))
    reports = ProgressReport.objects.filter(
        period_id__in=list(split.period), submitted_at__isnull=False
    )
    reports = _sent(reports, narrowed_to, seen).order_by()
    rows = (
        reports.values(*columns).annotate(**aggregates)
        if columns
        else [reports.aggregate(**aggregates)]
    )
    for row in rows:
        figures = split.figures[tuple(row[c] for c in columns)]
        for name in ("received", "on_time", "accepted", "readable", "done", "behind"):
            setattr(figures, name, getattr(figures, name) + (row[name] or 0))
        figures.on_time_extended += row["on_time"] or 0
        figures.percent_sum += row["percent_sum"] or 0
        figures.overdue -= row["received_past_due"] or 0


def _count_extended(split: _Split, narrowed_to, seen: _Seen, extended=None) -> None:
    """On time after extension and overdue are so far on time and missing-past-due; a
    granted extension's later due date (slots.due_date) corrects them for its slot.
    `extended`: the extensions already read (`_of`); else they are read here."""
    if extended is None:
        granted = _sent(
            ExtensionRequest.objects.filter(period_id__in=list(split.period)), narrowed_to, seen
        )
        extended = slots.granted_extensions(granted, *(DIMENSIONS[d][1] for d in split.dims))
    if not extended:
        return
    sent_at = {
        (a, p): submitted_at
        for a, p, submitted_at in ProgressReport.objects.filter(
            assignment_id__in={a for a, _p in extended},
            period_id__in={p for _a, p in extended},
            submitted_at__isnull=False,
        ).values_list("assignment_id", "period_id", "submitted_at")
    }
    for (assignment_id, period_id), (new_due, *values) in extended.items():
        period = split.period[period_id]
        due = slots.due_date(period, new_due)
        figures = split[(period_id, *values)]
        submitted_at = sent_at.get((assignment_id, period_id))
        if submitted_at is not None:
            late = not slots.sent_by(submitted_at, period.due)
            figures.on_time_extended += late and slots.sent_by(submitted_at, due)
        elif slots.past(period.due, split.today) and not slots.past(due, split.today):
            figures.overdue -= 1


@dataclass
class PeriodFigures:
    period: ReportingPeriod
    figures: Figures = field(default_factory=Figures)


def trend(
    *,
    directive: Directive,
    assignments=None,
    periods: list[ReportingPeriod] | None = None,
    today: datetime.date | None = None,
) -> list[PeriodFigures]:
    """The figures of each of the directive's periods (or of `periods`), oldest first."""
    periods = (
        periods if periods is not None else list(directive.periods.order_by("start", "cutoff"))
    )
    counted = count(
        directive=directive, periods=periods, assignments=assignments, by=("period",), today=today
    )
    return [PeriodFigures(p, counted.get((p.pk,), Figures())) for p in periods]


def total(
    *,
    directive: Directive,
    periods: list[ReportingPeriod],
    assignments=None,
    units=None,
    today=None,
    granted: dict | None = None,
) -> Figures:
    """The figures of `periods` together (of `assignments`, or of `units`, if given)."""
    counted = count(
        directive=directive,
        periods=periods,
        assignments=assignments,
        units=units,
        today=today,
        granted=granted,
    )
    return counted.get((), Figures())


def total_expecting(
    *, directive: Directive, period: ReportingPeriod, today=None, granted: dict | None = None
) -> tuple[Figures, int | None]:
    """The directive's figures for one period, and how many units it expects a report
    from, in the same scan of the kept totals (a whole-directive matrix: its totals and
    its number of rows); the number is None when the period is not kept."""
    counted = count(directive=directive, periods=[period], today=today, granted=granted)
    units = counted.units.get((), 0) if period.figures_kept else None
    return counted.get((), Figures()), units


def by_unit(
    *,
    directive: Directive,
    period: ReportingPeriod | None = None,
    periods: list[ReportingPeriod] | None = None,
    assignments=None,
    units=None,
    today=None,
    granted: dict | None = None,
) -> dict[int, Figures]:
    """Each unit's figures for one period (or several, summed): only the units expected
    (of `units`, if given)."""
    periods = periods if periods is not None else [period]
    counted = count(
        directive=directive,
        periods=periods,
        assignments=assignments,
        units=units,
        by=("unit",),
        today=today,
        granted=granted,
    )
    return {unit_id: f for (unit_id,), f in counted.items() if f.expected}


def count_mapped(
    *,
    directive: Directive,
    period: ReportingPeriod,
    mapping: str,
    params: list,
    today=None,
    granted: dict | None = None,
) -> dict:
    """One period's figures summed by a key each unit maps to, in the database: `mapping`
    defines the common table expressions that end with "mapping(key, unit_id)"
    (recursive where they must be: a subtree), `params` their parameters. From the kept
    totals: two queries, three where a granted extension concerns the period. A period
    not kept is counted live by unit, then summed here by the same mapping. `granted`:
    as for count()."""
    today = today or timezone.localdate()
    figures: dict = defaultdict(Figures)
    with connection.cursor() as cursor:
        if not period.figures_kept:
            per_unit = by_unit(directive=directive, period=period, today=today, granted=granted)
            cursor.execute(f"WITH RECURSIVE {mapping} SELECT key, unit_id FROM mapping", params)
            for key, unit_id in cursor.fetchall():
                if unit_id in per_unit:
                    figures[key].add(per_unit[unit_id])
            return dict(figures)
        sums = ", ".join(f"SUM(k.{name})" for name in KEPT)
        cursor.execute(
            f"WITH RECURSIVE {mapping} SELECT m.key, {sums} FROM mapping m "
            f"JOIN {KeptTotals._meta.db_table} k ON k.unit_id = m.unit_id "
            "WHERE k.period_id = %s GROUP BY m.key",
            [*params, period.pk],
        )
        past_due = slots.past(period.due, today)
        for key, *values in cursor.fetchall():
            counted = figures[key] = Figures(**dict(zip(KEPT, map(int, values), strict=True)))
            counted.on_time_extended = counted.on_time
            if past_due:
                counted.overdue = counted.expected - counted.received
        split = _Split(("unit",), [period], today)
        everything = _Seen(dated=True, handed_down=True, done=True)
        extended = None if granted is None else _of(granted, split, None)
        _count_extended(split, None, everything, extended)
        if extended := split.result():
            marks = ", ".join(["%s"] * len(extended))
            cursor.execute(
                f"WITH RECURSIVE {mapping} SELECT key, unit_id FROM mapping "
                f"WHERE unit_id IN ({marks})",
                [*params, *(unit_id for (unit_id,) in extended)],
            )
            for key, unit_id in cursor.fetchall():
                if key in figures:
                    figures[key].add(extended[(unit_id,)])
    return dict(figures)


def owing(*, period: ReportingPeriod):
    """The units that owe reports for the period (missing: expected − received), most
    owed first, then by name: kept totals rows (with their unit) to page through, so a
    page reads its own units only. None when the period is not kept."""
    if not period.figures_kept:
        return None
    return (
        KeptTotals.objects.filter(period=period, expected__gt=F("received"))
        .annotate(missing=F("expected") - F("received"))
        .select_related("unit")
        .order_by("-missing", "unit__name", "unit_id")
    )


# --- Tasks with a deadline, as the Government Office counts them --------------------


@dataclass
class DeadlineFigures:
    """Tasks with a deadline, one per unit given it (reports.filing.slots.DeadlineState):
    "21.914 nhiệm vụ được giao; 16.051 đến hạn đã hoàn thành (đúng hạn 14.068, quá hạn
    1.983); chưa hoàn thành 5.863 (trong hạn 5.640, quá hạn 223)"."""

    assigned: int = 0
    done: int = 0
    done_on_time: int = 0
    done_late: int = 0
    open: int = 0
    open_within: int = 0
    open_overdue: int = 0
    awaiting: int = 0  # declared done, waiting for confirmation (not done yet)
    due_so_far: int = 0  # done, or past its deadline (đến hạn)
    not_yet_due: int = 0

    def add(self, other: "DeadlineFigures") -> None:
        for name in DEADLINE_COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def done_share(self) -> float | None:
        """Mức độ hoàn thành: done of all given."""
        return 100 * self.done / self.assigned if self.assigned else None

    @property
    def on_time_share(self) -> float | None:
        """Done on time, of those due so far."""
        return 100 * self.done_on_time / self.due_so_far if self.due_so_far else None

    def as_dict(self) -> dict:
        rates = {"done_share": self.done_share, "on_time_share": self.on_time_share}
        return {**{name: getattr(self, name) for name in DEADLINE_COUNTS}, **rates}

    def in_words(self) -> str:
        """As the Government Office writes them: "21.914 nhiệm vụ được giao; 16.051 nhiệm vụ
        đã hoàn thành (đúng hạn 14.068, quá hạn 1.983); chưa hoàn thành 5.863 (trong hạn
        5.640, quá hạn 223)"."""

        def n(value: int) -> str:
            return f"{value:,}".replace(",", ".")

        return _(
            "%(assigned)s nhiệm vụ được giao; %(done)s nhiệm vụ đã hoàn thành (đúng hạn "
            "%(on_time)s, quá hạn %(late)s); chưa hoàn thành %(open)s (trong hạn %(within)s, "
            "quá hạn %(overdue)s)"
        ) % {
            "assigned": n(self.assigned),
            "done": n(self.done),
            "on_time": n(self.done_on_time),
            "late": n(self.done_late),
            "open": n(self.open),
            "within": n(self.open_within),
            "overdue": n(self.open_overdue),
        }


DEADLINE_COUNTS = slots.DEADLINE_FIGURES
DEADLINE_DIMENSIONS = {
    "directive": "task__section__directive_id",
    "issuer": "task__section__directive__issuer_id",
    "unit": "unit_id",
    "task": "task_id",
}


def deadline_facts(assignments=None, *, today: datetime.date, due_between=None):
    """The assignments counted as tasks with a deadline, with what their figures read
    (slots.with_deadline_facts): those the directives gave (never what a unit handed
    down), of tasks with a deadline, held by their unit (directives.models.held_q);
    `due_between` (first, last day) keeps those due then (a year, a quarter)."""
    assignments = Assignment.objects.all() if assignments is None else assignments
    counted = assignments.counted().with_deadline().filter(held_q(today))
    facts = slots.with_deadline_facts(counted)
    if due_between:
        facts = facts.filter(effective_due__range=due_between)
    return facts


def count_deadlines(
    *,
    assignments=None,
    by: tuple[str, ...] = (),
    due_between=None,
    today: datetime.date | None = None,
) -> dict[tuple, DeadlineFigures]:
    """The Government Office's figures of these assignments (a queryset; default: every
    directive's), keyed by the values of `by` (any of DEADLINE_DIMENSIONS): one query,
    whatever their number."""
    today = today or timezone.localdate()
    filters = slots.deadline_figures_q(today)
    columns = [DEADLINE_DIMENSIONS[d] for d in by]
    facts = deadline_facts(assignments, today=today, due_between=due_between).order_by()
    aggregates = {name: Count("id", filter=filters[name]) for name in DEADLINE_COUNTS}
    rows = (
        facts.values(*columns).annotate(**aggregates)
        if columns
        else [facts.aggregate(**aggregates)]
    )
    return {
        tuple(row[c] for c in columns): DeadlineFigures(**{n: row[n] for n in DEADLINE_COUNTS})
        for row in rows
        if row["assigned"]
    }


def deadline_list(
    figure: str, *, assignments=None, due_between=None, today: datetime.date | None = None
):
    """The tasks behind one of those figures ("done_late", "open_overdue" …): the same
    filter that counts it, soonest due first."""
    today = today or timezone.localdate()
    facts = deadline_facts(assignments, today=today, due_between=due_between)
    return facts.filter(slots.deadline_figures_q(today)[figure]).order_by("effective_due", "pk")
