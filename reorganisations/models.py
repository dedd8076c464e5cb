"""A reorganisation (sắp xếp đơn vị): one recorded act that closes units and opens
their successors on its effective date, with its legal basis, and what it changed (so
that it can be undone until someone reports after it)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class Reorganisation(models.Model):
    class Kind(models.TextChoices):
        MERGE = "merge", _("Hợp nhất, sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        MOVE = "move", _("Chuyển nơi trực thuộc")
        DISSOLVE = "dissolve", _("Giải thể")

    kind = models.CharField(_("hình thức"), max_length=16, choices=Kind.choices)
    basis = models.CharField(
        _("căn cứ"),
        max_length=255,
        help_text=_(
            "Số, ký hiệu và tên văn bản quyết định, ví dụ: Nghị quyết số 1664/NQ-UBTVQH15."
        ),
    )
    basis_date = models.DateField(_("ngày ban hành"))
    effective = models.DateField(
        _("ngày có hiệu lực"),
        help_text=_("Đơn vị cũ hoạt động đến hết ngày trước đó; đơn vị mới nhận việc từ ngày này."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    sources = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị trước sắp xếp"), related_name="reorganised_from"
    )
    results = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị sau sắp xếp"), related_name="reorganised_into", blank=True
    )
    # What the act changed, row by row, for undoing it (services.reorganisation_undo).
    journal = models.JSONField(default=dict, editable=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("thời điểm thực hiện"), auto_now_add=True)
    undone_at = models.DateTimeField(_("thời điểm hoàn tác"), null=True, blank=True)

    class Meta:
        verbose_name = _("sắp xếp đơn vị")
        verbose_name_plural = _("sắp xếp đơn vị")
        ordering = ["-effective", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.basis}, {self.effective:%d/%m/%Y})"
