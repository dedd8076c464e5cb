"""Administration's writes: units, groups, accounts, roles. Each checks the permission
module, runs in one transaction and writes the audit log. Nobody gives or takes back a
role of their own: that becomes a RoleRequest another administrator decides. With
ROLE_APPROVAL=all every role given or taken back, an invitation's included, waits so
(four eyes: an administrator cannot give roles to an account it made for itself)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.audit import audit
from ops.outbox import outbox_add
from units.models import Membership, Unit, UnitGroup, subtree_ids, tree_hold
from units.permissions import ensure

from ..models import RoleRequest
from ..signin.sessions import sessions_end

User = get_user_model()


def _role_label(role: str) -> str:
    return str(Membership.Role(role).label)


# Units and groups ---------------------------------------------------------------------


def unit_save(*, by, unit: Unit, changed: list[str] | None = None) -> Unit:
    """Create or change a unit (its name, kind, place in the tree). The administrator must
    administer the unit where it stands and where it goes; a unit never moves below
    itself."""
    creating = unit.pk is None
    before = None if creating else Unit.objects.get(pk=unit.pk)
    if before is not None:
        ensure(by, "unit.administer", before)
    moves = before is None or before.parent_id != unit.parent_id
    if moves:
        ensure(by, "unit.place", unit.parent)  # None: the top of the tree, a reviewer's
    unit.full_clean()
    with transaction.atomic():
        if moves and before is not None and unit.parent_id is not None:
            tree_hold()  # checked and written with no other move between
            if unit.parent_id in subtree_ids(unit):
                raise ValidationError({"parent": _("Không thể chuyển đơn vị vào dưới chính nó.")})
        unit.save()
        action = "unit.created" if creating else "unit.changed"
        what = "" if creating else f" ({', '.join(changed or []) or '—'})"
        audit(actor=by, action=action, obj=unit, unit_id=unit.pk, summary=f"{unit.name}{what}")
    return unit


def unit_close(*, by, unit: Unit, on: datetime.date, successor: Unit | None = None) -> Unit:
    """The unit works until `on` (inclusive): counted in the periods it was active, no
    longer expected after. Its history stays."""
    ensure(by, "unit.administer", unit)
    if successor is not None:
        ensure(by, "unit.administer", successor)
    if unit.valid_from and on < unit.valid_from:
        raise ValidationError({"on": _("Ngày đóng phải sau ngày đơn vị bắt đầu hoạt động.")})
    if successor is not None and successor.pk == unit.pk:
        raise ValidationError({"successor": _("Đơn vị kế thừa phải là đơn vị khác.")})
    with transaction.atomic():
        unit.valid_to = on
        unit.successor = successor
        unit.save(update_fields=["valid_to", "successor"])
        summary = _("%(unit)s hoạt động đến %(on)s") % {
            "unit": unit.name,
            "on": on.strftime("%d/%m/%Y"),
        }
        audit(actor=by, action="unit.closed", obj=unit, unit_id=unit.pk, summary=summary)
    return unit


def group_save(*, by, group: UnitGroup, members: list[Unit]) -> UnitGroup:
    """A group names units across the tree: a reviewer's to keep."""
    ensure(by, "group.administer")
    creating = group.pk is None
    group.full_clean()
    with transaction.atomic():
        group.save()
        group.members.set(members)
        summary = _("%(group)s: %(count)s đơn vị") % {"group": group.name, "count": len(members)}
        action = "group.created" if creating else "group.changed"
        audit(actor=by, action=action, obj=group, summary=summary)
    return group


# Accounts -----------------------------------------------------------------------------


def account_invite(
    *, by, username: str, email: str, full_name: str, unit: Unit, role: str, site: str
):
    """A new account with no password, the role given, and an e-mail whose link lets
    the person set their own password (Django's reset token, which expires)."""
    ensure(by, "membership.grant", (unit, role))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã có.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Đã có tài khoản dùng địa chỉ thư này.")})
    with transaction.atomic():
        user = User(username=username, email=email, first_name=full_name)
        user.set_unusable_password()
        user.save()
        if _four_eyes():
            _request(by=by, user=user, unit=unit, role=role, change=RoleRequest.Change.GRANT)
        else:
            Membership.objects.create(user=user, unit=unit, role=role)
        summary = _("%(user)s (%(email)s), %(role)s tại %(unit)s") % {
            "user": username,
            "email": email,
            "role": _role_label(role),
            "unit": unit.name,
        }
        audit(actor=by, action="account.invited", obj=user, unit_id=unit.pk, summary=summary)
        outbox_add("accounts.tasks.send_invitation", user.pk, by.pk, site)
    return user


