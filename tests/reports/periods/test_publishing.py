"""Putting a directive in force gives its tasks to units and opens its periods; a daily
beat task opens each new period on the day it starts."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from directives.models import Directive
from directives.services import directive_publish
from reports import tasks
from reports.periods import services

from ...factories import (
    AddresseeFactory,
    DirectiveFactory,
    SectionFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_directive(unit_a):
    # Issued a month ago: the period of this month has started.
    today = datetime.date.today()
    directive = DirectiveFactory(status="draft", issued_on=today - datetime.timedelta(days=31))
    section = SectionFactory(directive=directive)
    TaskFactory(section=section)
    AddresseeFactory(section=section, unit=unit_a)
    return directive


def test_publishing_assigns_tasks_and_opens_periods_after_commit(
    draft_directive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        directive_publish(directive=draft_directive)

    assert draft_directive.status == "active"
    assert draft_directive.sections.get().tasks.get().assignments.count() == 1
    assert draft_directive.periods.exists()
    assert draft_directive.periods.order_by("start").last().start <= datetime.date.today()


def test_nothing_opens_before_commit(draft_directive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        directive_publish(directive=draft_directive)

    assert len(callbacks) == 1
    assert not draft_directive.periods.exists()


def test_the_admin_action_publishes(draft_directive, django_capture_on_commit_callbacks):
    request = RequestFactory().post("/quan-tri/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    request.session = {}
    request._messages = FallbackStorage(request)

    with django_capture_on_commit_callbacks(execute=True):
        site._registry[Directive].publish(request, Directive.objects.filter(pk=draft_directive.pk))

    draft_directive.refresh_from_db()
    assert draft_directive.status == "active"
    assert draft_directive.periods.exists()


def test_the_daily_task_opens_periods_of_directives_in_force_only(small_directive):
    closed = DirectiveFactory(status="closed")
    before = small_directive.directive.periods.count()

    opened = services.periods_open_all(today=datetime.date(2021, 10, 20))

    assert opened == small_directive.directive.periods.count() - before == 2  # 10/2021, 11/2021
    assert not closed.periods.exists()


def test_the_beat_task_opens_up_to_today_once(small_directive):
    created = tasks.open_periods.delay().get()

    last = small_directive.directive.periods.order_by("start").last()
    assert created > 0
    assert last.start <= datetime.date.today() < last.start + datetime.timedelta(days=31)
    assert tasks.open_periods.delay().get() == 0
