"""Directory sign-in (LDAP / Active Directory): the roles a directory's groups give.

django-auth-ldap signs the user in and copies their name and e-mail; at every sign-in its
`populate_user` signal reaches `user_populated` here, which keeps the user's memberships
in line with LDAP_ROLE_MAP (accounts/directory_settings.py reads the settings):
`directory_memberships_sync` grants the roles of the groups the user is in
(`Membership.Source.DIRECTORY`) and takes back the directory's roles they no longer give.
A role granted in the app (`Membership.Source.APP`) is never touched. Each grant and each
withdrawal is written to the audit log.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend

from ops.audit import audit
from units.models import Membership, Unit

from .directory_settings import LDAP_BACKEND, ldap_settings
from .models import DirectoryAccount

__all__ = [
    "LDAP_BACKEND",
    "DirectoryBackend",
    "directory_memberships_sync",
    "ldap_settings",
    "user_populated",
]

logger = logging.getLogger(__name__)


def dn_normal(dn: str) -> str:
    """A DN in the form django-auth-ldap gives a group's: lower case, no spaces around the
    commas and equal signs (escaped characters kept)."""
    import ldap.dn

    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn.strip())).lower()
    except ldap.DECODING_ERROR:
        return dn.strip().lower()


@dataclass(frozen=True)
class SyncResult:
    granted: list[Membership]
    revoked: list[tuple[int, str]]  # (unit id, role) of each membership taken back
    skipped: list[str]  # what the map names that could not be granted, and why


def _wanted(group_dns: Iterable[str], role_map: dict, skipped: list[str], unsure: set[str]) -> dict:
    """{(unit id, role): unit} the map gives for these groups; what it names that does not
    exist is logged and skipped."""
    mine = {dn_normal(dn) for dn in group_dns}
    roles = set(Membership.Role.values)
    wanted = {}
    for group_dn, grants in role_map.items():
        if dn_normal(group_dn) not in mine:
            continue
        for grant in grants:
            unit_ref, role = grant.get("unit"), grant.get("role")
            if role not in roles:
                skipped.append(f"{group_dn}: vai trò không có: {role!r}")
                continue
            if isinstance(unit_ref, int) and not isinstance(unit_ref, bool):
                units = list(Unit.objects.filter(pk=unit_ref))
            else:
                units = list(Unit.objects.filter(name=str(unit_ref))[:2])
            if len(units) != 1:
                why = "không có đơn vị" if not units else "nhiều đơn vị cùng tên"
                skipped.append(f"{group_dn}: {why} {unit_ref!r}")
                unsure.add(role)  # which unit it meant is unknown: take nothing back
                continue
            wanted[(units[0].pk, role)] = units[0]
    return wanted


def _who(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def directory_memberships_sync(user, group_dns: Iterable[str], role_map=None) -> SyncResult:
    """Make `user`'s directory-sourced memberships those that `role_map` (default:
    settings.LDAP_ROLE_MAP) gives for `group_dns`: grant the missing ones, take back the
    others; memberships granted in the app are left alone (and a role the app already
    granted is not granted twice). Each change is audited; a unit or role the map names
    that does not exist is logged as a warning and skipped."""
    if role_map is None:
        role_map = getattr(settings, "LDAP_ROLE_MAP", {}) or {}
    skipped: list[str] = []
    unsure: set[str] = set()  # roles an entry gives at a unit not found: none taken back
    wanted = _wanted(group_dns, role_map, skipped, unsure)
    for reason in skipped:
        logger.warning("LDAP_ROLE_MAP cho %s: %s (bỏ qua)", user.get_username(), reason)

    # One sync at a time per user (two first sign-ins at once would grant twice).
    list(type(user).objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    held = {
        (m.unit_id, m.role): m
        for m in Membership.objects.filter(user=user).select_related("unit").order_by("pk")
    }
    revoked = []
    for key, membership in held.items():
        if membership.source != Membership.Source.DIRECTORY or key in wanted:
            continue
        if membership.role in unsure:
            continue
        membership.delete()
        revoked.append(key)
        audit(
            actor=None,
            action="membership.revoked",
            obj=user,
            unit_id=membership.unit_id,
            summary=(
                f"Thư mục LDAP thu hồi vai trò {membership.get_role_display()} "
                f"tại {membership.unit} của {_who(user)}"
            ),
            role=membership.role,
            source=Membership.Source.DIRECTORY,
        )
    granted = []
    for (unit_id, role), unit in wanted.items():
        if (unit_id, role) in held:
            continue  # held already: from the directory, or granted in the app
        membership = Membership.objects.create(
            user=user, unit=unit, role=role, source=Membership.Source.DIRECTORY
        )
        granted.append(membership)
        audit(
            actor=None,
            action="membership.granted",
            obj=user,
            unit_id=unit_id,
            summary=(
                f"Thư mục LDAP cấp vai trò {membership.get_role_display()} "
                f"tại {unit} cho {_who(user)}"
            ),
            role=role,
            source=Membership.Source.DIRECTORY,
        )
    return SyncResult(granted=granted, revoked=revoked, skipped=skipped)


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap's backend, kept to the directory's own accounts: an account of
    the app (made by an invitation, or a superuser) with the same username is refused,
    and an account deactivated in the app neither signs in nor keeps its sessions."""

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and not DirectoryAccount.objects.filter(user=user).exists():
            logger.warning("LDAP: %s là tài khoản của ứng dụng, không của thư mục", username)
            raise ldap_user.AuthenticationFailed("an account of the app, not the directory's")
        return user, built

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return user if user is not None and user.is_active else None

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def user_populated(sender, user, ldap_user, **kwargs):
    """django-auth-ldap's `populate_user`: at every sign-in through the directory, after
    the name and e-mail are copied and before the user is saved. The account is the
    directory's: no password of the app's own ever signs it in."""
    if user.pk is None:
        user.set_unusable_password()
        user.save()  # a first sign-in: the memberships need the user's row
        DirectoryAccount.objects.create(user=user, dn=ldap_user.dn or "")
    if getattr(settings, "AUTH_LDAP_GROUP_SEARCH", None) is None:
        group_dns = set()  # no groups read: only the directory's roles to take back
    else:
        group_dns = ldap_user.group_dns  # an LDAPError here refuses the sign-in
    directory_memberships_sync(user, group_dns)


@checks.register(checks.Tags.security)
def role_map_check(app_configs=None, **kwargs):
    """`manage.py check`: every role LDAP_ROLE_MAP names exists (the units are checked at
    sign-in: they live in the database)."""
    errors = []
    roles = set(Membership.Role.values)
    for group_dn, grants in (getattr(settings, "LDAP_ROLE_MAP", {}) or {}).items():
        for grant in grants:
            if grant.get("role") not in roles:
                errors.append(
                    checks.Error(
                        f"LDAP_ROLE_MAP[{group_dn!r}]: vai trò {grant.get('role')!r} không có",
                        hint=f"Dùng một trong: {', '.join(sorted(roles))}",
                        id="accounts.E001",
                    )
                )
    return errors
