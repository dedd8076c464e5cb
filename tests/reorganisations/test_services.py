"""Each kind of reorganisation applied to a directive that runs across it: the periods
before it read exactly as they did (figures and a summary's export), a period after it
expects the new units only, no report is lost or counted twice, no rate passes 100%,
and the act can be undone until a new unit reports."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directives.models import Addressee, Assignment
from reorganisations import plans
from reorganisations.models import Reorganisation
from reorganisations.services import reorganisation_apply, reorganisation_undo, undoable
from reports.figures import engine
from reports.figures.rollup import tree_rollup
from reports.filing.models import ProgressReport
from reports.summaries import pipeline
from reports.summaries.compose import summary_compose
from units.models import Membership, Unit, lineage

from ..factories import MembershipFactory, ProgressReportFactory, UnitFactory
from .conftest import ACT, TODAY, D, at

pytestmark = pytest.mark.django_db
BASIS = {
    "basis": "Nghị quyết số 1664/NQ-UBTVQH15",
    "basis_date": D(2025, 6, 16),
    "effective": ACT,
}


def _figures(case, *, kept=True):
    periods = list(case.directive.periods.select_related("directive").order_by("start"))
    return engine.count(
        periods=periods, directive=case.directive, by=("period", "unit"), today=TODAY, kept=kept
    )


def _past(figures, case):
    past = {p.pk for p in case.periods if p.cutoff < ACT}
    return {key: f for key, f in figures.items() if key[0] in past}


def _expected_in(case, month: int) -> set[str]:
    period = case.period(month)
    figures = engine.by_unit(directive=case.directive, period=period, today=TODAY)
    return {Unit.objects.get(pk=pk).name for pk in figures}


def _check_sound(case) -> None:
    """Kept totals equal a recount; no unit's rate passes 100%."""
    kept, live = _figures(case), _figures(case, kept=False)
    assert kept == live
    for figures in live.values():
        assert figures.received <= figures.expected or figures.expected == 0
        assert (figures.completeness or 0) <= 100


def _apply(plan, case):
    return reorganisation_apply(by=case.admin, plan=plan)


def test_a_merge_into_a_new_unit_hands_the_work_over_and_keeps_the_past(case):
    before = _figures(case)
    reports = ProgressReport.objects.count()
    new = plans.NewUnit("Đảng bộ xã Tuy Phước", kind=case.a.kind, parent=case.district)

    act = _apply(plans.merge(sources=[case.a, case.b], new=new, **BASIS), case)

    merged = Unit.objects.get(name="Đảng bộ xã Tuy Phước")
    assert merged.valid_from == ACT
    for old in (case.a, case.b):
        old.refresh_from_db()
        assert (old.valid_to, old.successor) == (D(2025, 6, 30), merged)
    assert _past(_figures(case), case) == _past(before, case)
    assert ProgressReport.objects.count() == reports
    # Tháng 7/2025 (15/06 – 14/07) straddles the act: each unit counts for its part.
    assert _expected_in(case, 7) == {"Đảng bộ xã A", "Đảng bộ xã B", "Đảng bộ xã C", merged.name}
    assert _expected_in(case, 8) == {"Đảng bộ xã C", merged.name}
    # A and B both held each task: the new unit holds each once, and leads (A led).
    held = Assignment.objects.filter(unit=merged)
    assert held.count() == 3 and set(held.values_list("role", flat=True)) == {"lead"}
    # A's report for Tháng 8, filed before the act was entered, went with the work.
    august = engine.by_unit(directive=case.directive, period=case.period(8), today=TODAY)
    assert august[merged.pk].received == 1
    assert ProgressReport.objects.filter(assignment__unit=merged).count() == 1
    # The accounts, the unit below, the group and the section follow the work.
    assert Membership.objects.filter(unit=merged).count() == 2
    assert Membership.objects.filter(unit__in=[case.a, case.b]).count() == 0
    case.below_a.refresh_from_db()
    assert case.below_a.parent == merged
    assert set(case.group.members.all()) == {case.a, case.b, merged}
    assert Addressee.objects.filter(unit=merged, role="lead").count() == 1
    # The task with a deadline is owed once, by the new unit.
    deadline = engine.count_deadlines(
        assignments=Assignment.objects.filter(task=case.deadline), by=("unit",), today=TODAY
    )
    assert set(deadline) == {(case.c.pk,), (merged.pk,)}
    assert list(act.sources.all()) == [case.a, case.b] and list(act.results.all()) == [merged]
    _check_sound(case)


