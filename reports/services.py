"""Rules for reporting: periods, and a report's life from draft to accepted.

Each write is one atomic function that records the transition and queues its side
effects only after the transaction commits. Views, Celery tasks and management
commands all call these.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Assignment, Directive

from . import periods as period_rules
from .models import ProgressReport, ReportingPeriod, ReportTransition

Status = ProgressReport.Status
REPORT_FIELDS = ("assessment", "percent_done", "achievements", "difficulties", "proposals")


def periods_generate(*, directive: Directive, until: datetime.date | None = None) -> int:
    """Create the directive's periods that have started by `until` (default: today), so
    units can draft during the period; none whose cutoff is after reporting_ends_on.

    Idempotent: a period that exists (same start) is left as it is, and none is ever
    deleted. Returns how many were created.
    """
    today = until or timezone.localdate()
    first_day = directive.reporting_starts_on or directive.issued_on + datetime.timedelta(days=1)
    last_cutoff = directive.reporting_ends_on
    if directive.schedule == Directive.Schedule.ONCE:
        # A one-off report is due on reporting_ends_on; until that is set, there is no period.
        if not last_cutoff:
            return 0
        wanted = period_rules.scheduled_periods("once", first_day=first_day, last_day=last_cutoff)
    else:
        wanted = [
            p
            for p in period_rules.scheduled_periods(
                directive.schedule,
                first_day=first_day,
                last_day=last_cutoff or today + relativedelta(years=1),
            )
            if p.start <= today
        ]
    existing = set(directive.periods.values_list("start", flat=True))
    new = [
        ReportingPeriod(
            directive=directive, label=p.label, start=p.start, cutoff=p.cutoff, due=p.due
        )
        for p in wanted
        if p.start not in existing
    ]
    ReportingPeriod.objects.bulk_create(new)
    return len(new)


def periods_open_on_publish(*, directive: Directive, **_signal) -> None:
    """A directive put in force gets the periods that have already started."""
    periods_generate(directive=directive)


def periods_open_all(*, today: datetime.date | None = None) -> int:
    """Open the periods that have started, for every directive in force (daily, by beat)."""
    return sum(
        periods_generate(directive=directive, until=today)
        for directive in Directive.objects.in_force()
    )


def _transition(report: ProgressReport, to: str, *, by, reason: str = "", at=None) -> None:
    ReportTransition.objects.create(
        report=report,
        from_status=report.status,
        to_status=to,
        by=by,
        at=at or timezone.now(),
        reason=reason,
    )
    report.status = to


def _check_editable(report: ProgressReport) -> None:
    if report.pk and not report.is_editable:
        raise ValidationError(
            _(
                "Báo cáo đã gửi, không sửa được nữa. "
                "Nếu cần bổ sung, đề nghị bộ phận theo dõi trả lại."
            )
        )


@transaction.atomic
def report_save_draft(
    *, assignment: Assignment, period: ReportingPeriod, by, data: dict
) -> ProgressReport:
    """Create or update the unit's report for the period.

    Editing a returned report takes it back to draft, so reviewers never read a
    half-revised text; it still counts as received, since it was sent once.
    """
    if period.directive_id != assignment.task.section.directive_id:
        raise ValidationError(_("Kỳ báo cáo không thuộc văn bản của nhiệm vụ này."))
    if not assignment.unit.is_active_between(period.start, period.cutoff):
        raise ValidationError(_("Đơn vị không hoạt động trong kỳ báo cáo này."))
    # get_or_create survives two first saves at once (the unique constraint decides).
    ProgressReport.objects.get_or_create(assignment=assignment, period=period)
    report = ProgressReport.objects.select_for_update().get(assignment=assignment, period=period)
    _check_editable(report)
    for field in REPORT_FIELDS:
        if field in data:
            setattr(report, field, data[field])
    report.updated_by = by
    report.full_clean()
    if report.status == Status.RETURNED:
        _transition(report, Status.DRAFT, by=by)
    report.save()
    return report


def _check_complete(report: ProgressReport) -> None:
    errors = {}
    if not report.achievements.strip():
        errors["achievements"] = _("Cần nêu kết quả thực hiện trước khi gửi báo cáo.")
    if report.assessment == ProgressReport.Assessment.DONE and report.percent_done != 100:
        errors["percent_done"] = _("Đã đánh giá “Hoàn thành” thì tỷ lệ hoàn thành phải là 100%.")
    if report.assessment == ProgressReport.Assessment.BLOCKED and not report.difficulties.strip():
        errors["difficulties"] = _("Đã đánh giá “Gặp vướng mắc” thì cần nêu khó khăn, vướng mắc.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_submit(*, report: ProgressReport, by, at: datetime.datetime | None = None):
    """Send the report to the reviewers. The first sending time decides timeliness."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ValidationError(_("Báo cáo này đã được gửi."))
    _check_complete(report)
    at = at or timezone.now()
    _transition(report, Status.SUBMITTED, by=by, at=at)
    if report.submitted_at is None:
        report.submitted_at = at
        report.submitted_by = by
    report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return report


@transaction.atomic
def report_accept(*, report: ProgressReport, by, at: datetime.datetime | None = None):
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Chỉ tiếp nhận được báo cáo đang chờ xem xét."))
    _transition(report, Status.ACCEPTED, by=by, at=at)
    report.save(update_fields=["status", "updated_at"])
    return report


@transaction.atomic
def report_return(
    *, report: ProgressReport, by, reason: str, at=None, notify: bool = True
) -> ProgressReport:
    """Send the report back to its unit for revision; the unit is told after commit
    (unless notify is False, as when loading history)."""
    from .tasks import notify_report_returned

    if not reason.strip():
        raise ValidationError({"reason": _("Cần nêu lý do trả lại để đơn vị bổ sung.")})
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được báo cáo đang chờ xem xét."))
    _transition(report, Status.RETURNED, by=by, reason=reason.strip(), at=at)
    report.save(update_fields=["status", "updated_at"])
    if notify:
        # robust: the return is saved whatever happens to the notice (it is logged).
        transaction.on_commit(lambda: notify_report_returned.delay(report.pk), robust=True)
    return report
