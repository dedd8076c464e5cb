from django import template
from django.utils.translation import gettext_lazy as _

from reports.models import ProgressReport

register = template.Library()

STATUS_LABELS = {
    **dict(ProgressReport.Status.choices),
    "missing": _("Chưa nộp"),
    "overdue": _("Quá hạn"),
    "revising": _("Đang bổ sung"),
}
STATUS_COLOURS = {
    "missing": "secondary",
    "overdue": "danger",
    "draft": "light",
    "submitted": "primary",
    "accepted": "success",
    "returned": "warning",
    "revising": "info",
}


@register.inclusion_tag("reports/_status_badge.html")
def status_badge(status: str, percent=None):
    return {
        "status": status,
        "label": STATUS_LABELS.get(status, status),
        "colour": STATUS_COLOURS.get(status, "secondary"),
        "percent": percent,
    }


@register.filter
def percent(value) -> str:
    """A rate as Vietnamese write it: 87,5%; a dash when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").removesuffix(",0") + "%"
