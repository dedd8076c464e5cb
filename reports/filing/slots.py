"""The state of a slot: one unit's task in one period (an assignment and a reporting
period). This is the one rule for what every page, export, API and spreadsheet says of a
slot, and what the counting engine (reports.figures.engine) counts:

due        the period's due date, or the latest granted extension's (an extension only
           ever moves it later);
locks      entry closes after the period's lock date, or after `due` if that is later
           (DHIS2's expiry days; no lock date: never), unless a reviewer has reopened the
           period for the unit until a date not yet past;
received   sent at least once (DHIS2's completeness: a returned report stays received);
on time    first sent by the period's own due date: an extension never hides lateness;
on time after extension   first sent by `due`, shown beside;
owes       no report yet, a draft, or a report returned for revision;
overdue    not received, and `due` has passed;
status     as reviewers and leadership see it (they never read a draft): "missing" until
           sent, "overdue" once `due` has passed unsent, "revising" for a sent report back
           in draft after a return, else the report's own status. The unit sees its own
           drafts: `own_status`.

A task with a deadline has one more slot per unit, with no period: its deadline
(`DeadlineState`), closed by the unit's declaration that it is done (a report with no
period, báo cáo hoàn thành) once a reviewer confirms it. It is counted as the Government
Office counts tasks (`DEADLINE_FIGURES`, the SQL form, beside it):

due        directives.models.Assignment.due: the unit's own deadline, else the task's,
           or a granted extension's later date (the original stays visible as `original`);
done       confirmed; the day done is the day the unit declared it (Assignment.done_on);
on time    done by `due`; late: done after it;
awaiting   declared, not yet confirmed (not done: it is still within or past `due`);
overdue    not done, and `due` has passed; within: not done, `due` not passed;
due so far done, or overdue (đến hạn); not yet due: within.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directives.models import Assignment, due_expression
from reports.periods.models import ReportingPeriod
from workdays.calendar import day_end

from .models import ExtensionRequest, PeriodReopening, ProgressReport

Status = ProgressReport.Status
MISSING, OVERDUE, REVISING = "missing", "overdue", "revising"

# Every status a slot shows, as every page, export and spreadsheet names it.
STATUS_LABELS = {
    **dict(Status.choices),
    MISSING: gettext_lazy("Chưa nộp"),
    OVERDUE: gettext_lazy("Quá hạn"),
    REVISING: gettext_lazy("Đang bổ sung"),
}


def sent_by(submitted_at: datetime.datetime | None, day: datetime.date) -> bool:
    """Sent before `day` ended in Vietnam (models.ProgressReport.submitted_at is UTC)."""
    return submitted_at is not None and submitted_at < day_end(day)


def sent_on_time(submitted_at: datetime.datetime | None, due: datetime.date) -> bool | None:
    """A report's on time as the API and bulk reads give it: first sent by the period's
    due date; None while never sent."""
    return None if submitted_at is None else sent_by(submitted_at, due)


def due_date(period: ReportingPeriod, granted: datetime.date | None) -> datetime.date:
    """A slot's due date: the period's, or the one a granted extension set if later."""
    return max(granted, period.due) if granted else period.due


def past(due: datetime.date, today: datetime.date) -> bool:
    """`due` has passed: a slot still unsent is overdue from the next day."""
    return due < today


def status_seen(*, sent: bool, status: str | None, due: datetime.date, today) -> str:
    """A slot's status as reviewers and leadership see it: `sent` whether it was ever
    received, `status` its report's (None: no report), `due` the slot's own due date."""
    if not sent:
        return OVERDUE if past(due, today) else MISSING
    return REVISING if status == Status.DRAFT else status


class ReportFacts(NamedTuple):
    """What a slot's state reads of its report: enough for a page of many slots, without
    a model instance each (`report_facts`)."""

    pk: int
    status: str
    submitted_at: datetime.datetime | None
    percent_done: int

    @property
    def is_editable(self) -> bool:
        return self.status in ProgressReport.EDITABLE


def report_facts(reports) -> dict[tuple[int, int], ReportFacts]:
    """These reports (a queryset) as ReportFacts, by (assignment id, period id)."""
    rows = reports.values_list(
        "assignment_id", "period_id", "pk", "status", "submitted_at", "percent_done"
    )
    return {(a, p): ReportFacts(*facts) for a, p, *facts in rows}


# Of several extensions granted for one slot, the one decided last is in force.
IN_FORCE = ("decided_at", "pk")


@dataclass(frozen=True)
class SlotState:
    assignment_id: int
    period: ReportingPeriod
    report: ProgressReport | ReportFacts | None
    extensions: tuple[ExtensionRequest, ...]  # every request, newest first
    reopened_until: datetime.date | None
    today: datetime.date

    @property
    def extension(self) -> ExtensionRequest | None:
        """The granted extension in force: the one decided last."""
        granted = [e for e in self.extensions if e.status == ExtensionRequest.Status.GRANTED]
        return max(granted, key=attrgetter(*IN_FORCE)) if granted else None

    @property
    def pending_extension(self) -> bool:
        return any(e.status == ExtensionRequest.Status.PENDING for e in self.extensions)

    @property
    def due(self) -> datetime.date:
        extension = self.extension
        return due_date(self.period, extension.new_due if extension else None)

    @property
    def extended(self) -> bool:
        return self.due != self.period.due

    @property
    def locks_after(self) -> datetime.date | None:
        """The last day the unit may enter, were it not reopened (None: never locks)."""
        if self.period.lock_on is None:
            return None
        return max(self.period.lock_on, self.due)

    @property
    def reopened(self) -> bool:
        return self.reopened_until is not None and self.reopened_until >= self.today

    @property
    def locked(self) -> bool:
        """Past its lock date and not reopened: the unit may no longer enter the report."""
        locks_after = self.locks_after
        return locks_after is not None and self.today > locks_after and not self.reopened

    @property
    def closed_reason(self) -> str:
        """Why the unit may no longer enter the report ("" while it may)."""
        if not self.locked:
            return ""
        return _(
            "Kỳ báo cáo đã khóa nhập sau ngày %(day)s. Nếu cần báo cáo, đề nghị bộ phận theo "
            "dõi mở lại cho đơn vị."
        ) % {"day": f"{self.locks_after:%d/%m/%Y}"}

    @property
    def received(self) -> bool:
        return self.report is not None and self.report.submitted_at is not None

    @property
    def readable_report(self) -> ProgressReport | ReportFacts | None:
        """The report as reviewers and leadership may open it: sent, and not back in
        draft under revision; else None."""
        return self.report if self.received and self.report.status != Status.DRAFT else None

    @property
    def on_time(self) -> bool:
        return self.received and sent_by(self.report.submitted_at, self.period.due)

    @property
    def on_time_extended(self) -> bool:
        return self.received and sent_by(self.report.submitted_at, self.due)

    @property
    def owes(self) -> bool:
        return self.report is None or self.report.is_editable

    @property
    def overdue(self) -> bool:
        return not self.received and past(self.due, self.today)

    @property
    def status(self) -> str:
        report = self.report
        return status_seen(
            sent=self.received,
            status=report.status if report else None,
            due=self.due,
            today=self.today,
        )

    @property
    def own_status(self) -> str:
        """As the unit sees it: its own draft is a draft; one it still owes past `due`
        (never sent, or being revised) is overdue."""
        if self.report is None:
            return status_seen(sent=False, status=None, due=self.due, today=self.today)
        if self.owes and self.report.status == Status.DRAFT and past(self.due, self.today):
            return OVERDUE
        return self.report.status


class SeenSlot(NamedTuple):
    """A slot as reviewers and leadership see it, from its sent report's facts alone: what
    a page of hundreds of slots draws (the matrix), without a SlotState each. Each field
    is the SlotState property of the same name (tests/reports/filing/test_slots.py)."""

    status: str
    received: bool
    on_time: bool
    on_time_extended: bool


def seen_slot(
    period: ReportingPeriod,
    *,
    status: str | None,
    submitted_at: datetime.datetime | None,
    granted: datetime.date | None,
    today: datetime.date,
) -> SeenSlot:
    """`status` and `submitted_at`: the slot's report if it was ever sent (else None);
    `granted`: the new due date of the granted extension in force (`granted_extensions`)."""
    due = due_date(period, granted)
    received = submitted_at is not None
    return SeenSlot(
        status_seen(sent=received, status=status, due=due, today=today),
        received,
        sent_by(submitted_at, period.due),
        sent_by(submitted_at, due),
    )


Key = tuple[int, int]  # (assignment id, period id)


def slot_states(
    slots: Iterable[tuple[int, int, ReportingPeriod]],
    *,
    reports: dict[Key, ProgressReport | ReportFacts] | None = None,
    today: datetime.date | None = None,
) -> dict[Key, SlotState]:
    """The state of each slot, given as (assignment id, unit id, period), by (assignment
    id, period id): three queries whatever their number (two when `reports`, every
    report of those slots, is given)."""
    today = today or timezone.localdate()
    slots = list(slots)
    if not slots:
        return {}
    assignment_ids = {a for a, _unit, _period in slots}
    period_ids = {period.pk for _a, _unit, period in slots}
    if reports is None:
        reports = {
            (r.assignment_id, r.period_id): r
            for r in ProgressReport.objects.filter(
                period_id__in=period_ids, assignment_id__in=assignment_ids
            )
        }
    extensions: dict[Key, list[ExtensionRequest]] = defaultdict(list)
    for extension in (
        ExtensionRequest.objects.filter(period_id__in=period_ids, assignment_id__in=assignment_ids)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    ):
        extensions[extension.assignment_id, extension.period_id].append(extension)
    reopened: dict[tuple[int, int], datetime.date] = {}
    for unit_id, period_id, until in PeriodReopening.objects.filter(
        period_id__in=period_ids, unit_id__in={unit for _a, unit, _period in slots}
    ).values_list("unit_id", "period_id", "until"):
        reopened[unit_id, period_id] = max(until, reopened.get((unit_id, period_id), until))
    return {
        (assignment_id, period.pk): SlotState(
            assignment_id,
            period,
            reports.get((assignment_id, period.pk)),
            tuple(extensions.get((assignment_id, period.pk), ())),
            reopened.get((unit_id, period.pk)),
            today,
        )
        for assignment_id, unit_id, period in slots
    }


def grid(assignments: Iterable[tuple[int, int]], periods: Iterable[ReportingPeriod]) -> list:
    """Every slot of these (assignment id, unit id) pairs in these periods."""
    periods = list(periods)
    return [(a, unit, period) for a, unit in assignments for period in periods]


_READ = object()  # slot_state's `report` left out: read it


def slot_state(
    *, assignment, period: ReportingPeriod, report=_READ, today: datetime.date | None = None
) -> SlotState:
    """One slot's state. `report`: the slot's report if the caller has it already (None:
    it has none); left out, it is read."""
    key = (assignment.pk, period.pk)
    reports = None if report is _READ else ({key: report} if report is not None else {})
    states = slot_states(
        [(assignment.pk, assignment.unit_id, period)], reports=reports, today=today
    )
    return states[key]


def granted_extensions(extensions, *fields) -> dict[Key, tuple]:
    """Of these extension requests (a queryset the caller narrows), the granted one in
    force for each slot that has one (most have none): {(assignment id, period id):
    (new_due, *fields)}. For counting many slots without loading each one's state."""
    rows = (
        extensions.filter(status=ExtensionRequest.Status.GRANTED)
        .order_by(*IN_FORCE)
        .values_list("assignment_id", "period_id", "new_due", *fields)
    )
    return {(a, p): tuple(rest) for a, p, *rest in rows}  # the one decided last wins


