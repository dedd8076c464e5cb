"""Issue 8's security slice: the Content-Security-Policy and pages it can hold to (no
inline script anywhere), Argon2, the failed-login lockout, secure cookies in production."""

import datetime
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse
from playwright.sync_api import expect

from .browser.conftest import browser, page  # noqa: F401  (the Chromium fixtures)
from .conftest import PERSONAS
from .factories import PASSWORD, UserFactory
from .test_deploy import production_settings

pytestmark = pytest.mark.django_db


class InlineScripts(HTMLParser):
    """Collects what a script-src 'self' policy would block: <script> without src, on…=
    handler attributes, htmx's hx-on (it evaluates its text) and javascript: links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append(f"<script> without src: {self.get_starttag_text()}")
        for name, value in attrs:
            if name.startswith(("on", "hx-on")):
                self.found.append(f"{name}= on <{tag}>")
            if name == "href" and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: link on <{tag}>")


def inline_scripts(html: str) -> list[str]:
    parser = InlineScripts()
    parser.feed(html)
    return parser.found


def _main_pages(sd, report) -> list[str]:
    directive = sd.directive.pk
    return [
        reverse("home"),
        reverse("login"),
        reverse("directives:list"),
        reverse("directives:detail", args=[directive]),
        reverse("directives:structure", args=[directive]),
        reverse("directives:create"),
        reverse("directives:import"),
        reverse("reports:unit_work"),
        reverse("reports:file", args=[sd.assignment_a.pk, sd.period.pk]),
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:dashboard_index"),
        reverse("reports:overview", args=[directive]),
        reverse("reports:dashboard", args=[directive]),
        reverse("reports:rollup", args=[directive]),
        reverse("reports:owed", args=[directive]),
        reverse("reports:unit_page", args=[directive, sd.assignment_a.unit_id]),
        reverse("reports:task_page", args=[directive, sd.task.pk]),
        reverse("reports:summary_list", args=[directive]),
        reverse("reports:spreadsheet", args=[sd.period.pk]),
        reverse("reports:pending_extensions"),
        reverse("reports:notifications"),
        reverse("api:tokens"),
        reverse("api:docs"),
        "/khong-co-trang-nay/",  # the 404 page
    ]


def test_every_page_carries_a_csp_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = dict(
        (directive.split()[0], directive.split()[1:])
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_main_pages_have_no_inline_script(
    persona, client_for, small_directive, submitted_a, draft_b
):
    client = client_for(persona)
    for url in _main_pages(small_directive, submitted_a):
        response = client.get(url, follow=True)
        assert "Content-Security-Policy" in response, url
        if "html" not in response.get("Content-Type", ""):
            continue
        assert inline_scripts(response.content.decode()) == [], url


def test_admin_pages_have_no_inline_script(small_directive):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    directive = small_directive.directive.pk
    for url in [
        reverse("admin:index"),
        reverse("admin:directives_directive_changelist"),
        reverse("admin:directives_directive_change", args=[directive]),
        reverse("admin:auth_user_add"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_scripts(response.content.decode()) == [], url


def test_the_checker_finds_what_the_policy_blocks():
    assert inline_scripts('<script src="/static/js/dondoc.js"></script>') == []
    assert len(inline_scripts("<script>alert(1)</script>")) == 1
    assert len(inline_scripts('<select onchange="this.form.submit()">')) == 1
    assert len(inline_scripts('<button hx-on:click="go()">')) == 1
    assert len(inline_scripts('<a href="javascript:void(0)">')) == 1


def test_production_hashes_passwords_with_argon2():
    hashers = production_settings("PASSWORD_HASHERS")["PASSWORD_HASHERS"]
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=hashers):
        assert make_password("dondoc-demo").startswith("argon2$")


def test_production_cookies_are_secure_and_https_is_enforced():
    values = production_settings(
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "AXES_ENABLED",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "AXES_ENABLED": True,
    }


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_secure_cookies_are_sent_with_the_secure_flag():
    user = UserFactory()
    client = Client()
    form = client.get(reverse("login"), secure=True)
    assert form.cookies["csrftoken"]["secure"]
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"]
    assert response.cookies["sessionid"]["httponly"]


def _log_in(client: Client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_wrong_passwords_lock_the_login_out_for_a_while():
    user = UserFactory(username="canbo_xa_a")
    client = Client()
    for _ in range(4):
        response = _log_in(client, user.username, "sai-mat-khau")
        assert response.status_code == 200  # the form again, with Django's error
    response = _log_in(client, user.username, "sai-mat-khau")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Đăng nhập sai quá 5 lần" in text
    assert "15 phút" in text
    assert 'name="username"' in text and 'value="canbo_xa_a"' in text

    # The right password is refused too, until the cool-off has passed.
    response = _log_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    # Keyed on username and address together: the same user elsewhere is not locked out.
    assert _log_in(Client(), user.username, PASSWORD, ip="198.51.100.9").status_code == 302

    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    response = _log_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@override_settings(AXES_ENABLED=True, BEHIND_PROXY=True)
def test_behind_the_proxy_the_lockout_counts_the_visitors_address():
    user = UserFactory()
    for _ in range(5):
        _log_in(Client(HTTP_X_REAL_IP="203.0.113.7"), user.username, "sai", ip="127.0.0.1")
    locked = Client(HTTP_X_REAL_IP="203.0.113.7")
    assert _log_in(locked, user.username, PASSWORD, ip="127.0.0.1").status_code == 429
    # Another visitor through the same proxy still logs in.
    other = Client(HTTP_X_REAL_IP="198.51.100.9")
    assert _log_in(other, user.username, PASSWORD, ip="127.0.0.1").status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@override_settings(AXES_ENABLED=True)
def test_pages_and_swagger_ui_work_under_the_policy(page, small_directive):  # noqa: F811
    """Chromium reports every blocked script or style on the console. The login goes
    through django-axes, as in production."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    reviewer = UserFactory(is_staff=True)
    page.goto(reverse("login"))
    page.get_by_label("Tên đăng nhập").fill(reviewer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("link", name="Văn bản chỉ đạo")).to_be_visible()

    page.goto(reverse("directives:detail", args=[small_directive.directive.pk]))
    page.goto(reverse("api:docs"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Đôn đốc API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    # Swagger UI's own words in Vietnamese, no English "Schemas" list (issue 17).
    expect(page.locator(".swagger-ui .btn.authorize")).to_contain_text("Xác thực")
    page.locator(".swagger-ui .opblock-summary").first.click()
    expect(page.locator(".swagger-ui .opblock-body").first).to_contain_text("Tham số")
    text = page.locator("body").inner_text()
    assert [w for w in ("Authorize", "Schemas", "Parameters", "Try it out") if w in text] == []
    assert violations == []
