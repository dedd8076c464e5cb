"""Administration inside the app: who opens which page, and nobody gives themselves a
role. Every write is a service that checks the permission module and writes the audit."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.administration import services
from accounts.models import RoleRequest
from ops.models import AuditEvent
from units.models import Membership, Unit, UnitGroup

from ..conftest import login
from ..factories import PASSWORD, MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture
def district(unit_a):
    """Huyện ủy, with unit A below it (unit B stands apart)."""
    top = UnitFactory(name="Huyện ủy Tuy Phước", kind=Unit.Kind.PARTY_COMMITTEE)
    unit_a.parent = top
    unit_a.save()
    return top


@pytest.fixture
def unit_admin(district):
    return MembershipFactory(
        unit=district, role=R.UNIT_ADMIN, user=UserFactory(username="quantri_huyen")
    ).user


PERSONAS = ("reporter_a", "reporter_b", "reviewer", "leader", "unit_admin")
# GET status per page, for: reporter_a reporter_b reviewer leader unit_admin
EXPECTED = {
    "home": (403, 403, 302, 403, 302),
    "units": (403, 403, 200, 403, 200),
    "unit add": (403, 403, 200, 403, 200),
    "unit A": (403, 403, 200, 403, 200),
    "unit B": (403, 403, 200, 403, 403),
    "groups": (403, 403, 200, 403, 403),
    "group add": (403, 403, 200, 403, 403),
    "group": (403, 403, 200, 403, 403),
    "accounts": (403, 403, 200, 403, 200),
    "invite": (403, 403, 200, 403, 200),
    "account of reporter A": (403, 403, 200, 403, 200),
    "account of reporter B": (403, 403, 200, 403, 403),
    "account of the reviewer": (403, 403, 200, 403, 403),
    "role requests": (403, 403, 200, 403, 200),
}


@pytest.fixture
def world(request, unit_a, unit_b, district, reporter_a, reporter_b, reviewer, leader, unit_admin):
    group = UnitGroup.objects.create(name="Các xã")
    pages = {
        "home": reverse("accounts:admin_home"),
        "units": reverse("accounts:units"),
        "unit add": reverse("accounts:unit_add"),
        "unit A": reverse("accounts:unit", args=[unit_a.pk]),
        "unit B": reverse("accounts:unit", args=[unit_b.pk]),
        "groups": reverse("accounts:groups"),
        "group add": reverse("accounts:group_add"),
        "group": reverse("accounts:group", args=[group.pk]),
        "accounts": reverse("accounts:accounts"),
        "invite": reverse("accounts:invite"),
        "account of reporter A": reverse("accounts:account", args=[reporter_a.pk]),
        "account of reporter B": reverse("accounts:account", args=[reporter_b.pk]),
        "account of the reviewer": reverse("accounts:account", args=[reviewer.pk]),
        "role requests": reverse("accounts:role_requests"),
    }
    return pages, {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.mark.parametrize(
    ("page", "persona", "status"),
    [
        pytest.param(page, persona, status, id=f"{page}-{persona}")
        for page, statuses in EXPECTED.items()
        for persona, status in zip(PERSONAS, statuses, strict=True)
    ],
)
def test_every_administration_page_for_every_persona(page, persona, status, world):
    pages, people = world
    assert login(people[persona]).get(pages[page]).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    pages, _ = world
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/"), url


# Nobody grants themselves a role ------------------------------------------------------


def test_a_reviewer_asking_for_a_units_role_gets_a_request_not_the_role(
    reviewer, small_directive, draft_b, unit_b, reporter_b
):
    """The escalation of the probe, in the app's own pages: the role waits for a second
    administrator, and unit B's draft stays out of reach."""
    client = login(reviewer)
    url = reverse("accounts:account", args=[reviewer.pk])

    response = client.post(url, {"unit": unit_b.pk, "role": R.REPORTER}, follow=True)

    assert "chờ một quản trị viên khác duyệt" in response.content.decode()
    assert not Membership.objects.filter(user=reviewer, unit=unit_b).exists()
    assert client.get(reverse("reports:detail", args=[draft_b.pk])).status_code == 404
    request = RoleRequest.objects.get(user=reviewer)
    assert request.status == RoleRequest.Status.PENDING
    assert AuditEvent.objects.filter(action="membership.requested", actor=reviewer).exists()

    own = reverse("accounts:role_request_approve", args=[request.pk])
    client.post(own)
    request.refresh_from_db()
    assert request.status == RoleRequest.Status.PENDING

    second = MembershipFactory(role=R.REVIEWER).user
    login(second).post(own)
    request.refresh_from_db()
    assert request.status == RoleRequest.Status.APPROVED and request.decided_by == second
    assert Membership.objects.filter(user=reviewer, unit=unit_b, role=R.REPORTER).exists()


