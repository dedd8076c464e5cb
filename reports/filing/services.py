"""A report's life from draft to accepted: saving, sending, accepting, returning.

Each write is one atomic function that records the transition and queues its side
effects only after the transaction commits. Views, Celery tasks and management
commands all call these.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Assignment, Indicator
from ops.audit import audit
from ops.outbox import outbox_add
from reports.periods.models import ReportingPeriod
from units.signals import figures_stale
from units.text import is_blank

from .models import (
    REPORT_FIELDS,
    TEXT_FIELDS,
    IndicatorValue,
    PeriodReopening,
    ProgressReport,
    ReportTransition,
)
from .notices import completion_confirmed_notify, completion_declared_notify
from .slots import slot_state

Status = ProgressReport.Status


def audit_slot(*, by, action: str, obj, what: str, assignment, period, **data) -> None:
    """An audit event about one unit's task in one period (a report, a file, an
    extension), or its deadline (period None): "<what> — nhiệm vụ 1.2, Đảng bộ xã A, kỳ
    Tháng 9/2021". Names only, never the report's text. assignment and period: ids (their
    names cost one query), or objects with the task's section and the unit loaded (no
    query)."""
    loaded = period is None or isinstance(period, ReportingPeriod)
    if isinstance(assignment, Assignment) and loaded:
        task = assignment.task
        names = (task.code, assignment.unit.name, assignment.unit_id, task.section.directive_id)
        label = period.label if period is not None else None
    else:
        label = ReportingPeriod.objects.filter(pk=period).values("label")[:1]
        number, order, unit, unit_id, directive_id, label = (
            Assignment.objects.filter(pk=getattr(assignment, "pk", assignment))
            .annotate(period_label=Subquery(label))
            .values_list(
                "task__section__number",
                "task__order",
                "unit__name",
                "unit_id",
                "task__section__directive_id",
                "period_label",
            )
            .get()
        )
        names = (f"{number}.{order}", unit, unit_id, directive_id)
    code, unit, unit_id, directive_id = names
    context = {"what": what, "task": code, "unit": unit, "period": label}
    if label is None:
        summary = _("%(what)s — nhiệm vụ %(task)s, %(unit)s, hạn hoàn thành") % context
    else:
        summary = _("%(what)s — nhiệm vụ %(task)s, %(unit)s, kỳ %(period)s") % context
    audit(
        actor=by,
        action=action,
        obj=obj,
        summary=summary,
        directive_id=directive_id,
        unit_id=unit_id,
        period_id=getattr(period, "pk", period),
        **data,
    )


def _loaded(obj, *relations: str) -> bool:
    for name in relations:
        if obj is None or name not in obj._state.fields_cache:
            return False
        obj = obj._state.fields_cache[name]
    return True


def _audit_report(report: ProgressReport, by, action: str, what: str, **data) -> None:
    """audit_slot for a report: with no query when its task's section, its unit and its
    period are loaded."""
    named = (
        _loaded(report, "assignment", "task", "section")
        and _loaded(report, "assignment", "unit")
        and (report.period_id is None or _loaded(report, "period"))
    )
    audit_slot(
        by=by,
        action=action,
        obj=report,
        what=what,
        assignment=report.assignment if named else report.assignment_id,
        period=(report.period if report.period_id else None) if named else report.period_id,
        **data,
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
    if not report.is_editable:
        raise ValidationError(
            _(
                "Báo cáo đã gửi, không sửa được nữa. "
                "Nếu cần bổ sung, đề nghị bộ phận theo dõi trả lại."
            )
        )


def entry_closed_reason(
    *, assignment: Assignment, period: ReportingPeriod | None, day: datetime.date | None = None
) -> str:
    """Why the unit may no longer enter this report on `day` (default: today), "" while it
    may: the slot's lock (reports.filing.slots). A period with no lock date, or a task's
    deadline (period None: it never locks), is answered without a query."""
    if period is None or period.lock_on is None:
        return ""
    return slot_state(assignment=assignment, period=period, today=day).closed_reason


def _check_entry_open(assignment, period, at: datetime.datetime | None) -> None:
    day = timezone.localdate(at) if at else None
    if reason := entry_closed_reason(assignment=assignment, period=period, day=day):
        raise ValidationError(reason, code="locked")


def _save_indicator_values(report: ProgressReport, values: dict) -> None:
    """values: {indicator id: Decimal or None}; None clears the value."""
    allowed = set(
        Indicator.objects.filter(task_id=report.assignment.task_id).values_list("pk", flat=True)
    )
    if set(values) - allowed:
        raise ValidationError(_("Chỉ tiêu không thuộc nhiệm vụ này."))
    errors = {
        f"indicator_{i}": _("Giá trị chỉ tiêu không được âm.")
        for i, value in values.items()
        if value is not None and value < 0
    }
    if errors:
        raise ValidationError(errors)
    cleared = [i for i, value in values.items() if value is None]
    if cleared:
        IndicatorValue.objects.filter(report=report, indicator_id__in=cleared).delete()
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(report=report, indicator_id=i, value=value)
            for i, value in values.items()
            if value is not None
        ],
        update_conflicts=True,
        unique_fields=["report", "indicator"],
        update_fields=["value"],
    )


def _stale_message(report: ProgressReport) -> str:
    who = (
        report.updated_by.get_full_name() or report.updated_by.username if report.updated_by else ""
    )
    return _(
        "Báo cáo vừa được %(who)s lưu lúc %(when)s, sau khi bạn mở trang. Nội dung bạn nhập "
        "vẫn còn dưới đây; hãy đối chiếu với bản đã lưu rồi lưu lại."
    ) % {
        "who": who or _("người khác"),
        "when": f"{timezone.localtime(report.updated_at):%H:%M %d/%m/%Y}",
    }


def _check_slot(assignment: Assignment, period: ReportingPeriod | None, at) -> None:
    """That the unit owes this report at all: a period's, for a task reported each period
    (until done) of a unit active in it; or, with no period, a task's completion."""
    if period is None:
        if not assignment.task.has_deadline:
            raise ValidationError(_("Nhiệm vụ thường xuyên không có báo cáo hoàn thành."))
        day = timezone.localdate(at) if at else timezone.localdate()
        if not assignment.unit.is_active_between(day, day):
            raise ValidationError(_("Đơn vị không còn hoạt động."))
        return
    if period.directive_id != assignment.task.section.directive_id:
        raise ValidationError(_("Kỳ báo cáo không thuộc văn bản của nhiệm vụ này."))
    if not assignment.unit.is_active_between(period.start, period.cutoff):
        raise ValidationError(_("Đơn vị không hoạt động trong kỳ báo cáo này."))
    if not assignment.reports_in(period.start):
        if assignment.done_on:
            raise ValidationError(
                _("Nhiệm vụ đã hoàn thành ngày %(day)s: không báo cáo các kỳ sau.")
                % {"day": f"{assignment.done_on:%d/%m/%Y}"}
            )
        raise ValidationError(
            _("Nhiệm vụ có thời hạn không báo cáo theo kỳ: khi xong, đơn vị báo cáo hoàn thành.")
        )


