"""The reporting cycle's rules: the working-day calendar, schedule changes, lock dates and
reopening, extensions in the statistics, indicators, and saving over someone else."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from directives.models import Indicator
from reports.figures.matrix import period_matrix
from reports.filing import extensions, services
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.periods.services import periods_generate
from workdays.models import CalendarException

from ...conftest import login
from ...factories import VN, DirectiveFactory, ProgressReportFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date

DATA = {"assessment": "in_progress", "percent_done": 50, "achievements": "Đã quán triệt."}


def sent(day: D, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=VN)


# The calendar ---------------------------------------------------------------------------


def test_an_extra_day_off_moves_the_due_date_and_a_worked_saturday_keeps_it():
    # Tháng 9/2021 is due 18/09 (a Saturday) → Monday 20/09.
    CalendarException.objects.create(date=D(2021, 9, 20), kind="day_off", note="Nghỉ bù")
    directive = DirectiveFactory()
    periods_generate(directive=directive, until=D(2021, 9, 14))
    assert directive.periods.get().due == D(2021, 9, 21)

    CalendarException.objects.create(date=D(2021, 9, 18), kind="working_day", note="Làm bù")
    other = DirectiveFactory()
    periods_generate(directive=other, until=D(2021, 9, 14))
    assert other.periods.get().due == D(2021, 9, 18)


def test_a_day_off_added_later_moves_a_period_not_yet_due_but_never_a_past_one():
    directive = DirectiveFactory()
    periods_generate(directive=directive, until=D(2021, 10, 14))
    CalendarException.objects.create(date=D(2021, 9, 20), kind="day_off")
    CalendarException.objects.create(date=D(2021, 10, 18), kind="day_off")

    periods_generate(directive=directive, until=D(2021, 10, 14))

    assert list(directive.periods.values_list("due", flat=True)) == [
        D(2021, 9, 20),  # its due date has passed: history is not rewritten
        D(2021, 10, 19),
    ]


def test_periods_across_the_year_end():
    directive = DirectiveFactory(schedule="quarterly", issued_on=D(2025, 9, 1))
    periods_generate(directive=directive, until=D(2026, 1, 31))

    assert list(directive.periods.values_list("label", "start", "cutoff", "due")) == [
        ("Quý 3/2025", D(2025, 6, 15), D(2025, 9, 14), D(2025, 9, 18)),
        ("Quý 4/2025", D(2025, 9, 15), D(2025, 12, 14), D(2025, 12, 18)),
        ("Quý 1/2026", D(2025, 12, 15), D(2026, 3, 14), D(2026, 3, 18)),
    ]


def test_a_schedule_change_never_deletes_a_period_that_holds_reports(small_directive):
    directive = small_directive.directive
    periods_generate(directive=directive, until=D(2021, 11, 30))
    ProgressReportFactory(assignment=small_directive.assignment_a, period=small_directive.period)
    directive.schedule = "quarterly"
    directive.save()

    periods_generate(directive=directive, until=D(2021, 11, 30))

    assert list(directive.periods.values_list("label", flat=True)) == [
        "Quý 3/2021",
        "Tháng 9/2021",  # holds a report: kept; Tháng 10 and 11 held none
        "Quý 4/2021",
    ]


# Lock dates and reopening ----------------------------------------------------------------


@pytest.fixture
def locked(small_directive):
    """Tháng 9/2021, due 20/09, locking 10 days later: entry closes after 30/09/2021."""
    period = small_directive.period
    period.lock_on = period.due + datetime.timedelta(days=10)
    period.save()
    return small_directive


def test_entry_closes_after_the_lock_date(locked, reporter_a):
    slot = {"assignment": locked.assignment_a, "period": locked.period}

    services.report_save_draft(**slot, by=reporter_a, data=DATA, at=sent(D(2021, 9, 30)))
    with pytest.raises(ValidationError) as error:
        services.report_save_draft(**slot, by=reporter_a, data=DATA, at=sent(D(2021, 10, 1)))

    assert error.value.code == "locked"
    assert "30/09/2021" in error.value.messages[0]


def test_a_reviewer_reopens_the_period_for_one_unit(locked, reporter_a, reviewer, monkeypatch):
    slot = {"assignment": locked.assignment_a, "period": locked.period}
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2021, 10, 5))

    extensions.period_reopen(
        period=locked.period, unit=locked.assignment_a.unit, until=D(2021, 10, 8), by=reviewer
    )

    report = services.report_save_draft(**slot, by=reporter_a, data=DATA, at=sent(D(2021, 10, 8)))
    services.report_submit(report=report, by=reporter_a, at=sent(D(2021, 10, 8)))
    other = {"assignment": locked.assignment_b, "period": locked.period}
    with pytest.raises(ValidationError):  # the other unit stays locked
        services.report_save_draft(**other, by=reporter_a, data=DATA, at=sent(D(2021, 10, 8)))
    with pytest.raises(ValidationError):  # and the reopening ends
        services.report_save_draft(**slot, by=reporter_a, data=DATA, at=sent(D(2021, 10, 9)))


def test_after_a_reopening_both_pages_say_until_when(locked, reporter_a, reviewer, monkeypatch):
    """Reopening showed only a flash message: the reviewer's page and the unit's form now
    say the day the period stays open until."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2021, 10, 5))
    a, p = locked.assignment_a, locked.period

    response = login(reviewer).post(
        reverse("reports:reopen", args=[a.pk, p.pk]),
        {"until": "08/10/2021", "reason": "Đơn vị mất điện"},
        follow=True,
    )
    form = login(reporter_a).get(reverse("reports:file", args=[a.pk, p.pk]))

    said = "Kỳ báo cáo được mở lại cho đơn vị đến hết ngày 08/10/2021."
    assert said in response.content.decode()
    assert said in form.content.decode()


