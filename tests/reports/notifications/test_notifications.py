"""The in-app bell: a returned report tells its unit; each persona sees its own unread
count and its own notifications, and nobody else's."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.filing import services
from reports.notifications.context_processors import unread_notifications
from reports.notifications.models import Notification

from ...conftest import PERSONAS, login
from ...factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNED_IN = PERSONAS[1:]


def notify(user, message="Nhắc hạn báo cáo: 1 báo cáo quá hạn.", url="/viec-cua-don-vi/", **kw):
    return Notification.objects.create(user=user, message=message, url=url, **kw)


def bell_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "reports_notification" in q["sql"]]


# A returned report tells the unit ----------------------------------------------------------


def test_a_returned_report_tells_the_units_reporters_in_the_app(
    submitted_a, small_directive, reviewer, reporter_a, reporter_b, leader,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    colleague = MembershipFactory(unit=small_directive.assignment_a.unit, user=UserFactory()).user

    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=submitted_a, by=reviewer, reason="Thiếu số liệu chi bộ.")

    form = reverse(
        "reports:file", args=[small_directive.assignment_a.pk, small_directive.period.pk]
    )
    for user in (reporter_a, colleague):
        [notice] = Notification.objects.filter(user=user)
        assert notice.url == form
        assert notice.read_at is None
        assert "Báo cáo về nhiệm vụ 1.1, Tháng 9/2021 đã bị trả lại để bổ sung." in notice.message
        assert "Lý do: Thiếu số liệu chi bộ." in notice.message
    assert not Notification.objects.filter(user__in=[reporter_b, reviewer, leader]).exists()
    [email] = mail.outbox  # one e-mail, to every address of the unit
    assert sorted(email.to) == sorted([reporter_a.email, colleague.email])


def test_a_reporter_without_an_address_is_told_in_the_app_only(
    submitted_a, reviewer, reporter_a, django_capture_on_commit_callbacks
):
    reporter_a.email = ""
    reporter_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=submitted_a, by=reviewer, reason="Bổ sung minh chứng.")

    assert Notification.objects.filter(user=reporter_a).count() == 1
    assert mail.outbox == []


def test_an_inactive_reporter_is_not_told(
    submitted_a, reviewer, reporter_a, django_capture_on_commit_callbacks
):
    reporter_a.is_active = False
    reporter_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=submitted_a, by=reviewer, reason="Bổ sung minh chứng.")

    assert not Notification.objects.exists()


def test_loading_history_tells_nobody(submitted_a, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=submitted_a, by=reviewer, reason="Cũ.", notify=False)

    assert not Notification.objects.exists()


# The bell -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_the_bell_counts_the_users_own_unread_notifications(
    persona, request, client_for, reporter_a, reporter_b, reviewer, leader
):
    user = request.getfixturevalue(persona)
    for _ in range(3):
        notify(user)
    notify(user, read_at=timezone.now())
    for other in {reporter_a, reporter_b, reviewer, leader} - {user}:
        notify(other)

    page = client_for(persona).get(reverse("directives:list")).content.decode()

    assert 'href="/thong-bao/"' in page
    assert 'data-unread="3"' in page
    assert "3 thông báo chưa đọc" in page


def test_no_badge_without_unread_notifications(reporter_a):
    notify(reporter_a, read_at=timezone.now())

    page = login(reporter_a).get(reverse("directives:list")).content.decode()

    assert 'href="/thong-bao/"' in page
    assert "data-unread" not in page


def test_a_long_list_shows_99_plus(reporter_a):
    Notification.objects.bulk_create(
        Notification(user=reporter_a, message=f"Thông báo {i}") for i in range(120)
    )

    page = login(reporter_a).get(reverse("directives:list")).content.decode()

    assert 'data-unread="120"' in page
    assert ">99+</span>" in page


def test_the_bell_costs_one_count_query(reporter_a):
    notify(reporter_a)
    client = login(reporter_a)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("directives:list"))

    assert page.status_code == 200
    [query] = bell_queries(queries)
    assert query.lstrip().upper().startswith("SELECT COUNT(")


def test_no_query_for_an_anonymous_visitor(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("login"))

    assert page.status_code == 200
    assert bell_queries(queries) == []
    assert "/thong-bao/" not in page.content.decode()


def test_the_count_runs_only_when_a_template_reads_it(rf, reporter_a):
    """A page without the navbar (a partial, a redirect) pays nothing; reading it twice
    costs one query."""
    notify(reporter_a)
    request = rf.get("/")
    request.user = reporter_a

    with CaptureQueriesContext(connection) as queries:
        context = unread_notifications(request)
    assert bell_queries(queries) == []

    with CaptureQueriesContext(connection) as queries:
        shown = Template("{{ n }} {% if n > 0 %}!{% endif %}").render(
            Context({"n": context["unread_notifications"]})
        )
    assert shown == "1 !"
    assert len(bell_queries(queries)) == 1


def test_the_count_is_zero_for_an_anonymous_visitor_without_a_query(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    with CaptureQueriesContext(connection) as queries:
        assert str(unread_notifications(request)["unread_notifications"]) == "0"
    assert queries.captured_queries == []


# The pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_the_list_shows_only_the_users_own_newest_first(
    persona, request, client_for, reporter_a, reporter_b, reviewer, leader
):
    user = request.getfixturevalue(persona)
    old = notify(user, message="Thông báo cũ")
    new = notify(user, message="Thông báo mới")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2021, 9, 17, 7, 0))
    )
    for other in {reporter_a, reporter_b, reviewer, leader} - {user}:
        notify(other, message=f"Riêng của {other.username}")

    response = client_for(persona).get(reverse("reports:notifications"))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Thông báo mới") < page.index("Thông báo cũ")
    assert "17/09/2021 07:00" in page
    assert reverse("reports:notification_open", args=[new.pk]) in page
    assert "Riêng của" not in page


def test_the_list_is_paginated(reporter_a):
    Notification.objects.bulk_create(
        Notification(user=reporter_a, message=f"Thông báo số {i:02d}.") for i in range(25)
    )
    client = login(reporter_a)

    first = client.get(reverse("reports:notifications")).content.decode()
    second = client.get(reverse("reports:notifications") + "?trang=2").content.decode()

    assert first.count("Thông báo số ") == 20
    assert second.count("Thông báo số ") == 5
    assert "Thông báo số 24." in first  # newest first
    assert "Thông báo số 00." in second
    assert "Trang 1/2" in first


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_opening_a_notification_marks_it_read_and_follows_it(persona, request, client_for):
    user = request.getfixturevalue(persona)
    notice = notify(user, url="/van-ban/")
    client = client_for(persona)

    response = client.post(reverse("reports:notification_open", args=[notice.pk]))

    assert response.status_code == 302
    assert response.url == "/van-ban/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'data-unread="' not in client.get(reverse("directives:list")).content.decode()


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_another_users_notification_is_not_found(persona, client_for, reporter_a, reporter_b):
    owner = reporter_b if persona == "reporter_a" else reporter_a
    notice = notify(owner)

    response = client_for(persona).post(reverse("reports:notification_open", args=[notice.pk]))

    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize(
    "url", ["", "https://lua-dao.example/dang-nhap/", "//lua-dao.example/", "javascript:alert(1)"]
)
def test_a_notification_never_leads_off_the_site(url, reporter_a):
    notice = notify(reporter_a, url=url)

    response = login(reporter_a).post(reverse("reports:notification_open", args=[notice.pk]))

    assert response.status_code == 302
    assert response.url == reverse("reports:notifications")


def test_mark_all_read_touches_only_the_users_own(reporter_a, reporter_b):
    mine = [notify(reporter_a), notify(reporter_a)]
    read_before = notify(reporter_a, read_at=timezone.make_aware(datetime.datetime(2021, 9, 1)))
    theirs = notify(reporter_b)

    response = login(reporter_a).post(reverse("reports:notifications_read_all"))

    assert response.status_code == 302
    assert response.url == reverse("reports:notifications")
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=read_before.pk).read_at == read_before.read_at
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_is_post_only(reporter_a):
    notice = notify(reporter_a)

    response = login(reporter_a).get(reverse("reports:notifications_read_all"))

    assert response.status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("name", ["notifications", "notifications_read_all", "notification_open"])
def test_anonymous_visitors_are_sent_to_log_in(name, client, reporter_a):
    notice = notify(reporter_a)
    args = [notice.pk] if name == "notification_open" else []
    url = reverse(f"reports:{name}", args=args)

    response = client.get(url) if name == "notifications" else client.post(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    notice.refresh_from_db()
    assert notice.read_at is None
