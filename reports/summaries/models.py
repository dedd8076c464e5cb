"""A summary report (báo cáo tổng hợp) being drafted, and each export made of it."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from directives.models import Directive
from reports.periods.models import ReportingPeriod

from . import frozen


def _margin(name, default: int, low: int, high: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        name, default=default, validators=[MinValueValidator(low), MaxValueValidator(high)]
    )


def has_number(number: str) -> bool:
    """ "45-BC/HU" has its number; "-BC/HU" (the symbol, the number to be written in when
    it is signed) has none yet."""
    number = number.strip()
    return bool(number) and not number.startswith("-")


ANNEX_UNITS_MAX = 500  # units a document's annex lists one by one unless asked otherwise


class Summary(models.Model):
    """A báo cáo tổng hợp in the making: composed from the filed reports of a range of
    periods, then edited by the secretary before it is exported."""

    class AnnexBy(models.TextChoices):
        """How a document's annex lists the units (summaries.levels)."""

        AUTO = (
            "auto",
            format_lazy(
                _("Tự động: từng đơn vị đến {n} đơn vị, nhiều hơn thì theo đơn vị trực thuộc"),
                n=ANNEX_UNITS_MAX,
            ),
        )
        BELOW = "below", _("Cộng theo đơn vị trực thuộc")
        BELOW_2 = "below2", _("Cộng theo cấp dưới của các đơn vị trực thuộc")
        GROUP = "group", _("Cộng theo nhóm đơn vị được giao nhiệm vụ")
        UNIT = "unit", _("Từng đơn vị (phụ lục có thể rất dài)")

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
    annex_by = models.CharField(
        _("phụ lục của bản DOCX, PDF"),
        max_length=8,
        choices=AnnexBy.choices,
        default=AnnexBy.AUTO,
        help_text=_("Bản xuất bảng tính (XLSX) luôn có số liệu của từng đơn vị."),
    )
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
        return f"{self.name} · {self.period_label}"

    @property
    def name(self) -> str:
        """What the pages call it: "Số 45-BC/HU", or, with no number yet, not "Số -BC/HU"."""
        if has_number(self.number):
            return str(_("Số %(number)s") % {"number": self.number.strip()})
        return str(_("Báo cáo tổng hợp (chưa có số)"))

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
        CANCELLED = "cancelled", _("Đã hủy")

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
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    # The draft as it stood when the export was asked for; the figures join it when the
    # export starts. A retried export renders the same snapshot again.
    snapshot = models.JSONField(_("số liệu chốt"), null=True, blank=True, editable=False)
    # The rows of the snapshot's tables (summaries.frozen: a stream), kept beside it.
    figures = models.FileField(
        _("số liệu chốt (các dòng)"), upload_to=export_path, max_length=255, blank=True
    )
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
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    def frozen(self) -> dict:
        """The snapshot as a renderer reads it: each table's rows readable, from the
        file beside it (`frozen.attached`)."""
        figures = self.figures
        return frozen.attached(
            self.snapshot, (lambda: figures.storage.open(figures.name, "rb")) if figures else None
        )
