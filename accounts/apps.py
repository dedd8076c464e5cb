from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản và đăng nhập")

    def ready(self):
        from django_auth_ldap.backend import populate_user

        from . import tasks  # noqa: F401
        from .directory import user_populated
        from .signin import signals  # noqa: F401  (registers the Celery tasks)

        # Directory sign-in: the roles a directory's groups give, kept in line at every
        # sign-in (accounts/directory.py); the system check reads LDAP_ROLE_MAP's roles.
        populate_user.connect(user_populated, dispatch_uid="accounts.directory.user_populated")