# --- A task's deadline -------------------------------------------------------------

# A declaration that a task is done goes through a report's statuses; its history names
# them as what they mean for it.
COMPLETION_LABELS = {
    Status.SUBMITTED: gettext_lazy("Đã báo cáo hoàn thành"),
    Status.ACCEPTED: gettext_lazy("Đã xác nhận hoàn thành"),
}

DONE_ON_TIME, DONE_LATE, AWAITING, WITHIN = "done_on_time", "done_late", "awaiting", "within"
DEADLINE_LABELS = {
    DONE_ON_TIME: gettext_lazy("Hoàn thành đúng hạn"),
    DONE_LATE: gettext_lazy("Hoàn thành quá hạn"),
    AWAITING: gettext_lazy("Chờ xác nhận hoàn thành"),
    WITHIN: gettext_lazy("Trong hạn"),
    OVERDUE: gettext_lazy("Quá hạn"),
}


@dataclass(frozen=True)
class DeadlineState:
    """A unit's task with a deadline. It answers what the report pages' panels ask of a
    SlotState (report, extensions, due, owes, locked …), with no period."""

    assignment: Assignment  # its task loaded
    report: ProgressReport | ReportFacts | None  # the completion report, if any
    extensions: tuple[ExtensionRequest, ...]  # every request for the deadline, newest first
    today: datetime.date

    period = None
    locked = False
    closed_reason = ""
    reopened = False

    @property
    def assignment_id(self) -> int:
        return self.assignment.pk

    @property
    def original(self) -> datetime.date:
        return self.assignment.due_by

    @property
    def due(self) -> datetime.date:
        return self.assignment.due

    @property
    def extended(self) -> bool:
        return self.due != self.original

    @property
    def pending_extension(self) -> bool:
        return any(e.status == ExtensionRequest.Status.PENDING for e in self.extensions)

    @property
    def done_on(self) -> datetime.date | None:
        return self.assignment.done_on

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def on_time(self) -> bool:
        return self.done and self.done_on <= self.due

    @property
    def received(self) -> bool:
        return self.report is not None and self.report.submitted_at is not None

    @property
    def readable_report(self):
        return self.report if self.received and self.report.status != Status.DRAFT else None

    @property
    def awaiting(self) -> bool:
        return not self.done and self.report is not None and self.report.status == Status.SUBMITTED

    @property
    def owes(self) -> bool:
        return not self.done and (self.report is None or self.report.is_editable)

    @property
    def due_so_far(self) -> bool:
        return self.done or self.overdue

    @property
    def overdue(self) -> bool:
        return not self.done and past(self.due, self.today)

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days

    @property
    def status(self) -> str:
        """As reviewers and leadership see it."""
        if self.done:
            return DONE_ON_TIME if self.on_time else DONE_LATE
        if self.awaiting:
            return AWAITING
        return OVERDUE if self.overdue else WITHIN

    @property
    def own_status(self) -> str:
        """As the unit sees it: also its own draft, or a declaration returned to it."""
        if self.done or self.awaiting or self.overdue or self.report is None:
            return self.status
        return self.report.status


