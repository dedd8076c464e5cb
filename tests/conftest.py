"""The five personas of every permission test (STYLE.md) and a small directive.

Huyện ủy issues Công văn 136-CV/HU on 25/08/2021 with one section addressed to
Đảng bộ xã A (lead) and Đảng bộ xã B (support); it is reported monthly, and its
first period is Tháng 9/2021 (15/08 – 14/09, due Monday 20/09/2021).
"""

import contextlib
import datetime
import time
from dataclasses import dataclass

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

from config.celery import app
from directives.models import Assignment, Directive, Role, Section, Task
from directives.services import assignments_sync
from reports.filing.models import ProgressReport
from reports.periods.models import ReportingPeriod
from reports.periods.services import periods_generate
from units.models import Membership, Unit

from .factories import (
    AddresseeFactory,
    DirectiveFactory,
    MembershipFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)


def login(user) -> Client:
    """A fresh test client signed in as `user` (each persona keeps its own session)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def unit_a() -> Unit:
    return UnitFactory(name="Đảng bộ xã A")


@pytest.fixture
def unit_b() -> Unit:
    return UnitFactory(name="Đảng bộ xã B")


def _member(unit: Unit, role: str, username: str):
    return MembershipFactory(unit=unit, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def reporter_a(unit_a):
    return _member(unit_a, Membership.Role.REPORTER, "canbo_xa_a")


@pytest.fixture
def reporter_b(unit_b):
    return _member(unit_b, Membership.Role.REPORTER, "canbo_xa_b")


@pytest.fixture
def reviewer():
    board = UnitFactory(name="Ban Tuyên giáo Huyện ủy", kind=Unit.Kind.PARTY_BOARD)
    return _member(board, Membership.Role.REVIEWER, "chuyenvien_btg")


@pytest.fixture
def leader():
    committee = UnitFactory(name="Ban Thường vụ Huyện ủy", kind=Unit.Kind.PARTY_COMMITTEE)
    return _member(committee, Membership.Role.LEADERSHIP, "lanhdao_btv")


PERSONAS = ("anonymous", "reporter_a", "reporter_b", "reviewer", "leader")


@pytest.fixture
def client_for(request, client):
    """client_for("reviewer") is a client signed in as that persona; "anonymous" is not
    signed in. Lets a test be parametrized over persona names."""

    def make(persona: str) -> Client:
        if persona == "anonymous":
            return client
        return login(request.getfixturevalue(persona))

    return make


@dataclass
class SmallDirective:
    directive: Directive
    section: Section
    task: Task
    period: ReportingPeriod
    assignment_a: Assignment
    assignment_b: Assignment


@pytest.fixture
def small_directive(unit_a, unit_b) -> SmallDirective:
    directive = DirectiveFactory(number="136-CV/HU")
    section = SectionFactory(directive=directive, number="1", order=1)
    task = TaskFactory(section=section, order=1)
    AddresseeFactory(section=section, unit=unit_a, role=Role.LEAD)
    AddresseeFactory(section=section, unit=unit_b, role=Role.SUPPORT)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2021, 9, 14))
    return SmallDirective(
        directive=directive,
        section=section,
        task=task,
        period=directive.periods.get(),
        assignment_a=Assignment.objects.get(task=task, unit=unit_a),
        assignment_b=Assignment.objects.get(task=task, unit=unit_b),
    )


@pytest.fixture
def submitted_a(small_directive, reporter_a) -> ProgressReport:
    """Unit A's report for Tháng 9/2021, sent and waiting for the reviewer."""
    return ProgressReportFactory(
        assignment=small_directive.assignment_a,
        period=small_directive.period,
        submitted=True,
        submitted_by=reporter_a,
    )


@pytest.fixture
def draft_b(small_directive) -> ProgressReport:
    """Unit B's report for Tháng 9/2021, still a draft: only unit B may see it."""
    return ProgressReportFactory(
        assignment=small_directive.assignment_b,
        period=small_directive.period,
        achievements="Bản nháp riêng của xã B",
    )


@pytest.fixture
def draft_a(small_directive) -> ProgressReport:
    """Unit A's draft for the next month (so it sits beside `submitted_a`)."""
    october = ReportingPeriodFactory(
        directive=small_directive.directive,
        label="Tháng 10/2021",
        start=datetime.date(2021, 9, 15),
        cutoff=datetime.date(2021, 10, 14),
        due=datetime.date(2021, 10, 20),
    )
    return ProgressReportFactory(assignment=small_directive.assignment_a, period=october)


