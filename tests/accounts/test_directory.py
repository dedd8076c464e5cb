"""Directory sign-in (LDAP / Active Directory) against a real OpenLDAP server (the
`directory` fixture, tests/accounts/conftest.py): the login page signs a directory user in,
copies their name and e-mail, and keeps the roles LDAP_ROLE_MAP gives in line with the
directory's groups at every sign-in; roles granted in the app are never touched. The sync
itself and the settings read from the environment are tested without a server too."""

import json
import logging

import environ
import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django_auth_ldap.config import ActiveDirectoryGroupType, GroupOfNamesType

from accounts.administration import services
from accounts.directory import LDAP_BACKEND, directory_memberships_sync, role_map_check
from accounts.directory_settings import ldap_settings
from ops.models import AuditEvent
from units.models import Membership, Unit

from ..conftest import login
from ..factories import PASSWORD, MembershipFactory, UnitFactory, UserFactory
from ..test_deploy import production_settings
from .conftest import GROUPS, PEOPLE, PEOPLE_ENTRIES, ROOT_DN, ROOT_PASSWORD, group_dn

pytestmark = pytest.mark.django_db

User = get_user_model()
AXES = "axes.backends.AxesStandaloneBackend"
MODEL = "django.contrib.auth.backends.ModelBackend"
UNIT_A, BOARD = "Đảng bộ xã A", "Ban Thường vụ Huyện ủy"
# Written as an administrator might: another case, spaces after the commas.
LEADERS_DN_AS_TYPED = "CN=lanh-dao, OU=groups, DC=dondoc, DC=test"
ROLE_MAP = {
    group_dn("bao-cao-xa-a"): [
        {"unit": UNIT_A, "role": "reporter"},
        {"unit": "Đơn vị không có trong ứng dụng", "role": "reviewer"},  # logged, skipped
    ],
    LEADERS_DN_AS_TYPED: [{"unit": BOARD, "role": "leadership"}],
}
LDAP_VARIABLES = (
    "LDAP_SERVER_URI",
    "LDAP_BIND_DN",
    "LDAP_BIND_PASSWORD",
    "LDAP_USER_SEARCH_BASE",
    "LDAP_USER_FILTER",
    "LDAP_START_TLS",
    "LDAP_CA_FILE",
    "LDAP_TIMEOUT",
    "LDAP_GROUP_SEARCH_BASE",
    "LDAP_GROUP_TYPE",
    "LDAP_ATTR_FIRST_NAME",
    "LDAP_ATTR_LAST_NAME",
    "LDAP_ATTR_EMAIL",
    "LDAP_ROLE_MAP",
    "LDAP_REQUIRE_GROUP",
)


def _read(monkeypatch, **variables: str) -> dict:
    """ldap_settings() as the settings module calls it, with only `variables` set."""
    for name in LDAP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return ldap_settings(environ.Env())


@pytest.fixture
def units():
    return {UNIT_A: UnitFactory(name=UNIT_A), BOARD: UnitFactory(name=BOARD)}


@pytest.fixture
def directory_on(directory, settings, monkeypatch, units):
    """Directory sign-in pointed at the test's slapd (and django-axes on, as in
    production); call it again with variables to change them."""

    def configure(**variables: str):
        found = _read(
            monkeypatch,
            **{
                "LDAP_SERVER_URI": directory.uri,
                "LDAP_BIND_DN": ROOT_DN,
                "LDAP_BIND_PASSWORD": ROOT_PASSWORD,
                "LDAP_USER_SEARCH_BASE": PEOPLE,
                "LDAP_GROUP_SEARCH_BASE": GROUPS,
                "LDAP_ROLE_MAP": json.dumps(ROLE_MAP),
                **variables,
            },
        )
        for name, value in found.items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = [AXES, LDAP_BACKEND, MODEL]
        settings.AXES_ENABLED = True

    configure()
    return configure


def _sign_in(uid: str, password: str | None = None):
    password = PEOPLE_ENTRIES[uid][4] if password is None else password
    client = Client()
    response = client.post(reverse("login"), {"username": uid, "password": password})
    return client, response


def _roles(user) -> set[tuple[str, str, str]]:
    return {(m.unit.name, m.role, m.source) for m in user.memberships.select_related("unit")}


DIRECTORY, APP = Membership.Source.DIRECTORY, Membership.Source.APP


