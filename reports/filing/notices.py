"""What a unit and its reviewers are told as a report goes between them: a report returned
(in the app and by e-mail), an extension asked for or decided, a comment."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.notifications.models import Notification
from reports.notifications.services import notify, reviewers_of, unit_reporters
from units.models import Membership
from units.permissions import can

from .models import ProgressReport
from .selectors import last_return_reason, slot_label, slot_url


def report_returned_notify(*, report: ProgressReport) -> int:
    """Tell the unit's reporters that their report came back, with the reason: an in-app
    notice to each active reporter, linking to the report form, and an e-mail to those
    with an address.

    Returns how many addresses were written to.
    """
    reporters = list(
        Membership.objects.filter(
            unit_id=report.assignment.unit_id,
            role=Membership.Role.REPORTER,
            user__is_active=True,
        ).values_list("user_id", "user__email")
    )
    reason = last_return_reason(report)
    task, period = report.assignment.task.code, slot_label(report.period)
    message = _("Báo cáo về nhiệm vụ %(task)s, %(period)s đã bị trả lại để bổ sung.") % {
        "task": task,
        "period": period,
    }
    if reason:
        message += " " + _("Lý do: %(reason)s") % {"reason": reason}
    url = slot_url(report.assignment_id, report.period_id)
    Notification.objects.bulk_create(
        Notification(user_id=user_id, message=message, url=url)
        for user_id in sorted({user_id for user_id, _email in reporters})
    )
    recipients = sorted({email for _user_id, email in reporters if email})
    if not recipients:
        return 0
    context = {"report": report, "reason": reason, "slot_label": period}
    send_mail(
        subject=_("Báo cáo bị trả lại: %(task)s, %(period)s") % {"task": task, "period": period},
        message=render_to_string("emails/report_returned.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)


def extension_requested_notify(*, extension) -> int:
    """Reviewers learn that a unit asks for more time."""
    a = extension.assignment
    message = _("%(unit)s xin gia hạn nhiệm vụ %(task)s, %(period)s đến ngày %(day)s.") % {
        "unit": a.unit.name,
        "task": a.task.code,
        "period": slot_label(extension.period),
        "day": f"{extension.new_due:%d/%m/%Y}",
    }
    url = slot_url(a.pk, extension.period_id, reviewer=True)
    return notify(judges_of(a), message, url)


def extension_decided_notify(*, extension) -> int:
    """The unit learns the decision on its request."""
    a = extension.assignment
    message = _("Đề nghị gia hạn nhiệm vụ %(task)s, %(period)s: %(decision)s.") % {
        "task": a.task.code,
        "period": slot_label(extension.period),
        "decision": extension.get_status_display().lower(),
    }
    if extension.decision_note:
        message += " " + _("Ý kiến: %(note)s") % {"note": extension.decision_note}
    url = slot_url(a.pk, extension.period_id)
    return notify(unit_reporters(a.unit_id), message, url)


def comment_added_notify(*, comment) -> int:
    """A comment from the unit goes to the reviewers; one from a reviewer to the unit."""
    report = comment.report
    a = report.assignment
    unit_people = unit_reporters(a.unit_id)
    context = {"task": a.task.code, "period": slot_label(report.period), "unit": a.unit.name}
    if comment.author_id in unit_people:
        message = _("%(unit)s trao đổi về báo cáo nhiệm vụ %(task)s, %(period)s.") % context
        url = reverse("reports:detail", args=[report.pk])
        recipients = reviewers_of(a.unit_id) if not report.is_draft else set()
    else:
        message = _("Có ý kiến trao đổi về báo cáo nhiệm vụ %(task)s, %(period)s.") % context
        url = slot_url(a.pk, report.period_id)
        recipients = unit_people
    return notify(recipients, message, url, skip=comment.author_id)


def judges_of(assignment) -> set[int]:
    """Who confirms or returns what the unit sends ("assignment.judge"): reviewers not of
    the unit; for a task handed down, those of the unit above whom the permission module
    lets judge it (its head; its reporters where the directive lets them hand down)."""
    if assignment.parent_id is None:
        return reviewers_of(assignment.unit_id)
    staff = Membership.objects.filter(
        unit_id=assignment.parent.unit_id, user__is_active=True
    ).select_related("user")
    return {m.user_id for m in staff if can(m.user, "assignment.judge", assignment)}


def _task_words(assignment) -> dict:
    task = assignment.task
    return {
        "unit": assignment.unit.name,
        "task": task.code,
        "directive": task.section.directive.number,
    }


def completion_declared_notify(*, report: ProgressReport) -> int:
    """Those who judge it learn that the unit declared the task done."""
    a = report.assignment
    message = _(
        "%(unit)s báo cáo hoàn thành nhiệm vụ %(task)s (%(directive)s); đề nghị xác nhận."
    ) % _task_words(a)
    return notify(judges_of(a), message, reverse("reports:detail", args=[report.pk]))


def completion_confirmed_notify(*, report: ProgressReport) -> int:
    """The unit learns that its declaration was confirmed."""
    a = report.assignment
    message = _("Nhiệm vụ %(task)s (%(directive)s) đã được xác nhận hoàn thành.") % (_task_words(a))
    return notify(unit_reporters(a.unit_id), message, reverse("reports:detail", args=[report.pk]))


def handed_down_notify(*, assignments) -> int:
    """Each unit below learns of the task handed to it, and by when."""
    sent = 0
    for a in assignments:
        words = _task_words(a) | {"from": a.parent.unit.name}
        if a.due:
            message = _("%(from)s giao nhiệm vụ %(task)s (%(directive)s), hạn %(due)s.") % (
                words | {"due": f"{a.due:%d/%m/%Y}"}
            )
        else:
            message = _("%(from)s giao nhiệm vụ %(task)s (%(directive)s).") % words
        url = slot_url(a.pk, None) if a.due else reverse("reports:unit_work")
        sent += notify(unit_reporters(a.unit_id), message, url)
    return sent
