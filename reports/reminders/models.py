"""That a reminder went out, so it never goes out twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.models import Assignment
from reports.periods.models import ReportingPeriod


class Reminder(models.Model):
    """That a reminder went out for a report slot (a period's report, or, with no period,
    a task's deadline), so it never goes out twice.

    `window` is the day the reminder is for: the due-soon day, the due date, each
    overdue day, the escalation day.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Sắp đến hạn")
        DUE_TODAY = "due_today", _("Đến hạn hôm nay")
        OVERDUE = "overdue", _("Quá hạn")
        ESCALATION = "escalation", _("Báo lãnh đạo đơn vị")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Để trống: nhắc hạn hoàn thành nhiệm vụ có thời hạn."),
    )
    kind = models.CharField(_("loại nhắc"), max_length=16, choices=Kind.choices)
    window = models.DateField(_("nhắc cho ngày"))
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần nhắc hạn")
        verbose_name_plural = _("lần nhắc hạn")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period", "kind", "window"], name="one_reminder_per_window"
            ),
            models.UniqueConstraint(
                fields=["assignment", "kind", "window"],
                condition=models.Q(period__isnull=True),
                name="one_deadline_reminder_per_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.assignment} · {self.window:%d/%m/%Y}"
