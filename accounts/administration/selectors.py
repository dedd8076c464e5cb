"""What an administrator sees: the units it administers and the accounts that hold a
role in them (every one, for a reviewer)."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q

from units.models import Membership, Unit, fold, subtree_ids
from units.permissions import WIDE_ROLES, roles_of


def administered_unit_ids(user) -> list[int] | None:
    """None: every unit (a reviewer); else the units below each it administers."""
    roles = roles_of(user)
    if roles.is_reviewer:
        return None
    found: set[int] = set()
    for unit in Unit.objects.filter(pk__in=roles.admin_unit_ids):
        found.update(subtree_ids(unit))
    return sorted(found)


def administered_units(user, search: str = ""):
    units = Unit.objects.select_related("parent")
    if (ids := administered_unit_ids(user)) is not None:
        units = units.filter(pk__in=ids)
    for word in fold(search).split():
        units = units.filter(search_name__contains=word)
    return units


def administered_accounts(user, search: str = ""):
    """A reviewer: every account. A unit's administrator: itself, and the accounts whose
    every role is at its units and none a wide one (the permission module's
    account.administer, as one query)."""
    accounts = get_user_model().objects.order_by("username")
    if (ids := administered_unit_ids(user)) is not None:
        elsewhere = Membership.objects.filter(user=OuterRef("pk")).filter(
            ~Q(unit_id__in=ids) | Q(role__in=WIDE_ROLES)
        )
        accounts = (
            accounts.filter(memberships__unit_id__in=ids)
            .exclude(Exists(elsewhere) & ~Q(pk=user.pk))
            .exclude(is_superuser=True)
            .distinct()
        )
    for word in search.split():
        accounts = accounts.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    memberships = Membership.objects.select_related("unit").order_by("unit__name", "role")
    return accounts.prefetch_related(Prefetch("memberships", queryset=memberships))


def grantable_roles(user) -> list[tuple[str, str]]:
    reviewer = roles_of(user).is_reviewer
    return [(v, label) for v, label in Membership.Role.choices if reviewer or v not in WIDE_ROLES]
