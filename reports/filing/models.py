"""A unit's progress report for one task and one period, its history, its figures, its
files and comments, and the requests that move its dates (extension, reopening)."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.models import Assignment, Indicator
from reports.periods.models import ReportingPeriod
from units.files import unguessable_name
from units.models import Unit

# What a unit writes in a report (its figures aside), and its texts.
TEXT_FIELDS = ("achievements", "difficulties", "proposals")
REPORT_FIELDS = ("assessment", "percent_done", *TEXT_FIELDS)
# The limit on each of a report's texts, whoever writes it (the form, the API, the
# spreadsheet, a command): the model's validator, run by the service's full_clean.
TEXT_LIMIT = 10_000  # characters: a long report, not an attachment
TEXT_LIMIT_MESSAGE = _("Tối đa %(limit_value)d ký tự (đang có %(show_value)d).")


def _report_text(name) -> models.TextField:
    return models.TextField(
        name,
        blank=True,
        max_length=TEXT_LIMIT,
        validators=[MaxLengthValidator(TEXT_LIMIT, TEXT_LIMIT_MESSAGE)],
    )


class ProgressReport(models.Model):
    """A unit's report on one task: its progress in one period, or, with no period, its
    declaration that a task with a deadline is done (báo cáo hoàn thành), which a
    reviewer confirms (accepts) or returns, as any report."""

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
        null=True,
        blank=True,
        help_text=_("Để trống: báo cáo hoàn thành nhiệm vụ có thời hạn."),
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
    achievements = _report_text(_("kết quả thực hiện"))
    difficulties = _report_text(_("khó khăn, vướng mắc"))
    proposals = _report_text(_("kiến nghị, đề xuất"))
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
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(period__isnull=True),
                name="one_completion_report",
            ),
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
    def is_completion(self) -> bool:
        """The unit's declaration that the task is done (báo cáo hoàn thành)."""
        return self.period_id is None

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
    """A unit asks for a later due date (gia hạn): a period's report, or, with no period,
    a task's deadline. Timeliness of a period's reports still counts the original date;
    a task's deadline, once extended, is the one it is done on time by."""

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
        null=True,
        blank=True,
        help_text=_("Để trống: gia hạn hoàn thành nhiệm vụ có thời hạn."),
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
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(status="pending", period__isnull=True),
                name="one_pending_deadline_extension",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.period} → {self.new_due:%d/%m/%Y}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return unguessable_name("evidence", filename)


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
