"""The statistics exchange format (dondoc.statistics/1): a directive's figures as JSON
for the level above, and the sum of several, period by period (periods of the same
name), the rates computed again from the summed counts."""

from collections import defaultdict

from django.utils import timezone

from directives.models import Directive
from reports.periods.selectors import current_period
from units.models import Unit

from . import engine
from .engine import Figures

STATISTICS_FORMAT = "dondoc.statistics/1"
# The counts a district sends: the figures behind every rate, so that sums stay exact.
EXCHANGED = (
    "expected",
    "received",
    "on_time",
    "readable",
    "percent_sum",
    "done",
    "behind",
    "overdue",
)


def period_row(period) -> dict:
    return {
        "label": period.label,
        "start": period.start,
        "cutoff": period.cutoff,
        "due": period.due,
    }


def directive_statistics(directive: Directive) -> dict:
    """The machine-readable summary: the directive's facts, every period's figures, and
    each unit's in the current period (the one the dashboard opens on)."""
    periods = list(directive.periods.order_by("start", "cutoff"))
    trend = engine.trend(directive=directive, periods=periods)
    current = current_period(periods)
    units = []
    if current is not None:
        per_unit = engine.by_unit(directive=directive, period=current)
        names = Unit.objects.in_bulk(list(per_unit))
        units = sorted(
            ({"unit": names[u].name, **f.as_dict()} for u, f in per_unit.items()),
            key=lambda row: row["unit"],
        )
    return {
        "format": STATISTICS_FORMAT,
        "source": directive.issuer.name,
        "made_at": timezone.now(),
        "directive": {
            "number": directive.number,
            "doc_type": directive.doc_type,
            "subject": directive.subject,
            "issued_on": directive.issued_on,
            "issuer": directive.issuer.name,
            "schedule": directive.schedule,
        },
        "periods": [{**period_row(t.period), **t.figures.as_dict()} for t in trend],
        "last_period": {"label": current.label if current else None, "units": units},
    }


def aggregate(statistics: list[dict]) -> dict:
    """Sum the figures of several instances period by period (periods of the same name),
    the rates computed again from the sums."""
    sums: dict[str, Figures] = {}
    sources: dict[str, int] = defaultdict(int)
    for one in statistics:
        for row in one["periods"]:
            total = sums.setdefault(row["label"], Figures())
            total.add(Figures(**{name: row[name] for name in EXCHANGED}))
            sources[row["label"]] += 1
    periods = [
        {"label": label, "sources": sources[label], **total.as_dict()}
        for label, total in sums.items()
    ]
    return {
        "sources": [
            {
                "source": one["source"],
                "number": one["directive"]["number"],
                "periods": len(one["periods"]),
            }
            for one in statistics
        ],
        "periods": periods,
    }
