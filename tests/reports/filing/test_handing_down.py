"""Handing a task down (giao việc tiếp): who may, to whom, with which deadline; the units
below file as any assignee does and the unit follows them; nothing is counted twice and
no unit below reads a sibling's report."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directives.handing_down import assignment_hand_down, assignment_take_back
from directives.models import Assignment
from ops.models import AuditEvent
from reports.figures import engine
from reports.filing import services
from reports.filing.extensions import extension_request
from reports.filing.models import ProgressReport
from reports.notifications.models import Notification
from units import permissions
from units.models import Unit

from ...conftest import login
from ...factories import UnitFactory

pytestmark = pytest.mark.django_db

D = datetime.date
RESULT = {"achievements": "Phòng đã tổ chức 3 lớp tập huấn."}


@pytest.fixture
def w(deadline_directive):
    return deadline_directive


@pytest.fixture
def ubnd_deadline(w):
    return w.assignment(w.deadline_task, w.ubnd)


def _hand_down(w, assignment, **deadlines):
    units = {getattr(w, name): day for name, day in deadlines.items()}
    return assignment_hand_down(assignment=assignment, units=units, by=w.head)


def test_the_head_hands_a_task_to_the_offices_below_each_with_its_deadline(w, ubnd_deadline):
    made = _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20), office_b=D(2021, 9, 25))

    assert {(a.unit, a.deadline, a.parent_id) for a in made} == {
        (w.office_a, D(2021, 9, 20), ubnd_deadline.pk),
        (w.office_b, D(2021, 9, 25), ubnd_deadline.pk),
    }
    assert AuditEvent.objects.filter(action="assignment.handed_down").count() == 2


def test_only_the_head_hands_down_unless_the_directive_lets_reporters(w, ubnd_deadline):
    assert permissions.can(w.head, "assignment.hand_down", ubnd_deadline)
    assert not permissions.can(w.ubnd_reporter, "assignment.hand_down", ubnd_deadline)
    assert not permissions.can(w.office_a_reporter, "assignment.hand_down", ubnd_deadline)

    w.directive.reporters_hand_down = True
    w.directive.save()
    ubnd_deadline = w.assignment(w.deadline_task, w.ubnd)
    w.ubnd_reporter._dondoc_roles = None
    assert permissions.can(w.ubnd_reporter, "assignment.hand_down", ubnd_deadline)


@pytest.mark.parametrize(
    ("deadlines", "message"),
    [
        ({"office_a": None}, "Cần hạn hoàn thành cho Phòng Văn hóa"),
        ({"office_a": D(2021, 10, 5)}, "không được muộn hơn hạn của đơn vị (30/09/2021)"),
        ({}, "Chọn ít nhất một đơn vị"),
    ],
)
def test_what_cannot_be_handed_down(w, ubnd_deadline, deadlines, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _hand_down(w, ubnd_deadline, **deadlines)
    assert not Assignment.objects.filter(parent__isnull=False).exists()


def test_a_unit_outside_the_subtree_or_closed_is_refused(w, ubnd_deadline, unit_b):
    closed = UnitFactory(name="Phòng cũ", parent=w.ubnd, valid_to=D(2020, 12, 31))
    for unit in (unit_b, closed):
        with pytest.raises(ValidationError, match="không phải đơn vị cấp dưới"):
            assignment_hand_down(assignment=ubnd_deadline, units={unit: D(2021, 9, 20)}, by=w.head)
    _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20))
    with pytest.raises(ValidationError, match="Đã giao nhiệm vụ này cho Phòng Văn hóa"):
        _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20))


def test_the_office_declares_and_the_head_not_the_reviewer_confirms(w, ubnd_deadline, reviewer):
    (sub,) = _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20))
    sub = Assignment.objects.select_related("unit", "task__section__directive", "parent").get(
        pk=sub.pk
    )
    report = services.report_save_draft(
        assignment=sub, period=None, by=w.office_a_reporter, data=RESULT
    )
    report = services.report_submit(report=report, by=w.office_a_reporter)

    assert permissions.can(w.head, "report.review", report)
    assert not permissions.can(reviewer, "report.review", report)
    assert permissions.can(reviewer, "report.view", report)  # reviewers read along

    response = login(w.head).post(reverse("reports:accept", args=[report.pk]))
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.done_on is not None


def test_the_head_never_confirms_what_it_filed_for_the_office_below(w, ubnd_deadline):
    """The head of the unit that handed the task down, also a reporter of the office it
    went to, files the office's report: the unit above follows it, not that person."""
    from units.models import Membership

    from ...factories import MembershipFactory

    (sub,) = _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20))
    MembershipFactory(user=w.head, unit=w.office_a, role=Membership.Role.REPORTER)
    w.head._dondoc_roles = None
    sub = Assignment.objects.select_related("unit", "task__section__directive", "parent").get(
        pk=sub.pk
    )
    report = services.report_save_draft(assignment=sub, period=None, by=w.head, data=RESULT)
    report = services.report_submit(report=report, by=w.head)

    assert not permissions.can(w.head, "report.review", report)
    assert not permissions.can(w.head, "extension.decide", sub)
    response = login(w.head).post(reverse("reports:accept", args=[report.pk]))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


