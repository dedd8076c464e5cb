"""Figures summed beyond one unit: through the unit tree (any level) and by unit group,
summed in the database (engine.count_mapped over the kept totals)."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL

from directives.models import Directive
from reports.periods.models import ReportingPeriod
from units.models import Unit, UnitGroup

from . import engine
from .engine import Figures


@dataclass
class RollupRow:
    unit: Unit
    figures: Figures
    has_children: bool
    own: bool = False  # the opened unit's own slots, not its subtree's
    formed_from: list[Unit] = field(default_factory=list)  # set by the page, to show


def _subtrees(parent_id: int | None) -> tuple[str, list]:
    """Each child of `parent_id` (None: the top of the tree) and every unit below it, as
    the mapping (key: the child) engine.count_mapped sums by; and `parent_id` itself, for
    its own slots (key: itself). The recursion walks only the units with children (a few
    hundred, even above 50,000 communes); the units without take the key of their parent
    in one join. (Walking every unit: 82 ms at 50,000 units, this: 54; bench/README.md.)"""
    units = Unit._meta.db_table
    top = "parent_id = %s" if parent_id is not None else "parent_id IS NULL"
    own = f" UNION ALL SELECT id, id FROM {units} WHERE id = %s" if parent_id is not None else ""
    mapping = (
        f"branching(id, parent_id) AS MATERIALIZED (SELECT id, parent_id FROM {units} "
        f"WHERE id IN (SELECT parent_id FROM {units})), "
        f"branches(key, unit_id) AS (SELECT id, id FROM {units} WHERE {top} "
        "UNION ALL SELECT b.key, u.id FROM branching u "
        "JOIN branches b ON u.parent_id = b.unit_id), "
        "mapping(key, unit_id) AS (SELECT key, unit_id FROM branches "
        f"UNION ALL SELECT b.key, u.id FROM {units} u JOIN branches b ON u.parent_id = b.unit_id "
        f"WHERE NOT EXISTS (SELECT 1 FROM branching x WHERE x.id = u.id){own})"
    )
    return mapping, [parent_id, parent_id] if parent_id is not None else []


def tree_rollup(
    *,
    directive: Directive,
    period: ReportingPeriod,
    parent_id: int | None,
    today=None,
    granted: dict | None = None,
) -> list[RollupRow]:
    """The figures of each child of `parent_id` (None: the top of the tree) with a unit
    expected in its subtree, every one the sum over its whole subtree, by name; first,
    if it is expected itself, `parent_id`'s own (so the rows add up to its row a level
    up). Five queries, whatever the tree's size and depth."""
    mapping, params = _subtrees(parent_id)
    summed = engine.count_mapped(
        directive=directive,
        period=period,
        mapping=mapping,
        params=params,
        today=today,
        granted=granted,
    )
    children = Unit.objects.filter(pk__in=[u for u, f in summed.items() if f.expected])
    children = children.annotate(has_children=Exists(Unit.objects.filter(parent=OuterRef("pk"))))
    rows = [
        RollupRow(u, summed[u.pk], u.has_children and u.pk != parent_id, own=u.pk == parent_id)
        for u in children
    ]
    return sorted(rows, key=lambda r: (not r.own, r.unit.name))


def group_rollup(
    *, directive: Directive, period: ReportingPeriod, today=None, granted: dict | None = None
) -> list[tuple[UnitGroup, Figures]]:
    """Each group with an expected member, and the sum of its members' figures, by name.
    A unit in two groups counts in both."""
    members = UnitGroup.members.through._meta.db_table
    mapping = f"mapping(key, unit_id) AS (SELECT unitgroup_id, unit_id FROM {members})"
    summed = engine.count_mapped(
        directive=directive, period=period, mapping=mapping, params=[], today=today, granted=granted
    )
    groups = UnitGroup.objects.filter(pk__in=[g for g, f in summed.items() if f.expected])
    return [(group, summed[group.pk]) for group in groups.order_by("name")]


def units_below(parent_id: int) -> RawSQL:
    """The unit and every unit below it, as a subquery (no ids passed: a province's
    subtree may hold tens of thousands)."""
    units = Unit._meta.db_table
    return RawSQL(
        f"WITH RECURSIVE below(id) AS (SELECT id FROM {units} WHERE id = %s "
        f"UNION ALL SELECT u.id FROM {units} u JOIN below b ON u.parent_id = b.id) "
        "SELECT id FROM below",
        [parent_id],
    )


def ancestors(unit: Unit | None) -> list[Unit]:
    """The unit's ancestors, from the top of the tree down (the unit itself left out)."""
    chain = []
    while unit is not None and unit.parent_id:
        unit = Unit.objects.filter(pk=unit.parent_id).first()
        if unit:
            chain.insert(0, unit)
    return chain
