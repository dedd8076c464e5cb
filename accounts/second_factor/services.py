"""A second factor: a TOTP app (RFC 6238, django-otp) and ten single-use recovery codes.
Setting one up, checking a code, and an administrator's reset are audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ops.audit import audit
from units.permissions import ensure

from ..client import account_audit

RECOVERY_CODES = 10
FRESH_SECONDS = 300  # a factor checked this recently counts as fresh (e.g. for API tokens)
VERIFIED_AT = "second_factor_verified_at"


def has_second_factor(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def totp_pending(user) -> TOTPDevice:
    """The app being set up: one unconfirmed device, kept until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def totp_confirm(*, request, device: TOTPDevice, token: str) -> list[str]:
    """The first code from the app confirms it; the recovery codes are made (and shown
    once). The session counts as verified."""
    if has_second_factor(request.user) and not verified_recently(request):
        raise PermissionDenied  # replacing a factor needs it, freshly entered
    if not device.verify_token(token.strip()):
        raise ValidationError(
            {"token": _("Mã không đúng. Kiểm tra giờ trên điện thoại rồi thử lại.")}
        )
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one app at a time
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_renew(user)
        account_audit(request, user, "second_factor.added")
    _verified(request, device)
    return codes


def recovery_codes_renew(user, request=None) -> list[str]:
    """New codes; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if request is not None:
        account_audit(request, user, "second_factor.recovery_renewed")
    return codes


def second_factor_verify(*, request, token: str) -> bool:
    """A code from the app, or a recovery code (spent). django-otp throttles each device
    after failures."""
    user = request.user
    token = "".join(token.split())
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            _verified(request, device)
            action = (
                "second_factor.recovery_used"
                if isinstance(device, StaticDevice)
                else "second_factor.verified"
            )
            account_audit(request, user, action)
            return True
    account_audit(request, user, "second_factor.failed")
    return False


def _verified(request, device) -> None:
    otp_login(request, device)
    request.session[VERIFIED_AT] = timezone.now().timestamp()


def verified_recently(request) -> bool:
    at = request.session.get(VERIFIED_AT)
    return at is not None and timezone.now().timestamp() - at < FRESH_SECONDS


def second_factor_reset(*, by, account) -> None:
    """An administrator clears a lost phone's factor: the person sets a new one at the
    next sign-in (where it is required)."""
    ensure(by, "account.administer", account)
    with transaction.atomic():
        for device in devices_for_user(account, confirmed=None):
            device.delete()
        audit(actor=by, action="second_factor.reset", obj=account, summary=account.get_username())