def test_nobody_revokes_their_own_role_alone(reviewer):
    membership = reviewer.memberships.get()
    login(reviewer).post(reverse("accounts:revoke", args=[membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert RoleRequest.objects.filter(user=reviewer, change=RoleRequest.Change.REVOKE).exists()


def test_a_unit_administrator_gives_roles_only_below_its_unit(unit_admin, unit_a, unit_b):
    someone = UserFactory()
    client = login(unit_admin)
    url = reverse("accounts:account", args=[someone.pk])
    MembershipFactory(user=someone, unit=unit_a, role=R.REPORTER)

    client.post(url, {"unit": unit_a.pk, "role": R.UNIT_HEAD})
    client.post(url, {"unit": unit_b.pk, "role": R.REPORTER})  # not its unit
    client.post(url, {"unit": unit_a.pk, "role": R.REVIEWER})  # a wide role

    assert set(someone.memberships.values_list("unit_id", "role")) == {
        (unit_a.pk, R.REPORTER),
        (unit_a.pk, R.UNIT_HEAD),
    }
    event = AuditEvent.objects.get(action="membership.granted")
    assert event.actor == unit_admin and event.unit_id == unit_a.pk


def test_a_unit_administrator_cannot_lock_a_reviewer_or_itself(unit_admin, reviewer):
    client = login(unit_admin)
    for account in (reviewer, unit_admin):
        url = reverse("accounts:account_active", args=[account.pk])
        assert client.post(url, {"active": "0"}).status_code == 403
        account.refresh_from_db()
        assert account.is_active


def test_a_locked_account_is_signed_out(reviewer, reporter_a):
    victim = login(reporter_a)
    login(reviewer).post(reverse("accounts:account_active", args=[reporter_a.pk]), {"active": "0"})
    assert victim.get(reverse("reports:unit_work")).status_code == 302
    assert AuditEvent.objects.filter(action="account.deactivated", object_id=reporter_a.pk)


# Units and groups ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)
def test_two_moves_at_once_never_put_two_units_under_each_other(reviewer):
    """A moves under B while B moves under A: each checked alone sees no cycle. The tree
    is held from the check to the commit, so the second waits, checks again and is
    refused. (Both were written: a cycle, on which the roll-up and the unit lists loop.)"""
    import threading

    from django.core.exceptions import ValidationError
    from django.db import transaction

    a, b = UnitFactory(name="Đơn vị A"), UnitFactory(name="Đơn vị B")
    moved, commit, refused = threading.Event(), threading.Event(), []

    def move(unit_id, under_id, hold_open):
        try:
            unit = Unit.objects.get(pk=unit_id)
            unit.parent_id = under_id
            with transaction.atomic():
                services.unit_save(by=reviewer, unit=unit)
                if hold_open:
                    moved.set()
                    commit.wait(timeout=20)
        except ValidationError:
            refused.append(unit_id)
        finally:
            connection.close()

    first = threading.Thread(target=move, args=(a.pk, b.pk, True))
    second = threading.Thread(target=move, args=(b.pk, a.pk, False))
    first.start()
    assert moved.wait(timeout=20)
    second.start()
    second.join(timeout=2)
    waited = second.is_alive()
    commit.set()
    first.join(timeout=20)
    second.join(timeout=20)

    assert waited and refused == [b.pk]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.parent_id, b.parent_id) == (b.pk, None)


def test_units_are_created_moved_and_closed_through_the_service(reviewer, unit_a, district):
    client = login(reviewer)
    data = {"name": "Đảng bộ xã Phước Thuận", "kind": Unit.Kind.GRASSROOTS_PARTY}
    client.post(reverse("accounts:unit_add"), data | {"parent": district.pk})
    unit = Unit.objects.get(name="Đảng bộ xã Phước Thuận")
    assert unit.parent == district

    moved = data | {"parent": unit_a.pk}
    client.post(reverse("accounts:unit", args=[unit.pk]), moved)
    unit.refresh_from_db()
    assert unit.parent == unit_a

    response = client.post(reverse("accounts:unit", args=[district.pk]), {
        "name": district.name, "kind": district.kind, "parent": unit.pk,
    })  # fmt: skip
    assert "dưới chính nó" in response.content.decode()
    district.refresh_from_db()
    assert district.parent is None

    close = {"dong-on": "30/06/2025", "dong-successor": unit_a.pk}
    client.post(reverse("accounts:unit_close", args=[unit.pk]), close)
    unit.refresh_from_db()
    assert str(unit.valid_to) == "2025-06-30" and unit.successor == unit_a
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["unit.created", "unit.changed", "unit.closed"]


def test_a_unit_administrator_adds_units_only_below_its_own(unit_admin, district, unit_b):
    client = login(unit_admin)
    data = {"name": "Chi bộ mới", "kind": Unit.Kind.GRASSROOTS_PARTY}
    client.post(reverse("accounts:unit_add"), data | {"parent": unit_b.pk})
    client.post(reverse("accounts:unit_add"), data)  # a top unit
    assert not Unit.objects.filter(name="Chi bộ mới").exists()
    client.post(reverse("accounts:unit_add"), data | {"parent": district.pk})
    assert Unit.objects.get(name="Chi bộ mới").parent == district


def test_a_reviewer_keeps_groups(reviewer, unit_a, unit_b):
    client = login(reviewer)
    client.post(
        reverse("accounts:group_add"), {"name": "Các xã", "members": [unit_a.pk, unit_b.pk]}
    )
    group = UnitGroup.objects.get(name="Các xã")
    assert set(group.members.all()) == {unit_a, unit_b}
    assert AuditEvent.objects.filter(action="group.created", object_id=group.pk).exists()


# Invitations ---------------------------------------------------------------------------


def test_an_invitation_mails_a_link_that_sets_a_password(
    unit_admin, unit_a, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(unit_admin).post(reverse("accounts:invite"), {
            "username": "canbo_moi", "full_name": "Nguyễn Văn Mới", "email": "moi@dondoc.test",
            "unit": unit_a.pk, "role": R.REPORTER,
        })  # fmt: skip
    assert response.status_code == 302
    user = Membership.objects.get(unit=unit_a, role=R.REPORTER, user__username="canbo_moi").user
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["moi@dondoc.test"] and "canbo_moi" in message.body
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    password = "Mat-khau-rat-dai-2026"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(password)
    assert client.get(link, follow=True).context["validlink"] is False  # spent


def test_an_invitation_refuses_a_username_taken(reviewer, reporter_a, unit_a):
    response = login(reviewer).post(reverse("accounts:invite"), {
        "username": reporter_a.username.upper(), "full_name": "A", "email": "x@dondoc.test",
        "unit": unit_a.pk, "role": R.REPORTER,
    })  # fmt: skip
    assert "Tên đăng nhập này đã có" in response.content.decode()
    assert not mail.outbox


def test_the_service_refuses_what_the_page_would_not_offer(unit_admin, unit_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.membership_grant(by=unit_admin, user=UserFactory(), unit=unit_b, role=R.REPORTER)


def test_a_unit_administrator_cannot_lift_a_unit_to_the_top_through_the_service(unit_admin, unit_a):
    from django.core.exceptions import PermissionDenied

    unit_a.parent = None
    with pytest.raises(PermissionDenied):
        services.unit_save(by=unit_admin, unit=unit_a, changed=["parent"])
    unit_a.refresh_from_db()
    assert unit_a.parent is not None


# What an outside review found --------------------------------------------------------


def test_approving_a_request_needs_the_right_to_administer_the_account(
    reviewer, unit_admin, unit_a
):
    """The district's administrator may give roles at unit A, but not to a reviewer."""
    request = services.membership_grant(by=reviewer, user=reviewer, unit=unit_a, role=R.REPORTER)
    response = login(unit_admin).post(reverse("accounts:role_request_approve", args=[request.pk]))
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == RoleRequest.Status.PENDING
    assert not Membership.objects.filter(user=reviewer, unit=unit_a).exists()


def test_a_closed_units_successor_is_one_the_administrator_administers(unit_admin, unit_a, unit_b):
    import datetime

    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.unit_close(
            by=unit_admin, unit=unit_a, on=datetime.date(2025, 6, 30), successor=unit_b
        )
    unit_a.refresh_from_db()
    assert unit_a.valid_to is None


def test_a_unit_administrator_renames_its_own_unit_where_it_stands(unit_admin, district):
    top = UnitFactory(name="Tỉnh ủy", kind=Unit.Kind.PARTY_COMMITTEE)
    district.parent = top
    district.save()
    data = {"name": "Huyện ủy mới", "kind": district.kind, "parent": top.pk}
    login(unit_admin).post(reverse("accounts:unit", args=[district.pk]), data)
    district.refresh_from_db()
    assert district.name == "Huyện ủy mới" and district.parent == top


def test_a_deactivated_account_loses_its_sessions_and_tokens_for_good(reviewer, reporter_a):
    from api.models import ApiToken

    _token, key = ApiToken.issue(user=reporter_a, name="x")
    victim = Client()
    victim.post(reverse("login"), {"username": reporter_a.username, "password": PASSWORD})
    admin = login(reviewer)
    url = reverse("accounts:account_active", args=[reporter_a.pk])

    admin.post(url, {"active": "0"})
    admin.post(url, {"active": "1"})

    assert victim.get(reverse("reports:unit_work")).status_code == 302
    api = Client().get("/api/v1/directives/", HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 401


def test_a_search_with_a_nul_byte_is_no_error(reviewer):
    client = login(reviewer)
    for url in (reverse("accounts:units"), reverse("accounts:accounts")):
        assert client.get(url, {"q": "xã\x00A"}).status_code == 200


def test_with_four_eyes_an_invited_account_waits_for_a_second_administrator(
    reviewer, unit_b, small_directive, draft_b, settings, client
):
    """ROLE_APPROVAL=all: a reviewer cannot make itself a second account with unit B's
    role (and read unit B's draft through it) without another administrator."""
    settings.ROLE_APPROVAL = "all"
    puppet = services.account_invite(
        by=reviewer, username="tai_khoan_phu", email="phu@dondoc.test", full_name="Phụ",
        unit=unit_b, role=R.REPORTER, site="",
    )  # fmt: skip
    assert not puppet.memberships.exists()
    assert login(puppet).get(reverse("reports:detail", args=[draft_b.pk])).status_code == 404
    request = RoleRequest.objects.get(user=puppet)
    assert request.requested_by == reviewer

    refused = login(reviewer).post(reverse("accounts:role_request_approve", args=[request.pk]))
    assert refused.status_code == 403
    second = MembershipFactory(role=R.REVIEWER).user
    login(second).post(reverse("accounts:role_request_approve", args=[request.pk]))
    assert puppet.memberships.get().unit == unit_b


def test_with_four_eyes_a_grant_to_another_account_waits_too(
    reviewer, reporter_a, unit_b, settings
):
    settings.ROLE_APPROVAL = "all"
    result = services.membership_grant(by=reviewer, user=reporter_a, unit=unit_b, role=R.REPORTER)
    assert isinstance(result, RoleRequest)
    assert not reporter_a.memberships.filter(unit=unit_b).exists()


@pytest.mark.parametrize("page", ["accounts:units", "accounts:accounts"])
def test_the_lists_read_the_same_queries_for_3_or_30_rows(page, reviewer):
    """Pinned: session, user, roles, the page's count and rows (memberships prefetched),
    and the bell's unread count, whatever the number of rows."""
    client = login(reviewer)
    counts = []
    for rows in (3, 30):
        MembershipFactory.create_batch(rows - len(counts) * 3)
        with CaptureQueriesContext(connection) as seen:
            assert client.get(reverse(page)).status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1] == (7 if page == "accounts:accounts" else 6)


def test_a_unit_administrator_lists_only_the_accounts_it_may_open(unit_admin, unit_a, reporter_a):
    """Every account listed opens: none with a wide role, none with a role elsewhere."""
    MembershipFactory(unit=unit_a, role=R.REVIEWER)  # a wide role, at unit A
    MembershipFactory(user=MembershipFactory(unit=unit_a).user)  # also a role elsewhere
    client = login(unit_admin)
    page = client.get(reverse("accounts:accounts"))
    listed = list(page.context["page"].object_list)
    assert set(listed) == {unit_admin, reporter_a}
    for account in listed:
        assert client.get(reverse("accounts:account", args=[account.pk])).status_code == 200


def test_a_unit_page_offers_to_take_back_only_the_roles_one_may(unit_admin, district, leader):
    MembershipFactory(unit=district, role=R.LEADERSHIP, user=leader)
    page = login(unit_admin).get(reverse("accounts:unit", args=[district.pk]))
    shown = {pk for pk, _ in page.context["memberships"].values_list("pk", "role")}
    buttons = set(map(int, re.findall(r"/quan-ly/vai-tro/(\d+)/thu-hoi/", page.content.decode())))
    leadership = district.memberships.get(role=R.LEADERSHIP).pk
    assert leadership in shown and leadership not in buttons
    assert district.memberships.get(role=R.UNIT_ADMIN).pk in buttons
