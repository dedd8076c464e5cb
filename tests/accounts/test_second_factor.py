"""Two-factor sign-in: required by role (TWO_FACTOR_ROLES), used by anyone who set it up,
enrolled with a QR code the app draws, recovery codes spent once, reset by an
administrator; and the API refuses a session still waiting for its code."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ops.models import AuditEvent

from ..conftest import login
from ..factories import PASSWORD, second_factor

pytestmark = pytest.mark.django_db

ALL = ["reporter", "reviewer", "leadership", "unit_admin", "unit_head", "staff"]


def _sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_ROLES = ["reviewer", "leadership", "unit_admin", "staff"]


def test_a_reviewer_must_set_up_a_second_factor_before_any_page(required, reviewer, client):
    _sign_in(client, reviewer)
    response = client.get(reverse("reports:dashboard_index"))
    assert response.status_code == 302 and response.url.startswith("/xac-thuc/")
    enrol = client.get(response.url, follow=True)
    assert enrol.request["PATH_INFO"] == "/xac-thuc/thiet-lap/"
    page = enrol.content.decode()
    svg = page.split("<svg", 1)[1].split("</svg>")[0]
    assert "<path" in svg and "svg:rect" not in svg  # one path HTML draws
    assert "http" not in svg.replace("http://www.w3.org", "")  # drawn here, no outside service
    key = re.search(r'id="totp-key"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert key.replace(" ", "") in __import__("base64").b32encode(device.bin_key).decode()

    codes_page = client.post("/xac-thuc/thiet-lap/", {"token": f"{totp(device.bin_key):06d}"})
    codes = re.findall(r"<li class=\"list-group-item\">(\w+)</li>", codes_page.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("reports:dashboard_index")).status_code == 200
    assert AuditEvent.objects.filter(action="second_factor.added", actor=reviewer).exists()


def test_a_reporter_may_go_without_but_uses_one_once_set_up(required, reporter_a, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp waits a second after a wrong code
    _sign_in(client, reporter_a)
    assert client.get(reverse("reports:unit_work")).status_code == 200
    code = second_factor(reporter_a)
    client.post(reverse("logout"))
    _sign_in(client, reporter_a)
    assert client.get(reverse("reports:unit_work")).status_code == 302
    assert client.post("/xac-thuc/", {"token": "000000"}).status_code == 200
    assert client.post("/xac-thuc/", {"token": code(), "next": "/viec-cua-don-vi/"}).url == (
        "/viec-cua-don-vi/"
    )
    assert client.get(reverse("reports:unit_work")).status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"second_factor.failed", "second_factor.verified", "signin.succeeded"} <= actions


def test_the_api_refuses_a_session_waiting_for_its_code(required, reviewer, client):
    _sign_in(client, reviewer)
    response = client.get("/api/v1/directives/")
    assert response.status_code == 403 and "xác thực hai lớp" in response.json()["detail"]


def test_a_recovery_code_works_once(required, reviewer, client):
    second_factor(reviewer)
    from accounts.second_factor.services import recovery_codes_renew

    code = recovery_codes_renew(reviewer)[0]
    _sign_in(client, reviewer)
    assert client.post("/xac-thuc/", {"token": code}).status_code == 302
    assert not StaticToken.objects.filter(token=code).exists()
    assert AuditEvent.objects.filter(action="second_factor.recovery_used").exists()


def test_an_administrator_resets_a_lost_factor(reviewer, reporter_a):
    second_factor(reporter_a)
    login(reviewer).post(reverse("accounts:second_factor_reset", args=[reporter_a.pk]))
    assert not TOTPDevice.objects.filter(user=reporter_a).exists()
    assert AuditEvent.objects.get(action="second_factor.reset").actor == reviewer


def test_nobody_resets_their_own_factor_from_administration(reviewer):
    client = login(reviewer)
    second_factor(reviewer)  # set up in this session
    response = client.post(reverse("accounts:second_factor_reset", args=[reviewer.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=reviewer).exists()


@pytest.mark.parametrize("persona", ["reporter_a", "reviewer", "leader"])
def test_the_security_page_opens_for_everyone_signed_in(persona, client_for):
    assert client_for(persona).get(reverse("security")).status_code == 200


def test_recovery_codes_are_renewed_only_after_the_factor(reviewer):
    client = login(reviewer)
    response = client.post(reverse("recovery_codes"))
    assert response.status_code == 302 and response.url.startswith("/xac-thuc/")


def test_a_password_alone_never_replaces_a_factor_set_up(required, reviewer, client):
    """Someone who knows only the password cannot enrol their own phone instead."""
    code = second_factor(reviewer)
    _sign_in(client, reviewer)

    response = client.get("/xac-thuc/thiet-lap/")
    assert response.status_code == 302 and response.url.startswith("/xac-thuc/?")
    assert not TOTPDevice.objects.filter(user=reviewer, confirmed=False).exists()
    assert client.post("/xac-thuc/thiet-lap/", {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=reviewer, confirmed=True).count() == 1

    client.post("/xac-thuc/", {"token": code()})
    assert client.get("/xac-thuc/thiet-lap/").status_code == 200  # once verified, it may


def test_an_old_verified_session_cannot_replace_the_factor(required, reviewer, client, settings):
    """A stolen session verified hours ago still needs a fresh code to change the phone."""
    from accounts.second_factor.services import VERIFIED_AT

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    code = second_factor(reviewer)
    _sign_in(client, reviewer)
    client.post("/xac-thuc/", {"token": code()})
    session = client.session
    session[VERIFIED_AT] -= 3 * 3600
    session.save()

    response = client.get("/xac-thuc/thiet-lap/")

    assert response.status_code == 302 and response.url.startswith("/xac-thuc/?")
    assert client.post(reverse("recovery_codes")).status_code == 302
    assert not AuditEvent.objects.filter(action="second_factor.recovery_renewed").exists()
