"""The visitor as django-axes counts it and the audit log records it: the address and the
browser, never a password."""

from django.conf import settings
from django.http import HttpRequest

from ops.audit import audit


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address. Behind the TLS proxy every request comes from the proxy, so
    the address it saw (X-Real-IP, set by deploy/nginx.conf) is the one that counts."""
    if settings.BEHIND_PROXY and (forwarded := request.META.get("HTTP_X_REAL_IP")):
        return forwarded
    return request.META.get("REMOTE_ADDR")


def client_facts(request: HttpRequest | None) -> dict:
    if request is None:
        return {}
    return {
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def account_audit(request: HttpRequest | None, user, action: str, *, actor="self") -> None:
    """An event of `user`'s account (signed in, second factor added, password changed…)
    in the audit log, with the visitor's address and browser. `actor`: the user itself
    unless named (None: nobody signed in, e.g. a reset asked for by e-mail)."""
    audit(
        actor=user if actor == "self" else actor,
        action=action,
        obj=user,
        summary=user.get_username(),
        **client_facts(request),
    )
