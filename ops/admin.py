from django.contrib import admin

from workdays.models import CalendarException

from .audit import audit
from .models import AuditEvent, OutboxMessage


class ReadOnly:
    """Shown, never changed in the admin: records kept as they were written, or kept in
    line by the app's own pages and services. For a ModelAdmin or an inline alike."""

    extra = 0  # an inline offers no empty form

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class Audited:
    """An edit left to the superuser's admin is written to the audit log like any other."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = ", ".join(form.changed_data) or "—"
        summary = f"{obj._meta.verbose_name} “{obj}”: {changed}"
        audit(actor=request.user, action="admin.saved", obj=obj, summary=summary)

    def delete_model(self, request, obj):
        audit(
            actor=request.user,
            action="admin.deleted",
            obj=obj,
            summary=f"{obj._meta.verbose_name} “{obj}”",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "summary"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["summary"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Side effects waiting for the broker (done_at empty) and those done."""

    list_display = ["task", "created_at", "queued_at", "done_at", "attempts"]
    list_filter = ["task"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(Audited, admin.ModelAdmin):
    """Extra days off and swapped working days: Tết differs each year."""

    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
