"""assignments_sync: every task of a section goes to every unit the section addresses."""

import pytest
from django.core.exceptions import ValidationError

from directives.models import Assignment, Role
from directives.services import assignments_sync, directive_publish, task_delete

from ..factories import (
    AddresseeFactory,
    AssignmentFactory,
    DirectiveFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
)

pytestmark = pytest.mark.django_db


def _assigned(directive) -> set[tuple[int, int, str]]:
    return set(
        Assignment.objects.filter(task__section__directive=directive).values_list(
            "task_id", "unit_id", "role"
        )
    )


def test_a_group_fans_out_to_every_member_for_every_task():
    members = UnitFactory.create_batch(3)
    section = SectionFactory()
    tasks = TaskFactory.create_batch(2, section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=members))

    created = assignments_sync(directive=section.directive)

    assert created == 6
    assert _assigned(section.directive) == {
        (task.pk, unit.pk, Role.LEAD) for task in tasks for unit in members
    }


def test_only_the_sections_addressees_get_its_tasks():
    unit_1, unit_2 = UnitFactory.create_batch(2)
    section_1 = SectionFactory()
    section_2 = SectionFactory(directive=section_1.directive)
    task_1 = TaskFactory(section=section_1)
    task_2 = TaskFactory(section=section_2)
    AddresseeFactory(section=section_1, unit=unit_1)
    AddresseeFactory(section=section_2, unit=unit_2, role=Role.SUPPORT)

    assignments_sync(directive=section_1.directive)

    assert _assigned(section_1.directive) == {
        (task_1.pk, unit_1.pk, Role.LEAD),
        (task_2.pk, unit_2.pk, Role.SUPPORT),
    }


@pytest.mark.parametrize("lead_first", [True, False], ids=["lead-first", "support-first"])
def test_lead_beats_support_for_a_unit_addressed_both_ways(lead_first):
    unit = UnitFactory()
    section = SectionFactory()
    task = TaskFactory(section=section)
    ways = [
        {"unit": unit, "group": None, "role": Role.LEAD},
        {"unit": None, "group": UnitGroupFactory(members=[unit]), "role": Role.SUPPORT},
    ]
    for way in ways if lead_first else reversed(ways):
        AddresseeFactory(section=section, **way)

    assert assignments_sync(directive=section.directive) == 1
    assert _assigned(section.directive) == {(task.pk, unit.pk, Role.LEAD)}


def test_sync_is_idempotent():
    section = SectionFactory()
    TaskFactory(section=section)
    AddresseeFactory(section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=[UnitFactory()]))

    assert assignments_sync(directive=section.directive) == 2
    before = _assigned(section.directive)
    assert assignments_sync(directive=section.directive) == 0
    assert _assigned(section.directive) == before


def test_existing_assignments_are_kept_and_only_new_units_added():
    old_unit, new_unit = UnitFactory.create_batch(2)
    section = SectionFactory()
    task = TaskFactory(section=section)
    group = UnitGroupFactory(members=[old_unit])
    AddresseeFactory(section=section, unit=None, group=group)
    assignments_sync(directive=section.directive)
    kept = Assignment.objects.get(task=task, unit=old_unit)

    group.members.add(new_unit)
    assert assignments_sync(directive=section.directive) == 1

    assert Assignment.objects.get(task=task, unit=old_unit).pk == kept.pk
    assert Assignment.objects.filter(task=task, unit=new_unit).exists()


def test_an_assignment_made_by_hand_is_kept():
    section = SectionFactory()
    task = TaskFactory(section=section)
    AddresseeFactory(section=section)
    manual = AssignmentFactory(task=task, role=Role.SUPPORT)

    assignments_sync(directive=section.directive)

    assert Assignment.objects.filter(pk=manual.pk, role=Role.SUPPORT).exists()
    assert Assignment.objects.filter(task=task).count() == 2


def test_sync_leaves_other_directives_alone():
    section = SectionFactory()
    TaskFactory(section=section)
    AddresseeFactory(section=section)
    other = AssignmentFactory()

    assignments_sync(directive=section.directive)

    assert _assigned(other.task.section.directive) == {(other.task_id, other.unit_id, other.role)}


def test_publishing_a_directive_puts_it_in_force_and_assigns_its_tasks():
    directive = DirectiveFactory(status="draft")
    section = SectionFactory(directive=directive)
    TaskFactory(section=section)
    AddresseeFactory(section=section)

    directive_publish(directive=directive)

    directive.refresh_from_db()
    assert directive.status == "active"
    assert len(_assigned(directive)) == 1


def test_a_closed_directive_is_not_published_again(small_directive):
    directive = small_directive.directive
    directive.status = "closed"
    directive.save()

    with pytest.raises(ValidationError, match="đã kết thúc"):
        directive_publish(directive=directive)
    with pytest.raises(ValidationError, match="không sửa cấu trúc"):
        task_delete(task=small_directive.task, by=None)

    directive.refresh_from_db()
    assert directive.status == "closed"


def test_a_lead_group_with_no_member_keeps_the_directive_from_publishing():
    directive = DirectiveFactory(status="draft")
    section = SectionFactory(directive=directive, number="1")
    TaskFactory(section=section)
    AddresseeFactory(section=section, unit=UnitFactory(), role=Role.SUPPORT)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(name="Các xã mới"))

    with pytest.raises(ValidationError, match="Nhóm “Các xã mới” \\(mục 1\\) chưa có"):
        directive_publish(directive=directive)


def test_a_report_that_slips_past_the_check_stops_the_delete(small_directive, submitted_a):
    """Reports are protected: had the editor's check missed one, the delete still fails."""
    from directives.services import _delete

    with pytest.raises(ValidationError, match="vừa báo cáo"):
        _delete(small_directive.task, "Không xóa được nhiệm vụ 1.1: đơn vị vừa báo cáo.")

    submitted_a.refresh_from_db()
    assert submitted_a.assignment.task == small_directive.task
