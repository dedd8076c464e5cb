"""Reminders: who is reminded, of what, on which day, and never twice.

The small directive's Tháng 9/2021 is due Monday 20/09/2021. With 3 days before and
escalation after 3 days overdue: due soon from Friday 17/09, due today on 20/09, overdue
every day from 21/09, and the unit's leadership is told on 23/09.
"""

import datetime

import pytest
from celery.signals import task_postrun
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directives.models import Directive
from directives.services import assignments_sync
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.notifications.models import Notification
from reports.periods.services import periods_generate
from reports.reminders import services as reminders
from reports.reminders.models import Reminder
from reports.reminders.services import reminders_send
from reports.tasks import send_reminders
from units.models import Membership

from ...conftest import wait_for
from ...factories import (
    AddresseeFactory,
    DirectiveFactory,
    MembershipFactory,
    ProgressReportFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Kind = Reminder.Kind
DUE = datetime.date(2021, 9, 20)


def day(d: int, month: int = 9) -> datetime.date:
    return datetime.date(2021, month, d)


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REMINDER_DAYS_BEFORE = 3
    settings.REMINDER_ESCALATE_AFTER_DAYS = 3
    return settings


@pytest.fixture
def sd(small_directive, reporter_a, reporter_b, reviewer, leader):
    """The small directive with its period unlocked (tests that need a lock set one), and
    everyone who must not be reminded present: the reviewer and the district's leader."""
    small_directive.period.lock_on = None
    small_directive.period.save()
    return small_directive


@pytest.fixture
def leader_a(unit_a):
    """Unit A's own leadership (bí thư Đảng ủy xã A): told when A's report is very late."""
    return MembershipFactory(
        unit=unit_a, role=Membership.Role.UNIT_HEAD, user=UserFactory(username="bithu_xa_a")
    ).user


def sent(*, kind=None) -> set[tuple]:
    rows = Reminder.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return set(rows.values_list("assignment__unit__name", "kind", "window"))


def mail_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


# The windows ---------------------------------------------------------------------------


def test_nothing_before_the_due_soon_day(sd):
    assert reminders_send(today=day(16)) == 0
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_due_soon_three_days_before(sd, reporter_a, reporter_b):
    assert reminders_send(today=day(17)) == 2

    assert sent() == {
        ("Đảng bộ xã A", Kind.DUE_SOON, day(17)),
        ("Đảng bộ xã B", Kind.DUE_SOON, day(17)),
    }
    [email] = mail_to(reporter_a)
    assert "sắp đến hạn" in email.subject
    assert "nhiệm vụ 1.1 (136-CV/HU), Tháng 9/2021, hạn nộp 20/09/2021, còn 3 ngày" in email.body
    assert "Đảng bộ xã B" not in email.body
    assert len(mail_to(reporter_b)) == 1


def test_days_before_comes_from_settings(sd, reminder_settings):
    reminder_settings.REMINDER_DAYS_BEFORE = 5

    assert reminders_send(today=day(14)) == 0
    assert reminders_send(today=day(15)) == 2
    assert sent(kind=Kind.DUE_SOON) == {
        ("Đảng bộ xã A", Kind.DUE_SOON, day(15)),
        ("Đảng bộ xã B", Kind.DUE_SOON, day(15)),
    }


def test_a_missed_due_soon_day_is_made_up_once(sd):
    """The beat did not run on Friday: Saturday sends the due-soon reminder, Sunday not."""
    assert reminders_send(today=day(18)) == 2
    assert reminders_send(today=day(19)) == 0
    assert sent() == {
        ("Đảng bộ xã A", Kind.DUE_SOON, day(17)),
        ("Đảng bộ xã B", Kind.DUE_SOON, day(17)),
    }
    assert len(mail.outbox) == 2


def test_due_today(sd, reporter_a):
    reminders_send(today=day(17))
    mail.outbox.clear()

    assert reminders_send(today=DUE) == 2

    assert sent(kind=Kind.DUE_TODAY) == {
        ("Đảng bộ xã A", Kind.DUE_TODAY, DUE),
        ("Đảng bộ xã B", Kind.DUE_TODAY, DUE),
    }
    [email] = mail_to(reporter_a)
    assert "đến hạn hôm nay" in email.subject
    assert "Báo cáo đến hạn hôm nay:" in email.body


def test_overdue_every_day(sd, reporter_a):
    for d in (21, 22):
        assert reminders_send(today=day(d)) == 2

    assert sent(kind=Kind.OVERDUE) == {
        (unit, Kind.OVERDUE, day(d)) for unit in ("Đảng bộ xã A", "Đảng bộ xã B") for d in (21, 22)
    }
    first, second = mail_to(reporter_a)
    assert "quá hạn 1 ngày" in first.body
    assert "quá hạn 2 ngày" in second.body


def test_escalation_to_the_units_leadership_once(sd, leader_a, leader, reviewer, reporter_a):
    assert reminders_send(today=day(22)) == 2  # overdue only: 2 days late
    assert mail_to(leader_a) == []

    assert reminders_send(today=day(23)) == 3  # A and B overdue, A escalated
    assert sent(kind=Kind.ESCALATION) == {("Đảng bộ xã A", Kind.ESCALATION, day(23))}
    [email] = mail_to(leader_a)
    assert "cần lãnh đạo đôn đốc" in email.subject
    assert "Đảng bộ xã A: nhiệm vụ 1.1" in email.body
    assert "quá hạn 3 ngày" in email.body
    assert Notification.objects.filter(user=leader_a).count() == 1

    assert reminders_send(today=day(24)) == 2  # overdue again; no second escalation
    assert len(mail_to(leader_a)) == 1
    assert len(mail_to(reporter_a)) == 3
    assert mail_to(leader) == mail_to(reviewer) == []
    assert not Notification.objects.filter(user__in=[leader, reviewer]).exists()


def test_escalation_delay_comes_from_settings(sd, leader_a, reminder_settings):
    reminder_settings.REMINDER_ESCALATE_AFTER_DAYS = 5

    reminders_send(today=day(24))
    assert mail_to(leader_a) == []
    reminders_send(today=day(25))
    assert len(mail_to(leader_a)) == 1


def test_a_late_run_still_escalates_once(sd, leader_a):
    """Nobody ran the reminders for a week: the escalation still goes out, once."""
    reminders_send(today=day(27))
    reminders_send(today=day(28))

    assert sent(kind=Kind.ESCALATION) == {("Đảng bộ xã A", Kind.ESCALATION, day(23))}
    assert len(mail_to(leader_a)) == 1


def test_no_leadership_no_escalation_claimed(sd, unit_a):
    """An escalation nobody could read is not marked sent: it goes out once a leader is
    named."""
    reminders_send(today=day(23))
    assert sent(kind=Kind.ESCALATION) == set()

    leader_a = MembershipFactory(unit=unit_a, role=Membership.Role.UNIT_HEAD).user
    reminders_send(today=day(24))
    assert sent(kind=Kind.ESCALATION) == {("Đảng bộ xã A", Kind.ESCALATION, day(23))}
    assert len(mail_to(leader_a)) == 1


# Only those who owe ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "reminded"),
    [
        ("draft", True),
        ("returned", True),
        ("submitted", False),
        ("accepted", False),
    ],
)
def test_only_a_unit_that_still_owes_is_reminded(state, reminded, sd, reporter_a, reporter_b):
    traits = {"draft": {}, "returned": {"returned": True}}
    traits |= {"submitted": {"submitted": True}, "accepted": {"accepted": True}}
    report = ProgressReportFactory(assignment=sd.assignment_a, period=sd.period, **traits[state])
    assert report.is_editable is reminded

    reminders_send(today=DUE)

    assert len(mail_to(reporter_a)) == (1 if reminded else 0)
    assert Notification.objects.filter(user=reporter_a).exists() is reminded
    assert len(mail_to(reporter_b)) == 1  # unit B sent nothing: reminded either way