def test_the_form_of_a_locked_period_says_so_and_offers_no_save(locked, reporter_a):
    url = reverse("reports:file", args=[locked.assignment_a.pk, locked.period.pk])
    page = login(reporter_a).get(url).content.decode()

    assert "Kỳ báo cáo đã khóa nhập sau ngày 30/09/2021" in page
    assert 'name="submit"' not in page

    response = login(reporter_a).post(url, {**DATA, "version": 0, "save": ""})
    assert response.status_code == 200
    assert "Đã quán triệt." in response.content.decode()  # the user's text is kept
    assert not ProgressReport.objects.exists()


# Extensions ------------------------------------------------------------------------------


def test_an_extension_is_requested_once_and_decided_once(small_directive, reporter_a, reviewer):
    slot = {"assignment": small_directive.assignment_a, "period": small_directive.period}
    request = extensions.extension_request(
        **slot, by=reporter_a, new_due=D(2021, 9, 30), reason="Chờ số liệu thôn."
    )
    with pytest.raises(ValidationError, match="đang chờ xem xét"):
        extensions.extension_request(**slot, by=reporter_a, new_due=D(2021, 10, 1), reason="Lại.")
    with pytest.raises(ValidationError) as error:
        extensions.extension_decide(extension=request, by=reviewer, grant=False)
    assert "note" in error.value.message_dict

    extensions.extension_decide(extension=request, by=reviewer, grant=True)
    with pytest.raises(ValidationError, match="đã được xem xét"):
        extensions.extension_decide(extension=request, by=reviewer, grant=False, note="Không.")
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("granted", reviewer)


@pytest.mark.parametrize(
    ("new_due", "field"), [(D(2021, 9, 20), "new_due"), (D(2022, 1, 30), "new_due")]
)
def test_an_extension_must_move_the_date_forward_and_not_too_far(
    new_due, field, small_directive, reporter_a
):
    with pytest.raises(ValidationError) as error:
        extensions.extension_request(
            assignment=small_directive.assignment_a,
            period=small_directive.period,
            by=reporter_a,
            new_due=new_due,
            reason="Lý do.",
        )
    assert field in error.value.message_dict


