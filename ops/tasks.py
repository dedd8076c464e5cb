from celery import shared_task

from .outbox import outbox_drain


@shared_task
def drain_outbox() -> int:
    """Every minute, by beat: side effects the broker missed go out now."""
    return outbox_drain()
