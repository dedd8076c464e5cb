"""Reads for the filing pages. Each returns what a page needs in a fixed number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Assignment, Directive
from reports.periods.models import ReportingPeriod
from units.models import Unit

from .models import IndicatorValue, ProgressReport
from .slots import DeadlineState, SlotState, deadline_states, sent_on_time, slot_states


def slot_label(period: ReportingPeriod | None) -> str:
    """How pages and messages name a slot: its period ("Tháng 9/2021"), or (None) the
    task's completion."""
    return period.label if period is not None else _("báo cáo hoàn thành")


def slot_url(assignment_id: int, period_id: int | None, *, reviewer: bool = False) -> str:
    """A slot's page: the unit's report form for a period (`reviewer`: the follow-up page),
    or the task's completion page, which serves both sides."""
    if period_id is None:
        return reverse("reports:completion", args=[assignment_id])
    name = "reports:follow_up" if reviewer else "reports:file"
    return reverse(name, args=[assignment_id, period_id])


def last_return_reason(report: ProgressReport) -> str:
    """Why the report was last returned for revision ("" if it never was)."""
    reasons = report.transitions.filter(to_status=ProgressReport.Status.RETURNED)
    return reasons.values_list("reason", flat=True).last() or ""


def previous_report(*, assignment: Assignment, period: ReportingPeriod):
    """The unit's latest earlier report on the same task, shown beside the form."""
    return (
        ProgressReport.objects.filter(assignment=assignment, period__start__lt=period.start)
        .select_related("period")
        .order_by("-period__start")
        .first()
    )


# A report as a bulk read gives it: the API's fields, its transitions left out.
REPORT_ROW = (
    "id",
    "directive",
    "period",
    "period_label",
    "assignment",
    "unit",
    "unit_name",
    "task",
    "task_code",
    "status",
    "assessment",
    "percent_done",
    "achievements",
    "difficulties",
    "proposals",
    "version",
    "submitted_at",
    "on_time",
    "updated_at",
    "indicators",
)


def report_rows(reports: QuerySet[ProgressReport], *, chunk: int = 2_000) -> Iterator[dict]:
    """Every report of `reports` as a plain row (REPORT_ROW), by id, a chunk at a time:
    two queries a chunk (the reports with their names, their indicators' values), and
    never more than a chunk in memory, however many there are. Times in Vietnam's."""
    rows = reports.order_by("pk").values(
        "id",
        "period",
        "assignment",
        "status",
        "assessment",
        "percent_done",
        "achievements",
        "difficulties",
        "proposals",
        "version",
        "submitted_at",
        "updated_at",
        directive=F("period__directive_id"),
        period_label=F("period__label"),
        due=F("period__due"),
        unit=F("assignment__unit_id"),
        unit_name=F("assignment__unit__name"),
        task=F("assignment__task_id"),
        section_number=F("assignment__task__section__number"),
        task_order=F("assignment__task__order"),
    )
    after = 0
    while page := list(rows.filter(pk__gt=after)[:chunk]):
        values = defaultdict(list)
        for report_id, indicator_id, value in IndicatorValue.objects.filter(
            report_id__in=[row["id"] for row in page]
        ).values_list("report_id", "indicator_id", "value"):
            values[report_id].append({"indicator": indicator_id, "value": float(value)})
        for row in page:
            row["task_code"] = f"{row.pop('section_number')}.{row.pop('task_order')}"
            row["on_time"] = sent_on_time(row["submitted_at"], row.pop("due"))
            for name in ("submitted_at", "updated_at"):  # in Vietnam's time, as the API
                row[name] = row[name] and timezone.localtime(row[name])
            row["indicators"] = values.get(row["id"], [])
            yield {name: row[name] for name in REPORT_ROW}
        if len(page) < chunk:
            return
        after = page[-1]["id"]


def reports_with_context() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.select_related(
        "assignment__unit",
        "assignment__task__section__directive",
        "assignment__parent__unit",
        "period",
        "submitted_by",
    )


