"""The counting engine's kept totals: what it counts of one unit in one period, kept as
reports change (reports.figures.kept), so that a dashboard sums a few rows per unit
instead of scanning every report."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.periods.models import ReportingPeriod
from units.models import Unit

# What is kept: the counts that do not depend on the day they are read. Overdue and
# "on time after extension" do (a due date passes, an extension is granted): the engine
# adds them when it reads (engine._count_extended).
KEPT = ("expected", "received", "on_time", "accepted", "readable", "percent_sum", "done", "behind")


class KeptTotals(models.Model):
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    expected = models.IntegerField(default=0)
    received = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    readable = models.IntegerField(default=0)
    percent_sum = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    behind = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu giữ sẵn")
        verbose_name_plural = _("số liệu giữ sẵn")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="kept_totals_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.unit_id}"
