"""A database that cannot be reached (PostgreSQL restarting or down) is a clean 503 in
Vietnamese, produced without touching the database; every other failure stays a 500
(config/errors.py)."""

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from django.core.signals import got_request_exception
from django.db import IntegrityError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import InterfaceError, OperationalError
from django.template import loader
from django.test import Client
from django.urls import path, reverse

from api.models import ApiToken

from .conftest import login

pytestmark = pytest.mark.django_db


@dataclass
class Outage:
    attempts: int = 0  # connections tried while the database was down
    failed: bool = False  # the request has failed: Django is producing the error page
    attempts_after_failure: int = 0


@contextmanager
def database_down():
    """Every connection attempt fails as against a stopped PostgreSQL: psycopg's error,
    wrapped by Django. Covers everything the request does, the session and user lookup
    included; counts the attempts made once the request had failed."""
    outage = Outage()

    def refuse(connection):
        outage.attempts += 1
        if outage.failed:
            outage.attempts_after_failure += 1
        raise OperationalError("connection refused") from psycopg.OperationalError(
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
            "Connection refused"
        )

    def request_failed(sender, **kwargs):
        outage.failed = True

    got_request_exception.connect(request_failed)
    try:
        with mock.patch.object(
            BaseDatabaseWrapper, "ensure_connection", autospec=True, side_effect=refuse
        ):
            yield outage
    finally:
        got_request_exception.disconnect(request_failed)


def outage_client(client: Client) -> Client:
    """Lets Django's own exception handling answer instead of the test re-raising."""
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("persona", "page"),
    [("reporter_a", "reports:unit_work"), ("reviewer", "reports:dashboard_index")],
)
def test_a_signed_in_page_while_the_database_is_down_is_a_503(request, persona, page):
    client = outage_client(login(request.getfixturevalue(persona)))
    url = reverse(page)

    with database_down() as outage:
        response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "<title>Hệ thống tạm thời gián đoạn · Đôn đốc</title>" in html
    assert "không kết nối được cơ sở dữ liệu" in html
    assert "Dữ liệu đã lưu trước đó không bị mất" in html
    assert "gửi lại nếu cần" in html
    assert 'href="/"' in html
    assert outage.attempts >= 1  # the session or the user was looked up, and failed
    assert outage.attempts_after_failure == 0


def test_the_outage_page_is_standalone():
    """Plain HTML: base.html and the context processors need the database."""
    source = Path(loader.get_template("503.html").origin.name).read_text(encoding="utf-8")
    assert "{% extends" not in source
    assert "<script" not in source


@pytest.mark.parametrize("auth", ["token", "session"])
def test_an_api_call_while_the_database_is_down_is_a_503_in_json(reporter_a, auth):
    if auth == "token":
        _token, key = ApiToken.issue(user=reporter_a, name="kiểm thử")
        client = outage_client(Client(headers={"Authorization": f"Token {key}"}))
    else:
        client = outage_client(login(reporter_a))

    with database_down() as outage:
        response = client.get("/api/v1/directives/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    detail = json.loads(response.content)["detail"]
    assert "không kết nối được cơ sở dữ liệu" in detail
    assert "gửi lại nếu cần" in detail
    assert outage.attempts >= 1
    assert outage.attempts_after_failure == 0


# A tiny urlconf for failures the real pages do not raise on purpose.


def _raises(exc: BaseException):
    def view(request):
        raise exc

    return view


def _wrapped_outage(request):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as exc:
        raise RuntimeError("could not load the dashboard") from exc


def _from_postgres(error: Exception):
    """Django's OperationalError wrapping psycopg's, as the database wrapper raises it."""

    def view(request):
        try:
            raise error
        except Exception as exc:
            raise OperationalError(str(exc)) from exc

    return view


def _bug_while_handling_an_outage(request):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        raise ValueError("a bug in the error handling") from None


urlpatterns = [
    path("khoa-cheo/", _from_postgres(psycopg.errors.DeadlockDetected("deadlock detected"))),
    path("qua-gio/", _from_postgres(psycopg.errors.QueryCanceled("statement timeout"))),
    path("dang-tat/", _from_postgres(psycopg.errors.AdminShutdown("terminating connection"))),
    path("tu-choi/", _from_postgres(psycopg.OperationalError("connection refused"))),
    path("loi-khi-xu-ly/", _bug_while_handling_an_outage),
    path("loi/", _raises(ValueError("a plain bug"))),
    path("trung-lap/", _raises(IntegrityError("UNIQUE constraint failed"))),
    path("mat-ket-noi/", _raises(InterfaceError("connection already closed"))),
    path("boc-loi/", _wrapped_outage),
    path("api/v1/loi/", _raises(ValueError("a plain bug"))),
    path("api/v1/trung-lap/", _raises(IntegrityError("UNIQUE constraint failed"))),
    path("api/v1/boc-loi/", _wrapped_outage),
]
handler500 = "config.errors.server_error"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    "url", ["/loi/", "/trung-lap/", "/khoa-cheo/", "/qua-gio/", "/loi-khi-xu-ly/"]
)
def test_a_bug_or_bad_data_is_still_the_500_page(url):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert response.content.decode() == loader.get_template("500.html").render()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/mat-ket-noi/", "/boc-loi/", "/dang-tat/", "/tu-choi/"])
def test_a_lost_connection_anywhere_in_the_chain_is_a_503(url):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.content.decode() == loader.get_template("503.html").render()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/api/v1/loi/", "/api/v1/trung-lap/"])
def test_a_bug_under_the_api_is_a_500_in_json(url):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "Retry-After" not in response
    assert "Hệ thống gặp lỗi" in json.loads(response.content)["detail"]


@pytest.mark.urls(__name__)
def test_a_wrapped_outage_under_the_api_is_a_503_in_json():
    response = Client(raise_request_exception=False).get("/api/v1/boc-loi/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "cơ sở dữ liệu" in json.loads(response.content)["detail"]
