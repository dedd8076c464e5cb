"""Sign-in events: the session's marks for the policy (middleware.py), and the audit of
failures and lockouts (successes are the login view's)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from ops.audit import audit

from ..client import client_facts
from ..second_factor.policy import privileged
from ..second_factor.services import has_second_factor
from . import middleware


@receiver(user_logged_in, dispatch_uid="accounts.signin.mark_session")
def mark_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[middleware.PRIVILEGED] = privileged(user)
    request.session[middleware.FACTOR] = has_second_factor(user)
    request.session[middleware.SEEN] = now
    request.session[middleware.SIGNED_IN] = now


@receiver(user_login_failed, dispatch_uid="accounts.signin.audit_failure")
def audit_failure(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit(
        actor=None,
        action="signin.failed",
        obj=None,
        summary=username or "—",
        username=username,
        **client_facts(request),
    )


@receiver(user_locked_out, dispatch_uid="accounts.signin.audit_lockout")
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    audit(
        actor=None,
        action="signin.locked_out",
        obj=None,
        summary=f"{username or '—'} · {ip_address or '—'}",
        username=username,
        **client_facts(request),
    )
