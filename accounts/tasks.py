"""Celery tasks: thin wrappers that load by id and call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from ops.outbox import outbox_task

from .administration import invitations


@shared_task
@outbox_task
def send_invitation(user_id: int, by_id: int, site: str) -> int:
    users = get_user_model().objects.in_bulk([user_id, by_id])
    if user_id not in users:
        return 0
    invitations.send(user=users[user_id], by=users.get(by_id), site=site)
    return 1
