"""Messages to users about their reports: e-mail (the backend comes from settings) and
the in-app bell (`Notification`).

The rules of who is reminded of what, and when, are in reports/reminders.py; this module
only words and delivers the messages.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from units.models import Membership

from .models import Notification, ProgressReport, Reminder
from .selectors import last_return_reason

if TYPE_CHECKING:
    from .reminders import DueReport

Kind = Reminder.Kind


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
    task, period = report.assignment.task.code, report.period.label
    message = _("Báo cáo về nhiệm vụ %(task)s, %(period)s đã bị trả lại để bổ sung.") % {
        "task": task,
        "period": period,
    }
    if reason:
        message += " " + _("Lý do: %(reason)s") % {"reason": reason}
    url = reverse("reports:file", args=[report.assignment_id, report.period_id])
    Notification.objects.bulk_create(
        Notification(user_id=user_id, message=message, url=url)
        for user_id in sorted({user_id for user_id, _email in reporters})
    )
    recipients = sorted({email for _user_id, email in reporters if email})
    if not recipients:
        return 0
    context = {"report": report, "reason": reason}
    send_mail(
        subject=_("Báo cáo bị trả lại: %(task)s, %(period)s") % {"task": task, "period": period},
        message=render_to_string("emails/report_returned.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)


# In-app notices of the exchange between a unit and its reviewers ---------------------


def _unit_reporters(unit_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            unit_id=unit_id, role=Membership.Role.REPORTER, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _reviewers_of(unit_id: int) -> set[int]:
    """Reviewers who may judge the unit: none of them belongs to it."""
    members = Membership.objects.filter(unit_id=unit_id).values("user_id")
    return set(
        Membership.objects.filter(role=Membership.Role.REVIEWER, user__is_active=True)
        .exclude(user_id__in=members)
        .values_list("user_id", flat=True)
    )


def _notify(user_ids, message: str, url: str, *, skip=None) -> int:
    user_ids = sorted(set(user_ids) - {skip})
    Notification.objects.bulk_create(
        Notification(user_id=user_id, message=message, url=url) for user_id in user_ids
    )
    return len(user_ids)


def extension_requested_notify(*, extension) -> int:
    """Reviewers learn that a unit asks for more time."""
    a = extension.assignment
    message = _("%(unit)s xin gia hạn nhiệm vụ %(task)s, %(period)s đến ngày %(day)s.") % {
        "unit": a.unit.name,
        "task": a.task.code,
        "period": extension.period.label,
        "day": f"{extension.new_due:%d/%m/%Y}",
    }
    url = reverse("reports:follow_up", args=[a.pk, extension.period_id])
    return _notify(_reviewers_of(a.unit_id), message, url)


def extension_decided_notify(*, extension) -> int:
    """The unit learns the decision on its request."""
    a = extension.assignment
    message = _("Đề nghị gia hạn nhiệm vụ %(task)s, %(period)s: %(decision)s.") % {
        "task": a.task.code,
        "period": extension.period.label,
        "decision": extension.get_status_display().lower(),
    }
    if extension.decision_note:
        message += " " + _("Ý kiến: %(note)s") % {"note": extension.decision_note}
    url = reverse("reports:file", args=[a.pk, extension.period_id])
    return _notify(_unit_reporters(a.unit_id), message, url)


def comment_added_notify(*, comment) -> int:
    """A comment from the unit goes to the reviewers; one from a reviewer to the unit."""
    report = comment.report
    a = report.assignment
    unit_people = _unit_reporters(a.unit_id)
    context = {"task": a.task.code, "period": report.period.label, "unit": a.unit.name}
    if comment.author_id in unit_people:
        message = _("%(unit)s trao đổi về báo cáo nhiệm vụ %(task)s, %(period)s.") % context
        url = reverse("reports:detail", args=[report.pk])
        recipients = _reviewers_of(a.unit_id) if not report.is_draft else set()
    else:
        message = _("Có ý kiến trao đổi về báo cáo nhiệm vụ %(task)s, %(period)s.") % context
        url = reverse("reports:file", args=[a.pk, report.period_id])
        recipients = unit_people
    return _notify(recipients, message, url, skip=comment.author_id)


# Reminders ----------------------------------------------------------------------------

# The order a person reads them in: what is most late first.
KIND_ORDER = (Kind.ESCALATION, Kind.OVERDUE, Kind.DUE_TODAY, Kind.DUE_SOON)


def _kind_count(kind: str, count: int) -> str:
    return {
        Kind.ESCALATION: _("%(count)d báo cáo quá hạn của đơn vị cần lãnh đạo đôn đốc"),
        Kind.OVERDUE: _("%(count)d báo cáo quá hạn"),
        Kind.DUE_TODAY: _("%(count)d báo cáo đến hạn hôm nay"),
        Kind.DUE_SOON: _("%(count)d báo cáo sắp đến hạn"),
    }[kind] % {"count": count}


def _in_order(items: Sequence["DueReport"]) -> list["DueReport"]:
    def key(d: "DueReport"):
        task = d.assignment.task
        return (
            KIND_ORDER.index(d.kind),
            d.due,
            d.assignment.unit.name,
            task.section.directive.number,
            task.section.order,
            task.order,
        )

    return sorted(items, key=key)


def _summary(items: Sequence["DueReport"]) -> str:
    counts = {kind: sum(1 for d in items if d.kind == kind) for kind in KIND_ORDER}
    parts = [_kind_count(kind, count) for kind, count in counts.items() if count]
    return _("Nhắc hạn báo cáo: %(parts)s.") % {"parts": ", ".join(parts)}


def _line(d: "DueReport") -> str:
    line = _("%(unit)s · nhiệm vụ %(task)s (%(directive)s) · %(period)s · hạn %(due)s") % {
        "unit": d.assignment.unit.name,
        "task": d.assignment.task.code,
        "directive": d.assignment.task.section.directive.number,
        "period": d.period.label,
        "due": f"{d.due:%d/%m/%Y}",
    }
    if d.kind in (Kind.OVERDUE, Kind.ESCALATION):
        line += " · " + _("quá hạn %(days)d ngày") % {"days": d.days_overdue}
    return line


def _reminder_url(items: Sequence["DueReport"]) -> str:
    """Where the bell's notice leads: the report form when there is one report to file,
    the unit's work page for several; the dashboard for a leader told of escalations."""
    own = [d for d in items if d.kind != Kind.ESCALATION]
    if len(own) == 1:
        return own[0].url
    if own:
        return reverse("reports:unit_work")
    directives = {d.assignment.task.section.directive_id for d in items}
    if len(directives) == 1:
        return reverse("reports:dashboard", args=[directives.pop()])
    return reverse("reports:dashboard_index")


