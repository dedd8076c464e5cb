from django.contrib import admin

from .models import AuditEvent, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as they were written: shown, never changed here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
