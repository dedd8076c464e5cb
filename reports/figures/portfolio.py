"""Every directive at once: the portfolio of directives in force with their figures, a
unit's scorecard for a year, and what falls due across directives. Each is read in a fixed
number of queries whatever the number of directives (tests/reports/figures/
test_portfolio.py pins them), from the one counting engine.

A `Slice` is what a leadership page narrows tasks with a deadline to: a directive, an
issuer, a unit and the units below it, a unit group, a year or a quarter of it (by the
date a task is due). Each figure links to the list behind it with the same slice.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.http import urlencode

from directives.models import Assignment, Directive
from reports.periods.models import ReportingPeriod
from reports.periods.selectors import current_period
from units.models import Unit, UnitGroup, subtree_ids
from units.text import whole_number

from . import engine
from .engine import DeadlineFigures, Figures

QUARTERS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


def _int(value: str, low: int, high: int) -> int | None:
    number = whole_number(value, most=high)
    return number if number is not None and number >= low else None


STATUSES = {
    "": Q(status=Directive.Status.ACTIVE),
    "da_ket_thuc": Q(status=Directive.Status.CLOSED),
    "tat_ca": ~Q(status=Directive.Status.DRAFT),
}


@dataclass
class Slice:
    """Which directives (in force, or ended, or both; one of them; an issuer, a type, a
    year of issue, a field) and, of their tasks with a deadline, which units (one and
    those below it, or a group) and which due dates (a year, a quarter of it)."""

    status: str = ""  # a key of STATUSES
    directive: Directive | None = None
    issuer: Unit | None = None
    doc_type: str = ""
    issued_year: int | None = None
    topic: str = ""
    unit: Unit | None = None  # with the units below it
    group: UnitGroup | None = None
    year: int | None = None
    quarter: int | None = None  # of `year`

    @classmethod
    def from_query(cls, query) -> "Slice":
        """Read from a page's GET parameters; whatever names nothing is left out."""

        def get(model, name):
            pk = whole_number(query.get(name))
            return model.objects.filter(pk=pk).first() if pk is not None else None

        year = _int(query.get("nam", ""), 2000, 2100)
        doc_type = query.get("loai", "")
        status = query.get("trang_thai", "")
        return cls(
            status=status if status in STATUSES else "",
            directive=get(Directive, "van_ban"),
            issuer=get(Unit, "co_quan"),
            doc_type=doc_type if doc_type in Directive.DocType.values else "",
            issued_year=_int(query.get("nam_ban_hanh", ""), 2000, 2100),
            topic=query.get("linh_vuc", "").strip()[:64],
            unit=get(Unit, "don_vi"),
            group=get(UnitGroup, "nhom"),
            year=year,
            quarter=_int(query.get("quy", ""), 1, 4) if year else None,
        )

    def params(self, **more) -> str:
        """The slice as a query string (for a link that keeps it), with `more` added."""
        values = {
            "trang_thai": self.status,
            "van_ban": self.directive and self.directive.pk,
            "co_quan": self.issuer and self.issuer.pk,
            "loai": self.doc_type,
            "nam_ban_hanh": self.issued_year,
            "linh_vuc": self.topic,
            "don_vi": self.unit and self.unit.pk,
            "nhom": self.group and self.group.pk,
            "nam": self.year,
            "quy": self.quarter,
            **more,
        }
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    @property
    def due_between(self) -> tuple[datetime.date, datetime.date] | None:
        if not self.year:
            return None
        first, last = QUARTERS[self.quarter] if self.quarter else (1, 12)
        end = datetime.date(self.year + (last == 12), last % 12 + 1, 1)
        return datetime.date(self.year, first, 1), end - datetime.timedelta(days=1)

    def directives(self):
        if self.directive:  # one directive, whatever else is asked
            return Directive.objects.filter(pk=self.directive.pk).exclude(status="draft")
        directives = Directive.objects.filter(STATUSES[self.status])
        if self.issuer:
            directives = directives.filter(issuer=self.issuer)
        if self.doc_type:
            directives = directives.filter(doc_type=self.doc_type)
        if self.issued_year:
            directives = directives.filter(issued_on__year=self.issued_year)
        if self.topic:
            directives = directives.filter(topic__iexact=self.topic)
        return directives

    def assignments(self):
        """The assignments of the slice's directives and units (what was handed down
        aside: the engine leaves it out)."""
        given = Assignment.objects.filter(task__section__directive__in=self.directives())
        if self.unit:
            given = given.filter(unit_id__in=subtree_ids(self.unit))
        if self.group:
            given = given.filter(unit__groups=self.group)
        return given

    def count(self, *, by=(), today=None) -> dict[tuple, DeadlineFigures]:
        return engine.count_deadlines(
            assignments=self.assignments(), by=by, due_between=self.due_between, today=today
        )