def account_set_active(*, by, account, active: bool):
    """Deactivated, an account signs in no more, its sessions end and its API tokens are
    revoked (reactivated, it signs in again and makes new ones); its history stays."""
    ensure(by, "account.administer", account)
    with transaction.atomic():
        account.is_active = active
        account.save(update_fields=["is_active"])
        if not active:
            sessions_end(account)  # its API tokens: api.signals revokes them
        action = "account.activated" if active else "account.deactivated"
        audit(actor=by, action=action, obj=account, summary=account.get_username())
    return account


# Roles --------------------------------------------------------------------------------


def membership_grant(*, by, user, unit: Unit, role: str) -> Membership | RoleRequest:
    """Give `user` a role at `unit`. For one's own account: a request, not the role."""
    ensure(by, "membership.grant", (unit, role))
    if user.pk != by.pk:
        ensure(by, "account.administer", user)
    if user.pk == by.pk or _four_eyes():
        return _request(by=by, user=user, unit=unit, role=role, change=RoleRequest.Change.GRANT)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
        if created:
            _audit_role(by=by, membership=membership, action="membership.granted")
    return membership


def membership_revoke(*, by, membership: Membership) -> Membership | RoleRequest | None:
    ensure(by, "membership.grant", (membership.unit, membership.role))
    if membership.user_id != by.pk:
        ensure(by, "account.administer", membership.user)
    if membership.user_id == by.pk or _four_eyes():
        return _request(
            by=by,
            user=membership.user,
            unit=membership.unit,
            role=membership.role,
            change=RoleRequest.Change.REVOKE,
        )
    with transaction.atomic():
        _audit_role(by=by, membership=membership, action="membership.revoked")
        membership.delete()
    return None


def role_request_decide(*, by, request: RoleRequest, approve: bool) -> RoleRequest:
    """Another administrator, who may give the role, approves or refuses."""
    if request.asked_by(by):
        raise PermissionDenied(_("Đề nghị của chính bạn phải do quản trị viên khác duyệt."))
    ensure(by, "membership.grant", (request.unit, request.role))
    ensure(by, "account.administer", request.user)
    if request.status != RoleRequest.Status.PENDING:
        raise ValidationError(_("Đề nghị này đã được xử lý."))
    with transaction.atomic():
        request.status = RoleRequest.Status.APPROVED if approve else RoleRequest.Status.REFUSED
        request.decided_by, request.decided_at = by, timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        if not approve:
            audit(actor=by, action="membership.request_refused", obj=request, summary=str(request))
        elif request.change == RoleRequest.Change.GRANT:
            membership, created = Membership.objects.get_or_create(
                user=request.user, unit=request.unit, role=request.role
            )
            if created:
                _audit_role(by=by, membership=membership, action="membership.granted")
        else:
            for membership in Membership.objects.filter(
                user=request.user, unit=request.unit, role=request.role
            ):
                _audit_role(by=by, membership=membership, action="membership.revoked")
                membership.delete()
    return request


def _four_eyes() -> bool:
    return settings.ROLE_APPROVAL == "all"


def _request(*, by, user, unit: Unit, role: str, change: str) -> RoleRequest:
    try:
        with transaction.atomic():
            request = RoleRequest.objects.create(
                user=user, requested_by=by, unit=unit, role=role, change=change
            )
            audit(
                actor=by,
                action="membership.requested",
                obj=request,
                unit_id=unit.pk,
                summary=str(request),
            )
    except IntegrityError:
        raise ValidationError(_("Đề nghị này đang chờ duyệt.")) from None
    return request


def _audit_role(*, by, membership: Membership, action: str) -> None:
    summary = _("%(user)s: %(role)s tại %(unit)s") % {
        "user": membership.user.get_username(),
        "role": _role_label(membership.role),
        "unit": membership.unit.name,
    }
    audit(actor=by, action=action, obj=membership, unit_id=membership.unit_id, summary=summary)
