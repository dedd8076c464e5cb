"""A unit's work across directives ("Việc của đơn vị"): periodic reports and tasks with a
deadline in one list, overdue first, then soonest due; a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import Role, Task
from directives.services import assignments_sync
from reports.filing import selectors
from reports.periods.services import periods_generate

from ...conftest import login
from ...factories import AddresseeFactory, DirectiveFactory, SectionFactory, TaskFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _directive(unit, number: str, deadline: datetime.date):
    directive = DirectiveFactory(number=number)
    section = SectionFactory(directive=directive, number="1", order=1)
    TaskFactory(section=section, order=1, text=f"Báo cáo hằng tháng ({number}).")
    TaskFactory(
        section=section,
        order=2,
        kind=Task.Kind.DEADLINE,
        deadline=deadline,
        text=f"Hoàn thành trước ngày {deadline:%d/%m/%Y} ({number}).",
    )
    AddresseeFactory(section=section, unit=unit, role=Role.LEAD)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=D(2021, 9, 30))
    return directive


def test_everything_owed_across_directives_overdue_first_then_soonest(unit_a):
    _directive(unit_a, "1-KH/HU", D(2021, 10, 29))
    _directive(unit_a, "2-KH/HU", D(2021, 9, 24))

    work = selectors.unit_work(unit_ids=[unit_a.pk], today=D(2021, 9, 27))

    # Past due: both September reports (due 20/09) and 2-KH/HU's deadline (24/09); then
    # October's reports (the period began 15/09) and 1-KH/HU's deadline.
    assert [i.due for i in work.owed] == [
        D(2021, 9, 20),
        D(2021, 9, 20),
        D(2021, 9, 24),
        D(2021, 10, 18),
        D(2021, 10, 18),
        D(2021, 10, 29),
    ]
    assert [i.state.overdue for i in work.owed] == [True, True, True, False, False, False]
    deadline_items = [i for i in work.owed if i.period is None]
    assert [i.assignment.task.section.directive.number for i in deadline_items] == [
        "2-KH/HU",
        "1-KH/HU",
    ]


@pytest.mark.parametrize("directives", [2, 20])
def test_the_page_reads_a_fixed_number_of_queries_whatever_the_directives(
    directives, unit_a, reporter_a
):
    for n in range(directives):
        _directive(unit_a, f"{n + 1}-KH/HU", D(2021, 10, 1) + datetime.timedelta(days=n))
    client = login(reporter_a)
    url = reverse("reports:unit_work")
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    body = response.content.decode()
    assert body.count("Hoàn thành nhiệm vụ 1.2<") == directives
    assert len(queries) == 12