def test_a_report_sent_after_a_reminder_stops_the_next_ones(sd, reporter_a):
    reminders_send(today=day(21))
    ProgressReportFactory(assignment=sd.assignment_a, period=sd.period, submitted=True)

    reminders_send(today=day(22))

    assert len(mail_to(reporter_a)) == 1
    assert ("Đảng bộ xã A", Kind.OVERDUE, day(22)) not in sent()


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [
        (None, day(1, month=8)),  # dissolved before the period started (15/08)
        (day(20, month=9), None),  # founded after the cutoff (14/09)
    ],
)
def test_a_unit_not_active_in_the_period_is_not_reminded(
    valid_from, valid_to, sd, unit_a, reporter_a, reporter_b
):
    unit_a.valid_from, unit_a.valid_to = valid_from, valid_to
    unit_a.save()

    reminders_send(today=DUE)

    assert mail_to(reporter_a) == []
    assert len(mail_to(reporter_b)) == 1


def test_a_unit_is_reminded_only_of_the_periods_it_was_active_in(sd, unit_a, reporter_a):
    """Commune A was founded on 20/09: it owes October's report, not September's."""
    periods_generate(directive=sd.directive, until=day(16, month=10))
    sd.directive.periods.update(lock_on=None)
    unit_a.valid_from = day(20)
    unit_a.save()

    reminders_send(today=day(18, month=10))

    assert {(unit, kind) for unit, kind, _ in sent()} == {
        ("Đảng bộ xã A", Kind.DUE_TODAY),  # October, due 18/10
        ("Đảng bộ xã B", Kind.DUE_TODAY),
        ("Đảng bộ xã B", Kind.OVERDUE),  # September
    }
    [email] = mail_to(reporter_a)
    assert "Tháng 9/2021" not in email.body
    assert "Tháng 10/2021, hạn nộp 18/10/2021" in email.body


