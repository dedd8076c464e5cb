"""The bell: a user's own notifications. Each is its owner's alone; another user's is
not found (a 404, like any object the user may not see). Reading the list changes
nothing; opening a notification, which marks it read, is a POST (a small form per row)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import Notification

PAGE_SIZE = 20


@require_GET
@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(request, "reports/notification_list.html", {"page": page})


@require_POST
@login_required
def notifications_read_all(request):
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
    return redirect("reports:notifications")


@require_POST
@login_required
def notification_open(request, pk: int):
    """Mark it read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    safe = url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(notification.url if notification.url and safe else "reports:notifications")


urlpatterns = [
    path("thong-bao/", notification_list, name="notifications"),
    path("thong-bao/da-doc-het/", notifications_read_all, name="notifications_read_all"),
    path("thong-bao/<int:pk>/", notification_open, name="notification_open"),
]