KINDS = {
    "merge": lambda c: plans.merge(
        sources=[c.a, c.b],
        new=plans.NewUnit("Đảng bộ xã Tuy Phước", kind=c.a.kind, parent=c.district),
        **BASIS,
    ),
    "merge into": lambda c: plans.merge(sources=[c.a], into=c.c, **BASIS),
    "split": lambda c: plans.split(
        source=c.a,
        parts=[plans.NewUnit(f"Đảng bộ xã A{n}", kind=c.a.kind, parent=c.district) for n in (1, 2)],
        **BASIS,
    ),
    "rename": lambda c: plans.rename(source=c.a, name="Đảng bộ xã An Hòa", **BASIS),
    "move": lambda c: plans.move(source=c.a, parent=c.c, **BASIS),
    "dissolve": lambda c: plans.dissolve(source=c.a, **BASIS),
    "dissolve into": lambda c: plans.dissolve(source=c.a, heir=c.b, **BASIS),
}


@pytest.mark.parametrize("kind", KINDS)
def test_an_export_of_the_periods_before_reads_the_same_after(kind, case):
    summary = summary_compose(
        directive=case.directive, period_from=case.period(1), period_to=case.period(6),
        by=case.admin, today=TODAY,
    )  # fmt: skip
    summary.save()
    first = pipeline.export_now(summary=summary, format="xlsx", by=case.admin).snapshot
    june = D(2025, 6, 14)
    held_then = engine.count_deadlines(by=("unit",), today=june)
    reports = ProgressReport.objects.count()

    _apply(KINDS[kind](case), case)

    second = pipeline.export_now(summary=summary, format="xlsx", by=case.admin).snapshot
    # The annex of tasks with a deadline is as of the day of the export ("đến ngày …"):
    # today the new units hold them. As of a day before the act, they read as they did.
    assert engine.count_deadlines(by=("unit",), today=june) == held_then
    first.pop("deadlines"), second.pop("deadlines")
    first.pop("made_at"), second.pop("made_at")
    assert second == first
    assert ProgressReport.objects.count() == reports  # none lost
    _check_sound(case)  # none counted twice, no rate past 100%


def test_a_merge_into_an_existing_unit_opens_it_anew_with_both_works(case):
    before = _figures(case)

    _apply(plans.merge(sources=[case.a], into=case.c, **BASIS), case)

    new_c = Unit.objects.get(name="Đảng bộ xã C", valid_from=ACT)
    assert _expected_in(case, 8) == {"Đảng bộ xã B", "Đảng bộ xã C"}
    assert _past(_figures(case), case) == _past(before, case)
    assert Assignment.objects.filter(unit=new_c, parent__isnull=True).count() == 3
    august = engine.by_unit(directive=case.directive, period=case.period(8), today=TODAY)
    assert august[new_c.pk].expected == 2  # the ongoing task and the one until done
    _check_sound(case)


def test_a_split_divides_the_work(case):
    before = _figures(case)
    first = plans.NewUnit("Đảng bộ xã A1", kind=case.a.kind, parent=case.district, staff=True)
    second = plans.NewUnit(
        "Đảng bộ xã A2", kind=case.a.kind, parent=case.district, takes=frozenset({case.ongoing.pk})
    )

    _apply(plans.split(source=case.a, parts=[first, second], **BASIS), case)

    a1, a2 = Unit.objects.get(name="Đảng bộ xã A1"), Unit.objects.get(name="Đảng bộ xã A2")
    assert _past(_figures(case), case) == _past(before, case)
    assert _expected_in(case, 8) == {
        "Đảng bộ xã A1",
        "Đảng bộ xã A2",
        "Đảng bộ xã B",
        "Đảng bộ xã C",
    }
    assert set(Assignment.objects.filter(unit=a2).values_list("task", flat=True)) == {
        case.ongoing.pk
    }
    assert Assignment.objects.filter(unit=a1).count() == 3
    assert Membership.objects.filter(unit=a1).count() == 1 and not Membership.objects.filter(
        unit=a2
    )
    case.below_a.refresh_from_db()
    assert case.below_a.parent == a1
    # A's report for Tháng 8 went to the first part that took the task, once.
    assert ProgressReport.objects.filter(assignment__unit=a1, period=case.period(8)).count() == 1
    assert not ProgressReport.objects.filter(assignment__unit=a2).exists()
    _check_sound(case)


