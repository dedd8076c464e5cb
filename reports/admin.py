from django.contrib import admin

from .models import ProgressReport, ReportingPeriod, ReportTransition


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["directive", "label", "start", "cutoff", "due"]
    list_filter = ["directive"]


class ReportTransitionInline(admin.TabularInline):
    model = ReportTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["assignment", "period", "status", "percent_done", "submitted_at"]
    list_filter = ["status", "period__directive"]
    list_select_related = ["assignment__unit", "assignment__task__section", "period"]
    inlines = [ReportTransitionInline]
