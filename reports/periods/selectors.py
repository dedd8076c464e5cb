"""Reads of a directive's periods: the current one, and a range of them."""

import datetime

from django.utils import timezone

from directives.models import Directive

from .models import ReportingPeriod


def current_period(periods: list[ReportingPeriod], today: datetime.date | None = None):
    """Of a directive's periods in date order, the one being reported now: the latest that
    has started, else the first (None when there are none)."""
    today = today or timezone.localdate()
    started = [p for p in periods if p.start <= today]
    return started[-1] if started else next(iter(periods), None)


def periods_between(
    directive: Directive, first: ReportingPeriod, last: ReportingPeriod
) -> list[ReportingPeriod]:
    """The directive's periods from `first` to `last` (either order), oldest first: those
    that lie wholly between them (after a schedule change a quarter kept beside the new
    months is not counted twice)."""
    first, last = sorted((first, last), key=lambda p: (p.start, p.cutoff))
    return list(
        directive.periods.filter(start__gte=first.start, cutoff__lte=last.cutoff).order_by(
            "start", "cutoff"
        )
    )


def period_range_label(periods: list[ReportingPeriod]) -> str:
    if not periods:
        return ""
    if len(periods) == 1:
        return periods[0].label
    return f"{periods[0].label} – {periods[-1].label}"
