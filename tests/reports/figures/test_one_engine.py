"""The counting engine counts, in SQL, exactly what the slot states say one by one: over
random directives with drafts, late and returned reports, extensions (granted, pending,
refused), units closed part-way and any "today". And units.models states the active
rule once, in SQL and in Python alike."""

import datetime
import random

import pytest
from django.utils import timezone

from directives.services import assignments_sync
from reports.figures.engine import COUNTS, Figures, count
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.filing.slots import grid, slot_states
from reports.periods.services import periods_generate
from units.models import Unit, active_between_q

from ...factories import (
    VN,
    AddresseeFactory,
    DirectiveFactory,
    ProgressReportFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
Status = ProgressReport.Status


def _sent_at(rng: random.Random, due: D) -> datetime.datetime:
    day = due + datetime.timedelta(days=rng.randint(-4, 6))
    return datetime.datetime.combine(day, datetime.time(rng.choice([8, 23])), tzinfo=VN)


def _random_directive(rng: random.Random):
    units = UnitFactory.create_batch(6)
    for unit in rng.sample(units, 2):  # one closes part-way, one opens part-way
        if rng.random() < 0.5:
            unit.valid_to = D(2021, 9, rng.randint(1, 30))
        else:
            unit.valid_from = D(2021, 10, rng.randint(1, 30))
        unit.save()
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory.create_batch(2, section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=units))
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=D(2021, 11, 20))
    periods = list(directive.periods.order_by("start"))
    reviewer = UserFactory()
    for assignment in (
        directive.sections.get()
        .tasks.first()
        .assignments.all()
        .union(directive.sections.get().tasks.last().assignments.all())
    ):
        for period in periods:
            kind = rng.choice(["none", "draft", "sent", "sent", "accepted", "returned", "revising"])
            if kind != "none":
                sent = kind != "draft"
                ProgressReportFactory(
                    assignment=assignment,
                    period=period,
                    status={"sent": Status.SUBMITTED, "revising": Status.DRAFT}.get(
                        kind, kind if kind != "draft" else Status.DRAFT
                    ),
                    submitted_at=_sent_at(rng, period.due) if sent else None,
                    percent_done=rng.choice([0, 10, 50, 90, 100]),
                    assessment=rng.choice(ProgressReport.Assessment.values),
                )
            for _ in range(rng.choice([0, 0, 1, 2])):
                ExtensionRequest.objects.create(
                    assignment=assignment,
                    period=period,
                    new_due=period.due + datetime.timedelta(days=rng.randint(1, 12)),
                    reason="Chờ số liệu",
                    status=rng.choice([ExtensionRequest.Status.GRANTED, "refused"]),
                    decided_by=reviewer,
                    decided_at=timezone.now() + datetime.timedelta(minutes=rng.randint(0, 90)),
                )
    return directive, periods


def _one_by_one(directive, periods, today) -> dict[tuple, Figures]:
    """The figures as the slot states say them, slot by slot."""
    assignments = list(
        directive.sections.get()
        .tasks.first()
        .assignments.select_related("unit")
        .union(directive.sections.get().tasks.last().assignments.select_related("unit"))
    )
    units = Unit.objects.in_bulk({a.unit_id for a in assignments})
    states = slot_states(grid([(a.pk, a.unit_id) for a in assignments], periods), today=today)
    counted: dict[tuple, Figures] = {}
    for a in assignments:
        for period in periods:
            if not units[a.unit_id].is_active_between(period.start, period.cutoff):
                continue
            state = states[a.pk, period.pk]
            f = counted.setdefault((period.pk, a.unit_id), Figures())
            f.expected += 1
            f.received += state.received
            f.on_time += state.on_time
            f.on_time_extended += state.on_time_extended
            f.overdue += state.overdue
            report = state.report
            if state.received:
                f.accepted += report.status == Status.ACCEPTED
                if report.status != Status.DRAFT:
                    f.readable += 1
                    f.percent_sum += report.percent_done
                    f.done += report.assessment == ProgressReport.Assessment.DONE
    return counted


@pytest.mark.parametrize("seed", range(8))
def test_the_engine_counts_what_the_slot_states_say(seed):
    rng = random.Random(seed)
    directive, periods = _random_directive(rng)
    # Near a due date: some slots are overdue, others saved from it by an extension.
    today = rng.choice(periods).due + datetime.timedelta(days=rng.randint(-2, 8))

    engine = count(directive=directive, periods=periods, by=("period", "unit"), today=today)
    slots = _one_by_one(directive, periods, today)

    def counts(figures: dict) -> dict:
        # "behind" compares with the time elapsed: a rule of progress, not of a slot.
        return {
            key: {name: getattr(f, name) for name in COUNTS if name != "behind"}
            for key, f in figures.items()
            if f.expected
        }

    assert counts(engine) == counts(slots)
    total = count(directive=directive, periods=periods, today=today)[()]
    assert total.expected == sum(f.expected for f in slots.values())
    assert total.overdue == sum(f.overdue for f in slots.values())


@pytest.mark.parametrize("seed", range(3))
def test_the_active_rule_reads_alike_in_sql_and_in_python(seed):
    rng = random.Random(seed)
    for _ in range(12):
        start = D(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 200))
        end = start + datetime.timedelta(days=rng.randint(0, 100))
        UnitFactory(
            valid_from=start if rng.random() < 0.6 else None,
            valid_to=end if rng.random() < 0.6 else None,
        )
    for _ in range(10):
        start = D(2025, 1, 1) + datetime.timedelta(days=rng.randint(-30, 300))
        end = start + datetime.timedelta(days=rng.randint(0, 60))
        in_sql = set(Unit.objects.filter(active_between_q(start, end)).values_list("pk", flat=True))
        in_python = {u.pk for u in Unit.objects.all() if u.is_active_between(start, end)}
        assert in_sql == in_python
