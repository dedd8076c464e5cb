"""What a signed-in session must satisfy on every request, read from the session and
settings (no query, unless a required second factor has to be asked):

- a second factor, where the account has one or its roles require one
  (second_factor.policy): until it is entered, only the pages that ask for it, and
  signing out, open; the API answers 403;
- an idle limit: SESSION_IDLE_MINUTES, or SESSION_IDLE_MINUTES_PRIVILEGED for those who
  read across units or administer. The last request's time is written at most once a
  minute;
- an absolute limit: SESSION_COOKIE_AGE after signing in, active or not.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..second_factor.policy import second_factor_required

SEEN = "signin_seen"  # the last request's time (epoch seconds)
SIGNED_IN = "signin_at"
PRIVILEGED = "signin_privileged"
FACTOR = "signin_factor"  # the account had a second factor when it signed in
OPEN = (
    "/xac-thuc/",
    "/dang-xuat/",
    "/static/",
    "/dang-nhap/",
    "/quen-mat-khau/",
    "/dat-mat-khau/",
    "/manifest.webmanifest",  # the installable app's (config/pwa.py): the same for all
    "/sw.js",
)
WRITE_EVERY = 60
API = "/api/v1/"


class SignInPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if (refused := self._idle(request)) is not None:
                return refused
            if (refused := self._second_factor(request, user)) is not None:
                return refused
        return self.get_response(request)

    def _idle(self, request):
        session = request.session
        now = time.time()
        seen, signed_in = session.get(SEEN, now), session.get(SIGNED_IN, now)
        minutes = (
            settings.SESSION_IDLE_MINUTES_PRIVILEGED
            if session.get(PRIVILEGED)
            else settings.SESSION_IDLE_MINUTES
        )
        if now - seen > minutes * 60 or now - signed_in > settings.SESSION_COOKIE_AGE:
            logout(request)
            if request.path.startswith(API):
                return JsonResponse({"detail": _("Phiên đăng nhập đã hết hạn.")}, status=401)
            message = _("Phiên làm việc đã kết thúc sau %(minutes)s phút không thao tác.")
            messages.info(request, message % {"minutes": minutes})
            login = resolve_url(settings.LOGIN_URL)
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        if now - seen > WRITE_EVERY:
            session[SEEN] = now
        return None

    def _second_factor(self, request, user):
        if user.is_verified() or request.path.startswith(OPEN):
            return None
        if not (request.session.get(FACTOR) or second_factor_required(user)):
            return None
        if request.path.startswith(API):
            message = _("Cần xác thực hai lớp: đăng nhập lại trên trang web.")
            return JsonResponse({"detail": message}, status=403)
        return redirect(f"/xac-thuc/?{urlencode({'next': request.get_full_path()})}")
