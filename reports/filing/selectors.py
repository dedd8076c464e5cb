"""Reads for the filing pages. Each returns what a page needs in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Assignment, Directive
from reports.periods.models import ReportingPeriod
from units.models import Unit

from .models import ProgressReport
from .slots import SlotState, slot_states


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
    """One task of the unit in one period, as its own list shows it."""

    assignment: Assignment
    state: SlotState

    @property
    def period(self) -> ReportingPeriod:
        return self.state.period

    @property
    def report(self) -> ProgressReport | None:
        return self.state.report


@dataclass
class DirectiveWork:
    directive: Directive
    period: ReportingPeriod | None  # None until the first period starts
    assignments: list[Assignment] = field(default_factory=list)
    items: list[WorkItem] = field(default_factory=list)
    owed_earlier: list[WorkItem] = field(default_factory=list)


def unit_work(*, unit_ids, today: datetime.date | None = None) -> list[DirectiveWork]:
    """A reporter's page: for each directive in force, this period's tasks of its units,
    and what it still owes from earlier periods."""
    today = today or timezone.localdate()
    assignments = list(
        Assignment.objects.filter(
            unit_id__in=unit_ids, task__section__directive__status=Directive.Status.ACTIVE
        ).select_related("unit", "task__section__directive")
    )
    directive_ids = {a.task.section.directive_id for a in assignments}
    periods_by_directive: dict[int, list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(
        directive_id__in=directive_ids, start__lte=today
    ).order_by("start"):
        periods_by_directive.setdefault(period.directive_id, []).append(period)
    reports = {
        (r.assignment_id, r.period_id): r
        for r in ProgressReport.objects.filter(assignment__in=assignments)
    }
    states = slot_states(
        [
            (a.pk, a.unit_id, period)
            for a in assignments
            for period in periods_by_directive.get(a.task.section.directive_id, [])
        ],
        reports=reports,
        today=today,
    )
    work: dict[int, DirectiveWork] = {}
    for assignment in assignments:
        directive = assignment.task.section.directive
        periods = periods_by_directive.get(directive.pk, [])
        entry = work.setdefault(
            directive.pk, DirectiveWork(directive, periods[-1] if periods else None)
        )
        entry.assignments.append(assignment)
        for period in periods:
            item = WorkItem(assignment, states[assignment.pk, period.pk])
            if period is entry.period:
                entry.items.append(item)
            elif item.state.owes:
                entry.owed_earlier.append(item)
    for entry in work.values():
        entry.owed_earlier.sort(
            key=lambda i: (i.period.start, i.assignment.task.section.order, i.assignment.task.order)
        )
    return sorted(work.values(), key=lambda w: w.directive.issued_on, reverse=True)


def units_of(unit_ids) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=unit_ids))
