from django.contrib import admin

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