def _locked_slot(assignment: Assignment, period) -> tuple[ProgressReport, bool]:
    """The slot's report, locked until the transaction ends, made if there is none yet
    (two first saves at once: the unique constraint decides, the loser reads the
    winner's). Whether it was made."""
    reports = ProgressReport.objects.select_for_update(of=("self",)).select_related("updated_by")
    report = reports.filter(assignment=assignment, period=period).first()
    if report is not None:
        return report, False
    try:
        with transaction.atomic():
            return ProgressReport.objects.create(assignment=assignment, period=period), True
    except IntegrityError:
        return reports.get(assignment=assignment, period=period), False


@transaction.atomic
def report_save_draft(
    *,
    assignment: Assignment,
    period: ReportingPeriod | None,
    by,
    data: dict,
    version: int | None = None,
    at: datetime.datetime | None = None,
) -> ProgressReport:
    """Create or update the unit's report for the period, or, with no period, its
    declaration that a task with a deadline is done (always "hoàn thành", 100%).

    `version` is the report version the user's form was opened on (0: no report yet); if
    someone saved since, nothing is written and ValidationError(code="stale") says who.
    data may hold the report fields and "indicators" ({indicator id: value or None}).
    Editing a returned report takes it back to draft, so reviewers never read a
    half-revised text; it still counts as received, since it was sent once.
    """
    _check_slot(assignment, period, at)
    _check_entry_open(assignment, period, at)
    report, created = _locked_slot(assignment, period)
    report.assignment = assignment  # already loaded by the caller
    current = 0 if created else report.version
    if version is not None and version != current:
        raise ValidationError(_stale_message(report), code="stale")
    _check_editable(report)
    for field in REPORT_FIELDS:
        if field in data:
            value = data[field]
            # A text of spaces and invisible characters says nothing: kept as empty.
            setattr(report, field, "" if field in TEXT_FIELDS and is_blank(value) else value)
    if period is None:
        report.assessment, report.percent_done = ProgressReport.Assessment.DONE, 100
    report.updated_by = by
    report.version = current + 1
    # The slot (assignment, period) is the row just locked: checking that both exist and
    # that no other report holds it would only repeat that query; the people are the
    # signed-in user; the constraints' checks are the fields' validators again.
    report.full_clean(
        exclude=["assignment", "period", "updated_by", "submitted_by"], validate_constraints=False
    )
    report_start_revision(report=report, by=by, save=False, at=at)
    report.save()
    if "indicators" in data:
        _save_indicator_values(report, data["indicators"])
    audit_slot(
        by=by,
        action="report.draft_saved",
        obj=report,
        what=_("Lưu báo cáo hoàn thành") if period is None else _("Lưu báo cáo"),
        assignment=assignment,
        period=period,
        version=report.version,
        at=at,
    )
    return report


