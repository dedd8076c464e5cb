"""Reports, periods and exports as recorded: the app's services write them, the admin
only shows them."""

from django.contrib import admin

from ops.admin import ReadOnly, ReadOnlyAdmin
from reports.filing.models import (
    ExtensionRequest,
    PeriodReopening,
    ProgressReport,
    ReportTransition,
)
from reports.periods.models import ReportingPeriod
from reports.summaries.models import Export


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["directive", "label", "start", "cutoff", "due"]
    list_filter = ["directive"]


class ReportTransitionInline(ReadOnly, admin.TabularInline):
    model = ReportTransition
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "period", "status", "percent_done", "submitted_at"]
    list_filter = ["status", "period__directive"]
    list_select_related = ["assignment__unit", "assignment__task__section", "period"]
    inlines = [ReportTransitionInline]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "period", "new_due", "status", "requested_at"]
    list_filter = ["status"]
    list_select_related = ["assignment__unit", "assignment__task__section", "period"]


@admin.register(PeriodReopening)
class PeriodReopeningAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "until", "by", "at"]
    list_select_related = ["period", "unit", "by"]


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    """The export history, read-only: a made export never changes."""

    list_display = ["directive", "periods", "format", "status", "created_by", "created_at"]
    list_filter = ["format", "status", "directive"]
    exclude = ["snapshot"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot").select_related("created_by")