# The real login page against the real directory


def test_a_directory_user_signs_in_and_gets_the_role_their_group_maps_to(directory_on, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.directory"):
        client, response = _sign_in("nguyenvana")

    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="nguyenvana")
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get("/", follow=True)  # a reporter lands on their unit's work page
    assert home.status_code == 200 and UNIT_A in home.content.decode()
    assert (user.get_full_name(), user.email) == ("Nguyễn Văn An", "an.nv@dondoc.test")
    assert not user.has_usable_password()  # the directory keeps the password
    assert _roles(user) == {(UNIT_A, "reporter", DIRECTORY)}  # khong-anh-xa maps to nothing
    event = AuditEvent.objects.get(action="membership.granted")
    assert event.actor is None and event.object_id == user.pk
    assert event.unit_id == Unit.objects.get(name=UNIT_A).pk
    assert event.summary == (
        "Thư mục LDAP cấp vai trò Cán bộ báo cáo của đơn vị tại Đảng bộ xã A cho Nguyễn Văn An"
    )
    assert "không có đơn vị 'Đơn vị không có trong ứng dụng'" in caplog.text


def test_a_wrong_password_is_refused_and_the_login_page_shows_again(directory_on):
    client, response = _sign_in("nguyenvana", "sai-mat-khau")

    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="nguyenvana").exists()
    assert AccessAttempt.objects.get(username="nguyenvana").failures_since_start == 1


def test_leaving_a_group_takes_its_role_back_and_keeps_the_roles_granted_in_the_app(
    directory, directory_on
):
    _sign_in("tranthib")
    user = User.objects.get(username="tranthib")
    assert _roles(user) == {(UNIT_A, "reporter", DIRECTORY), (BOARD, "leadership", DIRECTORY)}
    MembershipFactory(user=user, unit=UnitFactory(name="Đảng bộ xã B"), role="reporter")

    directory.group_member_remove("bao-cao-xa-a", "tranthib")
    try:
        response = _sign_in("tranthib")[1]
    finally:
        directory.group_member_add("bao-cao-xa-a", "tranthib")

    assert response.status_code == 302
    assert _roles(user) == {(BOARD, "leadership", DIRECTORY), ("Đảng bộ xã B", "reporter", APP)}
    revoked = AuditEvent.objects.get(action="membership.revoked")
    assert revoked.summary == (
        "Thư mục LDAP thu hồi vai trò Cán bộ báo cáo của đơn vị tại Đảng bộ xã A của Trần Thị Bình"
    )
    assert AuditEvent.objects.filter(action="membership.granted").count() == 2  # not again

    _sign_in("tranthib")  # back in the group: the role comes back
    assert (UNIT_A, "reporter", DIRECTORY) in _roles(user)


def test_an_account_locked_in_the_app_stays_locked_for_the_directory(directory_on):
    _sign_in("nguyenvana")
    User.objects.filter(username="nguyenvana").update(is_active=False)

    client, response = _sign_in("nguyenvana")

    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert not User.objects.get(username="nguyenvana").is_active


def test_a_user_in_no_mapped_group_signs_in_with_no_role_unless_a_group_is_required(
    directory_on,
):
    assert _sign_in("phamvanc")[1].status_code == 302
    assert _roles(User.objects.get(username="phamvanc")) == set()

    directory_on(LDAP_REQUIRE_GROUP=group_dn("lanh-dao"))
    assert _sign_in("phamvanc")[1].status_code == 200
    assert _sign_in("nguyenvana")[1].status_code == 200
    assert not User.objects.filter(username="nguyenvana").exists()
    assert _sign_in("tranthib")[1].status_code == 302


def test_a_directory_that_does_not_answer_refuses_its_users_and_the_apps_accounts_still_sign_in(
    directory_on,
):
    directory_on(LDAP_SERVER_URI="ldap://127.0.0.1:1/", LDAP_TIMEOUT="2")
    local = UserFactory(username="canbo_ung_dung")

    assert _sign_in("nguyenvana")[1].status_code == 200
    client = Client()
    response = client.post(reverse("login"), {"username": local.username, "password": PASSWORD})
    assert response.status_code == 302


