"""The escalation an outside probe found: a reviewer made staff with the demo's model
rights gave itself a unit's reporter role in the Django admin, then read and overwrote that
unit's draft. The admin is for superusers now, and even they only read roles there."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from ops.models import AuditEvent
from units.models import Membership
from workdays.models import CalendarException

from ..conftest import login
from ..factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_staff_reviewer_cannot_give_itself_a_units_role_in_the_admin(
    reviewer, reporter_b, small_directive, draft_b, unit_b
):
    reviewer.is_staff = True
    reviewer.save()
    reviewer.user_permissions.set(Permission.objects.filter(content_type__app_label="units"))
    client = login(reviewer)
    url = reverse("admin:units_membership_add")
    data = {"user": reviewer.pk, "unit": unit_b.pk, "role": Membership.Role.REPORTER}

    response = client.post(url, data)

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Membership.objects.filter(user=reviewer, unit=unit_b).exists()
    assert client.get(reverse("reports:detail", args=[draft_b.pk])).status_code == 404
    other = Membership.objects.exclude(user=reviewer).first()
    client.post(reverse("admin:units_membership_delete", args=[other.pk]), {"post": "yes"})
    assert Membership.objects.filter(pk=other.pk).exists()


def test_a_superuser_reads_roles_in_the_admin_but_changes_them_in_the_app(unit_b):
    client = login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:units_membership_changelist")).status_code == 200
    data = {"user": UserFactory().pk, "unit": unit_b.pk, "role": Membership.Role.REPORTER}
    assert client.post(reverse("admin:units_membership_add"), data).status_code == 403
    assert not Membership.objects.filter(unit=unit_b).exists()


def test_what_stays_editable_in_the_admin_is_audited():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = login(superuser)
    data = {"date": "02/09/2026", "kind": CalendarException.Kind.DAY_OFF, "note": "Nghỉ bù"}
    response = client.post(reverse("admin:workdays_calendarexception_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.saved")
    assert event.actor == superuser and event.object_type == "workdays.calendarexception"


def test_the_demo_gives_nobody_admin_rights():
    from demo.data import ACCOUNTS, load_accounts

    load_accounts({unit: UnitFactory(name=unit) for _, _, unit, _ in ACCOUNTS})

    assert not Group.objects.exists()
    assert not get_user_model().objects.filter(is_staff=True).exists()
