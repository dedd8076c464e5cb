"""Units, groups and roles are administered in the app (accounts/administration), whose
services check who may and write the audit log; the admin only shows them."""

from django.contrib import admin

from ops.admin import ReadOnlyAdmin

from .models import Membership, Unit, UnitGroup


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(UnitGroup)
class UnitGroupAdmin(ReadOnlyAdmin):
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "unit", "role", "source"]
    list_filter = ["role", "source"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "unit__name"]
