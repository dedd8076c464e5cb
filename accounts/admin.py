"""Accounts in the superuser's admin: their edits are audited. Roles are not Django groups
(memberships, given in the app's administration pages), so the groups page goes away."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from ops.admin import Audited

admin.site.unregister(Group)
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AuditedUserAdmin(Audited, UserAdmin):
    pass
