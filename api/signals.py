"""A deactivated account's API tokens are revoked, not merely refused: reactivated, the
account makes new ones."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import ApiToken


@receiver(post_save, sender=get_user_model(), dispatch_uid="api.revoke_tokens_of_inactive")
def revoke_tokens_of_inactive(sender, instance, **kwargs):
    if not instance.is_active:
        ApiToken.objects.filter(user=instance, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
