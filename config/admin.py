"""The Django admin, for superusers only. Daily administration (units, accounts, roles)
happens in the app's own pages (accounts/administration), through services that check the
permission module and write the audit log; here records are read, and the few edits left
(the calendar's exceptions, accounts' flags) are audited (ops.admin.Audited)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AdminSite(admin.AdminSite):
    site_header = _("Đôn đốc: quản trị hệ thống")
    site_title = _("Đôn đốc")

    def has_permission(self, request) -> bool:
        """A staff flag or model permissions are not enough: only a superuser."""
        return request.user.is_active and request.user.is_superuser

    def login(self, request, extra_context=None):
        """The app's own sign-in (lockout, second factor, audit), then back here."""
        from django.contrib.auth.views import redirect_to_login  # apps load this module first

        return redirect_to_login(request.GET.get("next", reverse("admin:index")))

    def logout(self, request, extra_context=None):
        from accounts.signin.views import LogoutView  # apps load this module first

        return LogoutView.as_view()(request)


class AdminConfig(DjangoAdminConfig):
    default_site = "config.admin.AdminSite"
