"""Who owes a report or a task today, and which reminder applies (the rules:
services.py)."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from directives.models import Assignment, Directive
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.filing.selectors import slot_label, slot_url
from reports.filing.slots import deadline_states, report_facts, slot_states, with_deadline_facts
from reports.periods.models import ReportingPeriod
from units.models import active_between_q

from .models import Reminder

Kind = Reminder.Kind


@dataclass(frozen=True)
class DueReport:
    """One reminder about one slot (a period's report; None: a task's deadline), as its
    recipients read it."""

    kind: str
    assignment: Assignment
    period: ReportingPeriod | None
    due: datetime.date
    window: datetime.date
    today: datetime.date

    @property
    def key(self) -> tuple[int, int | None, str, datetime.date]:
        return (self.assignment.pk, self.period and self.period.pk, self.kind, self.window)

    @property
    def label(self) -> str:
        return slot_label(self.period)

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days

    @property
    def url(self) -> str:
        return slot_url(self.assignment.pk, self.period and self.period.pk)


def reminders_due(*, today: datetime.date) -> list[DueReport]:
    """Every reminder that applies today, sent or not: the periods' reports and the tasks'
    deadlines, in nine queries whatever the number of units or periods."""
    return [*_reports_due(today), *_deadlines_due(today)]


def _deadlines_due(today: datetime.date) -> list[DueReport]:
    """Tasks with a deadline not done, whose unit still owes the declaration (none yet, a
    draft, or one returned): three queries."""
    days_before = settings.REMINDER_DAYS_BEFORE
    horizon = today + datetime.timedelta(days=days_before)
    owing = with_deadline_facts(
        Assignment.objects.with_deadline().filter(
            task__section__directive__status=Directive.Status.ACTIVE, done_on__isnull=True
        )
    ).filter(active_between_q(today, today, "unit__"), effective_due__lte=horizon)
    states = deadline_states(owing.select_related("unit", "task__section__directive"), today=today)
    due_reports = []
    for state in states.values():
        if not state.owes:
            continue
        for kind, window in _windows(
            today, state.due, days_before, settings.REMINDER_ESCALATE_AFTER_DAYS, once=True
        ):
            due_reports.append(DueReport(kind, state.assignment, None, state.due, window, today))
    return due_reports


def _reports_due(today: datetime.date) -> list[DueReport]:
    """The periods' reports still owed: six queries."""
    days_before = settings.REMINDER_DAYS_BEFORE
    escalate_after = settings.REMINDER_ESCALATE_AFTER_DAYS
    # Extensions only move a due date later, so a period due after the horizon has
    # nothing to remind yet; one locked has nothing either, unless an extension runs on.
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
    by_directive: dict[int, list[Assignment]] = defaultdict(list)
    assignments = Assignment.objects.filter(
        active_between_q(min(p.start for p in periods), max(p.cutoff for p in periods), "unit__"),
        task__section__directive_id__in={p.directive_id for p in periods},
    ).select_related("unit", "task__section__directive")
    for assignment in assignments:
        by_directive[assignment.task.section.directive_id].append(assignment)
    slots = [
        (assignment, period)
        for period in periods
        for assignment in by_directive[period.directive_id]
        if assignment.unit.is_active_between(period.start, period.cutoff)
        and assignment.reports_in(period.start)
    ]
    states = slot_states(
        [(a.pk, a.unit_id, period) for a, period in slots],
        reports=report_facts(ProgressReport.objects.filter(period__in=periods)),
        today=today,
    )
    due_reports = []
    for assignment, period in slots:
        state = states[assignment.pk, period.pk]
        if not state.owes or state.locked:
            continue
        for kind, window in _windows(today, state.due, days_before, escalate_after):
            due_reports.append(DueReport(kind, assignment, period, state.due, window, today))
    return due_reports


def _windows(
    today: datetime.date,
    due: datetime.date,
    days_before: int,
    escalate_after: int,
    *,
    once: bool = False,
) -> Iterator[tuple[str, datetime.date]]:
    """The reminders (kind, window) that apply today to a report due on `due`. A period's
    report is reminded overdue every day; a task's deadline `once` (the day after)."""
    if due - datetime.timedelta(days=days_before) <= today < due:
        yield Kind.DUE_SOON, due - datetime.timedelta(days=days_before)
    elif today == due:
        yield Kind.DUE_TODAY, due
    elif today > due:
        yield Kind.OVERDUE, due + datetime.timedelta(days=1) if once else today
        escalation_day = due + datetime.timedelta(days=escalate_after)
        if today >= escalation_day:
            yield Kind.ESCALATION, escalation_day