def test_a_rename_keeps_the_old_name_in_the_past(case):
    before = _figures(case)

    _apply(plans.rename(source=case.a, name="Đảng bộ xã An Hòa", **BASIS), case)

    assert _past(_figures(case), case) == _past(before, case)
    assert "Đảng bộ xã A" in _expected_in(case, 6) and "Đảng bộ xã An Hòa" not in _expected_in(
        case, 6
    )
    assert _expected_in(case, 8) == {"Đảng bộ xã An Hòa", "Đảng bộ xã B", "Đảng bộ xã C"}
    renamed = Unit.objects.get(name="Đảng bộ xã An Hòa")
    assert renamed.parent == case.district and renamed.kind == case.a.kind
    _check_sound(case)


def test_a_move_places_the_unit_under_its_new_parent_from_the_date(case):
    town = UnitFactory(name="Đảng bộ thị xã An Nhơn", kind=Unit.Kind.PARTY_COMMITTEE)
    before = _figures(case)

    _apply(plans.move(source=case.a, parent=town, **BASIS), case)

    moved = Unit.objects.get(name="Đảng bộ xã A", valid_from=ACT)
    assert moved.parent == town
    assert _past(_figures(case), case) == _past(before, case)
    rows = tree_rollup(
        directive=case.directive, period=case.period(8), parent_id=town.pk, today=TODAY
    )
    assert [(row.unit, row.figures.expected) for row in rows] == [(moved, 2)]
    _check_sound(case)


def test_a_dissolved_unit_without_heir_ends_its_work(case):
    before = _figures(case)

    _apply(plans.dissolve(source=case.a, accounts="deactivate", **BASIS), case)

    assert _past(_figures(case), case) == _past(before, case)
    assert _expected_in(case, 8) == {"Đảng bộ xã B", "Đảng bộ xã C"}
    case.reporter_a.refresh_from_db()
    assert not case.reporter_a.is_active
    case.below_a.refresh_from_db()
    assert case.below_a.parent == case.district  # under the dissolved unit's parent
    deadline = engine.count_deadlines(
        assignments=Assignment.objects.filter(task=case.deadline), by=("unit",), today=TODAY
    )
    assert (case.a.pk,) not in deadline
    # A's report for Tháng 8 stays A's: no unit took its work.
    assert ProgressReport.objects.filter(assignment__unit=case.a, period=case.period(8)).exists()
    _check_sound(case)


def test_a_dissolved_unit_with_an_heir_hands_its_work_over(case):
    _apply(plans.dissolve(source=case.a, heir=case.b, **BASIS), case)

    heir = Unit.objects.get(name="Đảng bộ xã B", valid_from=ACT)
    assert _expected_in(case, 8) == {"Đảng bộ xã B", "Đảng bộ xã C"}
    assert Assignment.objects.get(unit=heir, task=case.ongoing).role == "lead"  # A led
    _check_sound(case)


def test_undo_puts_everything_back_until_a_new_unit_reports(case):
    before, reports = _figures(case), ProgressReport.objects.count()
    new = plans.NewUnit("Đảng bộ xã Tuy Phước", kind=case.a.kind, parent=case.district)
    act = _apply(plans.merge(sources=[case.a, case.b], new=new, **BASIS), case)
    assert undoable(act) == ""

    reorganisation_undo(by=case.admin, act=act)

    assert _figures(case) == before
    assert ProgressReport.objects.count() == reports
    assert not Unit.objects.filter(name="Đảng bộ xã Tuy Phước").exists()
    case.a.refresh_from_db(), case.below_a.refresh_from_db()
    assert (case.a.valid_to, case.a.successor, case.below_a.parent) == (None, None, case.a)
    assert Membership.objects.filter(unit=case.a).count() == 1
    assert set(case.group.members.all()) == {case.a, case.b}
    act.refresh_from_db()
    assert act.undone_at is not None and undoable(act) == "Đã hoàn tác."
    _check_sound(case)


def test_undo_is_refused_once_a_new_unit_has_reported(case):
    new = plans.NewUnit("Đảng bộ xã Tuy Phước", kind=case.a.kind, parent=case.district)
    act = _apply(plans.merge(sources=[case.a, case.b], new=new, **BASIS), case)
    merged = Unit.objects.get(name="Đảng bộ xã Tuy Phước")
    ProgressReportFactory(
        assignment=Assignment.objects.get(unit=merged, task=case.both),
        period=case.period(8), status="submitted", submitted_at=at(D(2025, 7, 19)),
    )  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        reorganisation_undo(by=case.admin, act=act)

    assert refused.value.messages == ["Đơn vị sau sắp xếp đã có báo cáo."]
    assert Reorganisation.objects.get().undone_at is None


