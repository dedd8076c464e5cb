"""Ending an account's sessions (a deactivated account). Django keeps sessions in the
database, keyed by a random id; the account is read from each live session's data. Rare
(an administrator's act), so reading every live session is fine."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_end(user) -> int:
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
