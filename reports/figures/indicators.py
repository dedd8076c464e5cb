"""Indicators (chỉ tiêu: "163 bài", "36 chi bộ") as leadership reads them: each one's total
over a range of periods by its own aggregation, and its total in each period.

The rule: per unit, the periods' figures are summed, or the latest period's is taken, or
the largest (`Indicator.aggregation`); then the units are summed. Only sent reports count
(never a draft), on what the directive gave (not what a unit handed down). Within one
period a unit gives one figure, so a period's total is the sum over its units whatever
the aggregation. The pages and the summary export read the same functions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from directives.models import Indicator
from reports.filing.models import IndicatorValue, ProgressReport
from reports.periods.models import ReportingPeriod

from . import charts


@dataclass
class IndicatorTotal:
    indicator: Indicator
    value: Decimal
    units: int  # how many units gave a figure
    by_period: list[tuple[ReportingPeriod, Decimal | None]] = field(default_factory=list)

    @property
    def chart(self) -> charts.Chart:
        # "9/2021", "Q3/2021": the small chart has room for the period, not its name.
        labels = [p.label.replace("Tháng ", "").replace("Quý ", "Q") for p, _v in self.by_period]
        return charts.value_bars(labels, [v for _p, v in self.by_period])


def directive_indicators(directive):
    """The directive's indicators in the letter's order, their tasks' codes loaded."""
    return (
        Indicator.objects.filter(task__section__directive=directive)
        .select_related("task__section")
        .order_by("task__section__order", "task__order", "order", "pk")
    )


def _values(indicators, periods, assignments):
    # What the directive gave (AssignmentQuerySet.counted): a task handed down to units
    # below is counted once, as the unit's own.
    values = IndicatorValue.objects.filter(
        indicator__in=indicators, report__period__in=periods, report__assignment__parent=None
    ).exclude(report__status=ProgressReport.Status.DRAFT)
    if assignments is not None:
        values = values.filter(report__assignment__in=assignments)
    return values


def indicator_totals(
    *, indicators, periods: list[ReportingPeriod], assignments=None, by_period: bool = False
) -> list[IndicatorTotal]:
    """Each indicator over `periods` (narrowed to some assignments: a task, a subtree),
    in the order given; `by_period` adds each period's total (for the charts). Two
    queries, and one per indicator not summed over the periods."""
    indicators = list(indicators)
    if not indicators or not periods:
        return [IndicatorTotal(i, Decimal(0), 0) for i in indicators]
    values = _values(indicators, periods, assignments)
    per_period = defaultdict(dict)
    rows = values.values("indicator_id", "report__period_id").annotate(total=Sum("value"))
    for row in rows:
        per_period[row["indicator_id"]][row["report__period_id"]] = row["total"]
    units = dict(
        values.values("indicator_id")
        .annotate(given=Count("report__assignment_id", distinct=True))
        .values_list("indicator_id", "given")
    )
    totals = []
    for indicator in indicators:
        sums = per_period[indicator.pk]
        if indicator.aggregation == Indicator.Aggregation.SUM:
            value = sum(sums.values(), Decimal(0))
        else:
            value = _per_unit_total(indicator, values)
        total = IndicatorTotal(indicator, value, units.get(indicator.pk, 0))
        if by_period:
            total.by_period = [(p, sums.get(p.pk)) for p in periods]
        totals.append(total)
    return totals


def _per_unit_total(indicator: Indicator, values) -> Decimal:
    """The latest or the largest figure of each unit, summed over the units."""
    seen: dict[int, Decimal] = {}
    rows = (
        values.filter(indicator=indicator)
        .order_by("report__period__start")
        .values_list("report__assignment_id", "value")
    )
    for assignment_id, value in rows.iterator(chunk_size=5000):
        before = seen.get(assignment_id)
        if before is None or indicator.aggregation == Indicator.Aggregation.LATEST:
            seen[assignment_id] = value
        else:
            seen[assignment_id] = max(before, value)
    return sum(seen.values(), Decimal(0))
