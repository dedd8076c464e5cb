"""`Authorization: Token dd_…`: a person's own API token (api.models.ApiToken).

A wrong token is written to the audit log with its address; after
API_TOKEN_FAILURE_LIMIT wrong tokens from one address within API_TOKEN_FAILURE_MINUTES,
that address is refused (429) without the token even being looked up, and the refusal is
logged once."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.client import client_facts
from ops.audit import audit

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
        facts = client_facts(request)
        failures_key = f"api-token-failures:{facts['ip']}"
        window = settings.API_TOKEN_FAILURE_MINUTES * 60
        if (cache.get(failures_key) or 0) >= settings.API_TOKEN_FAILURE_LIMIT:
            raise exceptions.Throttled(
                wait=window, detail=_("Quá nhiều mã truy cập sai từ địa chỉ này. Thử lại sau.")
            )
        key = words[1].decode(errors="replace")
        token = ApiToken.objects.usable().select_related("user").filter(digest=key_hash(key))
        token = token.first()
        if token is None:
            cache.add(failures_key, 0, window)
            failures = cache.incr(failures_key)
            action = (
                "api_token.throttled"
                if failures == settings.API_TOKEN_FAILURE_LIMIT
                else "api_token.failed"
            )
            summary = f"{key[:10]}… · {facts['ip']}"
            audit(actor=None, action=action, obj=None, summary=summary, **facts)
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
