"""Writing to the bell: one in-app notice per person, and who is told about a unit."""

from units.models import Membership

from .models import Notification


def unit_reporters(unit_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            unit_id=unit_id, role=Membership.Role.REPORTER, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def reviewers_of(unit_id: int) -> set[int]:
    """Reviewers who may judge the unit: none of them belongs to it."""
    members = Membership.objects.filter(unit_id=unit_id).values("user_id")
    return set(
        Membership.objects.filter(role=Membership.Role.REVIEWER, user__is_active=True)
        .exclude(user_id__in=members)
        .values_list("user_id", flat=True)
    )


def notify(user_ids, message: str, url: str, *, skip=None) -> int:
    user_ids = sorted(set(user_ids) - {skip})
    Notification.objects.bulk_create(
        Notification(user_id=user_id, message=message, url=url) for user_id in user_ids
    )
    return len(user_ids)
