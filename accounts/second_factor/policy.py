"""Who must sign in with a second factor. One rule: the roles named in TWO_FACTOR_ROLES
(settings, from the environment); "staff" names superusers and staff accounts. Anyone who
has set up a factor uses it, required or not."""

from django.conf import settings

from units.permissions import roles_of


def role_names(user) -> set[str]:
    roles = roles_of(user)
    names = set()
    if roles.is_reporter:
        names.add("reporter")
    if roles.is_reviewer:
        names.add("reviewer")
    if roles.is_leadership:
        names.add("leadership")
    if roles.head_unit_ids:
        names.add("unit_head")
    if roles.admin_unit_ids:
        names.add("unit_admin")
    if user.is_staff or user.is_superuser:
        names.add("staff")
    return names


def second_factor_required(user) -> bool:
    required = set(settings.TWO_FACTOR_ROLES)
    return bool(required) and bool(role_names(user) & required)


def privileged(user) -> bool:
    """Reads across units or administers: the shorter idle limit applies."""
    return bool(role_names(user) & {"reviewer", "leadership", "unit_admin", "staff"})
