"""Directory sign-in (LDAP / Active Directory): django-auth-ldap's settings, read from the
environment. config/settings.py imports this module, so it imports no model (and imports
python-ldap only when directory sign-in is on).

The variables (docs/deploy.md has the same list, in Vietnamese):

LDAP_SERVER_URI
    ldap://host:389 or ldaps://host:636. Empty (the default): directory sign-in is off and
    nothing else here is read.
LDAP_BIND_DN, LDAP_BIND_PASSWORD
    The service account the app searches the directory with (empty: an anonymous bind).
LDAP_USER_SEARCH_BASE
    Where users are searched (subtree), e.g. "ou=people,dc=example,dc=vn". Required.
LDAP_USER_FILTER
    The filter that finds the user signing in; default "(uid=%(user)s)" (OpenLDAP). Active
    Directory: "(sAMAccountName=%(user)s)".
LDAP_START_TLS
    true: StartTLS after connecting on ldap:// (default false). For ldaps:// leave it off.
LDAP_CA_FILE
    A PEM file of the CA that signed the directory's certificate, when the system's CA list
    does not hold it (StartTLS or ldaps://).
LDAP_TIMEOUT
    Seconds to wait for the directory before giving up (default 5): a directory that does
    not answer refuses directory sign-in; accounts of the app still sign in.
LDAP_GROUP_SEARCH_BASE
    Where groups are searched (subtree). Empty: no groups are read, so LDAP_ROLE_MAP and
    LDAP_REQUIRE_GROUP must be empty too.
LDAP_GROUP_TYPE
    "groupOfNames" (the default: OpenLDAP's groupOfNames, members in `member`) or
    "activeDirectory" (AD's `group` objects, members in `member`).
LDAP_ATTR_FIRST_NAME, LDAP_ATTR_LAST_NAME, LDAP_ATTR_EMAIL
    The directory attributes copied into the account's first name, last name and e-mail at
    every sign-in; empty: that field is not copied. Defaults: cn, nothing, mail. The app
    shows a name as first name then last name, so the whole name ("Nguyễn Văn An", cn in
    OpenLDAP, often displayName in AD) goes into the first name, as the app's own accounts
    have it; givenName and sn would read "An Nguyễn Văn".
LDAP_ROLE_MAP
    JSON: a group's DN to the roles its members hold, e.g.
    {"cn=bao-cao-xa-a,ou=groups,dc=example,dc=vn":
        [{"unit": "Đảng bộ xã A", "role": "reporter"}]}
    "unit" is a unit's name exactly as written in the app, or its id (a JSON number);
    "role" one of reporter, reviewer, leadership, unit_head, unit_admin. At every sign-in
    the roles the directory gives are granted and those it no longer gives are taken back
    (accounts/directory.py); roles granted in the app are never touched.
LDAP_REQUIRE_GROUP
    A group's DN: only its members may sign in through the directory. Empty (the default):
    every directory user may sign in, with no role unless LDAP_ROLE_MAP gives one.

Always: the account is updated from the directory at every sign-in
(AUTH_LDAP_ALWAYS_UPDATE_USER, which keeps the roles in line), and directory groups are
neither mirrored into Django groups nor read for Django permissions: they map to roles.
"""

import json

from django.core.exceptions import ImproperlyConfigured

GROUP_TYPES = ("groupOfNames", "activeDirectory")
LDAP_BACKEND = "accounts.directory.DirectoryBackend"


