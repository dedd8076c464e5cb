"""Reporting periods, the progress reports units file for them, and each report's history."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.models import Assignment, Directive


def sent_on_time(submitted_at, due) -> bool | None:
    """Sent by the due date, counted in Vietnam's calendar days; None while not sent."""
    if submitted_at is None:
        return None
    return timezone.localdate(submitted_at) <= due


class ReportingPeriod(models.Model):
    """A kỳ báo cáo: what happened from start to cutoff is reported by the due date."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="periods"
    )
    label = models.CharField(_("tên kỳ"), max_length=64)
    start = models.DateField(_("từ ngày"))
    cutoff = models.DateField(_("ngày chốt số liệu"))
    due = models.DateField(_("hạn nộp"))

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "start"], name="unique_period_start"),
            models.CheckConstraint(
                condition=models.Q(cutoff__gte=models.F("start"))
                & models.Q(due__gte=models.F("cutoff")),
                name="period_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ProgressReport(models.Model):
    class Assessment(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang triển khai")
        DONE = "done", _("Hoàn thành")
        BLOCKED = "blocked", _("Gặp vướng mắc")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi")
        ACCEPTED = "accepted", _("Đã tiếp nhận")
        RETURNED = "returned", _("Trả lại để bổ sung")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.CASCADE, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    assessment = models.CharField(
        _("tự đánh giá"),
        max_length=16,
        choices=Assessment.choices,
        default=Assessment.IN_PROGRESS,
    )
    percent_done = models.PositiveSmallIntegerField(
        _("tỷ lệ hoàn thành (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    achievements = models.TextField(_("kết quả thực hiện"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("kiến nghị, đề xuất"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(
        _("gửi lần đầu lúc"),
        null=True,
        blank=True,
        help_text=_("Thời điểm gửi lần đầu; dùng để tính đúng hạn."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa cuối"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["period_id", "assignment_id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "period"], name="unique_report_slot"),
            models.CheckConstraint(
                condition=models.Q(percent_done__lte=100), name="percent_done_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="sent_report_has_submitted_at",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.period}"

    @property
    def is_received(self) -> bool:
        """Counted as received (DHIS2's completeness) once sent, even if later returned."""
        return self.submitted_at is not None

    @property
    def is_draft(self) -> bool:
        """Only the unit sees it: never sent, or being revised after a return."""
        return self.status == self.Status.DRAFT

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def on_time(self) -> bool | None:
        return sent_on_time(self.submitted_at, self.period.due)


class ReportTransition(models.Model):
    """One change of a report's status: who, when, from, to, and why."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("báo cáo"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(
        _("từ trạng thái"), max_length=16, choices=ProgressReport.Status.choices
    )
    to_status = models.CharField(
        _("sang trạng thái"), max_length=16, choices=ProgressReport.Status.choices
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"))
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("lịch sử trạng thái")
        verbose_name_plural = _("lịch sử trạng thái")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status} → {self.to_status}"