def deadline_states(assignments, *, today: datetime.date | None = None) -> dict[int, DeadlineState]:
    """The deadline state of each of these assignments (their tasks loaded, each with a
    deadline), by assignment id: two queries whatever their number."""
    today = today or timezone.localdate()
    assignments = list(assignments)
    if not assignments:
        return {}
    ids = [a.pk for a in assignments]
    reports = {
        r.assignment_id: r
        for r in ProgressReport.objects.filter(assignment_id__in=ids, period__isnull=True)
    }
    extensions: dict[int, list[ExtensionRequest]] = defaultdict(list)
    for extension in (
        ExtensionRequest.objects.filter(assignment_id__in=ids, period__isnull=True)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    ):
        extensions[extension.assignment_id].append(extension)
    return {
        a.pk: DeadlineState(a, reports.get(a.pk), tuple(extensions.get(a.pk, ())), today)
        for a in assignments
    }


def deadline_state(*, assignment, today: datetime.date | None = None) -> DeadlineState:
    return deadline_states([assignment], today=today)[assignment.pk]


def with_deadline_facts(assignments):
    """These assignments (a queryset of tasks with a deadline) with what DEADLINE_FIGURES
    read: `effective_due` (Assignment.due)."""
    return assignments.annotate(effective_due=due_expression())


