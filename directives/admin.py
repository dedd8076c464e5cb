from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ops.admin import ReadOnly, ReadOnlyAdmin

from .models import Addressee, Assignment, Directive, Indicator, Section, Task
from .services import directive_publish

# The structure is changed in the directive editor (/van-ban/<id>/cau-truc/), whose
# services keep assignments in line, record changes and never delete a unit's reports;
# the admin only shows it. Its one action, publishing, goes through the same service.


class SectionInline(ReadOnly, admin.StackedInline):
    model = Section


class AddresseeInline(ReadOnly, admin.TabularInline):
    model = Addressee


class TaskInline(ReadOnly, admin.StackedInline):
    model = Task


@admin.register(Directive)
class DirectiveAdmin(ReadOnlyAdmin):
    list_display = ["number", "doc_type", "issued_on", "issuer", "status"]
    list_filter = ["status", "doc_type"]
    search_fields = ["number", "subject"]
    inlines = [SectionInline]
    actions = ["publish"]

    @admin.action(description=_("Ban hành: giao nhiệm vụ cho các đơn vị, mở kỳ báo cáo"))
    def publish(self, request, queryset):
        count = 0
        for directive in queryset:
            try:
                directive_publish(directive=directive, by=request.user)
            except ValidationError as refusal:
                self.message_user(
                    request, f"{directive}: {' '.join(refusal.messages)}", messages.ERROR
                )
            else:
                count += 1
        if count:
            message = ngettext(
                "Đã ban hành %(count)d văn bản.", "Đã ban hành %(count)d văn bản.", count
            )
            self.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["directive", "number", "heading"]
    inlines = [AddresseeInline, TaskInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["task", "unit", "role"]
    list_filter = ["role", "task__section__directive"]
    search_fields = ["unit__name"]


class IndicatorInline(ReadOnly, admin.TabularInline):
    model = Indicator


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Tasks with their indicators (chỉ tiêu), which the section page cannot nest."""

    list_display = ["__str__", "section"]
    list_filter = ["section__directive"]
    list_select_related = ["section"]
    search_fields = ["text"]
    inlines = [IndicatorInline]