@dataclass
class WorkItem:
    """One thing a unit owes or has done: a task's report for one period, or a task with
    a deadline (no period), as its own list shows it."""

    assignment: Assignment
    state: SlotState | DeadlineState
    can_file: bool = False  # what the reader may do: set by the page (units.permissions)
    can_hand_down: bool = False

    @property
    def period(self) -> ReportingPeriod | None:
        return self.state.period

    @property
    def report(self) -> ProgressReport | None:
        return self.state.report

    @property
    def due(self) -> datetime.date:
        return self.state.due

    @property
    def url(self) -> str:
        return slot_url(self.assignment.pk, self.period and self.period.pk)

    @property
    def owed(self) -> bool:
        return self.state.owes and not self.state.locked

    @property
    def days_left(self) -> int:
        return (self.state.due - self.state.today).days


@dataclass
class Work:
    """A unit's work across every directive in force: what it owes, overdue first then
    soonest due; what it sent in the periods now open and its tasks with a deadline
    awaiting confirmation or done; and the directives whose first period has not begun."""

    owed: list[WorkItem] = field(default_factory=list)
    sent: list[WorkItem] = field(default_factory=list)
    not_started: dict[Directive, list[Assignment]] = field(default_factory=dict)
    current_periods: list[ReportingPeriod] = field(default_factory=list)  # for the spreadsheets


def unit_work(*, unit_ids, today: datetime.date | None = None) -> Work:
    """What these units owe and did, across every directive in force: periodic reports of
    every started period (the current one in full, earlier ones while still owed) and
    tasks with a deadline (until done). Eight queries whatever the number of directives."""
    today = today or timezone.localdate()
    assignments = list(
        Assignment.objects.filter(
            unit_id__in=unit_ids, task__section__directive__status=Directive.Status.ACTIVE
        ).select_related("unit", "task__section__directive", "parent__unit")
    )
    directive_ids = {a.task.section.directive_id for a in assignments}
    periods_by_directive: dict[int, list[ReportingPeriod]] = {}
    for period in (
        ReportingPeriod.objects.filter(directive_id__in=directive_ids, start__lte=today)
        .select_related("directive")
        .order_by("start")
    ):
        periods_by_directive.setdefault(period.directive_id, []).append(period)
    reports = {
        (r.assignment_id, r.period_id): r
        for r in ProgressReport.objects.filter(assignment__in=assignments, period__isnull=False)
    }
    periodic = [
        (a, period)
        for a in assignments
        for period in periods_by_directive.get(a.task.section.directive_id, [])
        if a.reports_in(period.start) and a.unit.is_active_between(period.start, period.cutoff)
    ]
    states = slot_states(
        [(a.pk, a.unit_id, period) for a, period in periodic], reports=reports, today=today
    )
    work = Work()
    for assignment, period in periodic:
        item = WorkItem(assignment, states[assignment.pk, period.pk])
        current = period is periods_by_directive[period.directive_id][-1]
        if item.owed:
            work.owed.append(item)
        elif current:
            work.sent.append(item)
    deadlines = deadline_states([a for a in assignments if a.task.has_deadline], today=today)
    for state in deadlines.values():
        item = WorkItem(state.assignment, state)
        (work.owed if state.owes else work.sent).append(item)
    for assignment in assignments:
        directive = assignment.task.section.directive
        if directive.pk not in periods_by_directive and assignment.task.is_periodic:
            work.not_started.setdefault(directive, []).append(assignment)
    work.owed.sort(key=lambda i: (not i.state.overdue, i.due, i.assignment.task.code))
    work.sent.sort(key=lambda i: (i.due, i.assignment.task.code), reverse=True)
    # The spreadsheets of the periods now open in which the units report something.
    reporting = {period.pk for _a, period in periodic}
    work.current_periods = [
        periods[-1] for periods in periods_by_directive.values() if periods[-1].pk in reporting
    ]
    return work


def units_of(unit_ids) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=unit_ids))
