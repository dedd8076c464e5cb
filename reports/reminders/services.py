"""Reminders (đôn đốc): who still owes a report, and telling them once per window.

For every (assignment, period) of a directive in force whose unit still owes the report
(none yet, or a draft, or one returned for revision) and was active in the period, with D
its due date after granted extensions:

- "due soon" once, from REMINDER_DAYS_BEFORE days before D (window: D - that many days);
- "due today" on D;
- "overdue" every day after D (window: that day);
- "escalation" to the unit's head (Membership role unit_head, who reads nothing beyond
  the unit) once the report is REMINDER_ESCALATE_AFTER_DAYS
  days overdue (window: D + that many days).

Nothing goes out after the period's lock date (or after D, if an extension put it later:
the same rule as services.entry_closed_reason). A reminder whose day was missed (the
beat did not run, a report came back from review) goes out on the next run while its
kind still applies; a missed overdue day is not made up, the next one says it all.

A `Reminder` row is claimed under its unique constraint before anything is sent, so two
runs, or two workers at once, never send the same reminder twice. The price: a run that
dies between the claim and the e-mail loses that e-mail (the in-app notice is written
with the claim, in the same transaction).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from directives.models import Assignment, Directive
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.filing.slots import effective_due_dates
from reports.periods.models import ReportingPeriod
from reports.reminders import messages as notifications
from reports.reminders.models import Reminder
from units.models import Membership, active_between_q

Kind = Reminder.Kind


@dataclass(frozen=True)
class DueReport:
    """One reminder about one report slot, as its recipients read it."""

    kind: str
    assignment: Assignment
    period: ReportingPeriod
    due: datetime.date
    window: datetime.date
    today: datetime.date

    @property
    def key(self) -> tuple[int, int, str, datetime.date]:
        return (self.assignment.pk, self.period.pk, self.kind, self.window)

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days

    @property
    def url(self) -> str:
        return reverse("reports:file", args=[self.assignment.pk, self.period.pk])


def reminders_due(*, today: datetime.date) -> list[DueReport]:
    """Every reminder that applies today, sent or not. Reads in 3 queries plus one per
    period near or past its due date (for its extensions), whatever the number of units."""
    days_before = settings.REMINDER_DAYS_BEFORE
    escalate_after = settings.REMINDER_ESCALATE_AFTER_DAYS
    # Extensions only move a due date later, so a period due after the horizon has
    # nothing to remind yet.
    extended_to_today_or_later = ExtensionRequest.objects.filter(
        period=OuterRef("pk"), status=ExtensionRequest.Status.GRANTED, new_due__gte=today
    )
    periods = list(
        ReportingPeriod.objects.filter(
            directive__status=Directive.Status.ACTIVE,
            due__lte=today + datetime.timedelta(days=days_before),
        )
        .filter(
            Q(lock_on__isnull=True) | Q(lock_on__gte=today) | Exists(extended_to_today_or_later)
        )
        .order_by("due", "pk")
    )
    if not periods:
        return []
    assignments_by_directive: dict[int, list[Assignment]] = defaultdict(list)
    assignments = Assignment.objects.filter(
        active_between_q(min(p.start for p in periods), max(p.cutoff for p in periods), "unit__"),
        task__section__directive_id__in={p.directive_id for p in periods},
    ).select_related("unit", "task__section__directive")
    for assignment in assignments:
        assignments_by_directive[assignment.task.section.directive_id].append(assignment)
    settled = set(
        ProgressReport.objects.filter(period__in=periods)
        .exclude(status__in=ProgressReport.EDITABLE)
        .values_list("assignment_id", "period_id")
    )

    due_reports = []
    for period in periods:
        owing = [
            a
            for a in assignments_by_directive[period.directive_id]
            if a.unit.is_active_between(period.start, period.cutoff)
            and (a.pk, period.pk) not in settled
        ]
        if not owing:
            continue
        dues = effective_due_dates(period, [a.pk for a in owing])
        for assignment in owing:
            due = dues[assignment.pk]
            if period.lock_on and today > max(period.lock_on, due):
                continue
            for kind, window in _windows(today, due, days_before, escalate_after):
                due_reports.append(DueReport(kind, assignment, period, due, window, today))
    return due_reports


def _windows(
    today: datetime.date, due: datetime.date, days_before: int, escalate_after: int
) -> Iterator[tuple[str, datetime.date]]:
    """The reminders (kind, window) that apply today to a report due on `due`."""
    if due - datetime.timedelta(days=days_before) <= today < due:
        yield Kind.DUE_SOON, due - datetime.timedelta(days=days_before)
    elif today == due:
        yield Kind.DUE_TODAY, due
    elif today > due:
        yield Kind.OVERDUE, today
        escalation_day = due + datetime.timedelta(days=escalate_after)
        if today >= escalation_day:
            yield Kind.ESCALATION, escalation_day


def _recipients(due_reports: list[DueReport]) -> dict[str, dict[int, list]]:
    """{role: {unit id: [active users]}} for the units concerned: reporters hear about
    their reports, leadership about escalations."""
    found: dict[str, dict[int, list]] = {
        Membership.Role.REPORTER: defaultdict(list),
        Membership.Role.UNIT_HEAD: defaultdict(list),
    }
    memberships = Membership.objects.filter(
        unit_id__in={d.assignment.unit_id for d in due_reports},
        role__in=list(found),
        user__is_active=True,
    ).select_related("user")
    for membership in memberships:
        found[membership.role][membership.unit_id].append(membership.user)
    return found


def _already_sent(due_reports: list[DueReport]) -> set[tuple]:
    return set(
        Reminder.objects.filter(
            period_id__in={d.period.pk for d in due_reports},
            window__in={d.window for d in due_reports},
        ).values_list("assignment_id", "period_id", "kind", "window")
    )


def _claim(due_reports: list[DueReport]) -> list[DueReport]:
    """Write a Reminder row for each; return those this run wrote (the others were sent
    before, or are being sent by another worker right now)."""
    done = _already_sent(due_reports)
    wanted = [d for d in due_reports if d.key not in done]

    def row(d: DueReport) -> Reminder:
        return Reminder(assignment=d.assignment, period=d.period, kind=d.kind, window=d.window)

    try:
        with transaction.atomic():
            Reminder.objects.bulk_create([row(d) for d in wanted])
        return wanted
    except IntegrityError:
        pass  # another worker claimed some meanwhile: the constraint decides, one by one
    claimed = []
    for d in wanted:
        try:
            with transaction.atomic():
                row(d).save(force_insert=True)
        except IntegrityError:
            continue
        claimed.append(d)
    return claimed


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send today's reminders that have not gone out yet: one e-mail and one in-app notice
    per person, listing every report they are reminded of. Returns how many reminders
    (report slot, kind, window) went out."""
    today = today or timezone.localdate()
    return _send(reminders_due(today=today))