IN_APP_LINES = 10


def reminders_notify_in_app(*, by_user: Mapping) -> int:
    """One in-app notice per person ({user: [DueReport]}), in one query."""
    notices = []
    for user, items in by_user.items():
        ordered = _in_order(items)
        lines = [_summary(ordered), *(f"– {_line(d)}" for d in ordered[:IN_APP_LINES])]
        if len(ordered) > IN_APP_LINES:
            lines.append(_("… và %(count)d báo cáo khác.") % {"count": len(ordered) - IN_APP_LINES})
        notices.append(
            Notification(user=user, message="\n".join(lines), url=_reminder_url(ordered))
        )
    Notification.objects.bulk_create(notices)
    return len(notices)


def reminders_email(*, by_user: Mapping) -> int:
    """One e-mail per person with an address ({user: [DueReport]}), listing every report
    they are reminded of, sent over one connection. Returns how many were sent."""
    emails = []
    for user, items in by_user.items():
        if not user.email:
            continue
        ordered = _in_order(items)
        sections = [
            {"kind": kind, "items": [d for d in ordered if d.kind == kind]} for kind in KIND_ORDER
        ]
        context = {
            "name": user.get_full_name() or user.username,
            "today": ordered[0].today,
            "sections": [s for s in sections if s["items"]],
        }
        emails.append(
            EmailMessage(
                subject=_summary(ordered).removesuffix("."),
                body=render_to_string("emails/reminders.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[user.email],
            )
        )
    if not emails:
        return 0
    return get_connection().send_messages(emails) or 0
