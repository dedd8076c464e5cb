"""Messages to units about their reports. E-mail now; the in-app bell comes with reminders."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from units.models import Membership

from .models import ProgressReport
from .selectors import last_return_reason


def report_returned_notify(*, report: ProgressReport) -> int:
    """E-mail the unit's reporters that their report came back, with the reason.

    Returns how many addresses were written to.
    """
    recipients = list(
        Membership.objects.filter(
            unit_id=report.assignment.unit_id,
            role=Membership.Role.REPORTER,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    context = {"report": report, "reason": last_return_reason(report)}
    send_mail(
        subject=_("Báo cáo bị trả lại: %(task)s, %(period)s")
        % {"task": report.assignment.task.code, "period": report.period.label},
        message=render_to_string("emails/report_returned.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)