@dataclass
class PortfolioRow:
    directive: Directive
    period: ReportingPeriod | None  # the one being reported now
    periodic: Figures = field(default_factory=Figures)
    deadlines: DeadlineFigures = field(default_factory=DeadlineFigures)


# What the portfolio sorts by ("-" before it: the largest first).
SORTS = {
    "so": lambda r: r.directive.number,
    "ngay": lambda r: r.directive.issued_on,
    "day_du": lambda r: _none_last(r.periodic.completeness),
    "dung_han": lambda r: _none_last(r.periodic.timeliness),
    "qua_han": lambda r: r.deadlines.open_overdue + r.periodic.overdue,
    "hoan_thanh": lambda r: _none_last(r.deadlines.done_share),
}


def _none_last(rate):
    return -1 if rate is None else rate


def portfolio(*, slice: Slice, sort: str = "-ngay", today=None) -> list[PortfolioRow]:
    """Each directive of the slice with its current period's figures and its tasks with a
    deadline: eight queries, whatever their number."""
    today = today or timezone.localdate()
    rows = {d.pk: PortfolioRow(d, None) for d in slice.directives().select_related("issuer")}
    periods: dict[int, list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(directive__in=list(rows)).order_by("start"):
        periods.setdefault(period.directive_id, []).append(period)
    for directive_id, listed in periods.items():
        row = rows[directive_id]
        row.period = current_period(listed, today)
        row.period.directive = row.directive
    current = {r.period.pk: r for r in rows.values() if r.period}
    periods_now = [r.period for r in current.values()]
    for (period_id,), figures in engine.count(
        periods=periods_now, by=("period",), today=today
    ).items():
        current[period_id].periodic = figures
    deadlines = slice.count(by=("directive",), today=today)
    for (directive_id,), figures in deadlines.items():
        rows[directive_id].deadlines = figures
    key = SORTS.get(sort.lstrip("-"), SORTS["ngay"])
    return sorted(rows.values(), key=key, reverse=sort.startswith("-"))


@dataclass
class ScorecardRow:
    unit_id: int
    name: str
    figures: DeadlineFigures


def scorecard(*, slice: Slice, today=None) -> tuple[list[ScorecardRow], DeadlineFigures]:
    """Each unit's tasks with a deadline due in the slice's year (or quarter), across
    every directive: the figure annual evaluations ask for ("mức độ hoàn thành nhiệm vụ
    được giao"), lowest done on time first; and their total. Two queries."""
    per_unit = slice.count(by=("unit",), today=today)
    names = dict(Unit.objects.filter(pk__in=[u for (u,) in per_unit]).values_list("pk", "name"))
    rows, total = [], DeadlineFigures()
    for (unit_id,), figures in per_unit.items():
        rows.append(ScorecardRow(unit_id, names[unit_id], figures))
        total.add(figures)
    # Lowest share on time first; units with nothing due so far (no share) last.
    rows.sort(
        key=lambda r: (
            r.figures.on_time_share is None,
            r.figures.on_time_share or 0,
            -r.figures.open_overdue,
            r.name,
        )
    )
    return rows, total


def falling_due(*, days: int, slice: Slice, today=None):
    """Tasks with a deadline not yet done that fall due within `days` days from today,
    soonest first, and those already overdue (two querysets, for a page each)."""
    today = today or timezone.localdate()
    horizon = (today, today + datetime.timedelta(days=days))
    given = slice.assignments()
    soon = engine.deadline_list("open_within", assignments=given, due_between=horizon, today=today)
    overdue = engine.deadline_list("open_overdue", assignments=given, today=today)
    related = ("unit", "task__section__directive")
    return soon.select_related(*related), overdue.select_related(*related)
