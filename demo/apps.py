from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: Công văn 136-CV/HU and its units, loaded by `manage.py load_demo`."""

    name = "demo"
    verbose_name = _("Dữ liệu mẫu")