@pytest.fixture
def worker():
    """A real Celery worker thread, not eager mode: it consumes the configured broker
    (Redis when REDIS_URL is set, as in CI; Kombu's in-memory transport otherwise)."""
    app.conf.task_always_eager = False
    try:
        with _started_worker():
            yield
    finally:
        app.conf.task_always_eager = True


@contextlib.contextmanager
def _started_worker():
    """Celery's embedded worker, started again once if its start-up tripped over a
    registry another thread of this process changed meanwhile ("dictionary changed size
    during iteration", seen once under pytest-xdist): a start-up race, not the test's."""
    for attempt in (1, 2):
        running = contextlib.ExitStack()
        try:
            running.enter_context(
                start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING")
            )
        except RuntimeError as race:
            if attempt == 2 or "changed size during iteration" not in str(race):
                raise
            continue
        with running:
            yield
        return


def wait_for(condition, seconds: float = 20.0) -> bool:
    """Poll until condition() holds; False if it never did within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@dataclass
class DeadlineDirective:
    """Kế hoạch 150-KH/HU of 25/08/2021, monthly, to UBND huyện (lead) and Đảng bộ xã A:
    1.1 by 30/09/2021 only, 1.2 each month until done by 31/12/2021, 1.3 each month. UBND
    huyện has two offices below it, Phòng Văn hóa and Phòng Giáo dục, and a head."""

    directive: Directive
    deadline_task: Task
    both_task: Task
    ongoing_task: Task
    ubnd: Unit
    office_a: Unit
    office_b: Unit
    head: object
    ubnd_reporter: object
    office_a_reporter: object
    office_b_reporter: object

    def assignment(self, task: Task, unit: Unit) -> Assignment:
        return Assignment.objects.select_related(
            "unit", "task__section__directive", "parent__unit"
        ).get(task=task, unit=unit, parent__isnull=True)


@pytest.fixture
def deadline_directive(unit_a, reporter_a) -> DeadlineDirective:
    ubnd = UnitFactory(name="UBND huyện", kind=Unit.Kind.GOVERNMENT)
    office_a = UnitFactory(name="Phòng Văn hóa", kind=Unit.Kind.AGENCY, parent=ubnd)
    office_b = UnitFactory(name="Phòng Giáo dục", kind=Unit.Kind.AGENCY, parent=ubnd)
    directive = DirectiveFactory(number="150-KH/HU", doc_type=Directive.DocType.KE_HOACH)
    section = SectionFactory(directive=directive, number="1", order=1)
    deadline_task = TaskFactory(
        section=section,
        order=1,
        kind=Task.Kind.DEADLINE,
        deadline=datetime.date(2021, 9, 30),
        text="Ban hành kế hoạch thực hiện, hoàn thành trước ngày 30/9/2021.",
    )
    both_task = TaskFactory(
        section=section,
        order=2,
        kind=Task.Kind.BOTH,
        deadline=datetime.date(2021, 12, 31),
        text="Thường xuyên tuyên truyền; tổng kết trước ngày 31/12/2021.",
    )
    ongoing_task = TaskFactory(section=section, order=3, text="Thường xuyên kiểm tra, đôn đốc.")
    AddresseeFactory(section=section, unit=ubnd, role=Role.LEAD)
    AddresseeFactory(section=section, unit=unit_a, role=Role.LEAD)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2021, 10, 14))
    return DeadlineDirective(
        directive=directive,
        deadline_task=deadline_task,
        both_task=both_task,
        ongoing_task=ongoing_task,
        ubnd=ubnd,
        office_a=office_a,
        office_b=office_b,
        head=_member(ubnd, Membership.Role.UNIT_HEAD, "lanhdao_ubnd"),
        ubnd_reporter=_member(ubnd, Membership.Role.REPORTER, "canbo_ubnd"),
        office_a_reporter=_member(office_a, Membership.Role.REPORTER, "canbo_phong_vh"),
        office_b_reporter=_member(office_b, Membership.Role.REPORTER, "canbo_phong_gd"),
    )
