"""The whole journey through the test client: a unit reports, the reviewer returns it,
the unit revises and resubmits, the reviewer accepts, the leadership sees it."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from reports.filing.models import ProgressReport

from ...conftest import login
from ...factories import PASSWORD

pytestmark = pytest.mark.django_db


def _fields(**changes):
    return {
        "assessment": "in_progress",
        "percent_done": "60",
        "achievements": "Đã tổ chức hội nghị quán triệt cho 12/15 chi bộ.",
        "difficulties": "",
        "proposals": "",
        **changes,
    }


def test_report_returned_revised_and_accepted(
    small_directive, reporter_a, reviewer, leader, django_capture_on_commit_callbacks
):
    sd = small_directive
    unit_work = reverse("reports:unit_work")
    form_url = reverse("reports:file", args=[sd.assignment_a.pk, sd.period.pk])

    # The reporter signs in and lands on "Việc của đơn vị", which links to the form.
    reporter = Client()
    assert reporter.get(unit_work).url == f"/dang-nhap/?next={unit_work}"
    response = reporter.post(
        "/dang-nhap/", {"username": reporter_a.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [("/", 302), (unit_work, 302)]
    page = reporter.get(unit_work)
    assert page.status_code == 200
    assert "Việc của đơn vị" in page.content.decode()
    assert form_url in page.content.decode()
    assert reporter.get(form_url).status_code == 200

    # Save a draft, then change it and send it.
    response = reporter.post(form_url, {**_fields(), "save": ""})
    assert response.status_code == 302
    assert response.url == form_url
    report = ProgressReport.objects.get(assignment=sd.assignment_a, period=sd.period)
    assert (report.status, report.percent_done) == ("draft", 60)

    response = reporter.post(form_url, {**_fields(percent_done="80"), "submit": ""})
    detail = reverse("reports:detail", args=[report.pk])
    assert response.url == detail
    report.refresh_from_db()
    assert (report.status, report.percent_done, report.submitted_by) == (
        "submitted",
        80,
        reporter_a,
    )
    first_sent = report.submitted_at
    assert first_sent is not None

    # Sent: read-only. The form redirects to the report and a POST changes nothing.
    assert reporter.get(form_url).url == detail
    response = reporter.post(form_url, {**_fields(achievements="sửa lén"), "save": ""})
    assert response.url == detail
    report.refresh_from_db()
    assert (report.status, report.percent_done) == ("submitted", 80)
    assert "sửa lén" not in report.achievements

    # The reviewer returns it with a reason; the unit is told by e-mail.
    checker = login(reviewer)
    assert "Tiếp nhận" in checker.get(detail).content.decode()
    reason = "Đề nghị bổ sung số đảng viên tham gia."
    with django_capture_on_commit_callbacks(execute=True):
        response = checker.post(reverse("reports:return", args=[report.pk]), {"reason": reason})
    assert response.url == detail
    report.refresh_from_db()
    assert report.status == "returned"
    assert [m.to for m in mail.outbox] == [[reporter_a.email]]
    assert reason in mail.outbox[0].body

    # The reporter sees the reason on the form, completes the report and sends it again.
    page = reporter.get(form_url).content.decode()
    assert reason in page
    response = reporter.post(
        form_url, {**_fields(assessment="done", percent_done="100"), "submit": ""}
    )
    assert response.url == detail
    report.refresh_from_db()
    assert (report.status, report.percent_done) == ("submitted", 100)
    assert report.submitted_at == first_sent

    # The reviewer accepts.
    response = checker.post(reverse("reports:accept", args=[report.pk]))
    assert response.url == detail
    report.refresh_from_db()
    assert report.status == "accepted"
    assert list(report.transitions.values_list("from_status", "to_status", "by")) == [
        ("draft", "submitted", reporter_a.pk),
        ("submitted", "returned", reviewer.pk),
        ("returned", "draft", reporter_a.pk),  # the unit's first edit after the return
        ("draft", "submitted", reporter_a.pk),
        ("submitted", "accepted", reviewer.pk),
    ]

    # The leadership's dashboard: unit A accepted, complete; unit B owes its report.
    dashboard = reverse("reports:dashboard", args=[sd.directive.pk]) + f"?ky={sd.period.pk}"
    response = login(leader).get(dashboard)
    assert response.status_code == 200
    matrix = response.context["matrix"]
    rows = {row.unit.name: row for row in matrix.rows}
    (cell_a,) = rows["Đảng bộ xã A"].cells
    assert (cell_a.status, cell_a.report_id, cell_a.percent_done) == ("accepted", report.pk, 100)
    assert rows["Đảng bộ xã A"].figures.completeness == 100
    assert rows["Đảng bộ xã B"].figures.completeness == 0
    page = response.content.decode()
    row_a = page.split('data-unit="Đảng bộ xã A"')[1].split("</tr>")[0]
    assert 'data-status="accepted"' in row_a
    assert "100%" in row_a
