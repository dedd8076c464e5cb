from django import template
from django.utils.html import format_html

from reports.filing.slots import COMPLETION_LABELS, DEADLINE_LABELS, STATUS_LABELS

register = template.Library()

STATUS_COLOURS = {
    "missing": "secondary",
    "overdue": "danger",
    "draft": "light",
    "submitted": "primary",
    "accepted": "success",
    "returned": "warning",
    "revising": "info",
    "done_on_time": "success",
    "done_late": "warning",
    "awaiting": "primary",
    "within": "secondary",
}
LABELS = {**STATUS_LABELS, **DEADLINE_LABELS}


@register.simple_tag
def status_badge(status: str, percent=None, completion=False):
    """A report's status as a coloured badge (a simple tag: the matrix draws thousands);
    `completion`: a declaration that a task is done, its statuses named as such."""
    suffix = f" · {percent}%" if percent is not None else ""
    labels = {**LABELS, **COMPLETION_LABELS} if completion else LABELS
    return format_html(
        '<span class="badge text-bg-{} status-{}" data-status="{}">{}{}</span>',
        STATUS_COLOURS.get(status, "secondary"),
        status,
        status,
        labels.get(status, status),
        suffix,
    )


@register.filter
def percent(value) -> str:
    """A rate as Vietnamese write it: 87,5%; a dash when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").removesuffix(",0") + "%"


@register.simple_tag
def link_to(template: str, *ids) -> str:
    """A URL from a pattern the view reversed once (see reports.figures.views.link_patterns):
    the matrix links thousands of cells, and reversing each one is most of its time."""
    return template.format(*ids)
