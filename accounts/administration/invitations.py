"""The invitation e-mail: a link to set one's own password, made with Django's password
reset token (it expires after PASSWORD_RESET_TIMEOUT and is spent once a password is
set, since the token hashes the password)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _


def password_link(user, site: str) -> str:
    """site: scheme and host, e.g. https://dondoc.tuyphuoc.gov.vn."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return site + reverse("password_reset_confirm", args=[uid, token])


def send(*, user, by, site: str) -> None:
    context = {
        "user": user,
        "by": by.get_full_name() or by.get_username() if by else _("Quản trị viên"),
        "link": password_link(user, site),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    send_mail(
        _("Mời tham gia hệ thống Đôn đốc"),
        render_to_string("emails/invitation.txt", context),
        None,
        [user.email],
    )