def test_what_stops_an_act(case):
    case.b.valid_to = D(2025, 3, 31)
    case.b.save()
    new = plans.NewUnit("", kind=case.a.kind, parent=case.a)
    plan = plans.merge(sources=[case.a, case.b], new=new, **(BASIS | {"basis": " "}))

    problems = plans.preview(plan).problems

    assert problems == [
        "Cần ghi căn cứ (số, ký hiệu văn bản quyết định).",
        "Đảng bộ xã B đã ngừng hoạt động từ 01/04/2025.",
        "Cần ghi tên đơn vị mới.",
        " không thể trực thuộc một đơn vị đang được sắp xếp hay đơn vị cấp dưới của nó.",
    ]
    with pytest.raises(ValidationError):
        _apply(plan, case)
    assert not Reorganisation.objects.exists()
    assert plans.preview(plans.move(source=case.a, parent=case.below_a, **BASIS)).problems == [
        "Không thể chuyển đơn vị vào dưới chính nó."
    ]


def test_no_act_puts_a_new_unit_below_the_units_it_replaces(case):
    """The units below those that close go under the new unit: placed below one of
    them, the new unit would be its own ancestor, and every walk of the tree loops."""
    below = plans.NewUnit("Đảng bộ xã Tuy Phước", kind=case.a.kind, parent=case.below_a)
    acts = [
        plans.merge(sources=[case.a, case.b], new=below, **BASIS),
        plans.split(
            source=case.a,
            parts=[below, plans.NewUnit("Xã A2", kind=case.a.kind, parent=case.district)],
            **BASIS,
        ),
    ]
    for plan in acts:
        assert plans.preview(plan).problems == [
            "Đảng bộ xã Tuy Phước không thể trực thuộc một đơn vị đang được sắp xếp hay đơn "
            "vị cấp dưới của nó."
        ]
        with pytest.raises(ValidationError):
            _apply(plan, case)
    assert not Reorganisation.objects.exists()
    assert case.below_a.parent_id == case.a.pk


def test_a_unit_administrator_dissolves_only_what_it_could_change_itself(case):
    """A dissolve moves the units below to the parent and may deactivate accounts: the
    administrator of the unit alone may place neither above its scope, nor deactivate
    accounts it could not deactivate by hand (a reviewer's, its own)."""
    admin_a = MembershipFactory(unit=case.a, role=Membership.Role.UNIT_ADMIN).user
    admin_c = MembershipFactory(unit=case.c, role=Membership.Role.UNIT_ADMIN).user
    reviewer_c = MembershipFactory(unit=case.c, role=Membership.Role.REVIEWER).user

    with pytest.raises(PermissionDenied):  # xã A's chi bộ would go under the Huyện ủy
        reorganisation_apply(by=admin_a, plan=plans.dissolve(source=case.a, **BASIS))
    with pytest.raises(PermissionDenied):  # a reviewer's account, and its own
        reorganisation_apply(
            by=admin_c, plan=plans.dissolve(source=case.c, accounts="deactivate", **BASIS)
        )
    assert not Reorganisation.objects.exists()
    reviewer_c.refresh_from_db()
    assert reviewer_c.is_active
    case.below_a.refresh_from_db()
    assert case.below_a.parent == case.a

    reorganisation_apply(by=admin_c, plan=plans.dissolve(source=case.c, **BASIS))
    assert Reorganisation.objects.count() == 1


def test_a_unit_administrator_reorganises_only_units_it_administers(case):
    admin_a = MembershipFactory(unit=case.a, role=Membership.Role.UNIT_ADMIN).user
    new = plans.NewUnit("Đảng bộ xã Tuy Phước", kind=case.a.kind, parent=case.district)

    with pytest.raises(PermissionDenied):
        reorganisation_apply(
            by=admin_a, plan=plans.merge(sources=[case.a, case.b], new=new, **BASIS)
        )
    with pytest.raises(PermissionDenied):  # nor places a unit above its own
        reorganisation_apply(by=admin_a, plan=plans.rename(source=case.a, name="Xã A mới", **BASIS))

    part = plans.NewUnit("Chi bộ thôn 1A", kind=case.below_a.kind, parent=case.a)
    other = plans.NewUnit("Chi bộ thôn 1B", kind=case.below_a.kind, parent=case.a)
    reorganisation_apply(
        by=admin_a, plan=plans.split(source=case.below_a, parts=[part, other], **BASIS)
    )
    assert Unit.objects.filter(parent=case.a, valid_from=ACT).count() == 2