def test_a_refused_extension_request_shows_the_report_page_with_the_reason(
    small_directive, reporter_a
):
    """Asking for a date too far out used to land on a page with only the extension card:
    now the report page comes back, its saved draft in the form, the reason beside the
    request and what was typed kept."""
    slot = {"assignment": small_directive.assignment_a, "period": small_directive.period}
    services.report_save_draft(**slot, by=reporter_a, data={**DATA, "achievements": "Nháp đã lưu"})
    client = login(reporter_a)

    response = client.post(
        reverse("reports:request_extension", args=[slot["assignment"].pk, slot["period"].pk]),
        {"new_due": "30/01/2022", "reason": "Chờ số liệu của các thôn"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert response.templates[0].name == "reports/report_form.html"
    assert "Nháp đã lưu" in page  # the report's form, as saved
    assert "Chờ số liệu của các thôn" in page  # the request, as typed
    assert response.context["extension_form"].errors["new_due"]
    assert not ExtensionRequest.objects.exists()


def test_an_extension_never_hides_lateness(small_directive, reporter_a, reviewer):
    slot = {"assignment": small_directive.assignment_a, "period": small_directive.period}
    request = extensions.extension_request(
        **slot, by=reporter_a, new_due=D(2021, 9, 30), reason="Chờ số liệu thôn."
    )
    extensions.extension_decide(extension=request, by=reviewer, grant=True)
    report = services.report_save_draft(**slot, by=reporter_a, data=DATA)
    services.report_submit(report=report, by=reporter_a, at=sent(D(2021, 9, 27)))

    matrix = period_matrix(
        directive=small_directive.directive, period=small_directive.period, today=D(2021, 10, 1)
    )

    cell = next(r.cells[0] for r in matrix.rows if r.unit == small_directive.assignment_a.unit)
    assert (cell.received, cell.on_time, cell.on_time_extended) == (True, False, True)
    assert (matrix.totals.on_time, matrix.totals.on_time_extended) == (0, 1)


def test_the_unit_asks_and_a_reviewer_grants_in_the_browser(small_directive, reporter_a, reviewer):
    a, p = small_directive.assignment_a, small_directive.period
    unit = login(reporter_a)
    response = unit.post(
        reverse("reports:request_extension", args=[a.pk, p.pk]),
        {"new_due": "2021-09-29", "reason": "Chờ số liệu thôn."},
        follow=True,
    )
    assert "Đã gửi đề nghị gia hạn." in response.content.decode()

    checker = login(reviewer)
    queue = checker.get(reverse("reports:pending_extensions")).content.decode()
    assert "Chờ số liệu thôn." in queue
    extension = a.extension_requests.get()
    response = checker.post(
        reverse("reports:decide_extension", args=[extension.pk]),
        {"grant": "", "note": ""},
        follow=True,
    )
    assert "Đã cho gia hạn." in response.content.decode()
    assert "29/09/2021" in unit.get(reverse("reports:file", args=[a.pk, p.pk])).content.decode()


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [
        ("reporter_b", "reports:request_extension", 403),
        ("leader", "reports:request_extension", 403),
        ("reporter_a", "reports:reopen", 403),
        ("leader", "reports:reopen", 403),
        ("reporter_a", "reports:follow_up", 302),  # to its own form
        ("reporter_b", "reports:follow_up", 403),
    ],
)
def test_who_asks_and_who_decides(persona, url_name, status, small_directive, client_for):
    url = reverse(url_name, args=[small_directive.assignment_a.pk, small_directive.period.pk])
    client = client_for(persona)
    response = client.get(url) if url_name.endswith("follow_up") else client.post(url, {})

    assert response.status_code == status
    assert not small_directive.assignment_a.extension_requests.exists()


# Indicators ------------------------------------------------------------------------------


@pytest.fixture
def indicators(small_directive):
    task = small_directive.task
    return (
        Indicator.objects.create(task=task, order=1, name="Số tin, bài", unit_of_measure="bài"),
        Indicator.objects.create(task=task, order=2, name="Số hội nghị", required=False),
    )


def test_indicator_values_are_saved_and_a_required_one_is_needed_to_submit(
    indicators, small_directive, reporter_a
):
    articles, meetings = indicators
    slot = {"assignment": small_directive.assignment_a, "period": small_directive.period}
    report = services.report_save_draft(
        **slot, by=reporter_a, data={**DATA, "indicators": {meetings.pk: Decimal(2)}}
    )
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, by=reporter_a)
    assert f"indicator_{articles.pk}" in error.value.message_dict

    services.report_save_draft(
        **slot, by=reporter_a, data={"indicators": {articles.pk: Decimal("12.5")}}
    )
    services.report_submit(report=report, by=reporter_a)
    assert dict(report.indicator_values.values_list("indicator__name", "value")) == {
        "Số tin, bài": Decimal("12.5"),
        "Số hội nghị": Decimal(2),
    }


