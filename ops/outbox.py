"""The transactional outbox: side effects queued only once the change they follow is
committed, and never lost when the broker is down.

    outbox_add(name, *args)     in the business transaction, naming the task: a service
                                never imports the tasks that carry out its side effects
    @outbox_task                on the task: skips a message already done, marks it done
    outbox_drain()              by beat, every OUTBOX_DRAIN_SECONDS: hands over what is
                                still pending, or handed over OUTBOX_RESEND_SECONDS ago
                                and still not done
"""

import datetime
import functools
import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)


# One quick second try, then the message waits for the drain: a broker that is down must
# not hold up the request that committed the change.
HAND_OVER_RETRY = {"max_retries": 1, "interval_start": 0.2}
GIVE_UP_AFTER = 50  # hand-overs: then it is left for a person to look at (logged)


def resend_after() -> datetime.timedelta:
    """A message handed over but not done after this is handed over again (read at each
    call, so that settings can change it)."""
    return datetime.timedelta(seconds=settings.OUTBOX_RESEND_SECONDS)


def outbox_add(task: str, *args) -> OutboxMessage:
    """Record the task named `task`, called with `args`, in the current transaction; hand
    it over after commit. (tests/test_architecture.py checks that every name the code
    gives here is a registered task.)"""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    transaction.on_commit(lambda: _hand_over(message.pk, task, list(args)), robust=True)
    return message


def _due(now: datetime.datetime) -> Q:
    """Never handed over, or handed over long enough ago that its worker must be lost."""
    return Q(queued_at__isnull=True) | Q(queued_at__lt=now - resend_after())


def _hand_over(pk: int, task: str, args: list, *, now: datetime.datetime | None = None) -> bool:
    """Claim the message, then give it to the broker. The claim is one conditional UPDATE,
    so the request's hand-over and a drain running at the same moment cannot both send it.
    False if the broker cannot be reached: the claim is undone and the failed try not
    counted, so the next drain tries again and a broker down for an hour does not use up
    the message's hand-overs."""
    now = now or timezone.now()
    mine = OutboxMessage.objects.filter(_due(now), pk=pk, done_at__isnull=True)
    if not mine.update(queued_at=now, attempts=F("attempts") + 1):
        return True  # done, or handed over by someone else just now
    try:
        current_app.tasks[task].apply_async(
            args=args, kwargs={"outbox_id": pk}, retry_policy=HAND_OVER_RETRY
        )
    except Exception:  # the broker is down: the message waits in the database
        OutboxMessage.objects.filter(pk=pk, queued_at=now).update(
            queued_at=None, attempts=F("attempts") - 1
        )
        log.warning("Outbox message %s not handed over; the drain will retry", pk, exc_info=True)
        return False
    return True


def outbox_drain(*, now: datetime.datetime | None = None) -> int:
    """Hand over every message not done: never handed over, or handed over long enough ago
    that its worker must have been lost. Returns how many were handed over."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(
        _due(now), done_at__isnull=True, attempts__lt=GIVE_UP_AFTER
    ).order_by("created_at")
    handed = 0
    for pk, task, args in pending.values_list("pk", "task", "args")[:1000]:
        if not _hand_over(pk, task, args, now=now):
            break  # the broker is still down: no use trying the rest now
        handed += 1
    return handed


def outbox_task(body):
    """For a task fed by the outbox: a message already done is not done again (a
    redelivered or re-sent copy), and the message is marked done once the task succeeds."""

    @functools.wraps(body)
    def run(*args, outbox_id: int | None = None, **kwargs):
        if (
            outbox_id is not None
            and OutboxMessage.objects.filter(pk=outbox_id, done_at__isnull=False).exists()
        ):
            return None
        result = body(*args, **kwargs)
        if outbox_id is not None:
            OutboxMessage.objects.filter(pk=outbox_id).update(done_at=timezone.now())
        return result

    return run
