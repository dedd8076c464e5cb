"""A slot is one unit's task in one period (an assignment and a reporting period)."""

import datetime

from reports.periods.models import ReportingPeriod

from .models import ExtensionRequest


def extended_due_dates(period: ReportingPeriod, assignment_ids=None) -> dict[int, datetime.date]:
    """The period's granted extensions, of these assignments (default: all): {assignment
    id: the latest new due date}."""
    granted = ExtensionRequest.objects.filter(period=period, status=ExtensionRequest.Status.GRANTED)
    if assignment_ids is not None:
        granted = granted.filter(assignment_id__in=assignment_ids)
    return dict(granted.order_by("decided_at").values_list("assignment_id", "new_due"))


def effective_due_dates(period: ReportingPeriod, assignment_ids) -> dict[int, datetime.date]:
    """Each assignment's due date for the period: the latest granted extension, else the
    period's. (Timeliness statistics still count against period.due.)"""
    dues = {assignment_id: period.due for assignment_id in assignment_ids}
    dues.update(extended_due_dates(period, assignment_ids))
    return dues