def test_start_tls_needs_the_directorys_certificate(directory, directory_on):
    if directory.ca_file is None:
        pytest.skip("Không có openssl để làm chứng thư cho StartTLS: bỏ qua.")
    directory_on(LDAP_START_TLS="true")
    assert _sign_in("nguyenvana")[1].status_code == 200  # a certificate no CA vouches for

    directory_on(LDAP_START_TLS="true", LDAP_CA_FILE=str(directory.ca_file))
    assert _sign_in("nguyenvana")[1].status_code == 302


# The sync alone


def test_the_sync_grants_the_mapped_roles_skips_what_does_not_exist_and_audits(caplog):
    unit_a, board = UnitFactory(name=UNIT_A), UnitFactory(name=BOARD)
    user = UserFactory(first_name="Lê Văn Dũng", last_name="")
    role_map = {
        "cn=a,ou=groups,dc=x": [
            {"unit": UNIT_A, "role": "reporter"},
            {"unit": "Không có", "role": "reporter"},
            {"unit": board.pk, "role": "unit_head"},  # a unit by its id
            {"unit": UNIT_A, "role": "chu_tich"},  # no such role
        ],
        "cn=b,ou=groups,dc=x": [{"unit": BOARD, "role": "leadership"}],
    }

    with caplog.at_level(logging.WARNING, logger="accounts.directory"):
        result = directory_memberships_sync(user, {"CN=A, ou=groups,dc=x"}, role_map)

    assert _roles(user) == {(UNIT_A, "reporter", DIRECTORY), (BOARD, "unit_head", DIRECTORY)}
    assert len(result.granted) == 2 and result.revoked == []
    assert len(result.skipped) == 2
    assert "không có đơn vị 'Không có'" in caplog.text
    assert "vai trò không có: 'chu_tich'" in caplog.text
    events = AuditEvent.objects.filter(action="membership.granted").order_by("pk")
    assert [(e.unit_id, e.data["role"], e.actor) for e in events] == [
        (unit_a.pk, "reporter", None),
        (board.pk, "unit_head", None),
    ]
    assert events[1].summary == (
        "Thư mục LDAP cấp vai trò Lãnh đạo đơn vị (nhận báo cáo quá hạn của đơn vị) "
        "tại Ban Thường vụ Huyện ủy cho Lê Văn Dũng"
    )

    assert directory_memberships_sync(user, {"cn=a,ou=groups,dc=x"}, role_map).granted == []
    assert AuditEvent.objects.count() == 2  # nothing changed, nothing written


def test_the_sync_takes_back_only_the_directorys_roles():
    unit_a, unit_b = UnitFactory(name=UNIT_A), UnitFactory(name="Đảng bộ xã B")
    user = UserFactory()
    role_map = {"cn=a,dc=x": [{"unit": UNIT_A, "role": "reporter"}]}
    directory_memberships_sync(user, {"cn=a,dc=x"}, role_map)
    MembershipFactory(user=user, unit=unit_b, role="reviewer")  # granted in the app
    MembershipFactory(user=user, unit=unit_a, role="unit_admin")  # granted in the app

    result = directory_memberships_sync(user, set(), role_map)

    assert result.revoked == [(unit_a.pk, "reporter")]
    assert _roles(user) == {("Đảng bộ xã B", "reviewer", APP), (UNIT_A, "unit_admin", APP)}
    assert AuditEvent.objects.filter(action="membership.revoked", unit_id=unit_a.pk).count() == 1


def test_a_role_the_app_granted_already_is_not_granted_again():
    unit_a = UnitFactory(name=UNIT_A)
    user = UserFactory()
    MembershipFactory(user=user, unit=unit_a, role="reporter")
    role_map = {"cn=a,dc=x": [{"unit": UNIT_A, "role": "reporter"}]}

    assert directory_memberships_sync(user, {"cn=a,dc=x"}, role_map).granted == []
    assert directory_memberships_sync(user, set(), role_map).revoked == []
    assert _roles(user) == {(UNIT_A, "reporter", APP)}
    assert not AuditEvent.objects.exists()


def test_two_units_of_the_same_name_are_skipped_not_guessed(caplog):
    UnitFactory(name="Đảng bộ phường 1")
    UnitFactory(name="Đảng bộ phường 1")
    user = UserFactory()
    role_map = {"cn=a,dc=x": [{"unit": "Đảng bộ phường 1", "role": "reporter"}]}

    result = directory_memberships_sync(user, {"cn=a,dc=x"}, role_map)

    assert result.granted == [] and "nhiều đơn vị cùng tên" in result.skipped[0]
    assert not user.memberships.exists()


