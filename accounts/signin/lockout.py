"""Repeated failed sign-ins (django-axes, AXES_* in config/settings.py): a username
tried from one address AXES_FAILURE_LIMIT times, or any usernames from one address
AXES_IP_FAILURE_LIMIT times in all (password spraying), within AXES_COOLOFF_MINUTES.
The login page shows again, with a Vietnamese message, instead of axes' English text."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Đăng nhập sai quá %(limit)s lần: tài khoản này tạm khóa đăng nhập từ máy của bạn "
        "trong %(minutes)s phút. Vui lòng thử lại sau, hoặc nhờ quản trị viên mở khóa."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next", ""),
        "lockout_message": message,
    }
    return render(request, "registration/login.html", context, status=429)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' own count (a username from an address), raised to the limit once the
    address's failures across every username reach AXES_IP_FAILURE_LIMIT within the
    cool-off. Axes reads this count both before a sign-in and after a failure."""

    def get_failures(self, request, credentials=None) -> int:
        own = super().get_failures(request, credentials)
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        attempts = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=since
        )
        sprayed = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if sprayed >= settings.AXES_IP_FAILURE_LIMIT:
            return max(own, get_failure_limit(request, credentials))
        return own


def username_of(request, credentials: dict | None) -> str | None:
    """The username axes counts under: in lower case, so "NguyenVanA" and "nguyenvana"
    (one directory account) share their failures."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None