def test_a_unit_closed_during_the_period_still_owes_it(sd, unit_a, reporter_a):
    unit_a.valid_to = day(1)
    unit_a.save()

    reminders_send(today=DUE)

    assert len(mail_to(reporter_a)) == 1


@pytest.mark.parametrize("status", [Directive.Status.CLOSED, Directive.Status.DRAFT])
def test_a_directive_not_in_force_sends_nothing(status, sd):
    sd.directive.status = status
    sd.directive.save()

    for d in (17, 20, 23):
        assert reminders_send(today=day(d)) == 0
    assert mail.outbox == []


def test_the_lock_date_stops_reminders(sd):
    sd.period.lock_on = day(25)
    sd.period.save()

    assert reminders_send(today=day(25)) == 2
    assert reminders_send(today=day(26)) == 0
    assert reminders_send(today=day(30)) == 0


# Extensions ----------------------------------------------------------------------------


def _extend(sd, reviewer, new_due, status=ExtensionRequest.Status.GRANTED):
    return ExtensionRequest.objects.create(
        assignment=sd.assignment_a,
        period=sd.period,
        new_due=new_due,
        reason="Chờ số liệu của các chi bộ.",
        status=status,
        decided_by=reviewer,
    )


def test_a_granted_extension_moves_the_windows(sd, reviewer, reporter_a, reporter_b, leader_a):
    _extend(sd, reviewer, day(27))

    reminders_send(today=DUE)
    assert mail_to(reporter_a) == []  # A is due on 27/09 now
    assert len(mail_to(reporter_b)) == 1

    reminders_send(today=day(24))
    reminders_send(today=day(27))
    reminders_send(today=day(30))

    a = {(k, w) for unit, k, w in sent() if unit == "Đảng bộ xã A"}
    assert a == {
        (Kind.DUE_SOON, day(24)),
        (Kind.DUE_TODAY, day(27)),
        (Kind.OVERDUE, day(30)),
        (Kind.ESCALATION, day(30)),
    }
    assert "hạn nộp 27/09/2021" in mail_to(reporter_a)[0].body


def test_an_extension_past_the_lock_date_keeps_reminding_until_the_new_date(sd, reviewer):
    sd.period.lock_on = day(25)
    sd.period.save()
    _extend(sd, reviewer, day(28))

    assert reminders_send(today=day(26)) == 1  # B is locked; A is told its new date is near
    assert reminders_send(today=day(27)) == 0
    assert reminders_send(today=day(28)) == 1
    assert sent() == {
        ("Đảng bộ xã A", Kind.DUE_SOON, day(25)),
        ("Đảng bộ xã A", Kind.DUE_TODAY, day(28)),
    }
    assert reminders_send(today=day(29)) == 0


@pytest.mark.parametrize(
    "status", [ExtensionRequest.Status.PENDING, ExtensionRequest.Status.REFUSED]
)
def test_an_extension_not_granted_moves_nothing(status, sd, reviewer, reporter_a):
    _extend(sd, reviewer, day(27), status=status)

    reminders_send(today=DUE)

    assert len(mail_to(reporter_a)) == 1
    assert ("Đảng bộ xã A", Kind.DUE_TODAY, DUE) in sent()


# Exactly once ---------------------------------------------------------------------------


def test_running_twice_the_same_day_sends_nothing_new(sd, leader_a):
    first = reminders_send(today=day(23))
    counts = (len(mail.outbox), Notification.objects.count(), Reminder.objects.count())

    second = reminders_send(today=day(23))

    assert (first, second) == (3, 0)
    assert counts == (3, 3, 3)
    assert (len(mail.outbox), Notification.objects.count(), Reminder.objects.count()) == counts


def test_a_worker_that_lost_the_race_sends_only_what_it_claimed(sd, monkeypatch, reporter_a):
    """Another worker claimed A's reminder after this one looked: the unique constraint
    refuses the bulk claim, and one by one, only B's reminder goes out from here."""
    Reminder.objects.create(
        assignment=sd.assignment_a, period=sd.period, kind=Kind.DUE_TODAY, window=DUE
    )
    monkeypatch.setattr(reminders, "_already_sent", lambda due_reports: set())

    assert reminders_send(today=DUE) == 1

    assert mail_to(reporter_a) == []
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 2


