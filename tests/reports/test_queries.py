"""Pages read in a fixed number of queries, whatever the number of units."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.services import assignments_sync
from reports.services import periods_generate
from units.models import Membership

from ..conftest import login
from ..factories import (
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


def _district(unit_count: int):
    """A directive addressed to `unit_count` communes, three periods, some reports sent,
    one leader and one person reporting for every commune."""
    units = UnitFactory.create_batch(unit_count)
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory.create_batch(3, section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=units))
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2021, 11, 30))
    for period in directive.periods.all():
        for unit in units[::2]:
            assignment = unit.assignments.first()
            ProgressReportFactory(assignment=assignment, period=period, submitted=True)
    leader = MembershipFactory(role=Membership.Role.LEADERSHIP).user
    reporter = UserFactory()
    for unit in units:
        MembershipFactory(user=reporter, unit=unit, role=Membership.Role.REPORTER)
    return directive, leader, reporter


def _queries(user, url) -> int:
    client = login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Pinned: a new query on these pages must be a decision, not an accident.
PINNED = {"dashboard": 10, "unit work": 9, "directive": 9}


@pytest.mark.parametrize("page", list(PINNED))
def test_page_queries_do_not_grow_with_units(page):
    counts = []
    for unit_count in (3, 30):
        directive, leader, reporter = _district(unit_count)
        user, url = {
            "dashboard": (leader, reverse("reports:dashboard", args=[directive.pk])),
            "unit work": (reporter, reverse("reports:unit_work")),
            "directive": (leader, reverse("directives:detail", args=[directive.pk])),
        }[page]
        counts.append(_queries(user, url))

    assert counts == [PINNED[page], PINNED[page]]
