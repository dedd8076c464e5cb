"""Reads from a PostgreSQL streaming replica, when one is configured
(DATABASE_REPLICA_URL): the pages and the API's reads go there, writes always to the
primary (docs/deploy.md, "Read replica"). A streamed answer (the reports' CSV, NDJSON)
reads where its request read, while the server writes it.

What stays on the primary:
- every request that is not a read (GET, HEAD), and every query inside a transaction;
- for REPLICA_STICKY_SECONDS after a person wrote, their reads: they see what they just
  saved, whatever the replica's lag (a mark in the cache, by account, and in a signed
  cookie, for a browser while the cache is down);
- sign-in, sessions, the second factor and API tokens (they must hold the moment they
  are written);
- while the replica cannot be reached: a read it fails is read again on the primary,
  and the replica rests REPLICA_RETRY_SECONDS before it is tried again.
"""

import contextvars
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections
from django.http import FileResponse, StreamingHttpResponse

log = logging.getLogger(__name__)
REPLICA = "replica"
READS = ("GET", "HEAD")
PRIMARY_ONLY = {"sessions", "auth", "axes", "otp_totp", "otp_static", "django_otp", "api"}
WROTE_COOKIE = "dondoc_wrote"  # signed: the account that wrote, for REPLICA_STICKY_SECONDS
_request = contextvars.ContextVar("dondoc_replica_request", default=None)
_down_until = 0.0


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _wrote_key(user_id: int) -> str:
    return f"dondoc:wrote:{user_id}"


def _wrote(request, user) -> bool:
    """Whether this person wrote in the last REPLICA_STICKY_SECONDS: the cache's mark, or
    this browser's cookie (which holds while the cache is down)."""
    if cache.get(_wrote_key(user.pk)):
        return True
    cookie = request.get_signed_cookie(
        WROTE_COOKIE, default=None, salt=WROTE_COOKIE, max_age=settings.REPLICA_STICKY_SECONDS
    )
    return cookie == str(user.pk)


def replica_up() -> bool:
    return time.monotonic() >= _down_until


def replica_down() -> None:
    """The replica failed: rest it, and read from the primary meanwhile."""
    global _down_until
    _down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    if REPLICA in settings.DATABASES:
        connections[REPLICA].close()
    log.warning("read replica unreachable: reading from the primary")


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        request = _request.get()
        if (
            request is None
            or model._meta.app_label in PRIMARY_ONLY
            or connections["default"].in_atomic_block
        ):
            return None
        chosen = getattr(request, "_dondoc_db", None)
        if chosen:
            return chosen if chosen == "default" else self._replica(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self._replica(request)  # not remembered: the API names its user later
        request._dondoc_db = "default" if _wrote(request, user) else REPLICA
        return self._replica(request) if request._dondoc_db == REPLICA else "default"

    def _replica(self, request):
        request._dondoc_replica_read = True
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


def _written_later(response) -> bool:
    """A generator streamed by the server (not a file, whose bytes are read as they are)."""
    return (
        isinstance(response, StreamingHttpResponse)
        and not isinstance(response, FileResponse)
        and not response.is_async
    )


def _routed_stream(request, content):
    """A streamed answer reads as the server writes it, after the middleware returned: each
    chunk is read routed as its request was (set and reset around each, since a server
    may write the chunks from different contexts)."""
    chunks = iter(content)
    while True:
        token = _request.set(request if replica_up() else None)
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        except (OperationalError, InterfaceError):
            if getattr(request, "_dondoc_replica_read", False):
                replica_down()  # the download breaks; the next one reads the primary
            raise
        finally:
            _request.reset(token)
        yield chunk


class ReadFromReplica:
    """Routes a request's reads (ReplicaRouter) and remembers who just wrote. Last in
    MIDDLEWARE, so that a read the replica fails in the view is read again here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = request.method in READS and configured() and replica_up()
        token = _request.set(request if reads else None)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if reads and _written_later(response):
            response.streaming_content = _routed_stream(request, response.streaming_content)
        user = getattr(request, "user", None)
        if request.method not in READS and user is not None and user.is_authenticated:
            cache.set(_wrote_key(user.pk), 1, settings.REPLICA_STICKY_SECONDS)
            if configured():
                response.set_signed_cookie(
                    WROTE_COOKIE,
                    str(user.pk),
                    salt=WROTE_COOKIE,
                    max_age=settings.REPLICA_STICKY_SECONDS,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        return response

    def process_exception(self, request, exception):
        failed = isinstance(exception, OperationalError | InterfaceError)
        if not failed or not getattr(request, "_dondoc_replica_read", False):
            return None  # not the replica's: the site's 503 answers (config/errors.py)
        replica_down()
        _request.set(None)
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)
