"""Reporting periods (kỳ báo cáo)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.models import Directive


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
    # Whether the counting engine keeps this period's totals (reports/figures/kept.py):
    # set when it is counted whole; until then its figures are counted live.
    figures_kept = models.BooleanField(_("số liệu giữ sẵn"), default=False, editable=False)

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

    @property
    def in_sentence(self) -> str:
        """The label mid-sentence: "tháng 9/2021", "quý 3/2021" ("Tháng 9/2021" heads a
        column or a line)."""
        return self.label[:1].lower() + self.label[1:]
