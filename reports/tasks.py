"""Celery tasks: thin wrappers that load by id and call a service."""

import math

from celery import shared_task
from celery.exceptions import Ignore

from ops.outbox import outbox_task
from reports.figures.kept import figures_check, recount
from reports.filing.models import ProgressReport
from reports.filing.notices import report_returned_notify
from reports.periods.models import ReportingPeriod
from reports.periods.services import periods_open_all
from reports.reminders.services import remind_owing_now, reminders_send
from reports.summaries.pipeline import TIME_LIMIT, ExportBusy, ExportTakenOver, export_run

BUSY_RETRY_MIN = 5  # seconds: the least an export task that found the export busy waits


@shared_task
@outbox_task
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
@outbox_task
def recount_figures(directive_id: int) -> int:
    """A large directive's kept totals, dropped by a change of what is expected, counted
    again (reports.figures.kept.stale); its pages count live meanwhile. A period at a
    time, each its own transaction: the reports of a period being counted wait a
    moment, never those of the others."""
    return recount(directive_ids=[directive_id])


@shared_task
def check_figures() -> int:
    """Nightly, by beat: the kept totals counted again and repaired; how many rows had
    drifted (each directive's is logged)."""
    return sum(drifted for _directive, drifted in figures_check())


@shared_task
@outbox_task
def remind_owing(period_id: int) -> int:
    """ "Nhắc tất cả" on "Cần đôn đốc": every unit owing a report of the period."""
    period = ReportingPeriod.objects.filter(pk=period_id).first()
    return remind_owing_now(period=period) if period else 0


@shared_task
def send_reminders() -> int:
    """Daily, by beat. Idempotent: a reminder already sent is never sent again."""
    return reminders_send()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=TIME_LIMIT - 30,
    time_limit=TIME_LIMIT,
    max_retries=5,
)
@outbox_task
def make_export(self, export_id: int) -> str:
    """Make an export's file. Safe to deliver twice: a copy that finds another run at work
    checks again just after that run's lease would pass (it takes over if that run has
    fallen silent); an export made is left as it is."""
    try:
        return export_run(export_id).status
    except ExportBusy as busy:
        countdown = max(BUSY_RETRY_MIN, math.ceil(busy.wait.total_seconds()) + 1)
        raise self.retry(countdown=countdown) from busy
    except ExportTakenOver as taken:
        # Not done: the outbox message stays open for the run that took over.
        raise Ignore() from taken
