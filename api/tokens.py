"""The page where each person makes, names and revokes their own API tokens."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from units.permissions import ensure, requires

from .models import ApiToken

MAX_TOKENS = 20  # usable at once, per person


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên gợi nhớ"),
        max_length=100,
        help_text=gettext_lazy("Ví dụ: Hệ thống quản lý văn bản của huyện."),
    )


@never_cache
@requires("api_token.manage")
def token_list(request):
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        if ApiToken.objects.usable().filter(user=request.user).count() >= MAX_TOKENS:
            message = _("Đã có %(count)s mã đang dùng: hãy thu hồi bớt.")
            form.add_error(None, message % {"count": MAX_TOKENS})
        else:
            _token, key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "key": key})


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
