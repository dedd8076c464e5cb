"""Figures summed beyond one unit: through the unit tree (any level) and by unit group."""

from collections import defaultdict
from dataclasses import dataclass

from units.models import Unit, UnitGroup

from .engine import Figures


@dataclass
class RollupRow:
    unit: Unit
    figures: Figures
    has_children: bool


def tree_rollup(per_unit: dict[int, Figures], *, parent_id: int | None) -> list[RollupRow]:
    """The figures of each child of `parent_id` (None: the top of the tree), every one the
    sum over its whole subtree. Two queries (the tree, the children), whatever its depth."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    totals: dict[int, Figures] = defaultdict(Figures)
    for unit_id, figures in per_unit.items():
        node = unit_id
        while node is not None:  # the unit itself and each of its ancestors
            totals[node].add(figures)
            node = parents.get(node)
    children = [u for u, p in parents.items() if p == parent_id and u in totals]
    with_children = {p for p in parents.values() if p is not None}
    units = Unit.objects.in_bulk(children)
    rows = [RollupRow(units[u], totals[u], u in with_children) for u in children]
    return sorted(rows, key=lambda r: r.unit.name)


def group_rollup(per_unit: dict[int, Figures]) -> list[tuple[UnitGroup, Figures]]:
    """Each group with an expected member, and the sum of its members' figures, by name.
    A unit in two groups counts in both. Two queries; every group membership is read
    rather than the expected units passed as parameters (at 50,000 units that list alone
    cost seconds, issue 16)."""
    members = UnitGroup.members.through.objects.values_list("unitgroup_id", "unit_id")
    by_group: dict[int, Figures] = defaultdict(Figures)
    for group_id, unit_id in members.iterator(chunk_size=10_000):
        if (figures := per_unit.get(unit_id)) is not None:
            by_group[group_id].add(figures)
    groups = UnitGroup.objects.filter(pk__in=by_group).order_by("name")
    return [(group, by_group[group.pk]) for group in groups]


def ancestors(unit: Unit | None) -> list[Unit]:
    """The unit's ancestors, from the top of the tree down (the unit itself left out)."""
    chain = []
    while unit is not None and unit.parent_id:
        unit = Unit.objects.filter(pk=unit.parent_id).first()
        if unit:
            chain.insert(0, unit)
    return chain