def test_the_new_units_page_shows_its_history_and_nothing_owed_before_it_existed(case):
    from django.urls import reverse

    from ..conftest import login
    from ..factories import MembershipFactory

    new = plans.NewUnit("Đảng bộ xã Tuy Phước", kind=case.a.kind, parent=case.district)
    _apply(plans.merge(sources=[case.a, case.b], new=new, **BASIS), case)
    merged = Unit.objects.get(name="Đảng bộ xã Tuy Phước")
    leader = MembershipFactory(unit=case.district, role=Membership.Role.LEADERSHIP).user

    page = login(leader).get(reverse("reports:unit_page", args=[case.directive.pk, merged.pk]))

    body = page.content.decode()
    assert "Hoạt động từ 01/07/2025" in body
    assert "Gồm" in body and "Đảng bộ xã A</a> (đến 30/06/2025)" in body
    assert [u.name for u in lineage(merged)] == ["Đảng bộ xã A", "Đảng bộ xã B"]
    trend = page.context["trend"]
    for point in trend:  # the new unit with its predecessors: never past 100%
        assert point.figures.received <= point.figures.expected
    june = next(t for t in trend if t.period.cutoff.month == 6 and t.period.cutoff.year == 2025)
    assert june.figures.expected == 4  # A and B, two tasks each; the new unit not yet
    own = page.context["groups"][0]
    assert own[0] == merged
    january = [cells[0] for _assignment, cells in own[1]]
    assert january == [None, None]  # it did not exist: nothing owed
    rollup = login(leader).get(
        reverse("reports:rollup", args=[case.directive.pk])
        + f"?ky={case.period(8).pk}&don_vi={case.district.pk}"
    )
    assert (
        "gồm: Đảng bộ xã A (đến 30/06/2025), Đảng bộ xã B (đến 30/06/2025)"
        in rollup.content.decode()
    )


def test_handed_down_tasks_follow_their_parent_and_reminders_go_to_whoever_owes(case):
    from directives.handing_down import assignment_hand_down
    from reports.notifications.models import Notification
    from reports.reminders.due import reminders_due
    from reports.reminders.services import reminders_send
    from units.permissions import can

    given = Assignment.objects.get(unit=case.a, task=case.ongoing)
    (below,) = assignment_hand_down(assignment=given, units={case.below_a: None}, by=case.admin)
    new = plans.NewUnit("Đảng bộ xã Tuy Phước", kind=case.a.kind, parent=case.district)

    _apply(plans.merge(sources=[case.a, case.b], new=new, **BASIS), case)

    merged = Unit.objects.get(name="Đảng bộ xã Tuy Phước")
    below.refresh_from_db()
    assert below.parent == Assignment.objects.get(unit=merged, task=case.ongoing)
    # Tháng 9/2025 is owed by the new unit; Tháng 7/2025 (15/06 – 14/07) by A and B for
    # their part too. The new unit's staff (A's and B's, moved) file and hear about both.
    due = reminders_due(today=D(2025, 9, 22))
    owing = {(r.assignment.unit.name, r.period.label) for r in due}
    assert ("Đảng bộ xã Tuy Phước", "Tháng 9/2025") in owing
    assert ("Đảng bộ xã A", "Tháng 7/2025") in owing
    old_units = {r.assignment.unit for r in due} & {case.a, case.b}
    assert old_units and all(
        r.period.start < ACT for r in due if r.assignment.unit in old_units
    )  # nothing of a period after the act
    reminders_send(today=D(2025, 9, 22))
    told = Notification.objects.filter(user=case.reporter_a)
    assert told.filter(message__contains="Đảng bộ xã A").exists()
    assert told.filter(message__contains="Đảng bộ xã Tuy Phước").exists()
    july_of_a = Assignment.objects.get(unit=case.a, task=case.ongoing)
    assert can(case.reporter_a, "assignment.file", july_of_a)


def test_undo_never_deletes_what_was_added_to_a_new_unit_since(case):
    new = plans.NewUnit("Đảng bộ xã Tuy Phước", kind=case.a.kind, parent=case.district)
    act = _apply(plans.merge(sources=[case.a, case.b], new=new, **BASIS), case)
    merged = Unit.objects.get(name="Đảng bộ xã Tuy Phước")
    given = MembershipFactory(unit=merged, role=Membership.Role.UNIT_HEAD)  # after the act

    assert undoable(act) == "Đơn vị sau sắp xếp đã có tài khoản, đơn vị hoặc việc mới."
    with pytest.raises(ValidationError):
        reorganisation_undo(by=case.admin, act=act)

    assert Membership.objects.filter(pk=given.pk).exists()
    assert Unit.objects.filter(pk=merged.pk).exists()
    given.delete()
    UnitFactory(name="Chi bộ mới", parent=merged)  # a unit placed below it since
    assert undoable(act) == "Đơn vị sau sắp xếp đã có tài khoản, đơn vị hoặc việc mới."