def report_start_revision(*, report: ProgressReport, by, save: bool = True, at=None) -> None:
    """The unit's first change to a returned report (its text or its files) takes it back
    to draft: from then on reviewers no longer see it until it is sent again."""
    if report.status == Status.RETURNED:
        _transition(report, Status.DRAFT, by=by, at=at)
        _audit_report(report, by, "report.revised", _("Bắt đầu sửa báo cáo bị trả lại"), at=at)
        if save:
            report.save(update_fields=["status", "updated_at"])


def _check_complete(report: ProgressReport) -> None:
    errors = {}
    if is_blank(report.achievements):
        errors["achievements"] = (
            _("Cần nêu kết quả thực hiện trước khi báo cáo hoàn thành.")
            if report.is_completion
            else _("Cần nêu kết quả thực hiện trước khi gửi báo cáo.")
        )
    if report.assessment == ProgressReport.Assessment.DONE and report.percent_done != 100:
        errors["percent_done"] = _("Đã đánh giá “Hoàn thành” thì tỷ lệ hoàn thành phải là 100%.")
    if report.assessment == ProgressReport.Assessment.BLOCKED and is_blank(report.difficulties):
        errors["difficulties"] = _("Đã đánh giá “Gặp vướng mắc” thì cần nêu khó khăn, vướng mắc.")
    # A completion report gives the result: the task's figures are reported each period.
    indicators = report.assignment.task.indicators
    required = [] if report.is_completion else indicators.filter(required=True)
    given = set(report.indicator_values.values_list("indicator_id", flat=True) if required else ())
    for indicator in required:
        if indicator.pk not in given:
            errors[f"indicator_{indicator.pk}"] = _(
                "Cần nhập chỉ tiêu “%(name)s” trước khi gửi."
            ) % {"name": indicator.name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_submit(*, report: ProgressReport, by, at: datetime.datetime | None = None):
    """Send the report to the reviewers. The first sending time decides timeliness."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("assignment__task__section", "assignment__unit", "period")
        .get(pk=report.pk)
    )
    if not report.is_editable:
        raise ValidationError(_("Báo cáo này đã được gửi."))
    _check_entry_open(report.assignment, report.period, at)
    _check_complete(report)
    at = at or timezone.now()
    _transition(report, Status.SUBMITTED, by=by, at=at)
    if report.submitted_at is None:
        report.submitted_at = at
        report.submitted_by = by
    report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    what = _("Báo cáo hoàn thành") if report.is_completion else _("Gửi báo cáo")
    _audit_report(report, by, "report.submitted", what, at=at)
    if report.is_completion:
        completion_declared_notify(report=report)
    return report


@transaction.atomic
def report_accept(*, report: ProgressReport, by, at: datetime.datetime | None = None):
    """Accept a period's report; or confirm a task done (xác nhận hoàn thành): it is done
    on the day the unit last declared it (Assignment.done_on)."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Chỉ tiếp nhận được báo cáo đang chờ xem xét."))
    _transition(report, Status.ACCEPTED, by=by, at=at)
    report.save(update_fields=["status", "updated_at"])
    if report.is_completion:
        declared = report.transitions.filter(to_status=Status.SUBMITTED).latest("at", "pk").at
        done_on = timezone.localdate(declared)
        given = Assignment.objects.filter(pk=report.assignment_id)
        given.update(done_on=done_on)
        # Reported each period until done: the periods after it expect nothing more.
        directive_id, unit_id = given.values_list("task__section__directive_id", "unit_id").get()
        figures_stale.send(sender=Assignment, directive_id=directive_id, unit_ids=[unit_id])
        _audit_report(
            report,
            by,
            "task.done_confirmed",
            _("Xác nhận hoàn thành"),
            done_on=done_on.isoformat(),
            at=at,
        )
        completion_confirmed_notify(report=report)
    else:
        _audit_report(report, by, "report.accepted", _("Tiếp nhận báo cáo"), at=at)
    return report


