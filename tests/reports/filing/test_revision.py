"""A returned report under revision is the unit's again: reviewers and leadership see
neither its new text nor a half-done percentage, yet it still counts as received."""

import pytest
from django.urls import reverse

from reports.figures.matrix import period_matrix
from reports.filing import services

from ...conftest import login

pytestmark = pytest.mark.django_db

HALF_DONE = "NỬA CHỪNG CHƯA XONG"


@pytest.fixture
def revising(submitted_a, reviewer, reporter_a, small_directive):
    services.report_return(report=submitted_a, by=reviewer, reason="Bổ sung số liệu.")
    return services.report_save_draft(
        assignment=small_directive.assignment_a,
        period=small_directive.period,
        by=reporter_a,
        data={"achievements": HALF_DONE, "percent_done": 5},
    )


def test_the_first_edit_after_a_return_takes_the_report_back_to_draft(revising, reporter_a):
    assert revising.status == "draft"
    assert revising.updated_by == reporter_a
    assert revising.is_received  # it was sent once
    last = revising.transitions.last()
    assert (last.from_status, last.to_status, last.by) == ("returned", "draft", reporter_a)


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
def test_overseers_cannot_read_a_report_under_revision(persona, revising, client_for):
    response = client_for(persona).get(reverse("reports:detail", args=[revising.pk]))

    assert response.status_code == 404
    assert HALF_DONE not in response.content.decode()


def test_the_dashboard_counts_it_received_without_showing_it(revising, small_directive):
    matrix = period_matrix(directive=small_directive.directive, period=small_directive.period)

    (cell,) = [row.cells[0] for row in matrix.rows if row.unit == revising.assignment.unit]
    assert (cell.status, cell.received, cell.report_id, cell.percent_done) == (
        "revising",
        True,
        None,
        None,
    )


def test_accepting_twice_says_why_instead_of_failing(submitted_a, reviewer):
    client = login(reviewer)
    url = reverse("reports:accept", args=[submitted_a.pk])

    client.post(url)
    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "Chỉ tiếp nhận được báo cáo đang chờ xem xét." in response.content.decode()
    assert submitted_a.transitions.filter(to_status="accepted").count() == 1


def test_returning_an_accepted_report_says_why(submitted_a, reviewer):
    services.report_accept(report=submitted_a, by=reviewer)

    response = login(reviewer).post(
        reverse("reports:return", args=[submitted_a.pk]), {"reason": "Bổ sung."}, follow=True
    )

    assert "Chỉ trả lại được báo cáo đang chờ xem xét." in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.status == "accepted"


def test_a_unit_closed_before_the_period_cannot_file(small_directive, reporter_a, unit_a):
    unit_a.valid_to = small_directive.period.start.replace(day=1)
    unit_a.save()

    response = login(reporter_a).post(
        reverse("reports:file", args=[small_directive.assignment_a.pk, small_directive.period.pk]),
        {"assessment": "in_progress", "percent_done": "10", "achievements": "Đã làm.", "save": ""},
    )

    assert response.status_code == 200
    assert "Đơn vị không hoạt động trong kỳ báo cáo này." in response.content.decode()
    assert not unit_a.assignments.get().reports.exists()
