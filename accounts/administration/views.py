"""The administration pages (quản lý): units, groups, accounts and roles, for reviewers
and units' administrators. Every write goes through services.py."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.forms import add_validation_error
from units.models import Membership, Unit, UnitGroup
from units.permissions import can, ensure, requires

from ..models import RoleRequest
from ..second_factor.services import second_factor_reset as factor_reset
from . import services
from .forms import GrantForm, GroupForm, InviteForm, UnitCloseForm, UnitForm
from .selectors import administered_accounts, administered_units

PAGE = 50


def _page(request, rows):
    return Paginator(rows, PAGE).get_page(request.GET.get("trang"))


@requires("unit.administer")
def index(request):
    return redirect("accounts:units")


# Units ---------------------------------------------------------------------------------


@requires("unit.administer")
def unit_list(request):
    search = request.GET.get("q", "")[:100]
    units = administered_units(request.user, search).order_by("name")
    context = {"page": _page(request, units), "q": search, "tab": "units"}
    return render(request, "accounts/unit_list.html", context)


@requires("unit.administer")
def unit_edit(request, unit_id: int | None = None):
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=unit_id) if unit_id else None
    if unit is not None:
        ensure(request.user, "unit.administer", unit)
    form = UnitForm(request.POST or None, instance=unit, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.unit_save(
                by=request.user, unit=form.instance, changed=form.changed_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu đơn vị “%(name)s”.") % {"name": saved.name})
            return redirect("accounts:unit", saved.pk)
    context = {"form": form, "unit": unit, "tab": "units"}
    if unit is not None:
        context |= {
            "close_form": UnitCloseForm(admin=request.user, prefix="dong"),
            "grant_form": GrantForm(admin=request.user, initial={"unit": unit}),
            "memberships": unit.memberships.select_related("user").order_by(
                "role", "user__username"
            ),
            "children": unit.children.order_by("name"),
            # The roles here the administrator may take back (checked again on the post).
            "revocable": {
                role
                for role in Membership.Role.values
                if can(request.user, "membership.grant", (unit, role))
            },
        }
    return render(request, "accounts/unit_form.html", context)


@requires("unit.administer")
@require_POST
def unit_close(request, unit_id: int):
    unit = get_object_or_404(Unit, pk=unit_id)
    ensure(request.user, "unit.administer", unit)
    form = UnitCloseForm(request.POST, admin=request.user, prefix="dong")
    if form.is_valid():
        try:
            services.unit_close(by=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.success(request, _("Đã đóng đơn vị “%(name)s”.") % {"name": unit.name})
    return redirect("accounts:unit", unit.pk)


# Groups --------------------------------------------------------------------------------


@requires("group.administer")
def group_list(request):
    groups = UnitGroup.objects.annotate(count=Count("members")).order_by("name")
    context = {"page": _page(request, groups), "tab": "groups"}
    return render(request, "accounts/group_list.html", context)


@requires("group.administer")
def group_edit(request, group_id: int | None = None):
    group = get_object_or_404(UnitGroup, pk=group_id) if group_id else None
    form = GroupForm(request.POST or None, instance=group, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.group_save(
                by=request.user, group=form.instance, members=list(form.cleaned_data["members"])
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu nhóm “%(name)s”.") % {"name": saved.name})
            return redirect("accounts:groups")
    return render(
        request, "accounts/group_form.html", {"form": form, "group": group, "tab": "groups"}
    )


# Accounts and roles --------------------------------------------------------------------


@requires("unit.administer")
def account_list(request):
    search = request.GET.get("q", "")[:100]
    accounts = administered_accounts(request.user, search)
    context = {"page": _page(request, accounts), "q": search, "tab": "accounts"}
    return render(request, "accounts/account_list.html", context)


@requires("unit.administer")
def account_invite(request):
    form = InviteForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_invite(
                by=request.user,
                username=data["username"],
                email=data["email"],
                full_name=data["full_name"],
                unit=data["unit"],
                role=data["role"],
                site=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            message = _("Đã tạo tài khoản “%(user)s” và gửi thư mời đến %(email)s.")
            messages.success(request, message % {"user": user.username, "email": user.email})
            return redirect("accounts:account", user.pk)
    return render(request, "accounts/account_invite.html", {"form": form, "tab": "accounts"})


def _account_for(request, account_id: int):
    """One's own account opens (to ask for a role change); another only if administered."""
    account = get_object_or_404(get_user_model(), pk=account_id)
    if account.pk != request.user.pk:
        ensure(request.user, "account.administer", account)
    return account


