"""Reads from a replica (config/replica.py): what goes there, what stays on the primary,
and a replica that fails. The real streaming replica is exercised by make scaleout."""

from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import OperationalError
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from config import replica
from reports.filing.models import ProgressReport

ROUTER = replica.ReplicaRouter()


@pytest.fixture(autouse=True)
def with_a_replica(monkeypatch, settings):
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "_down_until", 0.0)
    monkeypatch.setattr(replica.connections["default"], "in_atomic_block", False)
    settings.REPLICA_STICKY_SECONDS = 10
    settings.REPLICA_RETRY_SECONDS = 10
    cache.clear()


def _person(pk=7):
    return SimpleNamespace(pk=pk, is_authenticated=True)


def _routed(method: str, user, model=ProgressReport):
    """Where the model's reads go during a request (the middleware around a view)."""
    request = getattr(RequestFactory(), method.lower())("/tong-hop/")
    request.user = user
    seen = []
    middleware = replica.ReadFromReplica(
        lambda r: seen.append(ROUTER.db_for_read(model)) or HttpResponse()
    )
    middleware(request)
    return seen[0] or "default"


def test_a_read_goes_to_the_replica_a_write_to_the_primary():
    assert _routed("GET", _person()) == "replica"
    assert _routed("POST", _person()) == "default"
    assert ROUTER.db_for_write(ProgressReport) == "default"


def test_whoever_wrote_reads_the_primary_for_a_while():
    someone, other = _person(1), _person(2)
    _routed("POST", someone)
    assert _routed("GET", someone) == "default"  # reads their own writes
    assert _routed("GET", other) == "replica"
    cache.delete(replica._wrote_key(someone.pk))  # REPLICA_STICKY_SECONDS passed
    assert _routed("GET", someone) == "replica"


def test_a_stream_reads_the_replica_as_it_is_written():
    """A streamed answer (the reports' CSV and NDJSON) reads while the server writes it,
    after the middleware returned: its reads go where the request's went."""
    seen = []

    def rows():
        for _chunk in range(2):
            seen.append(ROUTER.db_for_read(ProgressReport) or "default")
            yield "rows\n"

    def routed(user):
        request = RequestFactory().get("/api/v1/reports/stream/")
        request.user = user
        seen.clear()
        response = replica.ReadFromReplica(lambda r: StreamingHttpResponse(rows()))(request)
        assert b"".join(response.streaming_content) == b"rows\nrows\n"
        return seen

    assert routed(_person(1)) == ["replica", "replica"]
    _routed("POST", _person(2))
    assert routed(_person(2)) == ["default", "default"]  # who just wrote
    assert ROUTER.db_for_read(ProgressReport) is None  # and nothing leaks out of it


def test_a_stream_the_replica_fails_breaks_and_the_replica_rests():
    def rows():
        ROUTER.db_for_read(ProgressReport)
        raise OperationalError("the replica is gone")
        yield "never"

    request = RequestFactory().get("/api/v1/reports/stream/")
    request.user = _person()
    response = replica.ReadFromReplica(lambda r: StreamingHttpResponse(rows()))(request)
    with pytest.raises(OperationalError):
        b"".join(response.streaming_content)
    assert not replica.replica_up()  # the next download reads the primary


def test_sign_in_and_sessions_stay_on_the_primary():
    assert _routed("GET", _person(), model=Session) == "default"


def test_a_read_inside_a_transaction_stays_on_the_primary(monkeypatch):
    monkeypatch.setattr(replica.connections["default"], "in_atomic_block", True)
    assert _routed("GET", _person()) == "default"


def test_no_read_leaves_the_request_it_was_routed_for():
    _routed("GET", _person())
    assert ROUTER.db_for_read(ProgressReport) is None  # outside a request: the primary


def test_a_read_the_replica_fails_is_read_again_on_the_primary():
    request = RequestFactory().get("/tong-hop/")
    request.user = _person()
    answers = []

    def view(request):
        database = ROUTER.db_for_read(ProgressReport) or "default"
        answers.append(database)
        if database == "replica":
            raise OperationalError("the replica is gone")
        return "from the primary"

    request.resolver_match = SimpleNamespace(func=view, args=(), kwargs={})
    middleware = replica.ReadFromReplica(lambda r: None)

    def handler(request):  # Django's own: an exception in the view goes to the middleware
        try:
            return view(request)
        except OperationalError as failure:
            return middleware.process_exception(request, failure)

    middleware.get_response = handler
    assert middleware(request) == "from the primary"
    assert answers == ["replica", "default"]
    assert not replica.replica_up()  # it rests; the next requests read the primary
    assert _routed("GET", _person()) == "default"


def test_a_failure_of_the_primary_is_not_the_replicas():
    request = RequestFactory().get("/tong-hop/")
    assert (
        replica.ReadFromReplica(lambda r: None).process_exception(
            request, OperationalError("primary down")
        )
        is None
    )
    assert replica.replica_up()


def test_migrations_run_on_the_primary_only():
    assert ROUTER.allow_migrate("default", "reports")
    assert not ROUTER.allow_migrate("replica", "reports")


class _CacheDown:
    """The cache while Redis is down (config/cache.TolerantRedisCache): nothing kept."""

    def get(self, *args, **kwargs):
        return None

    def set(self, *args, **kwargs):
        return None


def test_whoever_wrote_reads_the_primary_while_the_cache_is_down(monkeypatch):
    """The mark is also a signed cookie, short-lived: with Redis down, the browser that
    just saved still reads it back from the primary. (With the mark only in the cache,
    it read the replica, perhaps from before the save.)"""
    monkeypatch.setattr(replica, "cache", _CacheDown())
    someone = _person(1)

    def routed(method, cookies=None):
        request = getattr(RequestFactory(), method.lower())("/tong-hop/")
        request.user, request.COOKIES = someone, cookies or {}
        seen = []
        view = lambda r: seen.append(ROUTER.db_for_read(ProgressReport)) or HttpResponse()  # noqa: E731
        response = replica.ReadFromReplica(view)(request)
        return seen[0] or "default", response

    _, response = routed("POST")
    mark = response.cookies[replica.WROTE_COOKIE]
    assert mark["max-age"] == 10 and mark["httponly"]

    assert routed("GET", {replica.WROTE_COOKIE: mark.value})[0] == "default"
    assert routed("GET")[0] == "replica"  # another browser, or the mark expired
    assert routed("GET", {replica.WROTE_COOKIE: "1"})[0] == "replica"  # not signed by us
