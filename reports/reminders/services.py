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

A task with a deadline is reminded the same way until it is declared done (awaiting
confirmation, or done, it is owed no more), with D its deadline after a granted extension,
except that "overdue" goes out once, the day after D (window: that day).

Nothing goes out once the slot is locked (reports.filing.slots: after the period's lock
date, or after D if an extension put it later, unless a reviewer reopened it). A
reminder whose day was missed (the beat did not run, a report came back from review)
goes out on the next run while its kind still applies; a missed overdue day is not made
up, the next one says it all.

A `Reminder` row is claimed under its unique constraint before anything is sent, so two
runs, or two workers at once, never send the same reminder twice. The price: a run that
dies between the claim and the e-mail loses that e-mail (the in-app notice is written
with the claim, in the same transaction).
"""

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from directives.models import Assignment
from ops.outbox import outbox_add
from reports.filing.slots import slot_states
from reports.periods.models import ReportingPeriod
from units.models import Membership

from . import messages
from .due import DueReport, Kind, reminders_due
from .models import Reminder

REMIND_CHUNK = 2000  # assignments whose slots are read, and reminded, at once


def _recipients(due_reports: list[DueReport]) -> dict[str, dict[int, list]]:
    """{role: {unit id: [active users]}} for the units concerned: reporters hear about
    their reports, leadership about escalations."""
    found: dict[str, dict[int, list]] = {
        Membership.Role.REPORTER: defaultdict(list),
        Membership.Role.UNIT_HEAD: defaultdict(list),
    }
    units = {d.assignment.unit_id for d in due_reports}
    # A unit's staff, and, for a unit closed by a reorganisation, the staff of the units
    # formed from it: they file what it still owes (units.permissions.filing_unit_ids).
    memberships = (
        Membership.objects.filter(
            Q(unit_id__in=units) | Q(unit__formed_from__in=units),
            role__in=list(found),
            user__is_active=True,
        )
        .annotate(heir_of=F("unit__formed_from"))
        .select_related("user")
    )
    seen = set()
    for membership in memberships:
        for unit_id in {membership.unit_id, membership.heir_of} & units:
            if (membership.role, unit_id, membership.user_id) not in seen:
                seen.add((membership.role, unit_id, membership.user_id))
                found[membership.role][unit_id].append(membership.user)
    return found


def _already_sent(due_reports: list[DueReport]) -> set[tuple]:
    periods = {d.period.pk for d in due_reports if d.period}
    deadlines = {d.assignment.pk for d in due_reports if d.period is None}
    return set(
        Reminder.objects.filter(
            Q(period_id__in=periods) | Q(period__isnull=True, assignment_id__in=deadlines),
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


def remind_owing_now(
    *, period: ReportingPeriod, unit=None, today: datetime.date | None = None
) -> int:
    """The reminders of "Cần đôn đốc": today's reminder of every report owed for the
    period, by one unit ("Nhắc ngay") or by every unit ("Nhắc tất cả"), unless one
    already went out today. A chunk of assignments at a time. Returns how many went out."""
    today = today or timezone.localdate()
    given = (
        Assignment.objects.counted()
        .reporting_in(period)
        .filter(task__section__directive_id=period.directive_id)
        .select_related("unit", "task__section__directive")
        .order_by("pk")
    )
    if unit is not None:
        given = given.filter(unit=unit)
    sent, after = 0, 0
    while chunk := list(given.filter(pk__gt=after)[:REMIND_CHUNK]):
        after = chunk[-1].pk
        states = slot_states([(a.pk, a.unit_id, period) for a in chunk], today=today)
        owing = [(a, states[a.pk, period.pk]) for a in chunk if states[a.pk, period.pk].owes]
        sent += _send(
            [
                DueReport(
                    Kind.OVERDUE if state.overdue else Kind.DUE_SOON,
                    a,
                    period,
                    state.due,
                    today,
                    today,
                )
                for a, state in owing
            ]
        )
    return sent


def remind_all_queue(*, period: ReportingPeriod) -> None:
    """ "Nhắc tất cả": every unit that owes a report of the period is reminded by the
    worker (a directive may reach thousands of units), after this transaction commits."""
    outbox_add("reports.tasks.remind_owing", period.pk)


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
        messages.reminders_notify_in_app(by_user=by_user)
    messages.reminders_email(by_user=by_user)
    return len(claimed)
