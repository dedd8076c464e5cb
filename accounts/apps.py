from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản và đăng nhập"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the Celery tasks the outbox names)