def remind_unit_now(*, unit, period: ReportingPeriod, today: datetime.date | None = None) -> int:
    """The one-click reminder of "Cần đôn đốc": today's reminder of every report the unit
    owes for the period, unless one already went out today. Returns how many went out."""
    today = today or timezone.localdate()
    settled = ProgressReport.objects.filter(period=period).exclude(
        status__in=ProgressReport.EDITABLE
    )
    owing = list(
        Assignment.objects.filter(task__section__directive_id=period.directive_id, unit=unit)
        .exclude(pk__in=settled.values("assignment_id"))
        .select_related("unit", "task__section__directive")
    )
    dues = effective_due_dates(period, [a.pk for a in owing])
    return _send(
        [
            DueReport(
                Kind.OVERDUE if dues[a.pk] < today else Kind.DUE_SOON,
                a,
                period,
                dues[a.pk],
                today,
                today,
            )
            for a in owing
        ]
    )


def _send(due_reports: list[DueReport]) -> int:
    if not due_reports:
        return 0
    recipients = _recipients(due_reports)

    def people(d: DueReport) -> list:
        role = Membership.Role.UNIT_HEAD if d.kind == Kind.ESCALATION else Membership.Role.REPORTER
        return recipients[role].get(d.assignment.unit_id, [])

    # A reminder nobody would receive is not claimed: it goes out once someone can read it.
    with transaction.atomic():
        claimed = _claim([d for d in due_reports if people(d)])
        by_user: dict = defaultdict(list)  # a user who is several members is one person
        for d in claimed:
            for user in people(d):
                by_user[user].append(d)
        notifications.reminders_notify_in_app(by_user=by_user)
    notifications.reminders_email(by_user=by_user)
    return len(claimed)
