"""The days that differ from the usual calendar, as entered in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
        db_table = "reports_calendarexception"  # where it was first kept

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"
