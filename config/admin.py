"""The Django admin, for superusers only. Daily administration (units, accounts, roles)
happens in the app's own pages (accounts/administration), through services that check the
permission module and write the audit log; here records are read, and the few edits left
(the calendar's exceptions, accounts' flags) are audited (ops.admin.Audited)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminSite(admin.AdminSite):
    site_header = "Đôn đốc: quản trị hệ thống"
    site_title = "Đôn đốc"

    def has_permission(self, request) -> bool:
        """A staff flag or model permissions are not enough: only a superuser."""
        return request.user.is_active and request.user.is_superuser


class AdminConfig(DjangoAdminConfig):
    default_site = "config.admin.AdminSite"
