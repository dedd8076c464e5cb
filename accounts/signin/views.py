"""Signing in and out. The password step is Django's; the second factor follows where
it is required or set up (middleware.SignInPolicy). Each sign-in and sign-out is
audited with the address and browser."""

from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.permissions import requires

from ..client import account_audit
from ..second_factor import services


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        account_audit(self.request, user, "signin.succeeded")
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            account_audit(request, user, "signin.signed_out")
        return super().post(request, *args, **kwargs)


@requires("account.own")
@require_POST
def sign_out_everywhere(request):
    """Every other session of the account ends: the password's hash gets a new salt (the
    same password, for a password account; a new unusable one for a directory account),
    and Django's sessions carry a hash of it. This session is kept."""
    user = request.user
    password = request.POST.get("password", "")
    if user.has_usable_password():
        # Through authenticate(): a wrong password counts towards the lockout, audited.
        if authenticate(request, username=user.get_username(), password=password) is None:
            messages.error(request, _("Mật khẩu không đúng: chưa đăng xuất thiết bị nào."))
            return redirect("security")
        user.set_password(password)
    elif services.has_second_factor(user) and not services.verified_recently(request):
        return redirect("/xac-thuc/?next=/tai-khoan-cua-toi/")
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    account_audit(request, user, "signin.signed_out_everywhere")
    messages.success(request, _("Đã đăng xuất khỏi mọi thiết bị khác."))
    return redirect("security")


urlpatterns = [
    path("dang-nhap/", LoginView.as_view(), name="login"),
    path("dang-xuat/", LogoutView.as_view(), name="logout"),
    path("dang-xuat-moi-noi/", sign_out_everywhere, name="sign_out_everywhere"),
]