def test_the_head_reopens_a_period_for_the_office_only_if_all_its_work_was_handed_down(
    w, ubnd_deadline
):
    """A reopening holds for all the office's tasks in the period: with one the reviewers
    gave the office themselves, it is theirs to reopen, not the head's."""
    from ...factories import AssignmentFactory, TaskFactory

    (sub,) = _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20))
    sub = Assignment.objects.select_related("unit", "task__section__directive", "parent").get(
        pk=sub.pk
    )
    assert permissions.can(w.head, "period.reopen", sub)

    AssignmentFactory(task=TaskFactory(section=w.deadline_task.section, order=9), unit=w.office_a)

    assert not permissions.can(w.head, "period.reopen", sub)
    assert permissions.can(w.head, "extension.decide", sub)  # its own task's deadline, still


def test_no_office_reads_its_siblings_report(w, ubnd_deadline):
    subs = _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20), office_b=D(2021, 9, 20))
    sub_a = next(a for a in subs if a.unit == w.office_a)
    sent = services.report_submit(
        report=services.report_save_draft(
            assignment=sub_a, period=None, by=w.office_a_reporter, data=RESULT
        ),
        by=w.office_a_reporter,
    )
    sibling = login(w.office_b_reporter)

    assert sibling.get(reverse("reports:detail", args=[sent.pk])).status_code == 404
    assert sibling.get(reverse("reports:completion", args=[sub_a.pk])).status_code == 404
    visible = permissions.visible_reports(w.office_b_reporter, ProgressReport.objects.all())
    assert not visible.exists()
    assert list(permissions.visible_reports(w.head, ProgressReport.objects.all())) == [sent]


def test_the_figures_count_the_units_assignment_never_the_ones_below(w, reviewer):
    both = w.assignment(w.both_task, w.ubnd)
    september = w.directive.periods.order_by("start").first()
    before = engine.count(directive=w.directive, periods=[september], by=("unit",))

    (sub,) = _hand_down(w, both, office_a=D(2021, 12, 1))
    sub = Assignment.objects.select_related("unit", "task__section__directive").get(pk=sub.pk)
    report = services.report_save_draft(
        assignment=sub,
        period=september,
        by=w.office_a_reporter,
        data={**RESULT, "percent_done": 50},
    )
    services.report_submit(report=report, by=w.office_a_reporter)

    after = engine.count(directive=w.directive, periods=[september], by=("unit",))
    assert after == before
    assert (w.office_a.pk,) not in after
    assert after[(w.ubnd.pk,)].received == 0  # the office's report is not the UBND's


