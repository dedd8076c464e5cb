"""A report's life: draft → submitted → accepted, or returned with a reason → resubmitted."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from reports.filing import services
from reports.filing.models import ProgressReport, ReportTransition
from reports.filing.slots import sent_by, slot_state
from reports.periods.models import ReportingPeriod
from reports.periods.services import periods_generate

from ...factories import VN, DirectiveFactory, MembershipFactory, ProgressReportFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = ProgressReport.Status
Assessment = ProgressReport.Assessment
D = datetime.date

COMPLETE = {
    "assessment": Assessment.IN_PROGRESS,
    "percent_done": 60,
    "achievements": "Đã tổ chức 12 hội nghị quán triệt.",
    "difficulties": "",
    "proposals": "",
}


# periods_generate -----------------------------------------------------------------------


def test_periods_generate_creates_the_periods_started_by_then_and_is_idempotent():
    directive = DirectiveFactory()  # monthly, issued 25/08/2021

    # By 30/11 the period of Tháng 12 (from 15/11) has started: units may draft in it.
    assert periods_generate(directive=directive, until=D(2021, 11, 30)) == 4
    assert periods_generate(directive=directive, until=D(2021, 11, 30)) == 0
    assert periods_generate(directive=directive, until=D(2021, 12, 14)) == 0
    assert periods_generate(directive=directive, until=D(2021, 12, 15)) == 1

    assert list(directive.periods.values_list("label", "start", "cutoff", "due")) == [
        ("Tháng 9/2021", D(2021, 8, 15), D(2021, 9, 14), D(2021, 9, 20)),
        ("Tháng 10/2021", D(2021, 9, 15), D(2021, 10, 14), D(2021, 10, 18)),
        ("Tháng 11/2021", D(2021, 10, 15), D(2021, 11, 14), D(2021, 11, 18)),
        ("Tháng 12/2021", D(2021, 11, 15), D(2021, 12, 14), D(2021, 12, 20)),
        ("Tháng 1/2022", D(2021, 12, 15), D(2022, 1, 14), D(2022, 1, 18)),
    ]


def test_periods_generate_stops_at_reporting_ends_on():
    directive = DirectiveFactory(reporting_ends_on=D(2021, 10, 31))

    assert periods_generate(directive=directive, until=D(2022, 12, 31)) == 2
    assert max(directive.periods.values_list("cutoff", flat=True)) == D(2021, 10, 14)


def test_periods_generate_starts_at_reporting_starts_on():
    directive = DirectiveFactory(
        schedule="quarterly", reporting_starts_on=D(2022, 1, 1), issued_on=D(2021, 8, 25)
    )

    periods_generate(directive=directive, until=D(2022, 6, 14))

    assert list(directive.periods.values_list("label", flat=True)) == ["Quý 1/2022", "Quý 2/2022"]


def test_a_one_off_report_is_due_on_the_next_working_day_after_reporting_ends_on():
    directive = DirectiveFactory(schedule="once", reporting_ends_on=D(2025, 9, 2))

    assert periods_generate(directive=directive, until=D(2025, 9, 30)) == 1
    assert periods_generate(directive=directive, until=D(2025, 9, 30)) == 0
    period = directive.periods.get()
    assert (period.start, period.cutoff, period.due) == (
        D(2021, 8, 26),
        D(2025, 9, 2),
        D(2025, 9, 3),  # 2/9 is National Day
    )


def test_periods_generate_on_the_day_a_one_off_directive_is_issued_creates_nothing():
    # What a daily job does for a directive entered on the day it is issued: nothing is
    # due yet, so there is nothing to create, and certainly no crash.
    directive = DirectiveFactory(schedule="once", issued_on=D(2021, 8, 25))

    assert periods_generate(directive=directive, until=D(2021, 8, 25)) == 0
    assert not directive.periods.exists()


# report_save_draft ----------------------------------------------------------------------


def test_save_draft_creates_then_updates_the_same_report(small_directive, reporter_a):
    slot = {"assignment": small_directive.assignment_a, "period": small_directive.period}

    first = services.report_save_draft(**slot, by=reporter_a, data=COMPLETE)
    second = services.report_save_draft(
        **slot, by=reporter_a, data={**COMPLETE, "percent_done": 80}
    )

    assert second.pk == first.pk
    report = ProgressReport.objects.get(**slot)
    assert (report.status, report.percent_done) == (Status.DRAFT, 80)
    assert report.achievements == COMPLETE["achievements"]
    assert report.submitted_at is None


def test_save_draft_rejects_a_period_of_another_directive(small_directive, reporter_a):
    other_period = ReportingPeriod.objects.create(
        directive=DirectiveFactory(),
        label="Tháng 9/2021",
        start=D(2021, 8, 15),
        cutoff=D(2021, 9, 14),
        due=D(2021, 9, 20),
    )

    with pytest.raises(ValidationError):
        services.report_save_draft(
            assignment=small_directive.assignment_a,
            period=other_period,
            by=reporter_a,
            data=COMPLETE,
        )
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("trait", ["submitted", "accepted"])
def test_a_sent_report_cannot_be_edited(trait, small_directive, reporter_a):
    report = ProgressReportFactory(
        assignment=small_directive.assignment_a, period=small_directive.period, **{trait: True}
    )

    with pytest.raises(ValidationError, match="không sửa được"):
        services.report_save_draft(
            assignment=report.assignment,
            period=report.period,
            by=reporter_a,
            data={**COMPLETE, "achievements": "sửa sau khi gửi"},
        )
    report.refresh_from_db()
    assert report.achievements != "sửa sau khi gửi"


def test_save_draft_validates_percent_done(small_directive, reporter_a):
    with pytest.raises(ValidationError) as error:
        services.report_save_draft(
            assignment=small_directive.assignment_a,
            period=small_directive.period,
            by=reporter_a,
            data={**COMPLETE, "percent_done": 150},
        )
    assert "percent_done" in error.value.message_dict
    assert not ProgressReport.objects.exists()


# report_submit --------------------------------------------------------------------------


@pytest.fixture
def draft_a(small_directive, reporter_a):
    return services.report_save_draft(
        assignment=small_directive.assignment_a,
        period=small_directive.period,
        by=reporter_a,
        data=COMPLETE,
    )


def _redraft(report, **changes) -> ProgressReport:
    ProgressReport.objects.filter(pk=report.pk).update(**changes)
    report.refresh_from_db()
    return report


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"achievements": "   "}, "achievements"),
        ({"assessment": Assessment.DONE, "percent_done": 90}, "percent_done"),
        ({"assessment": Assessment.BLOCKED, "difficulties": ""}, "difficulties"),
    ],
    ids=["no-achievements", "done-below-100", "blocked-without-difficulties"],
)
def test_submit_refuses_an_incomplete_report(changes, field, draft_a, reporter_a):
    report = _redraft(draft_a, **changes)

    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, by=reporter_a)

    assert field in error.value.message_dict
    report.refresh_from_db()
    assert (report.status, report.submitted_at) == (Status.DRAFT, None)
    assert not report.transitions.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"assessment": Assessment.DONE, "percent_done": 100},
        {"assessment": Assessment.BLOCKED, "difficulties": "Thiếu kinh phí tổ chức."},
    ],
    ids=["done-at-100", "blocked-with-difficulties"],
)
def test_submit_accepts_a_consistent_assessment(changes, draft_a, reporter_a):
    report = services.report_submit(report=_redraft(draft_a, **changes), by=reporter_a)

    assert report.status == Status.SUBMITTED


def test_submit_records_the_transition_and_the_first_sending(draft_a, reporter_a):
    at = datetime.datetime(2021, 9, 17, 10, 0, tzinfo=VN)

    services.report_submit(report=draft_a, by=reporter_a, at=at)

    report = ProgressReport.objects.get(pk=draft_a.pk)
    assert (report.status, report.submitted_at, report.submitted_by) == (
        Status.SUBMITTED,
        at,
        reporter_a,
    )
    (transition,) = report.transitions.all()
    assert (transition.from_status, transition.to_status, transition.by, transition.at) == (
        Status.DRAFT,
        Status.SUBMITTED,
        reporter_a,
        at,
    )


def test_submit_twice_is_refused(draft_a, reporter_a):
    services.report_submit(report=draft_a, by=reporter_a)

    with pytest.raises(ValidationError):
        services.report_submit(report=draft_a, by=reporter_a)
    assert ReportTransition.objects.count() == 1


def test_resubmission_after_return_keeps_the_first_sending_time(draft_a, reporter_a, reviewer):
    first = datetime.datetime(2021, 9, 17, 10, 0, tzinfo=VN)
    again = datetime.datetime(2021, 9, 25, 8, 0, tzinfo=VN)
    returned = datetime.datetime(2021, 9, 21, 15, 0, tzinfo=VN)
    services.report_submit(report=draft_a, by=reporter_a, at=first)
    services.report_return(report=draft_a, by=reviewer, reason="Bổ sung số liệu.", at=returned)

    report = services.report_submit(report=draft_a, by=UserFactory(), at=again)

    report.refresh_from_db()
    assert (report.status, report.submitted_at, report.submitted_by) == (
        Status.SUBMITTED,
        first,
        reporter_a,
    )
    assert list(report.transitions.values_list("from_status", "to_status")) == [
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.RETURNED),
        (Status.RETURNED, Status.SUBMITTED),
    ]
    assert sent_by(report.submitted_at, report.period.due)


# report_accept / report_return -----------------------------------------------------------


def test_accept_a_submitted_report(submitted_a, reviewer):
    services.report_accept(report=submitted_a, by=reviewer)

    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.ACCEPTED
    transition = submitted_a.transitions.get()
    assert (transition.from_status, transition.to_status, transition.by) == (
        Status.SUBMITTED,
        Status.ACCEPTED,
        reviewer,
    )


@pytest.mark.parametrize("trait", ["draft", "returned", "accepted"])
@pytest.mark.parametrize("action", ["accept", "return"])
def test_accept_and_return_only_from_submitted(action, trait, small_directive, reviewer):
    report = ProgressReportFactory(
        assignment=small_directive.assignment_a,
        period=small_directive.period,
        **({} if trait == "draft" else {trait: True}),
    )
    kwargs = {"reason": "Bổ sung."} if action == "return" else {}

    with pytest.raises(ValidationError):
        getattr(services, f"report_{action}")(report=report, by=reviewer, **kwargs)

    report.refresh_from_db()
    assert report.status == trait
    assert not report.transitions.exists()


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_return_requires_a_reason(reason, submitted_a, reviewer):
    with pytest.raises(ValidationError) as error:
        services.report_return(report=submitted_a, by=reviewer, reason=reason)

    assert "reason" in error.value.message_dict
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.SUBMITTED
    assert not submitted_a.transitions.exists()


def test_return_records_the_reason_and_mails_the_units_reporters_after_commit(
    submitted_a, reporter_a, reporter_b, reviewer, unit_a, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(unit=unit_a, user=UserFactory(email="pho.ban@xa-a.test")).user
    MembershipFactory(unit=unit_a, user=UserFactory(email=""))  # no address: skipped
    reason = "Đề nghị bổ sung số liệu đảng viên tham gia học tập."

    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=submitted_a, by=reviewer, reason=f"  {reason}  ")

    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.RETURNED
    transition = submitted_a.transitions.get()
    assert (transition.from_status, transition.to_status, transition.by, transition.reason) == (
        Status.SUBMITTED,
        Status.RETURNED,
        reviewer,
        reason,
    )
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([reporter_a.email, colleague.email])
    assert reporter_b.email not in message.to
    assert reason in message.body
    assert "1.1" in message.subject
    assert "Tháng 9/2021" in message.subject


def test_return_mails_nothing_before_commit(
    submitted_a, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_return(report=submitted_a, by=reviewer, reason="Bổ sung.")

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_return_of_past_history_queues_no_notice(
    submitted_a, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.report_return(report=submitted_a, by=reviewer, reason="Bổ sung.", notify=False)

    assert callbacks == []
    assert mail.outbox == []
    assert submitted_a.transitions.get().to_status == Status.RETURNED


# on_time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent_utc", "on_time"),
    [
        # 23:30 on the due date (Monday 20/09/2021) in Vietnam is 16:30 UTC.
        (datetime.datetime(2021, 9, 20, 16, 30, tzinfo=datetime.UTC), True),
        # 00:30 on 21/09 in Vietnam is still 20/09 in UTC, but it is late.
        (datetime.datetime(2021, 9, 20, 17, 30, tzinfo=datetime.UTC), False),
        (datetime.datetime(2021, 9, 14, 2, 0, tzinfo=datetime.UTC), True),
    ],
)
def test_on_time_uses_the_vietnamese_calendar_day(sent_utc, on_time, draft_a, reporter_a):
    report = services.report_submit(report=draft_a, by=reporter_a, at=sent_utc)

    state = slot_state(assignment=report.assignment, period=report.period)
    assert state.on_time is on_time


def test_a_report_never_sent_is_neither_received_nor_on_time(draft_a):
    state = slot_state(assignment=draft_a.assignment, period=draft_a.period)
    assert (state.received, state.on_time, state.on_time_extended) == (False, False, False)
