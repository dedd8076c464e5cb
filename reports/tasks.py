"""Celery tasks: thin wrappers that load by id and call a service."""

from celery import shared_task

from .exports.pipeline import export_run
from .models import ProgressReport
from .notifications import report_returned_notify
from .reminders import reminders_send
from .services import periods_open_all


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


@shared_task
def open_periods() -> int:
    return periods_open_all()


@shared_task
def send_reminders() -> int:
    """Daily, by beat. Idempotent: a reminder already sent is never sent again."""
    return reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def make_export(export_id: int) -> str:
    """Make an export's file. Safe to run again: a redelivered task reuses the frozen
    figures, and an export already made is left as it is."""
    return export_run(export_id).status
