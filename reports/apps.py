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
        self.keep_totals()

    def keep_totals(self):
        """The counting engine's kept totals follow every change they count
        (reports/figures/kept.py)."""
        from django.db.models.signals import post_delete, post_init, post_save

        from directives.models import Assignment, Directive, Task
        from reports.figures import kept
        from reports.filing.models import ProgressReport
        from units.models import Unit
        from units.signals import figures_stale

        figures_stale.connect(kept.stale, dispatch_uid="reports.kept")
        post_init.connect(kept.report_loaded, sender=ProgressReport, dispatch_uid="kept.r")
        post_save.connect(kept.report_saved, sender=ProgressReport, dispatch_uid="kept.r")
        post_delete.connect(kept.report_deleted, sender=ProgressReport, dispatch_uid="kept.r")
        for model, facts, saved in (
            (Assignment, kept.ASSIGNMENT_FACTS, kept.assignment_saved),
            (Unit, kept.UNIT_FACTS, kept.unit_saved),
            (Task, kept.TASK_FACTS, kept.task_saved),
            (Directive, kept.DIRECTIVE_FACTS, kept.directive_saved),
        ):
            uid = f"kept.{model.__name__}"
            post_init.connect(kept.loaded(facts), sender=model, weak=False, dispatch_uid=uid)
            post_save.connect(saved, sender=model, dispatch_uid=uid)
