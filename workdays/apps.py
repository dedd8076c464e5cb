from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """Vietnam's working days: what a due date or a deadline falls on."""

    name = "workdays"
    verbose_name = _("Lịch làm việc")
