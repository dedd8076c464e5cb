"""Reporting periods, the progress reports units file for them, and each report's history."""

import datetime
import uuid
from functools import cache
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.models import Assignment, Directive, Indicator
from units.models import Unit


@cache
def day_end(day: datetime.date) -> datetime.datetime:
    """The end of `day` in Vietnam's time zone: a report sent before it was sent by `day`.
    The one timeliness rule: the report page, the matrix and the SQL figures all use it."""
    tz = timezone.get_default_timezone()
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tz)


def sent_on_time(submitted_at, due) -> bool | None:
    """Sent by the due date, counted in Vietnam's calendar days; None while not sent."""
    if submitted_at is None:
        return None
    return submitted_at < day_end(due)


class ReportingPeriod(models.Model):
    """A kỳ báo cáo: what happened from start to cutoff is reported by the due date."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="periods"
    )
    label = models.CharField(_("tên kỳ"), max_length=64)
    start = models.DateField(_("từ ngày"))
    cutoff = models.DateField(_("ngày chốt số liệu"))
    due = models.DateField(_("hạn nộp"))
    lock_on = models.DateField(
        _("khóa nhập sau ngày"),
        null=True,
        blank=True,
        help_text=_("Sau ngày này đơn vị không nhập được nữa, trừ khi được mở lại."),
    )

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["start", "cutoff"]
        constraints = [
            # After a schedule change a kept period may start with a new one: start+cutoff.
            models.UniqueConstraint(
                fields=["directive", "start", "cutoff"], name="unique_period_span"
            ),
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

    # PROTECT: a filed report is the record; deleting a task or a directive never takes
    # it away (the editor refuses, and a race that slips past its check fails loudly).
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="reports"
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
    # Optimistic locking: a save names the version it was edited from; a stale one is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
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
        indexes = [
            models.Index(fields=["period", "status"]),
            # The dashboards read every sent report of a period: on PostgreSQL this index
            # answers them without touching the table (an index-only scan).
            models.Index(
                fields=["period"],
                include=["assignment", "submitted_at", "status", "assessment", "percent_done"],
                condition=models.Q(submitted_at__isnull=False),
                name="sent_reports_by_period",
            ),
        ]

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


class IndicatorValue(models.Model):
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("báo cáo"),
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(
        _("giá trị"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="unique_indicator_value"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="indicator_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class CalendarException(models.Model):
    """A day that differs from the usual calendar: an extra day off (Tết often gets some)
    or a Saturday worked in exchange. Public holidays themselves come from `holidays`."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ, làm bù")
        verbose_name_plural = _("lịch nghỉ, làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"


class PeriodReopening(models.Model):
    """A reviewer opens a locked period again for one unit, until a date."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.CASCADE,
        related_name="reopenings",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateField(_("mở đến ngày"))
    reason = models.TextField(_("lý do"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người mở"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("mở lại kỳ báo cáo")
        verbose_name_plural = _("mở lại kỳ báo cáo")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.period} · {self.unit} → {self.until:%d/%m/%Y}"


class ExtensionRequest(models.Model):
    """A unit asks for a later due date (gia hạn). Timeliness still counts the original."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xem xét")
        GRANTED = "granted", _("Đã cho gia hạn")
        REFUSED = "refused", _("Không cho gia hạn")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("phân công"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    new_due = models.DateField(_("xin gia hạn đến ngày"))
    reason = models.TextField(_("lý do xin gia hạn"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period"],
                condition=models.Q(status="pending"),
                name="one_pending_extension_per_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.period} → {self.new_due:%d/%m/%Y}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    """A name nobody can guess or collide with; the user's file name is kept in `name`."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file proving what the report says (minh chứng). Served only through a view that
    checks the reader may see the report, never from a public URL."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    """A message on a report between the unit and the reviewers."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người viết"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("trao đổi")
        verbose_name_plural = _("trao đổi")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Notification(models.Model):
    """An in-app message (the bell): a reminder, a returned report, a decision."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.TextField(_("nội dung"))
    url = models.CharField(_("đường dẫn"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:60]


class Reminder(models.Model):
    """That a reminder went out for a report slot, so it never goes out twice.

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
        ReportingPeriod, verbose_name=_("kỳ báo cáo"), on_delete=models.CASCADE, related_name="+"
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
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.assignment} · {self.window:%d/%m/%Y}"


def _margin(name, default: int, low: int, high: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        name, default=default, validators=[MinValueValidator(low), MaxValueValidator(high)]
    )


class Summary(models.Model):
    """A báo cáo tổng hợp in the making: composed from the filed reports of a range of
    periods, then edited by the secretary before it is exported."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="summaries"
    )
    period_from = models.ForeignKey(
        ReportingPeriod, verbose_name=_("từ kỳ"), on_delete=models.PROTECT, related_name="+"
    )
    period_to = models.ForeignKey(
        ReportingPeriod, verbose_name=_("đến kỳ"), on_delete=models.PROTECT, related_name="+"
    )
    parent_body = models.CharField(_("cơ quan cấp trên"), max_length=255, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255)
    number = models.CharField(
        _("số, ký hiệu"), max_length=64, help_text=_("Ví dụ: 45-BC/HU; để trống số nếu chưa có.")
    )
    place = models.CharField(_("địa danh"), max_length=128)
    dated = models.DateField(_("ngày báo cáo"))
    title = models.CharField(_("tên loại"), max_length=64, default="BÁO CÁO")
    subject = models.TextField(_("trích yếu"))
    situation = models.TextField(_("I. Tình hình triển khai"), blank=True)
    results = models.TextField(_("II. Kết quả thực hiện"), blank=True)
    difficulties = models.TextField(_("III. Khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("IV. Kiến nghị, đề xuất"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi nơi một dòng."))
    signer_on_behalf = models.CharField(_("thẩm quyền ký"), max_length=128, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=128, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=128, blank=True)
    # Hướng dẫn 36-HD/VPTW: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
    margin_top = _margin(_("lề trên (mm)"), 20, 20, 25)
    margin_bottom = _margin(_("lề dưới (mm)"), 20, 20, 25)
    margin_left = _margin(_("lề trái (mm)"), 30, 30, 35)
    margin_right = _margin(_("lề phải (mm)"), 15, 15, 20)
    # Optimistic locking, as on reports: a save over a newer edit is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    composed_at = models.DateTimeField(
        _("soạn từ báo cáo lúc"),
        default=timezone.now,
        help_text=_("Lần cuối phần I–IV được viết từ các báo cáo."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người soạn"),
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
        verbose_name = _("báo cáo tổng hợp")
        verbose_name_plural = _("báo cáo tổng hợp")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} · {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.period_from_id == self.period_to_id:
            return self.period_from.label
        return f"{self.period_from.label} – {self.period_to.label}"


def export_path(instance: "Export", filename: str) -> str:
    return f"exports/{instance.directive_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class Export(models.Model):
    """One export of a summary: who asked, when, which periods, the figures frozen at that
    moment (`snapshot`) and the file made from them, which never changes afterwards."""

    class Format(models.TextChoices):
        DOCX = "docx", "DOCX (Word)"
        XLSX = "xlsx", "XLSX (Excel)"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang xuất")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="exports"
    )
    summary = models.ForeignKey(
        Summary,
        verbose_name=_("báo cáo tổng hợp"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exports",
    )
    format = models.CharField(_("định dạng"), max_length=8, choices=Format.choices)
    periods = models.CharField(_("các kỳ"), max_length=160)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    # The draft as it stood when the export was asked for; the figures join it when the
    # export starts. A retried export renders the same snapshot again.
    snapshot = models.JSONField(_("số liệu chốt"), null=True, blank=True, editable=False)
    file = models.FileField(_("tệp"), upload_to=export_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    # Written by the run holding the export, at its claim and as it goes: a run silent for
    # EXPORT_LEASE_SECONDS is presumed dead and another may take the export over.
    heartbeat_at = models.DateTimeField(_("còn chạy lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xuất"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản xuất")
        verbose_name_plural = _("bản xuất")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.directive} · {self.periods} · {self.format}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