def test_the_unit_sees_the_offices_text_beside_its_own_report(w):
    both = w.assignment(w.both_task, w.ubnd)
    september = w.directive.periods.order_by("start").first()
    (sub,) = _hand_down(w, both, office_a=D(2021, 12, 1))
    sub = Assignment.objects.select_related("unit", "task__section__directive").get(pk=sub.pk)
    services.report_submit(
        report=services.report_save_draft(
            assignment=sub, period=september, by=w.office_a_reporter, data=RESULT
        ),
        by=w.office_a_reporter,
    )

    page = login(w.ubnd_reporter).get(reverse("reports:file", args=[both.pk, september.pk]))

    body = page.content.decode()
    assert "Phòng Văn hóa" in body and RESULT["achievements"] in body
    assert 'data-insert-into="id_achievements"' in body


def test_the_hand_down_page_gives_the_task_and_takes_it_back(w, ubnd_deadline):
    url = reverse("reports:hand_down", args=[ubnd_deadline.pk])
    head = login(w.head)
    assert "Phòng Giáo dục" in head.get(url).content.decode()

    refused = head.post(url, {f"unit_{w.office_a.pk}": "on", f"deadline_{w.office_a.pk}": ""})
    assert refused.status_code == 400
    assert "Cần hạn hoàn thành cho Phòng Văn hóa" in refused.content.decode()

    done = head.post(
        url, {f"unit_{w.office_a.pk}": "on", f"deadline_{w.office_a.pk}": "2021-09-20"}
    )
    assert done.status_code == 302
    sub = Assignment.objects.get(parent=ubnd_deadline)
    told = Notification.objects.get(user=w.office_a_reporter)  # the office learns of it
    assert told.message == "UBND huyện giao nhiệm vụ 1.1 (150-KH/HU), hạn 20/09/2021."
    assert told.url == reverse("reports:completion", args=[sub.pk])

    head.post(reverse("reports:take_back", args=[sub.pk]))
    assert not Assignment.objects.filter(pk=sub.pk).exists()


def test_a_task_the_unit_below_reported_on_is_not_taken_back(w, ubnd_deadline):
    (sub,) = _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20))
    sub = Assignment.objects.select_related("unit", "task__section__directive").get(pk=sub.pk)
    services.report_save_draft(assignment=sub, period=None, by=w.office_a_reporter, data=RESULT)

    with pytest.raises(ValidationError, match="đã báo cáo"):
        assignment_take_back(assignment=sub, by=w.head)
    assert Assignment.objects.filter(pk=sub.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("reporter_a", 404), ("reviewer", 403), ("leader", 403)],
)
def test_who_opens_the_hand_down_page(persona, status, w, ubnd_deadline, client_for):
    url = reverse("reports:hand_down", args=[ubnd_deadline.pk])
    assert client_for(persona).get(url).status_code == status
    response = client_for(persona).post(
        url, {f"unit_{w.office_a.pk}": "on", f"deadline_{w.office_a.pk}": "2021-09-20"}
    )
    assert response.status_code == status
    assert not Assignment.objects.filter(parent__isnull=False).exists()
    assert Unit.objects.filter(parent=w.ubnd).count() == 2


def test_a_unit_head_starts_on_the_units_work(w, ubnd_deadline):
    head = login(w.head)
    assert head.get("/").url == reverse("reports:unit_work")
    page = head.get(reverse("reports:unit_work")).content.decode()
    assert "Giao việc tiếp" in page and "Báo cáo cả kỳ bằng bảng tính" not in page


def test_the_unit_above_not_the_reviewers_hears_of_a_units_extension_request(
    w, ubnd_deadline, reviewer
):
    (sub,) = _hand_down(w, ubnd_deadline, office_a=D(2021, 9, 20))
    sub = Assignment.objects.select_related("unit", "task__section__directive", "parent").get(
        pk=sub.pk
    )
    extension_request(
        assignment=sub, period=None, by=w.office_a_reporter, new_due=D(2021, 9, 25), reason="x"
    )

    asked = Notification.objects.filter(message__contains="xin gia hạn")
    assert set(asked.values_list("user__username", flat=True)) == {"lanhdao_ubnd"}
