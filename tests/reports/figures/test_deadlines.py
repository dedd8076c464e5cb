"""The Government Office's figures for tasks with a deadline, from the one counting engine:
a hand-built case whose numbers are worked out here, the slices (directive, issuer, unit
and the units below it, group, year, quarter), the list behind each figure, and the SQL
held to what each task's DeadlineState says."""

import datetime
import random

import pytest

from directives.handing_down import assignment_hand_down
from directives.models import Assignment, Role, Task
from directives.services import assignments_sync
from reports.figures import engine
from reports.figures.engine import DeadlineFigures
from reports.figures.portfolio import Slice
from reports.filing import services
from reports.filing.extensions import extension_decide, extension_request
from reports.filing.slots import deadline_states

from ...factories import (
    VN,
    AddresseeFactory,
    DirectiveFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2021, 10, 10)
RESULT = {"achievements": "Đã hoàn thành."}


def _at(day):
    return datetime.datetime.combine(day, datetime.time(9), VN)


def _declare(assignment, day, *, confirm: bool, by, judge):
    report = services.report_save_draft(
        assignment=assignment, period=None, by=by, data=RESULT, at=_at(day)
    )
    report = services.report_submit(report=report, by=by, at=_at(day))
    if confirm:
        services.report_accept(report=report, by=judge)


@pytest.fixture
def case():
    """Task 1.1, due 30/09/2021, to U1…U6; task 1.2, due 31/12/2021, to U1; an ongoing
    1.3 to U1. As of 10/10/2021:
    U1 declared 25/09, confirmed: done on time.    U2 declared 05/10, confirmed: late.
    U3 declared 28/09, not confirmed: awaiting, overdue.    U4 nothing: overdue.
    U5 nothing, extended to 20/10: within.    U6 nothing (overdue); it handed 1.1 to a
    unit below, which is done: that is not counted.    U1's 1.2: within, not yet due."""
    by, judge = UserFactory(), UserFactory()
    units = [UnitFactory(name=f"U{n}") for n in range(1, 7)]
    below = UnitFactory(name="C", parent=units[5])
    directive = DirectiveFactory(number="9-KH/HU")
    section = SectionFactory(directive=directive, number="1", order=1)
    first = TaskFactory(section=section, order=1, kind=Task.Kind.DEADLINE, deadline=D(2021, 9, 30))
    for unit in units:
        AddresseeFactory(section=section, unit=unit, role=Role.LEAD)
    second_section = SectionFactory(directive=directive, number="2", order=2)
    second = TaskFactory(
        section=second_section, order=1, kind=Task.Kind.DEADLINE, deadline=D(2021, 12, 31)
    )
    TaskFactory(section=second_section, order=2)  # ongoing
    AddresseeFactory(section=second_section, unit=units[0], role=Role.LEAD)
    assignments_sync(directive=directive)

    def given(unit, task=first):
        return Assignment.objects.select_related("unit", "task__section__directive").get(
            unit=unit, task=task, parent__isnull=True
        )

    u1, u2, u3, _u4, u5, u6 = (given(u) for u in units)
    _declare(u1, D(2021, 9, 25), confirm=True, by=by, judge=judge)
    _declare(u2, D(2021, 10, 5), confirm=True, by=by, judge=judge)
    _declare(u3, D(2021, 9, 28), confirm=False, by=by, judge=judge)
    extension = extension_request(
        assignment=u5, period=None, by=by, new_due=D(2021, 10, 20), reason="Chờ ý kiến."
    )
    extension_decide(extension=extension, by=judge, grant=True)
    (sub,) = assignment_hand_down(assignment=u6, units={below: D(2021, 9, 20)}, by=judge)
    sub = Assignment.objects.select_related("unit", "task__section__directive").get(pk=sub.pk)
    _declare(sub, D(2021, 9, 15), confirm=True, by=by, judge=judge)
    return {"directive": directive, "units": units, "first": first, "second": second}


def test_the_figures_of_the_hand_built_case(case):
    total = engine.count_deadlines(today=TODAY)[()]

    assert total == DeadlineFigures(
        assigned=7,  # 1.1 to six units, 1.2 to U1; not the unit below U6, not 1.3
        done=2,
        done_on_time=1,  # U1
        done_late=1,  # U2
        open=5,  # U3, U4, U5, U6, U1's 1.2
        open_within=2,  # U5 (extended), U1's 1.2
        open_overdue=3,  # U3 (awaiting), U4, U6
        awaiting=1,  # U3
        due_so_far=5,  # done, or overdue
        not_yet_due=2,
    )
    assert total.on_time_share == 20.0 and total.done_share == pytest.approx(200 / 7)


