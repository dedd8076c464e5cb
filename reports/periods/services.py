"""Bringing a directive's reporting periods in line with its schedule and the calendar."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from directives.models import Directive, reporting_start
from units.signals import figures_stale
from workdays import calendar as workdays

from . import calendar
from .models import ReportingPeriod


def periods_generate(*, directive: Directive, until: datetime.date | None = None) -> int:
    """Bring the directive's periods in line with its schedule, up to the periods that have
    started by `until` (default: today), so units can draft during a period; none whose
    cutoff is after reporting_ends_on.

    Idempotent. A period the schedule no longer has is deleted unless it holds a report
    or a summary starts or ends on it; a period still ahead of its due date takes the
    new dates (a day off added for Tết moves its due date).
    Returns how many periods were created.
    """
    today = until or timezone.localdate()
    exceptions = workdays.exceptions()
    first_day = reporting_start(directive.reporting_starts_on, directive.issued_on)
    last_cutoff = directive.reporting_ends_on
    if directive.schedule == Directive.Schedule.ONCE:
        # A one-off report is due on reporting_ends_on; until that is set, there is no period.
        wanted = (
            calendar.scheduled_periods(
                "once", first_day=first_day, last_day=last_cutoff, exceptions=exceptions
            )
            if last_cutoff
            else []
        )
    else:
        wanted = [
            p
            for p in calendar.scheduled_periods(
                directive.schedule,
                first_day=first_day,
                last_day=last_cutoff or today + relativedelta(years=1),
                exceptions=exceptions,
            )
            if p.start <= today
        ]
    by_span = {(p.start, p.cutoff): p for p in wanted}
    created = 0
    with transaction.atomic():
        changed = False
        for period in directive.periods.all():
            dates = by_span.pop((period.start, period.cutoff), None)
            if dates is None:
                changed |= _delete_unless_held(period)
                continue
            # A period still ahead of its due date follows the calendar and lock_days.
            lock_on = _lock_on(directive, dates.due)
            if period.due >= today and (period.due, period.lock_on) != (dates.due, lock_on):
                period.label, period.due, period.lock_on = dates.label, dates.due, lock_on
                period.save(update_fields=["label", "due", "lock_on"])
                changed = True
        new = [
            ReportingPeriod(
                directive=directive,
                label=p.label,
                start=p.start,
                cutoff=p.cutoff,
                due=p.due,
                lock_on=_lock_on(directive, p.due),
            )
            for p in by_span.values()
        ]
        ReportingPeriod.objects.bulk_create(new)
        created = len(new)
        if changed or created:  # what is expected, and when a report is on time or behind
            figures_stale.send(sender=ReportingPeriod, directive_id=directive.pk, unit_ids=None)
    return created


def _delete_unless_held(period: ReportingPeriod) -> bool:
    """Delete a period the schedule no longer has, unless a report or a summary holds it
    (their foreign keys PROTECT it: that is the rule, stated once). Whether it went."""
    try:
        with transaction.atomic():
            period.delete()
    except ProtectedError:
        return False
    return True


def _lock_on(directive: Directive, due: datetime.date) -> datetime.date | None:
    """DHIS2's expiry days: entry closes lock_days after the due date (0: never)."""
    return due + datetime.timedelta(days=directive.lock_days) if directive.lock_days else None


def periods_open_on_publish(*, directive: Directive, **_signal) -> None:
    """A directive put in force, or whose schedule changed, gets its periods in line."""
    periods_generate(directive=directive)


def periods_open_all(*, today: datetime.date | None = None) -> int:
    """Open the periods that have started, for every directive in force (daily, by beat)."""
    return sum(
        periods_generate(directive=directive, until=today)
        for directive in Directive.objects.in_force()
    )
