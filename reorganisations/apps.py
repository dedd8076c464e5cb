from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorganisationsConfig(AppConfig):
    name = "reorganisations"
    verbose_name = _("Sắp xếp đơn vị")