def test_one_email_and_one_notice_per_person_per_run(sd, unit_a, unit_b, reporter_a, reporter_b):
    """Someone who reports for both communes, on two tasks each, hears once, of all four."""
    TaskFactory(section=sd.section, order=2)
    assignments_sync(directive=sd.directive)
    both = UserFactory(username="canbo_ca_hai_xa")
    for unit in (unit_a, unit_b):
        MembershipFactory(user=both, unit=unit, role=Membership.Role.REPORTER)

    assert reminders_send(today=DUE) == 4

    [email] = mail_to(both)
    for unit in ("Đảng bộ xã A", "Đảng bộ xã B"):
        for task in ("1.1", "1.2"):
            assert f"{unit}: nhiệm vụ {task} (136-CV/HU)" in email.body
    assert "4 báo cáo đến hạn hôm nay" in email.subject
    [notice] = Notification.objects.filter(user=both)
    assert notice.message.startswith("Nhắc hạn báo cáo: 4 báo cáo đến hạn hôm nay.")
    assert notice.url == "/viec-cua-don-vi/"
    assert len(mail_to(reporter_a)) == len(mail_to(reporter_b)) == 1
    assert len(mail.outbox) == 3


def test_one_report_links_to_its_form(sd, reporter_a):
    reminders_send(today=DUE)

    [notice] = Notification.objects.filter(user=reporter_a)
    assert notice.url == f"/bao-cao/nhiem-vu/{sd.assignment_a.pk}/ky/{sd.period.pk}/"
    assert notice.read_at is None
    assert "Đảng bộ xã A · nhiệm vụ 1.1 (136-CV/HU) · Tháng 9/2021 · hạn 20/09/2021" in (
        notice.message
    )


def test_recipients_are_active_reporters_email_only_to_those_with_an_address(
    sd, unit_a, reporter_a
):
    no_address = MembershipFactory(unit=unit_a, user=UserFactory(email="")).user
    gone = MembershipFactory(unit=unit_a, user=UserFactory(is_active=False)).user

    reminders_send(today=DUE)

    assert len(mail_to(reporter_a)) == 1
    assert not [m for m in mail.outbox if m.to == [""]]
    assert mail_to(gone) == []
    assert Notification.objects.filter(user=no_address).count() == 1
    assert not Notification.objects.filter(user=gone).exists()


def test_a_unit_with_nobody_to_tell_is_not_marked_reminded(sd, reporter_b):
    reporter_b.is_active = False
    reporter_b.save()

    reminders_send(today=DUE)

    assert ("Đảng bộ xã B", Kind.DUE_TODAY, DUE) not in sent()


# Cost ------------------------------------------------------------------------------------


def _district(unit_count: int):
    """A directive to `unit_count` communes (3 tasks each), one reporter per commune, one
    leader per commune, two periods: September (sent by half the communes) and October."""
    units = UnitFactory.create_batch(unit_count)
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory.create_batch(3, section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=units))
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2021, 10, 20))
    directive.periods.update(lock_on=None)
    september = directive.periods.get(label="Tháng 9/2021")
    for unit in units:
        MembershipFactory(unit=unit, role=Membership.Role.REPORTER)
        MembershipFactory(unit=unit, role=Membership.Role.UNIT_HEAD)
    for unit in units[::2]:
        for assignment in unit.assignments.all():
            ProgressReportFactory(assignment=assignment, period=september, submitted=True)
    return directive


def test_queries_do_not_grow_with_units():
    counts = []
    for unit_count in (3, 30):
        directive = _district(unit_count)
        with CaptureQueriesContext(connection) as queries:
            assert reminders_send(today=datetime.date(2021, 10, 18)) > 0
        counts.append(len(queries))
        directive.status = Directive.Status.CLOSED  # out of the next round's way
        directive.save()

    assert counts[0] == counts[1]
    assert ProgressReport.objects.exists()


# Through a real Celery worker ------------------------------------------------------------


@pytest.fixture
def finished_runs():
    """What each send_reminders run returned, in the order the worker finished them."""
    results = []

    def record(sender=None, retval=None, **_):
        results.append(retval)

    task_postrun.connect(record, sender=send_reminders, weak=False)
    yield results
    task_postrun.disconnect(record, sender=send_reminders)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_exactly_once(
    small_directive, reporter_a, reporter_b, worker, finished_runs
):
    """The beat's task queued twice on the due date (say, beat restarted): the worker runs
    both; the first sends each unit its reminder, the second nothing."""
    today = timezone.localdate()
    period = small_directive.period
    period.start, period.cutoff = today - datetime.timedelta(days=30), today
    period.due, period.lock_on = today, None
    period.save()

    send_reminders.delay()
    send_reminders.delay()

    assert wait_for(lambda: len(finished_runs) == 2), "the worker never ran both tasks"
    assert finished_runs == [2, 0]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reporter_a.email, reporter_b.email])
    assert Reminder.objects.filter(kind=Kind.DUE_TODAY, window=today).count() == 2
    assert Reminder.objects.count() == 2
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "canbo_xa_a",
        "canbo_xa_b",
    ]
