"""A directive across the 2025 reorganisation: Kế hoạch 20-KH/HU, reported monthly
through 2025 (each period the 15th to the 14th, so Tháng 7/2025 runs 15/06 – 14/07 and
straddles 1/7; Tháng 8/2025, from 15/07, is the first wholly after it), to three
communes under a district, with an ongoing task, one with a deadline (30/09/2025) and
one reported until done by 31/12/2025. Each commune reported from Tháng 1 to Tháng 6;
Xã A also filed for Tháng 8 before the act was entered."""

import datetime
from dataclasses import dataclass

import pytest

from directives.models import Assignment, Role, Task
from directives.services import assignments_sync
from reports.filing.models import ProgressReport
from reports.periods.models import ReportingPeriod
from reports.periods.services import periods_generate
from units.models import Membership, Unit, UnitGroup

from ..factories import (
    VN,
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

D = datetime.date
ACT = D(2025, 7, 1)
TODAY = D(2025, 7, 20)


def at(day: D, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=VN)


@dataclass
class Case:
    directive: object
    district: Unit
    a: Unit
    b: Unit
    c: Unit
    below_a: Unit
    group: UnitGroup
    ongoing: Task
    deadline: Task
    both: Task
    periods: list[ReportingPeriod]
    reporter_a: object
    admin: object  # a reviewer of Ban Tổ chức: administers every unit

    def period(self, month: int) -> ReportingPeriod:
        return next(p for p in self.periods if p.cutoff.month == month and p.cutoff.year == 2025)


@pytest.fixture
def case() -> Case:
    district = UnitFactory(name="Huyện ủy Tuy Phước", kind=Unit.Kind.PARTY_COMMITTEE)
    a = UnitFactory(name="Đảng bộ xã A", parent=district)
    b = UnitFactory(name="Đảng bộ xã B", parent=district)
    c = UnitFactory(name="Đảng bộ xã C", parent=district)
    below_a = UnitFactory(name="Chi bộ thôn 1 (xã A)", parent=a, kind=Unit.Kind.OTHER)
    group = UnitGroupFactory(name="Các xã ven biển", members=[a, b])
    directive = DirectiveFactory(number="20-KH/HU", issued_on=D(2024, 12, 20), issuer=district)
    section = SectionFactory(directive=directive, number="1", order=1)
    ongoing = TaskFactory(section=section, order=1, text="Thường xuyên tuyên truyền.")
    deadline = TaskFactory(
        section=section, order=2, kind=Task.Kind.DEADLINE, deadline=D(2025, 9, 30),
        text="Ban hành kế hoạch trước ngày 30/9/2025.",
    )  # fmt: skip
    both = TaskFactory(
        section=section, order=3, kind=Task.Kind.BOTH, deadline=D(2025, 12, 31),
        text="Rà soát hằng tháng; hoàn thành trước ngày 31/12/2025.",
    )  # fmt: skip
    AddresseeFactory(section=section, unit=a, role=Role.LEAD)
    AddresseeFactory(section=section, unit=b, role=Role.SUPPORT)
    AddresseeFactory(section=section, unit=c, role=Role.LEAD)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=D(2025, 12, 20))
    periods = list(directive.periods.order_by("start"))
    reporter_a = MembershipFactory(unit=a, user=UserFactory(username="canbo_xa_a")).user
    MembershipFactory(unit=b, user=UserFactory(username="canbo_xa_b"))
    board = UnitFactory(name="Ban Tổ chức Huyện ủy", kind=Unit.Kind.PARTY_BOARD, parent=district)
    admin = MembershipFactory(
        unit=board, role=Membership.Role.REVIEWER, user=UserFactory(username="btc")
    ).user
    statuses = [ProgressReport.Status.ACCEPTED, ProgressReport.Status.SUBMITTED]
    for month in range(1, 7):
        period = next(p for p in periods if p.cutoff.month == month and p.cutoff.year == 2025)
        for n, unit in enumerate((a, b, c)):
            if (month + n) % 4 == 0:
                continue  # a few missing
            late = (month + n) % 3 == 0
            for task in (ongoing, both):
                ProgressReportFactory(
                    assignment=Assignment.objects.get(task=task, unit=unit),
                    period=period,
                    status=statuses[(month + n) % 2],
                    submitted_at=at(period.due + datetime.timedelta(days=3 if late else -1)),
                    percent_done=10 * month,
                )
    august = next(p for p in periods if p.cutoff == D(2025, 8, 14))
    ProgressReportFactory(
        assignment=Assignment.objects.get(task=ongoing, unit=a),
        period=august,
        status=ProgressReport.Status.SUBMITTED,
        submitted_at=at(D(2025, 7, 16)),
    )
    return Case(
        directive, district, a, b, c, below_a, group, ongoing, deadline, both, periods,
        reporter_a, admin,
    )  # fmt: skip
