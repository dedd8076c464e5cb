"""The page where each person makes, names and revokes their own API tokens. Making one
needs a fresh second factor: a code entered with it."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.second_factor.services import (
    has_second_factor,
    second_factor_verify,
    verified_recently,
)
from units.permissions import ensure, requires

from .models import ApiToken

MAX_TOKENS = 20  # usable at once, per person


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên gợi nhớ"),
        max_length=100,
        help_text=gettext_lazy("Ví dụ: Hệ thống quản lý văn bản của huyện."),
    )
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực hai lớp"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=gettext_lazy(
            "Mã đang hiện trong ứng dụng xác thực: tạo mã API cần xác thực lại."
        ),
    )


@never_cache
@requires("api_token.manage")
def token_list(request):
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        if not has_second_factor(request.user):
            form.add_error(None, _("Hãy bật xác thực hai lớp trước khi tạo mã truy cập API."))
        elif not (
            verified_recently(request)
            or second_factor_verify(request=request, token=form.cleaned_data["code"])
        ):
            form.add_error("code", _("Mã xác thực không đúng hoặc đã dùng."))
        elif ApiToken.objects.usable().filter(user=request.user).count() >= MAX_TOKENS:
            message = _("Đã có %(count)s mã đang dùng: hãy thu hồi bớt.")
            form.add_error(None, message % {"count": MAX_TOKENS})
        else:
            _token, key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    context = {
        "form": form,
        "tokens": tokens,
        "key": key,
        "has_factor": has_second_factor(request.user),
    }
    return render(request, "api/tokens.html", context)


@requires("api_token.manage")
@require_POST
def token_revoke(request, token_id: int):
    """Only one's own token: another person's is not found."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    ensure(request.user, "api_token.manage", token)
    token.revoke()
    messages.success(request, _("Đã thu hồi mã “%(name)s”.") % {"name": token.name})
    return redirect("api:tokens")


urlpatterns = [
    path("ma-truy-cap/", token_list, name="tokens"),
    path("ma-truy-cap/<int:token_id>/thu-hoi/", token_revoke, name="token_revoke"),
]
