"""Reads for the filing pages. Each returns what a page needs in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from directives.models import Assignment, Directive
from reports.periods.models import ReportingPeriod
from units.models import Unit

from .models import ExtensionRequest, ProgressReport


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
        "assignment__unit", "assignment__task__section__directive", "period", "submitted_by"
    )


@dataclass
class WorkItem:
    assignment: Assignment
    period: ReportingPeriod
    report: ProgressReport | None
    due: datetime.date  # the period's, or a granted extension's

    @property
    def extended(self) -> bool:
        return self.due != self.period.due

    @property
    def status(self) -> str:
        return self.report.status if self.report else "missing"

    @property
    def owes(self) -> bool:
        return self.report is None or self.report.is_editable

    @property
    def overdue(self) -> bool:
        return self.owes and self.due < timezone.localdate()

    @property
    def shown_status(self) -> str:
        """What the unit's list shows: an owed report past its due date is "overdue"."""
        if self.overdue and self.status in ("missing", ProgressReport.Status.DRAFT):
            return "overdue"
        return self.status


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
    extended = {
        (assignment_id, period_id): new_due
        for assignment_id, period_id, new_due in ExtensionRequest.objects.filter(
            assignment__in=assignments, status=ExtensionRequest.Status.GRANTED
        )
        .order_by("decided_at")
        .values_list("assignment_id", "period_id", "new_due")
    }
    work: dict[int, DirectiveWork] = {}
    for assignment in assignments:
        directive = assignment.task.section.directive
        periods = periods_by_directive.get(directive.pk, [])
        entry = work.setdefault(
            directive.pk, DirectiveWork(directive, periods[-1] if periods else None)
        )
        entry.assignments.append(assignment)
        for period in periods:
            item = WorkItem(
                assignment,
                period,
                reports.get((assignment.pk, period.pk)),
                extended.get((assignment.pk, period.pk), period.due),
            )
            if period is entry.period:
                entry.items.append(item)
            elif item.owes:
                entry.owed_earlier.append(item)
    for entry in work.values():
        entry.owed_earlier.sort(
            key=lambda i: (i.period.start, i.assignment.task.section.order, i.assignment.task.order)
        )
    return sorted(work.values(), key=lambda w: w.directive.issued_on, reverse=True)


def units_of(unit_ids) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=unit_ids))
