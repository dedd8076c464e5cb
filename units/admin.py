from django.contrib import admin

from .models import Membership, Unit, UnitGroup


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent", "successor"]


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["unit"]
    search_fields = ["user__username", "unit__name"]
