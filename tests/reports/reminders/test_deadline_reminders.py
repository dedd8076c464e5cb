"""Reminders of tasks with a deadline: before it, on it, once overdue, escalated to the
unit's head; once each, and only to those who still owe the declaration that it is done.

Kế hoạch 150-KH/HU's task 1.1 is due Thursday 30/09/2021 (3 days before, escalation after
3 days overdue): due soon from 27/09, due today on 30/09, overdue once on 01/10, the
unit's head told on 03/10.
"""

import datetime

import pytest
from django.core import mail

from directives.handing_down import assignment_hand_down
from reports.filing import services
from reports.notifications.models import Notification
from reports.reminders.models import Reminder
from reports.reminders.services import reminders_send

pytestmark = pytest.mark.django_db

Kind = Reminder.Kind
D = datetime.date


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REMINDER_DAYS_BEFORE = 3
    settings.REMINDER_ESCALATE_AFTER_DAYS = 3


@pytest.fixture
def w(deadline_directive):
    return deadline_directive


def _sent(w, **filters):
    return set(
        Reminder.objects.filter(
            period__isnull=True, assignment__task=w.deadline_task, **filters
        ).values_list("assignment__unit__name", "kind", "window")
    )


def test_before_on_and_after_the_deadline_once_each(w):
    for day in range(26, 31):
        reminders_send(today=D(2021, 9, day))
    for day in range(1, 6):
        reminders_send(today=D(2021, 10, day))

    reminded = {
        (Kind.DUE_SOON, D(2021, 9, 27)),
        (Kind.DUE_TODAY, D(2021, 9, 30)),
        (Kind.OVERDUE, D(2021, 10, 1)),  # once, not every day
    }
    assert {(k, d) for u, k, d in _sent(w) if u == "UBND huyện"} == {
        *reminded,
        (Kind.ESCALATION, D(2021, 10, 3)),  # to its head
    }
    assert {(k, d) for u, k, d in _sent(w) if u == "Đảng bộ xã A"} == reminded  # no head
    head_notices = Notification.objects.filter(user=w.head).values_list("message", flat=True)
    assert [m for m in head_notices if "nhiệm vụ 1.1 (150-KH/HU) · báo cáo hoàn thành" in m]
    reporter_mail = [m for m in mail.outbox if w.ubnd_reporter.email in m.to]
    assert any("nhiệm vụ 1.1 (150-KH/HU), báo cáo hoàn thành" in m.body for m in reporter_mail)


def test_nothing_once_declared_and_the_unit_below_is_reminded_of_its_own(w):
    ubnd = w.assignment(w.deadline_task, w.ubnd)
    services.report_submit(
        report=services.report_save_draft(
            assignment=ubnd, period=None, by=w.ubnd_reporter, data={"achievements": "Xong."}
        ),
        by=w.ubnd_reporter,
    )
    assignment_hand_down(assignment=ubnd, units={w.office_a: D(2021, 9, 25)}, by=w.head)

    reminders_send(today=D(2021, 9, 27))

    units = {u for u, _kind, _day in _sent(w)}
    assert "UBND huyện" not in units  # declared: awaiting confirmation, owes nothing
    assert {"Đảng bộ xã A", "Phòng Văn hóa"} <= units
    overdue = ("Phòng Văn hóa", Kind.OVERDUE, D(2021, 9, 26))  # its own deadline, 25/09
    assert _sent(w, assignment__unit=w.office_a) == {overdue}
    assert Notification.objects.filter(user=w.office_a_reporter).exists()
