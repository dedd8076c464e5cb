"""Reminders as their recipients read them: one in-app notice and one e-mail per person,
listing every report they are reminded of, most late first."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.notifications.models import Notification

from .models import Reminder

if TYPE_CHECKING:
    from .due import DueReport

Kind = Reminder.Kind

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
        "period": d.label,
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
