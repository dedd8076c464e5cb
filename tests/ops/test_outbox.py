"""Side effects go through the outbox: after commit, and still when the broker was down
at the time, exactly once."""

import datetime
from unittest.mock import ANY

import pytest
from django.db import transaction
from django.utils import timezone

from ops.models import OutboxMessage
from ops.outbox import GIVE_UP_AFTER, _hand_over, outbox_drain
from reports import tasks
from reports.filing import services
from reports.notifications.models import Notification

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=5)


def _unreachable(*args, **kwargs):
    raise ConnectionError("Redis is down")


def test_a_return_while_the_broker_is_down_is_saved_and_its_notice_sent_later(
    submitted_a, reviewer, reporter_a, monkeypatch, django_capture_on_commit_callbacks
):
    with monkeypatch.context() as down:
        down.setattr(tasks.notify_report_returned, "apply_async", _unreachable)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_return(report=submitted_a, by=reviewer, reason="Thiếu số liệu.")

    submitted_a.refresh_from_db()
    assert submitted_a.status == "returned"  # the review itself went through
    assert not Notification.objects.filter(user=reporter_a).exists()

    assert outbox_drain(now=timezone.now() + LATER) == 1
    assert outbox_drain(now=timezone.now() + 2 * LATER) == 0  # done: never again

    assert Notification.objects.filter(user=reporter_a).count() == 1
    assert OutboxMessage.objects.get().done_at is not None


def test_a_broker_down_for_long_leaves_the_message_waiting_not_used_up(
    submitted_a, reviewer, reporter_a, monkeypatch, django_capture_on_commit_callbacks
):
    """Failed hand-overs are not hand-overs: every drain while the broker is down tries
    again, and none of them counts towards giving up."""
    with monkeypatch.context() as down:
        down.setattr(tasks.notify_report_returned, "apply_async", _unreachable)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_return(report=submitted_a, by=reviewer, reason="Thiếu số liệu.")
        for _ in range(GIVE_UP_AFTER + 5):
            assert outbox_drain() == 0
        message = OutboxMessage.objects.get()
        assert (message.queued_at, message.attempts) == (None, 0)

    assert outbox_drain() == 1  # the very next drain once the broker is back
    assert Notification.objects.filter(user=reporter_a).count() == 1


def test_a_redelivered_message_is_not_done_twice(
    submitted_a, reviewer, reporter_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=submitted_a, by=reviewer, reason="Thiếu số liệu.")
    message = OutboxMessage.objects.get()

    tasks.notify_report_returned.apply(args=[submitted_a.pk], kwargs={"outbox_id": message.pk})

    assert Notification.objects.filter(user=reporter_a).count() == 1


def test_nothing_is_queued_for_a_change_rolled_back(submitted_a, reviewer):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.report_return(report=submitted_a, by=reviewer, reason="Thiếu số liệu.")
        raise RuntimeError("the request failed after the return")

    assert not OutboxMessage.objects.exists()


def _handed_over(ago: datetime.timedelta) -> OutboxMessage:
    """A message handed to the broker that long ago and never done (its worker was lost)."""
    return OutboxMessage.objects.create(
        task=tasks.notify_report_returned.name,
        args=[0],
        queued_at=timezone.now() - ago,
        attempts=1,
    )


@pytest.mark.parametrize("resend", [120, 30])
def test_a_message_not_done_is_handed_over_again_after_the_resend_delay(resend, settings):
    settings.OUTBOX_RESEND_SECONDS = resend
    message = _handed_over(datetime.timedelta(seconds=resend - 5))

    assert outbox_drain() == 0  # its worker may still be at it
    assert outbox_drain(now=timezone.now() + datetime.timedelta(seconds=6)) == 1

    message.refresh_from_db()
    assert message.attempts == 2
    assert message.done_at is not None


def test_the_request_and_a_drain_at_the_same_moment_send_a_message_once(monkeypatch):
    message = OutboxMessage.objects.create(task=tasks.notify_report_returned.name, args=[0])
    sent = []

    def publish(**kwargs):
        sent.append(kwargs)
        if len(sent) == 1:
            outbox_drain()  # beat's drain runs while the request is still publishing

    monkeypatch.setattr(tasks.notify_report_returned, "apply_async", publish)

    _hand_over(message.pk, message.task, message.args)  # the request, after commit

    assert sent == [{"args": [0], "kwargs": {"outbox_id": message.pk}, "retry_policy": ANY}]
    message.refresh_from_db()
    assert message.attempts == 1
