"""One rule, read alike everywhere: a slot's status with a granted extension, and the
limit on a report's text, whichever page, export or endpoint reads or writes them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.filing.models import ExtensionRequest, ProgressReport
from reports.filing.services import report_save_draft
from reports.filing.slots import ReportFacts, SlotState, seen_slot
from reports.periods.models import ReportingPeriod
from reports.reminders.due import reminders_due
from reports.summaries.tally import tally

from ..api.conftest import token_client
from ..conftest import login
from ..factories import VN, ProgressReportFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TWO_DAYS_LATE = D(2021, 9, 22)  # Tháng 9/2021 is due Monday 20/09/2021


@pytest.fixture
def extended_a(small_directive, reviewer, monkeypatch):
    """Unit A was granted until 24/09; today is 22/09, two days past the period's due
    date. Unit B has no extension: it is overdue."""
    sd = small_directive
    ExtensionRequest.objects.create(
        assignment=sd.assignment_a,
        period=sd.period,
        new_due=D(2021, 9, 24),
        reason="Chờ số liệu",
        status=ExtensionRequest.Status.GRANTED,
        decided_by=reviewer,
        decided_at=timezone.now(),
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TWO_DAYS_LATE)
    return sd


def _sent_two_days_late(assignment, period) -> None:
    ProgressReportFactory(
        assignment=assignment,
        period=period,
        submitted=True,
        submitted_at=datetime.datetime.combine(TWO_DAYS_LATE, datetime.time(9), tzinfo=VN),
    )


def _statuses(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('data-status="')[1:]]


def test_the_matrix_the_unit_page_and_the_task_page_agree(extended_a, leader, unit_a):
    sd = extended_a
    client = login(leader)
    matrix = client.get(reverse("reports:dashboard", args=[sd.directive.pk])).content.decode()
    unit_page = client.get(
        reverse("reports:unit_page", args=[sd.directive.pk, unit_a.pk])
    ).content.decode()
    task_page = client.get(
        reverse("reports:task_page", args=[sd.directive.pk, sd.task.pk])
    ).content.decode()

    assert sorted(_statuses(matrix)) == ["missing", "overdue"]  # A extended, B late
    assert _statuses(unit_page) == ["missing"]
    assert sorted(_statuses(task_page)) == ["missing", "overdue"]


def test_the_matrix_and_the_task_page_draw_a_cell_alike(extended_a, reviewer):
    """The same cell, the same link and mark: a reviewer follows up a missing slot from
    either page, and a report sent late carries the same "!" mark."""
    sd = extended_a
    _sent_two_days_late(sd.assignment_b, sd.period)
    client = login(reviewer)
    pages = [
        client.get(reverse(name, args=args)).content.decode()
        for name, args in [
            ("reports:dashboard", [sd.directive.pk]),
            ("reports:task_page", [sd.directive.pk, sd.task.pk]),
        ]
    ]
    follow_up = reverse("reports:follow_up", args=[sd.assignment_a.pk, sd.period.pk])

    for html in pages:
        assert f'href="{follow_up}"' in html
        assert '<sup class="text-danger" title="Trễ hạn">!</sup>' in html


def test_the_reviewers_follow_up_page_reads_each_slots_state(extended_a, reviewer):
    sd = extended_a
    client = login(reviewer)

    def status(assignment):
        url = reverse("reports:follow_up", args=[assignment.pk, sd.period.pk])
        return _statuses(client.get(url).content.decode())

    assert status(sd.assignment_a) == ["missing"]  # extended to 24/09
    assert status(sd.assignment_b) == ["overdue"]


def test_the_figures_count_only_the_slot_past_its_own_due_date(extended_a, leader):
    sd = extended_a
    overview = login(leader).get(reverse("reports:overview", args=[sd.directive.pk]))
    figures = token_client(leader).get(f"/api/v1/directives/{sd.directive.pk}/figures/").json()

    assert "1 báo cáo quá hạn" in overview.content.decode()
    assert figures["periods"][0]["overdue"] == 1
    assert figures["periods"][0]["missing"] == 2


def test_the_units_list_the_summary_and_the_reminders_agree(extended_a, reporter_a, unit_a):
    sd = extended_a
    work = login(reporter_a).get(reverse("reports:unit_work")).content.decode()
    data = tally(directive=sd.directive, periods=[sd.period], today=TWO_DAYS_LATE)
    reminded = {(d.assignment.unit_id, d.kind) for d in reminders_due(today=TWO_DAYS_LATE)}

    assert _statuses(work) == ["missing"]
    assert {row[1]: row[2] for row in data.matrix()} == {
        unit_a.name: "missing",
        sd.assignment_b.unit.name: "overdue",
    }
    assert reminded == {(unit_a.pk, "due_soon"), (sd.assignment_b.unit_id, "overdue")}


def test_a_report_sent_within_its_extension_is_late_yet_on_time_after_it(extended_a, leader):
    sd = extended_a
    _sent_two_days_late(sd.assignment_a, sd.period)
    overview = login(leader).get(reverse("reports:overview", args=[sd.directive.pk]))
    figures = overview.context["current"]

    assert (figures.on_time, figures.on_time_extended, figures.overdue) == (0, 1, 1)
    assert "50% tính cả gia hạn" in overview.content.decode()


LIMIT = 10_000


def test_the_api_refuses_a_text_the_report_form_would_refuse(small_directive, reporter_a):
    slot = {"assignment": small_directive.assignment_a.pk, "period": small_directive.period.pk}
    api = token_client(reporter_a)

    too_long = api.post(
        "/api/v1/reports/", {**slot, "achievements": "x" * (LIMIT + 1)}, format="json"
    )
    at_the_limit = api.post(
        "/api/v1/reports/", {**slot, "achievements": "x" * LIMIT}, format="json"
    )

    assert too_long.status_code == 400
    assert "achievements" in too_long.json()  # 400: the field and its reason
    assert at_the_limit.status_code == 201


def test_the_service_refuses_a_text_over_the_limit(small_directive, reporter_a):
    """Whoever calls it (a form, the API, a spreadsheet, a command), the rule holds."""
    sd = small_directive
    with pytest.raises(ValidationError) as refused:
        report_save_draft(
            assignment=sd.assignment_a,
            period=sd.period,
            by=reporter_a,
            data={"difficulties": "x" * (LIMIT + 1)},
        )

    assert "difficulties" in refused.value.message_dict
    assert not ProgressReport.objects.exists()


@settings(max_examples=200, deadline=None)
@given(
    status=st.sampled_from([None, *ProgressReport.Status.values]),
    sent_day=st.one_of(st.none(), st.integers(-5, 10)),
    granted_day=st.one_of(st.none(), st.integers(-3, 10)),
    today_day=st.integers(-5, 15),
)
def test_a_slot_drawn_from_its_facts_is_the_slot_state(status, sent_day, granted_day, today_day):
    """The matrix draws hundreds of slots from their sent report's facts (seen_slot); each
    reads as the SlotState of the same slot would."""
    period = ReportingPeriod(pk=1, start=D(2021, 9, 1), cutoff=D(2021, 9, 30), due=D(2021, 10, 5))
    submitted_at = None
    if status is not None and (sent_day is not None or status != "draft"):
        day = period.due + datetime.timedelta(days=sent_day or 0)
        submitted_at = datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=VN)
    report = ReportFacts(7, status, submitted_at, 40) if status else None
    granted = period.due + datetime.timedelta(days=granted_day) if granted_day is not None else None
    extensions = ()
    if granted:
        extensions = (
            ExtensionRequest(
                pk=3,
                new_due=granted,
                status=ExtensionRequest.Status.GRANTED,
                decided_at=timezone.now(),
            ),
        )
    today = period.due + datetime.timedelta(days=today_day)
    state = SlotState(1, period, report, extensions, None, today)
    seen = seen_slot(
        period,
        status=status if submitted_at else None,  # the matrix reads only reports ever sent
        submitted_at=submitted_at,
        granted=granted,
        today=today,
    )
    assert seen == (state.status, state.received, state.on_time, state.on_time_extended)
