"""A task with a deadline: the unit declares it done (báo cáo hoàn thành), a reviewer
confirms it or returns it; extending the deadline; a task reported each period until done;
every step on the timeline and in the audit log; the pages, persona by persona."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directives.models import Assignment
from ops.models import AuditEvent
from reports.figures import engine
from reports.filing import services
from reports.filing.extensions import extension_decide, extension_request
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.filing.slots import (
    AWAITING,
    DONE_LATE,
    DONE_ON_TIME,
    OVERDUE,
    WITHIN,
    deadline_state,
)
from reports.notifications.models import Notification

from ...conftest import login
from ...factories import VN

pytestmark = pytest.mark.django_db

Status = ProgressReport.Status
D = datetime.date
RESULT = {"achievements": "Đã ban hành Kế hoạch số 12-KH/UBND ngày 20/9/2021."}


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), VN)


def _declare(assignment, by, day, text=RESULT):
    report = services.report_save_draft(
        assignment=assignment, period=None, by=by, data=text, at=_at(day)
    )
    return services.report_submit(report=report, by=by, at=_at(day))


@pytest.fixture
def w(deadline_directive):
    return deadline_directive


@pytest.fixture
def ubnd_deadline(w):
    return w.assignment(w.deadline_task, w.ubnd)


def test_a_declaration_waits_for_confirmation_and_is_done_on_the_day_declared(
    w, ubnd_deadline, reviewer
):
    report = _declare(ubnd_deadline, w.ubnd_reporter, D(2021, 9, 28))

    assert report.period is None and report.assessment == "done" and report.percent_done == 100
    assert deadline_state(assignment=ubnd_deadline, today=D(2021, 10, 5)).status == AWAITING
    ubnd_deadline.refresh_from_db()
    assert ubnd_deadline.done_on is None  # not done until confirmed

    services.report_accept(report=report, by=reviewer, at=_at(D(2021, 10, 4)))

    ubnd_deadline.refresh_from_db()
    assert ubnd_deadline.done_on == D(2021, 9, 28)  # the day declared, not confirmed
    state = deadline_state(assignment=ubnd_deadline, today=D(2021, 10, 5))
    assert state.done and state.on_time and state.status == DONE_ON_TIME


def test_a_declaration_after_the_deadline_is_done_late(w, ubnd_deadline, reviewer):
    report = _declare(ubnd_deadline, w.ubnd_reporter, D(2021, 10, 1))
    services.report_accept(report=report, by=reviewer)

    ubnd_deadline.refresh_from_db()
    assert deadline_state(assignment=ubnd_deadline, today=D(2021, 10, 5)).status == DONE_LATE


def test_a_returned_declaration_is_done_on_the_day_it_was_declared_again(
    w, ubnd_deadline, reviewer
):
    report = _declare(ubnd_deadline, w.ubnd_reporter, D(2021, 9, 20))
    services.report_return(
        report=report, by=reviewer, reason="Chưa gửi kèm kế hoạch.", at=_at(D(2021, 9, 22))
    )
    assert deadline_state(assignment=ubnd_deadline, today=D(2021, 9, 25)).own_status == "returned"

    report = _declare(ubnd_deadline, w.ubnd_reporter, D(2021, 10, 2))
    services.report_accept(report=report, by=reviewer, at=_at(D(2021, 10, 4)))

    ubnd_deadline.refresh_from_db()
    assert ubnd_deadline.done_on == D(2021, 10, 2)
    transitions = list(report.transitions.values_list("from_status", "to_status"))
    assert transitions == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "draft"),
        ("draft", "submitted"),
        ("submitted", "accepted"),
    ]
    actions = list(
        AuditEvent.objects.filter(object_id=report.pk, object_type="reports.progressreport")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert "task.done_confirmed" in actions and "report.returned" in actions


def test_states_before_the_deadline_and_after_it(ubnd_deadline):
    assert deadline_state(assignment=ubnd_deadline, today=D(2021, 9, 30)).status == WITHIN
    assert deadline_state(assignment=ubnd_deadline, today=D(2021, 10, 1)).status == OVERDUE


def test_nothing_is_declared_without_its_result_and_an_ongoing_task_has_no_declaration(
    w, ubnd_deadline
):
    report = services.report_save_draft(
        assignment=ubnd_deadline, period=None, by=w.ubnd_reporter, data={"achievements": " "}
    )
    with pytest.raises(ValidationError) as refused:
        services.report_submit(report=report, by=w.ubnd_reporter)
    assert "Cần nêu kết quả thực hiện" in str(refused.value)

    ongoing = w.assignment(w.ongoing_task, w.ubnd)
    with pytest.raises(ValidationError, match="Nhiệm vụ thường xuyên"):
        services.report_save_draft(assignment=ongoing, period=None, by=w.ubnd_reporter, data=RESULT)


def test_a_task_only_to_be_done_by_a_deadline_is_not_reported_each_period(w, ubnd_deadline):
    period = w.directive.periods.first()
    with pytest.raises(ValidationError, match="không báo cáo theo kỳ"):
        services.report_save_draft(
            assignment=ubnd_deadline, period=period, by=w.ubnd_reporter, data=RESULT
        )

    figures = engine.count(directive=w.directive, periods=[period], by=("task",))
    assert (w.deadline_task.pk,) not in figures
    assert figures[(w.both_task.pk,)].expected == 2  # UBND huyện and xã A
    assert figures[(w.ongoing_task.pk,)].expected == 2


def test_a_task_reported_until_done_is_expected_up_to_the_period_it_was_done_in(w, reviewer):
    both = w.assignment(w.both_task, w.ubnd)
    september, october = w.directive.periods.order_by("start")
    report = _declare(both, w.ubnd_reporter, D(2021, 9, 10))  # in September's period
    services.report_accept(report=report, by=reviewer)
    both.refresh_from_db()

    counted = engine.count(
        directive=w.directive, periods=[september, october], by=("period", "task")
    )
    assert counted[(september.pk, w.both_task.pk)].expected == 2
    assert counted[(october.pk, w.both_task.pk)].expected == 1  # xã A only
    with pytest.raises(ValidationError, match="đã hoàn thành ngày 10/09/2021"):
        services.report_save_draft(assignment=both, period=october, by=w.ubnd_reporter, data=RESULT)


def test_extending_the_deadline_moves_it_and_keeps_the_original(w, ubnd_deadline, reviewer):
    request = extension_request(
        assignment=ubnd_deadline,
        period=None,
        by=w.ubnd_reporter,
        new_due=D(2021, 10, 15),
        reason="Chờ ý kiến của Sở.",
    )
    extension_decide(extension=request, by=reviewer, grant=True)
    ubnd_deadline.refresh_from_db()

    state = deadline_state(assignment=ubnd_deadline, today=D(2021, 10, 5))
    assert (state.original, state.due, state.extended) == (D(2021, 9, 30), D(2021, 10, 15), True)
    assert state.status == WITHIN  # past the original, within the extension
    assert Assignment.objects.filter(pk=ubnd_deadline.pk, extended_to=D(2021, 10, 15)).exists()

    report = _declare(ubnd_deadline, w.ubnd_reporter, D(2021, 10, 12))
    services.report_accept(report=report, by=reviewer)
    ubnd_deadline.refresh_from_db()
    assert deadline_state(assignment=ubnd_deadline, today=D(2021, 10, 20)).status == DONE_ON_TIME
    assert AuditEvent.objects.filter(action="extension.granted", unit_id=w.ubnd.pk).exists()


def test_an_extension_must_be_later_and_not_too_far(w, ubnd_deadline):
    for day, message in [
        (D(2021, 9, 30), "phải sau hạn hiện tại (30/09/2021)"),
        (D(2022, 12, 1), "tối đa 366 ngày"),
    ]:
        with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            extension_request(
                assignment=ubnd_deadline, period=None, by=w.ubnd_reporter, new_due=day, reason="x"
            )
    assert not ExtensionRequest.objects.exists()


# The pages ---------------------------------------------------------------------------


def test_the_unit_declares_on_its_page_and_the_reviewer_confirms(w, ubnd_deadline, reviewer):
    url = reverse("reports:completion", args=[ubnd_deadline.pk])
    unit = login(w.ubnd_reporter)

    page = unit.get(url)
    assert page.status_code == 200 and "Báo cáo hoàn thành" in page.content.decode()
    response = unit.post(url, {**RESULT, "version": 0, "submit": ""})
    report = ProgressReport.objects.get(assignment=ubnd_deadline, period=None)
    assert response.status_code == 302
    assert response.url == reverse("reports:detail", args=[report.pk])
    assert report.status == Status.SUBMITTED

    judge = login(reviewer)
    detail = judge.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Xác nhận hoàn thành" in detail
    judge.post(reverse("reports:accept", args=[report.pk]))

    ubnd_deadline.refresh_from_db()
    assert ubnd_deadline.done_on is not None
    assert "Hoàn thành" in unit.get(url).content.decode()


def test_a_refused_declaration_keeps_what_was_typed(w, ubnd_deadline):
    url = reverse("reports:completion", args=[ubnd_deadline.pk])
    typed = "x" * 10_001  # over the text limit

    response = login(w.ubnd_reporter).post(url, {"achievements": typed, "version": 0})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Tối đa 10000 ký tự" in body and typed in body
    assert not ProgressReport.objects.exists()


def test_an_extension_refused_comes_back_with_the_form_and_the_message(w, ubnd_deadline):
    url = reverse("reports:request_deadline_extension", args=[ubnd_deadline.pk])

    response = login(w.ubnd_reporter).post(
        url, {"new_due": "2021-09-01", "reason": "Chờ ý kiến của Sở."}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "phải sau hạn hiện tại" in body and "Chờ ý kiến của Sở." in body


def test_a_deadline_extension_is_decided_on_the_task_page(w, ubnd_deadline, reviewer):
    request = extension_request(
        assignment=ubnd_deadline,
        period=None,
        by=w.ubnd_reporter,
        new_due=D(2021, 10, 15),
        reason="Chờ ý kiến.",
    )
    judge = login(reviewer)
    assert (
        "Cho gia hạn"
        in judge.get(reverse("reports:completion", args=[ubnd_deadline.pk])).content.decode()
    )

    response = judge.post(reverse("reports:decide_extension", args=[request.pk]), {"grant": ""})

    assert response.url == reverse("reports:completion", args=[ubnd_deadline.pk])
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.GRANTED


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("reporter_a", 404), ("reviewer", 200), ("leader", 200)],
)
def test_who_opens_a_units_task_page(persona, status, w, ubnd_deadline, client_for):
    services.report_save_draft(
        assignment=ubnd_deadline,
        period=None,
        by=w.ubnd_reporter,
        data={"achievements": "Bản nháp riêng của UBND"},
    )
    url = reverse("reports:completion", args=[ubnd_deadline.pk])

    response = client_for(persona).get(url)

    assert response.status_code == status
    assert "Bản nháp riêng của UBND" not in response.content.decode()
    if status == 200:
        assert 'name="submit"' not in response.content.decode()  # nobody else declares
        assert client_for(persona).post(url, {**RESULT, "version": 1}).status_code == 404


def test_the_page_of_an_ongoing_task_is_not_found(w):
    ongoing = w.assignment(w.ongoing_task, w.ubnd)
    response = login(w.ubnd_reporter).get(reverse("reports:completion", args=[ongoing.pk]))
    assert response.status_code == 404


def test_each_side_is_told(w, ubnd_deadline, reviewer):
    """The reviewers learn of a declaration; the unit, of its confirmation."""
    report = _declare(ubnd_deadline, w.ubnd_reporter, D(2021, 9, 28))
    told = Notification.objects.get(user=reviewer)
    assert "UBND huyện báo cáo hoàn thành nhiệm vụ 1.1 (150-KH/HU)" in told.message
    assert told.url == reverse("reports:detail", args=[report.pk])

    services.report_accept(report=report, by=reviewer)

    unit_told = Notification.objects.get(user=w.ubnd_reporter)
    assert "1.1 (150-KH/HU) đã được xác nhận hoàn thành" in unit_told.message
    assert Notification.objects.count() == 2  # nobody else
