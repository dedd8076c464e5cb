"""`Authorization: Token dd_…`: a person's own API token (api.models.ApiToken)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken, key_hash

KEYWORD = "Token"
TOUCH_EVERY = datetime.timedelta(minutes=1)  # last_used_at is written at most this often


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].decode(errors="replace") != KEYWORD:
            return None  # another scheme, or none: the session may still apply
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization: Token <mã>."))
        key = words[1].decode(errors="replace")
        token = ApiToken.objects.usable().select_related("user").filter(digest=key_hash(key))
        token = token.first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không đúng hoặc đã bị thu hồi."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return KEYWORD  # a 401, not a 403, for a request without credentials


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("Mã truy cập tự tạo trong trang “Mã truy cập API”: Token dd_…"),
        }
