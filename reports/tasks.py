"""Celery tasks: thin wrappers that load by id and call a service."""

from celery import shared_task

from .models import ProgressReport
from .notifications import report_returned_notify


@shared_task
def notify_report_returned(report_id: int) -> int:
    report = (
        ProgressReport.objects.select_related(
            "assignment__unit", "assignment__task__section", "period"
        )
        .filter(pk=report_id)
        .first()
    )
    return report_returned_notify(report=report) if report else 0
