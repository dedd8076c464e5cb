"""A property: random reorganisations interleaved with reports keep every past period's
figures unchanged, never count a report twice or lose one, never pass 100%, and keep
the kept totals equal to a recount."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives.models import Assignment, Role, Task
from directives.services import assignments_sync
from reorganisations import plans
from reorganisations.services import reorganisation_apply
from reports.figures import engine
from reports.filing.models import ProgressReport
from reports.periods.services import periods_generate
from units.models import Membership, Unit

from ..factories import (
    AddresseeFactory,
    DirectiveFactory,
    MembershipFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from .conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 12, 20)
APPLIED: list[str] = []  # what the examples applied (a check the property was exercised)
KINDS = ("merge", "split", "rename", "move", "dissolve", "dissolve_into")

steps = st.lists(
    st.one_of(
        st.tuples(st.just("report"), st.integers(0, 50), st.integers(1, 12)),
        st.tuples(st.just("act"), st.sampled_from(KINDS), st.integers(0, 50), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=10,
)


def _figures(directive):
    periods = list(directive.periods.select_related("directive"))
    by = ("period", "unit")
    kept = engine.count(periods=periods, directive=directive, by=by, today=TODAY)
    live = engine.count(periods=periods, directive=directive, by=by, today=TODAY, kept=False)
    assert kept == live
    for figures in live.values():
        assert figures.received <= figures.expected
    return live


def _plan(kind, units, first, second, effective, district):
    act = {"basis": "Nghị quyết số 1/NQ-TEST", "basis_date": effective, "effective": effective}
    one, other = units[first % len(units)], units[second % len(units)]
    if kind == "merge" and one != other:
        new = plans.NewUnit(f"Xã hợp nhất {first}-{second}", kind=one.kind, parent=district)
        return plans.merge(sources=[one, other], new=new, **act)
    if kind == "dissolve_into" and one != other:
        return plans.dissolve(source=one, heir=other, **act)
    if kind == "split":
        parts = [plans.NewUnit(f"{one.name} ({n})", kind=one.kind, parent=district) for n in (1, 2)]
        parts[1].takes = frozenset(
            Task.objects.filter(kind=Task.Kind.ONGOING).values_list("pk", flat=True)
        )
        return plans.split(source=one, parts=parts, **act)
    if kind == "rename":
        return plans.rename(source=one, name=f"{one.name} mới", **act)
    if kind == "move":
        return plans.move(source=one, parent=None if one.parent else district, **act)
    return plans.dissolve(source=one, **act)


@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def _keep_the_past(steps):
    with transaction.atomic():
        _run(steps)
        transaction.set_rollback(True)


def test_reorganisations_keep_the_past():
    APPLIED.clear()
    _keep_the_past()
    assert set(APPLIED) == set(KINDS)  # every kind was applied in some example


def _run(steps):
    district = UnitFactory(name="Huyện", kind=Unit.Kind.PARTY_COMMITTEE)
    units = [UnitFactory(name=f"Xã {n}", parent=district) for n in range(4)]
    admin = MembershipFactory(unit=district, role=Membership.Role.REVIEWER, user=UserFactory()).user
    directive = DirectiveFactory(issued_on=D(2024, 12, 20), issuer=district)
    section = SectionFactory(directive=directive, number="1", order=1)
    TaskFactory(section=section, order=1)
    TaskFactory(section=section, order=2, kind=Task.Kind.BOTH, deadline=D(2025, 12, 31))
    for unit in units:
        AddresseeFactory(section=section, unit=unit, role=Role.LEAD)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=TODAY)
    periods = list(directive.periods.order_by("start"))
    last_effective = D(2025, 1, 1)
    for step in steps:
        open_units = list(
            Unit.objects.filter(valid_to__isnull=True).exclude(pk=district.pk).order_by("pk")
        )
        if step[0] == "report":
            _, pick, month = step
            period = periods[month - 1]
            candidates = [
                a
                for a in Assignment.objects.filter(task__section=section, parent__isnull=True)
                .select_related("unit", "task")
                .order_by("pk")
                if a.unit.is_active_between(period.start, period.cutoff)
                and a.reports_in(period.start)
                and not ProgressReport.objects.filter(assignment=a, period=period).exists()
            ]
            if candidates:
                ProgressReport.objects.create(
                    assignment=candidates[pick % len(candidates)],
                    period=period,
                    status=ProgressReport.Status.SUBMITTED,
                    submitted_at=at(period.due),
                    percent_done=50,
                )
            continue
        _, kind, first, second = step
        effective = min(last_effective + datetime.timedelta(days=31 + first % 60), D(2025, 12, 1))
        effective = effective.replace(day=1)
        candidates = [u for u in open_units if u.valid_from is None or u.valid_from < effective]
        if not candidates or effective <= last_effective:
            continue
        plan = _plan(kind, candidates, first, second, effective, district)
        if plans.preview(plan).problems:
            continue
        before, reports = _figures(directive), ProgressReport.objects.count()
        reorganisation_apply(by=admin, plan=plan)
        last_effective = effective
        after = _figures(directive)
        past = {p.pk for p in periods if p.cutoff < effective}
        assert {k: f for k, f in after.items() if k[0] in past} == {
            k: f for k, f in before.items() if k[0] in past
        }
        assert ProgressReport.objects.count() == reports
        # Every report stays counted, but one a unit dissolved without an heir filed
        # for a period after the act: no unit owes that period's work any more.
        stranded = ProgressReport.objects.filter(
            assignment__unit__in=plan.sources,
            period__start__gte=effective,
            submitted_at__isnull=False,
        ).count()
        received = sum(f.received for f in after.values())
        assert received == sum(f.received for f in before.values()) - stranded
        assert stranded == 0 or not plan.results
        APPLIED.append(kind)