@transaction.atomic
def report_return(
    *, report: ProgressReport, by, reason: str, at=None, notify: bool = True
) -> ProgressReport:
    """Send the report back to its unit for revision; the unit is told after commit
    (unless notify is False, as when loading history). Returned after the period locked,
    it reopens the period for the unit, so it can do what it is asked."""
    if is_blank(reason):
        raise ValidationError({"reason": _("Cần nêu lý do trả lại để đơn vị bổ sung.")})
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("assignment", "period__directive")
        .get(pk=report.pk)
    )
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được báo cáo đang chờ xem xét."))
    _transition(report, Status.RETURNED, by=by, reason=reason.strip(), at=at)
    report.save(update_fields=["status", "updated_at"])
    what = _("Trả lại báo cáo hoàn thành") if report.is_completion else _("Trả lại báo cáo")
    _audit_report(report, by, "report.returned", what, at=at)
    day = timezone.localdate(at) if at else timezone.localdate()
    if entry_closed_reason(assignment=report.assignment, period=report.period, day=day):
        reopening = PeriodReopening.objects.create(
            period=report.period,
            unit_id=report.assignment.unit_id,
            until=day + datetime.timedelta(days=report.period.directive.lock_days),
            by=by,
            reason=_("Mở lại để bổ sung báo cáo bị trả lại."),
        )
        audit_slot(
            by=by,
            action="period.reopened",
            obj=reopening,
            what=_("Mở lại kỳ báo cáo (trả lại sau khi khóa)"),
            assignment=report.assignment_id,
            period=report.period_id,
            until=reopening.until.isoformat(),
        )
    if notify:
        # Through the outbox: sent after commit, and later if the broker is down.
        outbox_add("reports.tasks.notify_report_returned", report.pk)
    return report