def test_by_unit_and_the_slices(case):
    u1, u2, *_rest, u6 = case["units"]
    by_unit = engine.count_deadlines(by=("unit",), today=TODAY)
    assert by_unit[(u1.pk,)].assigned == 2 and by_unit[(u1.pk,)].done_on_time == 1
    assert by_unit[(u2.pk,)].done_late == 1
    assert len(by_unit) == 6  # the unit below U6 is not a line of its own

    def total(**slice):
        return Slice(status="tat_ca", **slice).count(today=TODAY).get((), DeadlineFigures())

    assert total(year=2021, quarter=3).assigned == 5  # due 30/09 (U5's moved to 20/10)
    assert total(year=2021, quarter=4).assigned == 2  # U5 (20/10) and U1's 1.2 (31/12)
    assert total(year=2022).assigned == 0
    assert total(unit=u6).assigned == 1 and total(unit=u6).open_overdue == 1
    assert total(directive=case["directive"]).assigned == 7
    assert total(issuer=case["directive"].issuer).assigned == 7
    group = UnitGroupFactory(members=[u1, u2])
    assert total(group=group).done == 2 and total(group=group).assigned == 3


def test_each_figure_lists_the_tasks_it_counts(case):
    for figure in engine.DEADLINE_COUNTS:
        listed = engine.deadline_list(figure, today=TODAY)
        assert listed.count() == getattr(engine.count_deadlines(today=TODAY)[()], figure)
    late = engine.deadline_list("done_late", today=TODAY).select_related("unit").get()
    assert late.unit.name == "U2"


def test_the_sql_counts_what_each_tasks_state_says():
    """Random tasks, deadlines, declarations, confirmations and extensions: the engine's
    SQL (slots.deadline_figures_q) counts what DeadlineState says, one task at a time."""
    rng = random.Random(14)
    by, judge = UserFactory(), UserFactory()
    directive = DirectiveFactory(number="10-KH/HU")
    section = SectionFactory(directive=directive, number="1", order=1)
    for order in range(1, 4):
        TaskFactory(
            section=section,
            order=order,
            kind=rng.choice([Task.Kind.DEADLINE, Task.Kind.BOTH]),
            deadline=D(2021, 9, 1) + datetime.timedelta(days=rng.randrange(60)),
        )
    for n in range(12):
        AddresseeFactory(section=section, unit=UnitFactory(name=f"Xã {n}"))
    assignments_sync(directive=directive)
    assignments = list(
        Assignment.objects.select_related("unit", "task__section__directive").order_by("pk")
    )
    for a in assignments:
        if rng.random() < 0.3:
            extension = extension_request(
                assignment=a,
                period=None,
                by=by,
                new_due=a.due + datetime.timedelta(days=rng.randrange(1, 30)),
                reason="x",
            )
            extension_decide(extension=extension, by=judge, grant=True)
            a.refresh_from_db()
        if rng.random() < 0.7:
            day = a.due + datetime.timedelta(days=rng.randrange(-20, 20))
            _declare(a, day, confirm=rng.random() < 0.7, by=by, judge=judge)

    for today in (D(2021, 9, 15), D(2021, 10, 10), D(2021, 11, 30)):
        counted = engine.count_deadlines(today=today)[()]
        states = deadline_states(
            Assignment.objects.select_related("task").order_by("pk"), today=today
        ).values()
        assert counted.assigned == len(states)
        assert counted.done_on_time == sum(s.done and s.on_time for s in states)
        assert counted.done_late == sum(s.done and not s.on_time for s in states)
        assert counted.open_overdue == sum(s.overdue for s in states)
        assert counted.awaiting == sum(s.awaiting for s in states)
        assert counted.due_so_far == sum(s.due_so_far for s in states)
        assert counted.open_within == sum(not s.done and not s.overdue for s in states)


def test_a_task_counts_for_the_unit_that_holds_it(case):
    """A unit closed before it did a task no longer holds it (a reorganisation gave its
    successor a copy, or the work ended); one that did it before closing keeps it, and
    a successor's copy of a task done before it existed is history, not a second one."""
    _u1, u2, _u3, u4, *_rest = case["units"]
    before = engine.count_deadlines(today=TODAY)[()]
    u4.valid_to = D(2021, 9, 30)  # U4 closes with 1.1 open: it counts no more
    u4.save()
    u2.valid_to = D(2021, 10, 6)  # U2 did 1.1 (05/10) before it closed: it still counts
    u2.save()
    heir = UnitFactory(name="U2 mới", valid_from=D(2021, 10, 7))
    done = Assignment.objects.get(unit=u2, task=case["first"])
    Assignment.objects.create(task=case["first"], unit=heir, done_on=done.done_on)
    later = UnitFactory(name="U3 từ 11/10", valid_from=D(2021, 10, 11))
    Assignment.objects.create(task=case["first"], unit=later)  # held from tomorrow

    after = engine.count_deadlines(today=TODAY)[()]

    assert after.assigned == before.assigned - 1
    assert after.open_overdue == before.open_overdue - 1
    assert after.done_late == before.done_late == 1
    assert engine.deadline_list("open_overdue", today=TODAY).filter(unit=u4).count() == 0
    tomorrow = engine.count_deadlines(today=D(2021, 10, 11))[()]
    assert tomorrow.assigned == after.assigned + 1