@pytest.mark.parametrize(("typed", "message"), [("-3", "không được âm"), ("nhiều", "Nhập một số")])
def test_a_bad_indicator_value_is_refused_in_vietnamese(
    typed, message, indicators, small_directive, reporter_a
):
    articles, _ = indicators
    url = reverse("reports:file", args=[small_directive.assignment_a.pk, small_directive.period.pk])
    response = login(reporter_a).post(
        url, {**DATA, "version": 0, f"indicator_{articles.pk}": typed, "save": ""}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_the_report_page_shows_indicator_values(indicators, submitted_a, reviewer):
    submitted_a.indicator_values.create(indicator=indicators[0], value=Decimal("7"))

    page = login(reviewer).get(reverse("reports:detail", args=[submitted_a.pk])).content.decode()

    assert "Số tin, bài" in page
    assert "7" in page


# Two people at once -----------------------------------------------------------------------


def test_the_second_of_two_savers_is_told_and_keeps_their_text(small_directive, reporter_a):
    colleague = UserFactory(first_name="Phó", last_name="Bí thư")
    colleague.memberships.create(unit=small_directive.assignment_a.unit, role="reporter")
    url = reverse("reports:file", args=[small_directive.assignment_a.pk, small_directive.period.pk])
    # Both opened the empty form (version 0); the colleague saves first.
    login(colleague).post(
        url, {**DATA, "achievements": "Bản của phó bí thư.", "version": 0, "save": ""}
    )
    response = login(reporter_a).post(
        url, {**DATA, "achievements": "Bản của tôi.", "version": 0, "save": ""}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Báo cáo vừa được Phó Bí thư lưu lúc" in page
    assert "Bản của tôi." in page  # the second person's text, kept in the form
    assert "Bản của phó bí thư." in page  # beside what is saved
    report = ProgressReport.objects.get()
    assert (report.achievements, report.version) == ("Bản của phó bí thư.", 1)

    # Having seen both, the second person saves again: now it goes through.
    login(reporter_a).post(url, {**DATA, "achievements": "Bản của tôi.", "version": 1, "save": ""})
    report.refresh_from_db()
    assert (report.achievements, report.version) == ("Bản của tôi.", 2)


def test_of_two_reviewers_acting_at_once_one_wins(submitted_a, reviewer):
    other = UserFactory()
    other.memberships.create(unit=reviewer.memberships.get().unit, role="reviewer")
    stale = ProgressReport.objects.get(pk=submitted_a.pk)  # both loaded it as "submitted"

    services.report_return(report=submitted_a, by=reviewer, reason="Bổ sung.")
    with pytest.raises(ValidationError, match="đang chờ xem xét"):
        services.report_accept(report=stale, by=other)

    assert ProgressReport.objects.get(pk=submitted_a.pk).status == "returned"
    assert submitted_a.transitions.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)
def test_two_reviewers_in_parallel_threads_make_one_transition(submitted_a, reviewer):
    barrier, outcomes = threading.Barrier(2), []

    def act(service, **kwargs):
        barrier.wait()
        try:
            service(report=submitted_a, by=reviewer, **kwargs)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(services.report_accept,)),
        threading.Thread(target=act, args=(services.report_return,), kwargs={"reason": "Bổ sung."}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert submitted_a.transitions.count() == 1


# Found in review ---------------------------------------------------------------------------


def test_a_kept_period_does_not_stop_the_new_schedule_from_starting_the_same_day(
    small_directive,
):
    directive = small_directive.directive
    periods_generate(directive=directive, until=D(2021, 11, 30))
    october = directive.periods.get(label="Tháng 10/2021")  # starts 15/09, like Quý 4
    ProgressReportFactory(assignment=small_directive.assignment_a, period=october)
    directive.schedule = "quarterly"
    directive.save()

    periods_generate(directive=directive, until=D(2021, 11, 30))

    assert list(directive.periods.values_list("label", flat=True)) == [
        "Quý 3/2021",
        "Tháng 10/2021",
        "Quý 4/2021",
    ]


def test_a_new_lock_days_reaches_the_periods_not_yet_due(small_directive):
    directive = small_directive.directive
    directive.lock_days = 30
    directive.save()

    periods_generate(directive=directive, until=D(2021, 9, 14))

    period = directive.periods.get()
    assert period.lock_on == period.due + datetime.timedelta(days=30)


def test_a_report_returned_after_the_lock_reopens_the_period_for_its_unit(
    locked, reporter_a, reviewer
):
    slot = {"assignment": locked.assignment_a, "period": locked.period}
    report = services.report_save_draft(**slot, by=reporter_a, data=DATA, at=sent(D(2021, 9, 20)))
    services.report_submit(report=report, by=reporter_a, at=sent(D(2021, 9, 20)))
    locked.directive.lock_days = 10
    locked.directive.save()

    services.report_return(report=report, by=reviewer, reason="Bổ sung.", at=sent(D(2021, 10, 5)))

    revised = services.report_save_draft(
        **slot, by=reporter_a, data={"achievements": "Đã bổ sung."}, at=sent(D(2021, 10, 10))
    )
    assert revised.status == "draft"
    reopening = locked.period.reopenings.get()
    assert (reopening.unit, reopening.until) == (locked.assignment_a.unit, D(2021, 10, 15))


def test_a_stale_version_on_a_report_that_does_not_exist_is_told_not_a_500(
    small_directive, reporter_a
):
    url = reverse("reports:file", args=[small_directive.assignment_a.pk, small_directive.period.pk])

    response = login(reporter_a).post(url, {**DATA, "version": 5, "save": ""})

    assert response.status_code == 200
    assert "Báo cáo vừa được" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_each_side_hears_of_requests_decisions_and_comments(small_directive, reporter_a, reviewer):
    from reports.filing.comments import comment_add

    slot = {"assignment": small_directive.assignment_a, "period": small_directive.period}
    request = extensions.extension_request(
        **slot, by=reporter_a, new_due=D(2021, 9, 30), reason="Chờ số liệu."
    )
    assert "xin gia hạn nhiệm vụ 1.1" in reviewer.notifications.get().message

    extensions.extension_decide(extension=request, by=reviewer, grant=True)
    assert "đã cho gia hạn" in reporter_a.notifications.get().message

    report = ProgressReportFactory(**slot, submitted=True)
    comment_add(report=report, author=reviewer, text="Đề nghị gửi kèm biên bản.")
    comment_add(report=report, author=reporter_a, text="Đã gửi kèm.")
    assert reporter_a.notifications.count() == 2
    assert reviewer.notifications.count() == 2
    assert not reviewer.notifications.filter(message__contains="Đề nghị gửi kèm").exists()
