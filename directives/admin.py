from django.contrib import admin

from .models import Addressee, Assignment, Directive, Section, Task


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0


class AddresseeInline(admin.TabularInline):
    model = Addressee
    extra = 0
    autocomplete_fields = ["unit"]


class TaskInline(admin.StackedInline):
    model = Task
    extra = 0


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ["number", "doc_type", "issued_on", "issuer", "status"]
    list_filter = ["status", "doc_type"]
    search_fields = ["number", "subject"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["directive", "number", "heading"]
    inlines = [AddresseeInline, TaskInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "role"]
    list_filter = ["role", "task__section__directive"]
    search_fields = ["unit__name"]
