from django.contrib import admin

from .models import CalendarException


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    """Extra days off and swapped working days: Tết differs each year."""

    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
