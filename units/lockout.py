"""Repeated failed logins (django-axes, AXES_* in config/settings.py): the login page
again, with the form and a Vietnamese message, instead of axes' English text."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address. Behind the TLS proxy every request comes from the proxy, so
    the address it saw (X-Real-IP, set by deploy/nginx.conf) is the one that counts."""
    if settings.BEHIND_PROXY and (forwarded := request.META.get("HTTP_X_REAL_IP")):
        return forwarded
    return request.META.get("REMOTE_ADDR")
