"""Brute force and spraying, session limits, and the audit of who signed in: the holes
an outside probe found (12 usernames × 4 wrong passwords from one address, never locked
out; 150 wrong API tokens, never slowed down nor logged)."""

import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts.signin import middleware
from api.models import ApiToken
from ops.models import AuditEvent

from ..conftest import login
from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _log_in(client, username, password, ip="192.0.2.10"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Trình duyệt thử",
    )


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, AXES_IP_FAILURE_LIMIT=20)
def test_one_address_spraying_many_usernames_is_locked_out():
    users = [UserFactory() for _ in range(12)]
    statuses = [
        _log_in(Client(), user.username, "sai-mat-khau").status_code
        for user in users
        for _ in range(4)
    ]
    assert statuses[:19] == [200] * 19  # the form again, with Django's error
    assert set(statuses[19:]) == {429}  # the 20th failure locks the address out
    # The right password from that address too, for any account; elsewhere it works.
    assert _log_in(Client(), users[0].username, PASSWORD).status_code == 429
    assert _log_in(Client(), users[0].username, PASSWORD, ip="198.51.100.9").status_code == 302
    assert AuditEvent.objects.filter(action="signin.failed").count() == 4 * 12 + 1
    assert AuditEvent.objects.filter(action="signin.locked_out").exists()


def test_sign_ins_and_failures_are_audited_with_address_and_browser():
    user = UserFactory()
    _log_in(Client(), user.username, "sai")
    client = Client()
    _log_in(client, user.username, PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.10")
    failed, succeeded, out = AuditEvent.objects.order_by("pk")
    assert (failed.action, failed.actor, failed.summary) == ("signin.failed", None, user.username)
    assert (succeeded.action, succeeded.actor) == ("signin.succeeded", user)
    assert succeeded.data == {"ip": "192.0.2.10", "user_agent": "Trình duyệt thử"}
    assert out.action == "signin.signed_out"
    assert "sai" not in str(failed.data)  # never a password


@override_settings(API_TOKEN_FAILURE_LIMIT=10)
def test_wrong_api_tokens_are_logged_then_refused(reporter_a):
    _token, key = ApiToken.issue(user=reporter_a, name="x")
    cache.delete("api-token-failures:203.0.113.99")  # the cache may be Redis, kept between runs
    client = Client(REMOTE_ADDR="203.0.113.99")
    statuses = [
        client.get("/api/v1/directives/", HTTP_AUTHORIZATION=f"Token dd_sai{n}").status_code
        for n in range(15)
    ]
    assert statuses == [401] * 10 + [429] * 5
    assert AuditEvent.objects.filter(action="api_token.failed").count() == 9
    assert AuditEvent.objects.filter(action="api_token.throttled").count() == 1
    # From that address even a right token waits; elsewhere it works.
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/directives/", **headers).status_code == 429
    assert (
        client.get("/api/v1/directives/", REMOTE_ADDR="198.51.100.9", **headers).status_code == 200
    )


@override_settings(SESSION_IDLE_MINUTES=120, SESSION_IDLE_MINUTES_PRIVILEGED=30)
@pytest.mark.parametrize(("persona", "idle", "signed_out"), [
    ("reporter_a", 40, False), ("reporter_a", 121, True),
    ("reviewer", 20, False), ("reviewer", 31, True),
])  # fmt: skip
def test_an_idle_session_ends_sooner_for_those_who_read_across_units(
    persona, idle, signed_out, request, client
):
    user = request.getfixturevalue(persona)
    _log_in(client, user.username, PASSWORD)
    session = client.session
    session[middleware.SEEN] = time.time() - idle * 60
    session.save()
    response = client.get(reverse("directives:list"))
    assert (response.status_code == 302) is signed_out
    if signed_out:
        assert response.url.startswith("/dang-nhap/?next=")
        assert "_auth_user_id" not in client.session


def test_signing_out_everywhere_ends_the_other_sessions(reporter_a):
    phone, desk = Client(), Client()
    _log_in(phone, reporter_a.username, PASSWORD)
    _log_in(desk, reporter_a.username, PASSWORD)
    refused = desk.post(reverse("sign_out_everywhere"), {"password": "sai"})
    assert refused.status_code == 302
    assert phone.get(reverse("reports:unit_work")).status_code == 200

    desk.post(reverse("sign_out_everywhere"), {"password": PASSWORD})

    assert desk.get(reverse("reports:unit_work")).status_code == 200
    assert phone.get(reverse("reports:unit_work")).status_code == 302
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="signin.signed_out_everywhere").exists()


def test_password_reset_mails_a_link_only_to_an_account_that_exists(reporter_a, client):
    from django.core import mail

    client.post(reverse("password_reset"), {"email": reporter_a.email})
    client.post(reverse("password_reset"), {"email": "khong-co@dondoc.test"})
    (message,) = mail.outbox
    assert message.to == [reporter_a.email] and "/dat-mat-khau/" in message.body
    assert "Đặt lại mật khẩu" in message.subject
    assert AuditEvent.objects.filter(action="password.reset_requested").count() == 1


def test_a_weak_password_is_refused_in_vietnamese(reporter_a, client):
    from accounts.administration.invitations import password_link

    link = password_link(reporter_a, "")
    form = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form, {"new_password1": "12345678", "new_password2": "12345678"})
    page = response.content.decode()
    assert response.status_code == 200 and "Mật khẩu" in page
    assert "quá ngắn" in page or "quá phổ biến" in page
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(PASSWORD)


def test_a_locked_out_persona_cannot_use_force_login_sessions_either(reporter_a):
    client = login(reporter_a)
    reporter_a.is_active = False
    reporter_a.save()
    assert client.get(reverse("reports:unit_work")).status_code == 302


@override_settings(SESSION_COOKIE_AGE=3600)
def test_a_session_ends_after_its_longest_life_however_busy(reporter_a, client):
    _log_in(client, reporter_a.username, PASSWORD)
    session = client.session
    session[middleware.SIGNED_IN] = time.time() - 3601
    session.save()  # active all along: seen a moment ago
    assert client.get(reverse("reports:unit_work")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_session_made_without_an_address_still_has_an_idle_limit(reporter_a, settings):
    """Behind a unix socket REMOTE_ADDR may be empty: the limits hold all the same."""
    client = login(reporter_a)  # a sign-in with no address at all
    session = client.session
    session[middleware.SEEN] = time.time() - (settings.SESSION_IDLE_MINUTES + 1) * 60
    session.save()
    assert client.get(reverse("reports:unit_work")).status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_sign_out_everywhere_counts_wrong_passwords_towards_the_lockout(reporter_a):
    client = Client()
    _log_in(client, reporter_a.username, PASSWORD)
    for _ in range(6):
        client.post(reverse("sign_out_everywhere"), {"password": "sai"}, REMOTE_ADDR="192.0.2.10")
    client.post(reverse("sign_out_everywhere"), {"password": PASSWORD}, REMOTE_ADDR="192.0.2.10")
    assert not AuditEvent.objects.filter(action="signin.signed_out_everywhere").exists()
    assert AuditEvent.objects.filter(action="signin.failed").count() >= 5


def test_the_django_admin_signs_in_through_the_apps_own_page():
    response = Client().get("/quan-tri/login/?next=/quan-tri/")
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/?next=")


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_username_in_other_letters_shares_the_lockout():
    user = UserFactory(username="nguyenvana")
    for _ in range(5):
        _log_in(Client(), "nguyenvana", "sai")
    assert _log_in(Client(), "NguyenVanA", PASSWORD).status_code == 429
    assert _log_in(Client(), user.username, PASSWORD).status_code == 429
