"""A summary's annex as a reader can use it at any scale, in a document (DOCX, PDF): unit by
unit, or summed by the tree level or the unit group the secretary chose
(`Summary.AnnexBy`), each summed row saying how many units it holds, with a note that
every unit's figures are in the workbook (XLSX), which always lists them one by one. By
default ("auto"): unit by unit up to ANNEX_UNITS_MAX units, beyond that by the level
below the issuer (a province's districts, a district's communes)."""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directives.models import Addressee
from units.models import Unit, UnitGroup

from .models import ANNEX_UNITS_MAX, Summary

By = Summary.AnnexBy
DEPTH = {By.BELOW: 1, By.BELOW_2: 2}  # levels below the issuer


def row_of(unit_ids, issuer_id: int, depth: int = 1) -> dict[int, int]:
    """Each unit's row in an annex by tree level: its ancestor `depth` levels below the
    issuer (1: the unit directly below the issuer that it stands under), itself if it
    stands higher; for a unit the issuer addresses from outside its tree, counted from
    the top of that tree. One query: every unit's parent."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    found: dict[int, int] = {}
    for unit_id in unit_ids:
        path, current = [unit_id], unit_id  # from the unit up
        while current != issuer_id and (parent := parents.get(current)) not in (
            None,
            issuer_id,
            *path,
        ):
            path.append(parent)
            current = parent
        found[unit_id] = path[max(len(path) - depth, 0)]
    return found


def _counted(name: str, count: int) -> str:
    units = ngettext("%(n)d đơn vị", "%(n)d đơn vị", count) % {"n": count}
    return f"{name} ({units})"


def _summed_by(rows: dict[int, list[int]], names: dict[int, str], figures_by_unit, empty):
    """(row name, figures) for rows {row key: the units it sums}, by name."""
    listed = []
    for key, units in rows.items():
        figures = empty()
        for unit_id in units:
            figures.add(figures_by_unit[unit_id])
        alone = units == [key]  # a unit that is its own row
        listed.append((names[key] if alone else _counted(names[key], len(units)), figures))
    return sorted(listed, key=lambda row: row[0])


def _by_level(figures_by_unit: dict, issuer_id: int, depth: int, empty):
    rows: dict[int, list[int]] = {}
    for unit_id, key in row_of(list(figures_by_unit), issuer_id, depth).items():
        rows.setdefault(key, []).append(unit_id)
    names = dict(Unit.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    return _summed_by(rows, names, figures_by_unit, empty)


OTHERS = -1  # the row of the units in none of the directive's groups


def _by_group(figures_by_unit: dict, directive, empty):
    """A row a group the directive gives tasks to (a unit in several is in each), and
    one for the units in none."""
    groups = Addressee.objects.filter(section__directive=directive, group__isnull=False)
    group_ids = set(groups.values_list("group_id", flat=True))
    names = dict(UnitGroup.objects.filter(pk__in=group_ids).values_list("pk", "name"))
    members = UnitGroup.members.through.objects.filter(unitgroup_id__in=group_ids)
    rows: dict[int, list[int]] = {}
    placed: set[int] = set()
    for group_id, unit_id in members.values_list("unitgroup_id", "unit_id").order_by():
        if unit_id in figures_by_unit:
            rows.setdefault(group_id, []).append(unit_id)
            placed.add(unit_id)
    listed = _summed_by(rows, names, figures_by_unit, empty)
    others = [unit_id for unit_id in figures_by_unit if unit_id not in placed]
    if others:
        names = {OTHERS: _("Các đơn vị khác")}
        listed += _summed_by({OTHERS: others}, names, figures_by_unit, empty)
    return listed


def annex(
    figures_by_unit: dict, names: dict[int, str], *, by: str, directive, empty: Callable
) -> tuple[Iterable, str]:
    """The annex's (row name, figures), and its note ("" unit by unit): `figures_by_unit`
    {unit id: figures with an `add`} in the order the units are listed, `names` theirs,
    `by` the secretary's choice, `empty()` a zero."""
    if by == By.AUTO:
        by = By.UNIT if len(figures_by_unit) <= ANNEX_UNITS_MAX else By.BELOW
    if by == By.UNIT:
        return ((names[pk], figures) for pk, figures in figures_by_unit.items()), ""
    count = f"{len(figures_by_unit):,}".replace(",", ".")
    issuer = directive.issuer.name
    if by == By.GROUP:
        rows = _by_group(figures_by_unit, directive, empty)
        how = _(
            "theo nhóm đơn vị được giao nhiệm vụ (đơn vị thuộc nhiều nhóm được tính ở mỗi nhóm)"
        )
    else:
        rows = _by_level(figures_by_unit, directive.issuer_id, DEPTH[by], empty)
        how = (
            _("theo đơn vị trực thuộc %(issuer)s")
            if by == By.BELOW
            else _("theo cấp dưới của các đơn vị trực thuộc %(issuer)s")
        ) % {"issuer": issuer}
    note = _(
        "Số liệu của %(n)s đơn vị được cộng %(how)s; số liệu từng đơn vị ở bản xuất bảng "
        "tính (XLSX)."
    ) % {"n": count, "how": how}
    return rows, note