@requires("unit.administer")
def account_detail(request, account_id: int):
    account = _account_for(request, account_id)
    form = GrantForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.membership_grant(by=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            _tell(request, result, _("Đã cấp vai trò."))
            return redirect("accounts:account", account.pk)
    context = {
        "account": account,
        "form": form,
        "own": account.pk == request.user.pk,
        "memberships": account.memberships.select_related("unit").order_by("unit__name"),
        "requests": account.role_requests.filter(status=RoleRequest.Status.PENDING),
        "tab": "accounts",
    }
    return render(request, "accounts/account_detail.html", context)


def _tell(request, result, done: str) -> None:
    if isinstance(result, RoleRequest) and result.user_id == request.user.pk:
        messages.warning(
            request,
            _(
                "Đây là tài khoản của chính bạn: đề nghị đã được ghi lại và chờ một quản trị "
                "viên khác duyệt. Không ai tự cấp hay tự thu hồi vai trò của mình."
            ),
        )
    elif isinstance(result, RoleRequest):
        messages.warning(request, _("Đề nghị đã được ghi lại và chờ một quản trị viên khác duyệt."))
    else:
        messages.success(request, done)


@requires("unit.administer")
@require_POST
def membership_revoke(request, membership_id: int):
    membership = get_object_or_404(
        Membership.objects.select_related("unit", "user"), pk=membership_id
    )
    account = _account_for(request, membership.user_id)
    try:
        result = services.membership_revoke(by=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _tell(request, result, _("Đã thu hồi vai trò."))
    if request.POST.get("from") == "unit":
        return redirect("accounts:unit", membership.unit_id)
    return redirect("accounts:account", account.pk)


@requires("unit.administer")
@require_POST
def account_set_active(request, account_id: int):
    account = _account_for(request, account_id)
    active = request.POST.get("active") == "1"
    services.account_set_active(by=request.user, account=account, active=active)
    message = _("Đã mở lại tài khoản.") if active else _("Đã khóa tài khoản.")
    messages.success(request, message)
    return redirect("accounts:account", account.pk)


@requires("unit.administer")
@require_POST
def second_factor_reset(request, account_id: int):
    account = _account_for(request, account_id)
    factor_reset(by=request.user, account=account)
    messages.success(request, _("Đã đặt lại xác thực hai lớp: lần đăng nhập tới sẽ thiết lập lại."))
    return redirect("accounts:account", account.pk)


@requires("unit.administer")
def role_requests(request):
    pending = RoleRequest.objects.filter(status=RoleRequest.Status.PENDING).select_related(
        "user", "unit", "requested_by"
    )
    rows = []
    for role_request in pending:
        own = role_request.asked_by(request.user)
        may = can(request.user, "membership.grant", (role_request.unit, role_request.role))
        may = may and can(request.user, "account.administer", role_request.user)
        if own or may:
            rows.append((role_request, may and not own))
    return render(request, "accounts/role_requests.html", {"rows": rows, "tab": "requests"})


@requires("unit.administer")
@require_POST
def role_request_decide(request, request_id: int, approve: bool):
    role_request = get_object_or_404(
        RoleRequest.objects.select_related("unit", "user"), pk=request_id
    )
    try:
        services.role_request_decide(by=request.user, request=role_request, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã xử lý đề nghị."))
    return redirect("accounts:role_requests")


urlpatterns = [
    path("", index, name="admin_home"),
    path("don-vi/", unit_list, name="units"),
    path("don-vi/them/", unit_edit, name="unit_add"),
    path("don-vi/<int:unit_id>/", unit_edit, name="unit"),
    path("don-vi/<int:unit_id>/dong/", unit_close, name="unit_close"),
    path("nhom/", group_list, name="groups"),
    path("nhom/them/", group_edit, name="group_add"),
    path("nhom/<int:group_id>/", group_edit, name="group"),
    path("tai-khoan/", account_list, name="accounts"),
    path("tai-khoan/moi/", account_invite, name="invite"),
    path("tai-khoan/<int:account_id>/", account_detail, name="account"),
    path("tai-khoan/<int:account_id>/trang-thai/", account_set_active, name="account_active"),
    path(
        "tai-khoan/<int:account_id>/dat-lai-xac-thuc/",
        second_factor_reset,
        name="second_factor_reset",
    ),
    path("vai-tro/<int:membership_id>/thu-hoi/", membership_revoke, name="revoke"),
    path("de-nghi/", role_requests, name="role_requests"),
    path(
        "de-nghi/<int:request_id>/duyet/",
        role_request_decide,
        {"approve": True},
        name="role_request_approve",
    ),
    path(
        "de-nghi/<int:request_id>/tu-choi/",
        role_request_decide,
        {"approve": False},
        name="role_request_refuse",
    ),
]