def _role_map(text: str) -> dict[str, list[dict]]:
    """LDAP_ROLE_MAP parsed and checked for shape (the units and roles are checked against
    the database at sign-in, and the roles by `manage.py check`)."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ImproperlyConfigured(f"LDAP_ROLE_MAP is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ImproperlyConfigured("LDAP_ROLE_MAP must be a JSON object: {group DN: [...]}")
    role_map = {}
    for group_dn, grants in data.items():
        if isinstance(grants, dict):
            grants = [grants]
        if not isinstance(grants, list) or not all(
            isinstance(grant, dict)
            and isinstance(grant.get("unit"), str | int)
            and not isinstance(grant.get("unit"), bool)
            and isinstance(grant.get("role"), str)
            for grant in grants
        ):
            raise ImproperlyConfigured(
                f"LDAP_ROLE_MAP[{group_dn!r}] must be a list of "
                '{"unit": <unit name or id>, "role": <role>}'
            )
        role_map[group_dn] = [{"unit": g["unit"], "role": g["role"]} for g in grants]
    return role_map


def ldap_settings(env) -> dict:
    """django-auth-ldap's settings (AUTH_LDAP_*) and LDAP_ROLE_MAP from `env` (an
    environ.Env), as a dict for the settings module's globals. With LDAP_SERVER_URI empty:
    directory sign-in is off (AUTH_LDAP_SERVER_URI is "", LDAP_ROLE_MAP is {})."""
    uri = env.str("LDAP_SERVER_URI", default="").strip()
    if not uri:
        return {"AUTH_LDAP_SERVER_URI": "", "LDAP_ROLE_MAP": {}}

    import ldap
    from django_auth_ldap.config import (
        ActiveDirectoryGroupType,
        GroupOfNamesType,
        LDAPSearch,
    )

    user_base = env.str("LDAP_USER_SEARCH_BASE", default="").strip()
    if not user_base:
        raise ImproperlyConfigured("LDAP_SERVER_URI is set: LDAP_USER_SEARCH_BASE is needed too")
    group_type_name = env.str("LDAP_GROUP_TYPE", default="groupOfNames").strip()
    if group_type_name not in GROUP_TYPES:
        raise ImproperlyConfigured(f"LDAP_GROUP_TYPE must be one of {', '.join(GROUP_TYPES)}")
    group_base = env.str("LDAP_GROUP_SEARCH_BASE", default="").strip()
    role_map = _role_map(env.str("LDAP_ROLE_MAP", default=""))
    require_group = env.str("LDAP_REQUIRE_GROUP", default="").strip() or None
    if not group_base and (role_map or require_group):
        raise ImproperlyConfigured(
            "LDAP_ROLE_MAP and LDAP_REQUIRE_GROUP read groups: set LDAP_GROUP_SEARCH_BASE"
        )

    timeout = env.int("LDAP_TIMEOUT", default=5)
    options = {
        ldap.OPT_NETWORK_TIMEOUT: timeout,
        ldap.OPT_TIMEOUT: timeout,
    }
    if group_type_name == "activeDirectory":
        options[ldap.OPT_REFERRALS] = 0  # AD's referrals would need their own binds
    if ca_file := env.str("LDAP_CA_FILE", default="").strip():
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
        options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: makes the TLS options above take effect

    attributes = {
        "first_name": env.str("LDAP_ATTR_FIRST_NAME", default="cn").strip(),
        "last_name": env.str("LDAP_ATTR_LAST_NAME", default="").strip(),
        "email": env.str("LDAP_ATTR_EMAIL", default="mail").strip(),
    }
    found = {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.str("LDAP_BIND_DN", default=""),
        # Read as written: django-environ would take a password starting with "$" for the
        # name of another variable (and, that one unset, an empty password).
        "AUTH_LDAP_BIND_PASSWORD": env.ENVIRON.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env.bool("LDAP_START_TLS", default=False),
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            user_base,
            ldap.SCOPE_SUBTREE,
            env.str("LDAP_USER_FILTER", default="(uid=%(user)s)").strip(),
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {field: attr for field, attr in attributes.items() if attr},
        # The roles are kept in line at every sign-in (accounts/directory.py): always update.
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # Groups map to roles (LDAP_ROLE_MAP), never to Django groups or permissions.
        "AUTH_LDAP_MIRROR_GROUPS": False,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "AUTH_LDAP_REQUIRE_GROUP": require_group,
        "LDAP_ROLE_MAP": role_map,
    }
    if group_base:
        if group_type_name == "activeDirectory":
            group_type, object_class = ActiveDirectoryGroupType(), "group"
        else:
            group_type, object_class = GroupOfNamesType(), "groupOfNames"
        found["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(
            group_base, ldap.SCOPE_SUBTREE, f"(objectClass={object_class})"
        )
        found["AUTH_LDAP_GROUP_TYPE"] = group_type
    return found
