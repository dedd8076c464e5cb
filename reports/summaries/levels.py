"""A summary's annex as a reader can use it at any scale: unit by unit up to
ANNEX_UNITS_MAX units; beyond, in a document (DOCX, PDF), summed by the tree level below
the issuer (a province's districts, a district's communes), each row saying how many
units it holds, and the note that every unit's figures are in the workbook (XLSX), which
always lists them one by one."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.models import Unit

ANNEX_UNITS_MAX = 500  # rows a document's annex lists one by one


def row_of(unit_ids, issuer_id: int) -> dict[int, int]:
    """Each unit's row in an annex by tree level: the unit directly below the issuer that
    it stands under (itself, if it is one), else the top of its own tree (a unit the
    issuer addresses from outside its tree). One query: every unit's parent."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    found: dict[int, int] = {}
    for unit_id in unit_ids:
        path, current = [], unit_id
        while current not in found:
            parent = parents.get(current)
            if parent is None or parent == issuer_id or current == issuer_id or current in path:
                found[current] = current
                break
            path.append(current)
            current = parent
        for step in path:
            found[step] = found[current]
    return {unit_id: found[unit_id] for unit_id in unit_ids}


def summed(figures_by_unit: dict, issuer_id: int, empty) -> list[tuple[str, object]]:
    """(row name, figures) of these units' figures ({unit id: figures}, each with an
    `add`) summed by tree level, by the row unit's name; `empty()` makes a zero."""
    rows = row_of(list(figures_by_unit), issuer_id)
    sums: dict[int, object] = {}
    counts: dict[int, int] = {}
    for unit_id, figures in figures_by_unit.items():
        key = rows[unit_id]
        sums.setdefault(key, empty()).add(figures)
        counts[key] = counts.get(key, 0) + 1
    names = dict(Unit.objects.filter(pk__in=list(sums)).values_list("pk", "name"))
    return [
        (_name(names[key], counts[key], key in figures_by_unit and counts[key] == 1), sums[key])
        for key in sorted(sums, key=lambda k: (names[k], k))
    ]


def _name(name: str, count: int, alone: bool) -> str:
    if alone:
        return name  # a unit that is its own row
    units = ngettext("%(n)d đơn vị", "%(n)d đơn vị", count) % {"n": count}
    return f"{name} ({units})"


def note(units: int, issuer_name: str) -> str:
    return _(
        "Số liệu của %(n)s đơn vị được cộng theo đơn vị trực thuộc %(issuer)s; số liệu "
        "từng đơn vị ở bản xuất bảng tính (XLSX)."
    ) % {"n": f"{units:,}".replace(",", "."), "issuer": issuer_name}