def deadline_figures_q(today: datetime.date) -> dict[str, Q]:
    """DeadlineState's rule in SQL, on with_deadline_facts: each figure the Government
    Office publishes, as the filter that counts it (and lists the tasks behind it)."""
    open_ = Q(done_on__isnull=True)
    # A declaration waiting for confirmation: a set PostgreSQL reads once (a correlated
    # EXISTS is estimated once per assignment, and the cost of 200,000 of them makes it
    # compile the query first: 200 ms of JIT for a 50 ms count).
    declared = Q(
        pk__in=ProgressReport.objects.filter(period__isnull=True, status=Status.SUBMITTED).values(
            "assignment_id"
        )
    )
    return {
        "assigned": Q(),
        "done": Q(done_on__isnull=False),
        "done_on_time": Q(done_on__lte=F("effective_due")),
        "done_late": Q(done_on__gt=F("effective_due")),
        "open": open_,
        "open_within": open_ & Q(effective_due__gte=today),
        "open_overdue": open_ & Q(effective_due__lt=today),
        "awaiting": open_ & declared,
        "due_so_far": Q(done_on__isnull=False) | Q(effective_due__lt=today),
        "not_yet_due": open_ & Q(effective_due__gte=today),
    }


DEADLINE_FIGURES = tuple(deadline_figures_q(datetime.date.min))
