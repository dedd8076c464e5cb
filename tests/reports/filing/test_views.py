"""The report form and the review buttons with bad input, and dates as Vietnamese write them."""

import pytest
from django.core import mail
from django.urls import reverse

from reports.filing.models import ProgressReport, ReportTransition

from ...conftest import login
from ...factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

TYPED = "Đã họp chi bộ ngày 10/9, quán triệt cho 45 đảng viên."


@pytest.fixture
def form_url(small_directive):
    return reverse(
        "reports:file", args=[small_directive.assignment_a.pk, small_directive.period.pk]
    )


def _post(reporter, url, button="save", **fields):
    data = {
        "assessment": "in_progress",
        "percent_done": "50",
        "achievements": TYPED,
        "difficulties": "",
        "proposals": "",
        button: "",
        **fields,
    }
    return login(reporter).post(url, data)


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        ("150", "không vượt quá 100%"),
        ("abc", "phải là một số nguyên từ 0 đến 100"),
        ("-5", "không được âm"),
    ],
)
@pytest.mark.parametrize("button", ["save", "submit"])
def test_a_bad_percentage_redisplays_the_form_and_saves_nothing(
    button, percent, message, form_url, reporter_a
):
    response = _post(reporter_a, form_url, button, percent_done=percent)

    assert response.status_code == 200
    assert "percent_done" in response.context["form"].errors
    page = response.content.decode()
    assert message in page
    assert TYPED in page
    assert not ProgressReport.objects.exists()


def test_a_bad_percentage_leaves_an_existing_draft_as_it_was(form_url, reporter_a, small_directive):
    draft = ProgressReportFactory(
        assignment=small_directive.assignment_a, period=small_directive.period, percent_done=40
    )

    response = _post(reporter_a, form_url, "save", percent_done="150")

    assert response.status_code == 200
    assert TYPED in response.content.decode()
    draft.refresh_from_db()
    assert draft.percent_done == 40
    assert draft.achievements != TYPED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"achievements": ""}, "Cần nêu kết quả thực hiện trước khi gửi báo cáo."),
        (
            {"assessment": "done", "percent_done": "90"},
            "Đã đánh giá “Hoàn thành” thì tỷ lệ hoàn thành phải là 100%.",
        ),
        (
            {"assessment": "blocked", "difficulties": ""},
            "Đã đánh giá “Gặp vướng mắc” thì cần nêu khó khăn, vướng mắc.",
        ),
    ],
    ids=["no-achievements", "done-below-100", "blocked-without-difficulties"],
)
def test_an_incomplete_report_is_kept_as_a_draft_with_the_reason(
    fields, message, form_url, reporter_a
):
    response = _post(reporter_a, form_url, "submit", **fields)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Đã lưu nháp, nhưng báo cáo chưa gửi được." in page
    report = ProgressReport.objects.get()
    assert (report.status, report.submitted_at) == ("draft", None)
    assert report.assessment == fields.get("assessment", "in_progress")
    assert not report.transitions.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_without_a_reason_shows_the_rule_and_changes_nothing(
    reason, submitted_a, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(reviewer).post(
            reverse("reports:return", args=[submitted_a.pk]), {"reason": reason}
        )

    assert response.status_code in (200, 400)
    assert "Cần nêu lý do trả lại để đơn vị bổ sung." in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.status == "submitted"
    assert not ReportTransition.objects.exists()
    assert mail.outbox == []


# Dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "page", "dates"),
    [
        ("reporter_a", "unit work", ["20/09/2021"]),
        ("reporter_b", "form", ["15/08/2021", "14/09/2021", "20/09/2021"]),
        ("reviewer", "report", ["20/09/2021", "17/09/2021 09:00"]),
        ("leader", "dashboard", ["20/09/2021"]),
        ("leader", "directives", ["25/08/2021"]),
    ],
)
def test_dates_read_day_month_year(persona, page, dates, small_directive, submitted_a, request):
    sd = small_directive
    url = {
        "unit work": reverse("reports:unit_work"),
        "form": reverse("reports:file", args=[sd.assignment_b.pk, sd.period.pk]),
        "report": reverse("reports:detail", args=[submitted_a.pk]),
        "dashboard": reverse("reports:dashboard", args=[sd.directive.pk]),
        "directives": reverse("directives:list"),
    }[page]

    response = login(request.getfixturevalue(persona)).get(url)

    assert response.status_code == 200
    text = response.content.decode()
    for date in dates:
        assert date in text
    assert "2021-09-20" not in text


def test_an_overlong_text_is_refused_with_the_limit_named(form_url, reporter_a):
    response = _post(reporter_a, form_url, "save", proposals="x" * 10_001)

    assert response.status_code == 200
    assert "Tối đa 10000 ký tự (đang có 10001)." in response.content.decode()
    assert TYPED in response.content.decode()
    assert not ProgressReport.objects.exists()
