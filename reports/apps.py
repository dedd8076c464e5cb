from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self):
        from directives.signals import directive_published, schedule_changed
        from reports import tasks  # noqa: F401  (registers the tasks the outbox names)
        from reports.periods.services import periods_open_on_publish

        directive_published.connect(periods_open_on_publish, dispatch_uid="reports.periods")
        schedule_changed.connect(periods_open_on_publish, dispatch_uid="reports.schedule")