# The settings, from the environment


def test_directory_sign_in_is_off_unless_a_server_is_named(monkeypatch):
    assert _read(monkeypatch) == {"AUTH_LDAP_SERVER_URI": "", "LDAP_ROLE_MAP": {}}
    off = production_settings("AUTHENTICATION_BACKENDS", LDAP_SERVER_URI="")
    assert off["AUTHENTICATION_BACKENDS"] == [AXES, MODEL]
    on = production_settings(
        "AUTHENTICATION_BACKENDS",
        "AUTH_LDAP_SERVER_URI",
        "AUTH_LDAP_ALWAYS_UPDATE_USER",
        "AUTH_LDAP_MIRROR_GROUPS",
        "AUTH_LDAP_FIND_GROUP_PERMS",
        LDAP_SERVER_URI="ldaps://ad.example.vn",
        LDAP_USER_SEARCH_BASE="dc=example,dc=vn",
    )
    assert on == {
        "AUTHENTICATION_BACKENDS": [AXES, LDAP_BACKEND, MODEL],
        "AUTH_LDAP_SERVER_URI": "ldaps://ad.example.vn",
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_MIRROR_GROUPS": False,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
    }


def test_active_directory_settings(monkeypatch):
    import ldap

    found = _read(
        monkeypatch,
        LDAP_SERVER_URI="ldap://ad.example.vn",
        LDAP_BIND_DN="CN=dondoc,OU=Service,DC=example,DC=vn",
        LDAP_BIND_PASSWORD="$bi-mat",  # as written, not another variable's name
        LDAP_USER_SEARCH_BASE="OU=Staff,DC=example,DC=vn",
        LDAP_USER_FILTER="(sAMAccountName=%(user)s)",
        LDAP_START_TLS="1",
        LDAP_GROUP_SEARCH_BASE="OU=Groups,DC=example,DC=vn",
        LDAP_GROUP_TYPE="activeDirectory",
        LDAP_ATTR_FIRST_NAME="displayName",
        LDAP_ROLE_MAP='{"CN=G,DC=example,DC=vn": {"unit": 7, "role": "reviewer"}}',
        LDAP_REQUIRE_GROUP="CN=Dondoc,OU=Groups,DC=example,DC=vn",
    )

    assert found["AUTH_LDAP_USER_SEARCH"].filterstr == "(sAMAccountName=%(user)s)"
    assert found["AUTH_LDAP_USER_SEARCH"].base_dn == "OU=Staff,DC=example,DC=vn"
    assert isinstance(found["AUTH_LDAP_GROUP_TYPE"], ActiveDirectoryGroupType)
    assert found["AUTH_LDAP_GROUP_SEARCH"].filterstr == "(objectClass=group)"
    assert found["AUTH_LDAP_CONNECTION_OPTIONS"][ldap.OPT_REFERRALS] == 0
    assert found["AUTH_LDAP_START_TLS"] is True
    assert found["AUTH_LDAP_BIND_PASSWORD"] == "$bi-mat"
    assert found["AUTH_LDAP_USER_ATTR_MAP"] == {"first_name": "displayName", "email": "mail"}
    assert found["AUTH_LDAP_REQUIRE_GROUP"] == "CN=Dondoc,OU=Groups,DC=example,DC=vn"
    assert found["LDAP_ROLE_MAP"] == {"CN=G,DC=example,DC=vn": [{"unit": 7, "role": "reviewer"}]}


