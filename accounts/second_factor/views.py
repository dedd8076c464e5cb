"""Second factor pages: set up the app (QR code drawn by the app, no outside service),
enter a code after the password, and one's own security page."""

from base64 import b32encode

import qrcode
from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from qrcode.image.svg import SvgPathImage

from units.forms import add_validation_error
from units.permissions import requires

from . import services
from .policy import second_factor_required


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Mã xác thực"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=gettext_lazy("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@never_cache
@requires("account.own")
def verify(request):
    """After the password: a code from the app (or a recovery code)."""
    if not services.has_second_factor(request.user):
        return redirect(f"/xac-thuc/thiet-lap/?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _("Mã không đúng hoặc đã dùng. Thử lại sau giây lát."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


@never_cache
@requires("account.own")
def enrol(request):
    """Scan the QR code (or type the key), then confirm with the first code. Replacing a
    factor already set up needs that factor, entered in the last few minutes: neither a
    password alone nor an old session changes it."""
    if services.has_second_factor(request.user) and not services.verified_recently(request):
        return redirect("/xac-thuc/?next=/xac-thuc/thiet-lap/")
    device = services.totp_pending(request.user)
    form = CodeForm(request.POST or None)
    form.fields["token"].help_text = _("6 chữ số ứng dụng xác thực đang hiện.")
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_confirm(
                request=request, device=device, token=form.cleaned_data["token"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "key": _grouped(device.bin_key),
        "required": second_factor_required(request.user),
        "next": _next(request),
    }
    return render(request, "accounts/enrol.html", context)


def _qr_svg(data: str) -> str:
    """The QR code as inline SVG, one <path> (qrcode's SvgPathImage): drawn here, no
    outside service, and no prefixed svg:rect elements, which HTML does not draw."""
    image = qrcode.make(data, image_factory=SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg[svg.index("<svg") :])  # from qrcode, on the device's own URL


def _grouped(key: bytes) -> str:
    """The key as an app asks for it when typed: base 32, in groups of four."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@requires("account.own")
def security(request):
    context = {
        "has_factor": services.has_second_factor(request.user),
        "required": second_factor_required(request.user),
    }
    return render(request, "accounts/security.html", context)


@requires("account.own")
@require_POST
def recovery_codes(request):
    if not services.verified_recently(request):
        return redirect("/xac-thuc/?next=/tai-khoan-cua-toi/")
    codes = services.recovery_codes_renew(request.user, request=request)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": "/tai-khoan-cua-toi/"}
    )


urlpatterns = [
    path("xac-thuc/", verify, name="second_factor"),
    path("xac-thuc/thiet-lap/", enrol, name="second_factor_enrol"),
    path("xac-thuc/ma-du-phong/", recovery_codes, name="recovery_codes"),
    path("tai-khoan-cua-toi/", security, name="security"),
]
