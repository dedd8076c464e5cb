from functools import lru_cache

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

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
    return _badge(status, percent, completion, get_language())


@lru_cache(maxsize=1024)
def _badge(status: str, percent, completion: bool, language: str) -> SafeString:
    """The badge's HTML, made once per status, percent and language (a few hundred)."""
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


@register.simple_tag
def matrix_cells(cells, links: dict[str, str], reviewer: bool, css: str = "cell") -> SafeString:
    """A matrix row's cells, each a `<td>` of `matrix_cell`: one tag a row, not one a cell
    (a page draws 450 of them)."""
    td, language = f'<td class="{escape(css)}">', get_language()
    return SafeString(
        "".join(f"{td}{matrix_cell(cell, links, reviewer, language)}</td>" for cell in cells)
    )


@register.simple_tag
def matrix_row(row, links: dict[str, str], reviewer: bool) -> SafeString:
    """A matrix row (reports.figures.matrix.UnitRow): its unit, its cells and its rates,
    one tag a row (a page draws 50 of them, eleven cells each)."""
    unit = f'<a href="{links["unit"].format(row.unit.pk)}" class="text-reset">'
    return SafeString(
        f'<th scope="row" class="unit-col fw-normal">{unit}{escape(row.unit.name)}</a></th>'
        f"{matrix_cells(row.cells, links, reviewer)}"
        f'<td class="text-end rate">{percent(row.figures.completeness)}</td>'
        f'<td class="text-end rate">{percent(row.figures.timeliness)}</td>'
    )


def matrix_cell(cell, links: dict[str, str], reviewer: bool, language: str) -> SafeString:
    """One matrix cell's contents (reports.figures.matrix.Cell): its badge, linked to the
    report when the viewer may open it, or, for a reviewer, to following the slot up; a
    mark when it came late. Built here, not in the template: a page draws 450 of them."""
    if cell is None:
        return SafeString("")
    if cell.report_id:
        badge = _badge(cell.status, cell.percent_done, False, language)
        html = f'<a href="{links["report"].format(cell.report_id)}">{badge}</a>'
    elif reviewer:
        badge = _badge(cell.status, None, False, language)
        html = f'<a href="{links["follow_up"].format(cell.assignment_id)}">{badge}</a>'
    else:
        html = _badge(cell.status, None, False, language)
    if cell.received and not cell.on_time:
        html += _late_mark(cell.on_time_extended, language)
    return SafeString(html)  # the parts are escaped or made of integers and our own HTML


@lru_cache(maxsize=8)
def _late_mark(extended: bool, language: str) -> SafeString:
    title = gettext("Trễ hạn, đúng hạn sau gia hạn") if extended else gettext("Trễ hạn")
    return format_html(
        '<span class="visually-hidden"> {}</span><sup class="text-danger" title="{}">{}</sup>',
        gettext("trễ hạn"),
        title,
        "GH" if extended else "!",
    )


@register.filter
def percent(value) -> str:
    """A rate as Vietnamese write it: 87,5%; a dash when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").removesuffix(",0") + "%"


@register.filter
def figure(value) -> str:
    """A figure as Vietnamese write it: 1.234 or 12,5; a dash for none."""
    if value is None:
        return "—"
    text = f"{value:,.1f}".removesuffix(".0")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@register.simple_tag
def link_to(template: str, *ids) -> str:
    """A URL from a pattern the view reversed once (see reports.figures.views.link_patterns):
    the matrix links thousands of cells, and reversing each one is most of its time."""
    return template.format(*ids)
