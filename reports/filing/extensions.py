"""Deadline extensions (gia hạn) and reopening a locked period (mở lại kỳ báo cáo).

An extension of a period's report moves the date a unit is reminded against and may
enter until; timeliness statistics keep counting against the period's own due date and
show "on time after extension" beside it, so an extension never hides lateness.

An extension of a task's deadline (period None) moves the deadline itself, as the
Government Office counts a deadline adjusted by the one who set it: the task is done on
time by the new date (Assignment.extended_to), and the original stays on every page.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Assignment
from ops.audit import audit
from reports.periods.models import ReportingPeriod
from units.models import Unit
from units.text import is_blank

from .models import ExtensionRequest, PeriodReopening
from .notices import extension_decided_notify, extension_requested_notify
from .services import audit_slot
from .slots import deadline_state, slot_state

MAX_EXTENSION_DAYS = 90  # past the period's due date
MAX_DEADLINE_EXTENSION_DAYS = 366  # past the task's original deadline
Status = ExtensionRequest.Status


def extension_request(
    *,
    assignment: Assignment,
    period: ReportingPeriod | None,
    by,
    new_due: datetime.date,
    reason: str,
) -> ExtensionRequest:
    """Ask for a later due date: a period's report, or (period None) a task's deadline."""
    reason = (reason or "").strip()
    errors = {}
    if is_blank(reason):
        errors["reason"] = _("Cần nêu lý do xin gia hạn.")
    if period is None:
        if not assignment.task.has_deadline:
            raise ValidationError(_("Nhiệm vụ thường xuyên không có hạn hoàn thành để gia hạn."))
        state = deadline_state(assignment=assignment)
        latest = state.original + datetime.timedelta(days=MAX_DEADLINE_EXTENSION_DAYS)
        too_late = _("Chỉ xin gia hạn tối đa %(days)d ngày sau hạn hoàn thành ban đầu.")
        days = MAX_DEADLINE_EXTENSION_DAYS
    else:
        state = slot_state(assignment=assignment, period=period)
        latest = period.due + datetime.timedelta(days=MAX_EXTENSION_DAYS)
        too_late = _("Chỉ xin gia hạn tối đa %(days)d ngày sau hạn nộp của kỳ.")
        days = MAX_EXTENSION_DAYS
    current_due = state.due
    if new_due <= current_due:
        errors["new_due"] = _("Ngày xin gia hạn phải sau hạn hiện tại (%(due)s).") % {
            "due": f"{current_due:%d/%m/%Y}"
        }
    elif new_due > latest:
        errors["new_due"] = too_late % {"days": days}
    if errors:
        raise ValidationError(errors)
    if not state.owes:
        raise ValidationError(
            _("Nhiệm vụ đã báo cáo hoàn thành, không cần gia hạn.")
            if period is None
            else _("Báo cáo đã gửi, không cần gia hạn.")
        )
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                assignment=assignment,
                period=period,
                new_due=new_due,
                reason=reason,
                requested_by=by,
            )
            audit_slot(
                by=by,
                action="extension.requested",
                obj=extension,
                what=_("Xin gia hạn đến %(day)s") % {"day": f"{new_due:%d/%m/%Y}"},
                assignment=assignment.pk,
                period=period and period.pk,
            )
            extension_requested_notify(extension=extension)
            return extension
    except IntegrityError:
        raise ValidationError(_("Đã có một đề nghị gia hạn đang chờ xem xét.")) from None


@transaction.atomic
def extension_decide(
    *, extension: ExtensionRequest, by, grant: bool, note: str = ""
) -> ExtensionRequest:
    """Grant or refuse. Two reviewers at once: the first decision stands, the second is told."""
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Status.PENDING:
        raise ValidationError(
            _("Đề nghị này đã được xem xét: %(status)s.")
            % {"status": extension.get_status_display().lower()}
        )
    note = (note or "").strip()
    if not grant and is_blank(note):
        raise ValidationError({"note": _("Cần nêu lý do không cho gia hạn.")})
    extension.status = Status.GRANTED if grant else Status.REFUSED
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if grant and extension.period_id is None:
        Assignment.objects.filter(pk=extension.assignment_id).update(extended_to=extension.new_due)
    audit_slot(
        by=by,
        action="extension.granted" if grant else "extension.refused",
        obj=extension,
        what=(_("Cho gia hạn đến %(day)s") if grant else _("Không cho gia hạn đến %(day)s"))
        % {"day": f"{extension.new_due:%d/%m/%Y}"},
        assignment=extension.assignment_id,
        period=extension.period_id,
    )
    extension_decided_notify(extension=extension)
    return extension


@transaction.atomic
def period_reopen(
    *, period: ReportingPeriod, unit: Unit, until: datetime.date, by, reason: str = ""
) -> PeriodReopening:
    """Let one unit enter its reports of a locked period again, until a date."""
    today = timezone.localdate()
    if until < today:
        raise ValidationError({"until": _("Ngày mở đến phải từ hôm nay trở đi.")})
    if until > today + datetime.timedelta(days=MAX_EXTENSION_DAYS):
        raise ValidationError(
            {"until": _("Chỉ mở lại tối đa %(days)d ngày.") % {"days": MAX_EXTENSION_DAYS}}
        )
    reopening = PeriodReopening.objects.create(
        period=period, unit=unit, until=until, by=by, reason=(reason or "").strip()
    )
    audit(
        actor=by,
        action="period.reopened",
        obj=reopening,
        summary=_("Mở lại kỳ %(period)s cho %(unit)s đến %(day)s")
        % {"period": period.label, "unit": unit.name, "day": f"{until:%d/%m/%Y}"},
        directive_id=period.directive_id,
        unit_id=unit.pk,
    )
    return reopening