def test_openldap_defaults(monkeypatch):
    found = _read(monkeypatch, LDAP_SERVER_URI="ldap://x", LDAP_USER_SEARCH_BASE="dc=x")

    assert found["AUTH_LDAP_USER_SEARCH"].filterstr == "(uid=%(user)s)"
    assert "AUTH_LDAP_GROUP_SEARCH" not in found
    assert found["AUTH_LDAP_START_TLS"] is False
    assert found["AUTH_LDAP_REQUIRE_GROUP"] is None
    assert found["AUTH_LDAP_USER_ATTR_MAP"] == {"first_name": "cn", "email": "mail"}
    grouped = _read(
        monkeypatch,
        LDAP_SERVER_URI="ldap://x",
        LDAP_USER_SEARCH_BASE="dc=x",
        LDAP_GROUP_SEARCH_BASE="ou=groups,dc=x",
    )
    assert isinstance(grouped["AUTH_LDAP_GROUP_TYPE"], GroupOfNamesType)
    assert grouped["AUTH_LDAP_GROUP_SEARCH"].filterstr == "(objectClass=groupOfNames)"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"LDAP_USER_SEARCH_BASE": ""}, "LDAP_USER_SEARCH_BASE"),
        ({"LDAP_ROLE_MAP": "{nope"}, "not valid JSON"),
        ({"LDAP_ROLE_MAP": "[]"}, "must be a JSON object"),
        ({"LDAP_ROLE_MAP": '{"cn=a": [{"unit": "X"}]}'}, "must be a list of"),
        ({"LDAP_ROLE_MAP": '{"cn=a": [{"unit": "X", "role": "reporter"}]}'}, "GROUP_SEARCH"),
        ({"LDAP_REQUIRE_GROUP": "cn=a"}, "GROUP_SEARCH"),
        ({"LDAP_GROUP_TYPE": "posix"}, "LDAP_GROUP_TYPE"),
    ],
)
def test_a_wrong_setting_stops_the_start_with_what_is_wrong(monkeypatch, variables, message):
    variables = {"LDAP_SERVER_URI": "ldap://x", "LDAP_USER_SEARCH_BASE": "dc=x", **variables}
    with pytest.raises(ImproperlyConfigured, match=message):
        _read(monkeypatch, **variables)


def test_the_system_check_names_a_role_that_does_not_exist(settings):
    settings.LDAP_ROLE_MAP = {"cn=a": [{"unit": "X", "role": "reporter"}]}
    assert role_map_check() == []
    settings.LDAP_ROLE_MAP = {"cn=a": [{"unit": "X", "role": "chu_tich"}]}
    assert [error.id for error in role_map_check()] == ["accounts.E001"]


# Accounts of the app and of the directory never mix


def test_a_directory_user_never_signs_in_as_the_apps_account_of_that_name(directory_on):
    """The app's superuser "PhamVanC" and the directory's "phamvanc" are two people."""
    boss = UserFactory(username="PhamVanC", is_superuser=True, is_staff=True)
    client, response = _sign_in("phamvanc")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    boss.refresh_from_db()
    assert boss.has_usable_password()


def test_an_app_account_made_first_does_not_take_the_directory_users_roles(directory_on, units):
    """An administrator invites "tranthib" before the real one signs in: the real one
    is refused (the app's account is not the directory's), and that account never gets
    the directory's roles, nor does the directory's password open it."""
    admin = MembershipFactory(unit=units[UNIT_A], role=Membership.Role.UNIT_ADMIN).user
    squatter = services.account_invite(
        by=admin, username="tranthib", email="x@dondoc.test", full_name="x",
        unit=units[UNIT_A], role=Membership.Role.REPORTER, site="",
    )  # fmt: skip
    _client, response = _sign_in("tranthib")
    assert response.status_code == 200
    assert _roles(squatter) == {(UNIT_A, Membership.Role.REPORTER, APP)}


def test_a_directory_account_once_made_signs_in_with_the_directory_only(directory_on):
    _sign_in("nguyenvana")
    user = User.objects.get(username="nguyenvana")
    assert not user.has_usable_password() and user.directory_account.dn.startswith("uid=")


def test_a_deactivated_directory_account_loses_its_session(directory_on, units):
    client, _response = _sign_in("nguyenvana")
    user = User.objects.get(username="nguyenvana")
    reviewer = MembershipFactory(role=Membership.Role.REVIEWER).user
    login(reviewer).post(reverse("accounts:account_active", args=[user.pk]), {"active": "0"})
    assert client.get(reverse("security")).status_code == 302


def test_a_map_entry_that_names_no_single_unit_takes_no_role_back(directory_on, units):
    """Someone adds a second unit of the name the map uses: which one is meant is
    unknown, so the leaders keep the role they hold until the map is put right."""
    _sign_in("tranthib")
    user = User.objects.get(username="tranthib")
    assert (BOARD, Membership.Role.LEADERSHIP, DIRECTORY) in _roles(user)
    UnitFactory(name=BOARD)
    _sign_in("tranthib")
    assert (BOARD, Membership.Role.LEADERSHIP, DIRECTORY) in _roles(user)
