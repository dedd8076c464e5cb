"""Every directive at once: the portfolio, its filters and sorting, the unit scorecard,
what falls due; each page in a fixed number of queries at 2 and at 20 directives."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives.models import Assignment, Directive, Role, Task
from directives.services import assignments_sync
from reports.periods.services import periods_generate

from ...conftest import login
from ...factories import (
    AddresseeFactory,
    AssignmentFactory,
    DirectiveFactory,
    ProgressReportFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _portfolio(count: int, units):
    """`count` directives in force, each with an ongoing task and one due in 5 days (and
    one overdue since yesterday) to every unit; a period started, half the units sent."""
    today = timezone.localdate()
    made = []
    for n in range(count):
        directive = DirectiveFactory(
            number=f"{n + 1}-KH/TU",
            issued_on=today - datetime.timedelta(days=40 + n),
            doc_type=Directive.DocType.KE_HOACH if n % 2 else Directive.DocType.CHI_THI,
            topic="Chuyển đổi số" if n % 3 == 0 else "",
        )
        section = SectionFactory(directive=directive, number="1", order=1)
        TaskFactory(section=section, order=1)
        TaskFactory(
            section=section,
            order=2,
            kind=Task.Kind.DEADLINE,
            deadline=today + datetime.timedelta(days=5),
        )
        TaskFactory(
            section=section,
            order=3,
            kind=Task.Kind.DEADLINE,
            deadline=today - datetime.timedelta(days=1),
        )
        for unit in units:
            AddresseeFactory(section=section, unit=unit, role=Role.LEAD)
        assignments_sync(directive=directive)
        periods_generate(directive=directive, until=today)
        period = directive.periods.order_by("start").last()
        for assignment in directive.sections.get().tasks.get(order=1).assignments.all()[:2]:
            ProgressReportFactory(assignment=assignment, period=period, submitted=True)
        made.append(directive)
    return made


@pytest.fixture
def units():
    return [UnitFactory(name=f"Xã {n}") for n in range(4)]


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


PAGES = {
    "portfolio": (reverse("reports:dashboard_index"), 11),
    "scorecard": (reverse("reports:scorecard"), 7),
    "falling due": (reverse("reports:falling_due") + "?trong=30", 10),
    "tasks behind a figure": (reverse("reports:deadline_tasks") + "?so_lieu=open_overdue", 9),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("directives", [2, 20])
def test_each_page_reads_a_fixed_number_of_queries(page, directives, units, leader):
    _portfolio(directives, units)
    url, pinned = PAGES[page]

    assert _queries(login(leader), url) == pinned


def test_the_portfolio_lists_every_directive_in_force_with_its_figures(units, leader):
    first, second = _portfolio(2, units)
    Directive.objects.filter(pk=second.pk).update(status=Directive.Status.CLOSED)
    client = login(leader)

    body = client.get(reverse("reports:dashboard_index")).content.decode()
    assert f'data-directive="{first.number}"' in body
    assert f'data-directive="{second.number}"' not in body
    overdue = reverse("reports:deadline_tasks") + f"?van_ban={first.pk}&amp;so_lieu=open_overdue"
    assert f'href="{overdue}"' in body  # 4 units, one task due yesterday: 4 overdue
    assert ">4</a>" in body.split(overdue, 1)[1][:40]

    ended = client.get(reverse("reports:dashboard_index") + "?trang_thai=da_ket_thuc")
    assert f'data-directive="{second.number}"' in ended.content.decode()
    assert f'data-directive="{first.number}"' not in ended.content.decode()


def test_the_portfolio_filters_and_sorts(units, leader):
    directives = _portfolio(4, units)
    client = login(leader)
    url = reverse("reports:dashboard_index")

    plans = client.get(url + "?loai=ke_hoach").content.decode()
    assert plans.count("data-directive=") == 2
    topic = client.get(url + "?linh_vuc=Chuyển đổi số").content.decode()
    assert topic.count("data-directive=") == 2  # n = 0 and 3
    by_number = client.get(url + "?sap_xep=so").content.decode()
    order = [by_number.index(f'data-directive="{d.number}"') for d in directives]
    assert order == sorted(order)
    newest_first = client.get(url).content.decode()
    order = [newest_first.index(f'data-directive="{d.number}"') for d in directives]
    assert order == sorted(order)  # issued 40, 41, 42, 43 days ago


def test_the_list_behind_a_figure_and_the_scorecard(units, leader):
    _portfolio(2, units)
    client = login(leader)

    overdue = client.get(reverse("reports:deadline_tasks") + "?so_lieu=open_overdue")
    assert overdue.context["page"].paginator.count == 8  # 2 directives × 4 units
    scorecard = client.get(reverse("reports:scorecard")).content.decode()
    for unit in units:
        assert f'data-unit="{unit.name}"' in scorecard
    soon = client.get(reverse("reports:falling_due") + "?trong=7")
    assert soon.context["soon"].paginator.count == 8  # due in 5 days
    assert soon.context["overdue"].paginator.count == 8


def test_the_scorecard_puts_the_lowest_share_on_time_first(units, leader):
    """Units with overdue tasks first, those with nothing due so far last."""
    from reports.figures.portfolio import Slice, scorecard

    (directive,) = _portfolio(1, units)
    today = timezone.localdate()
    Assignment.objects.filter(unit=units[0], task__deadline__lt=today).update(
        done_on=today - datetime.timedelta(days=3)
    )
    later = UnitFactory(name="Xã chưa đến hạn")
    AssignmentFactory(task=directive.sections.get().tasks.get(order=2), unit=later)

    rows, total = scorecard(slice=Slice(year=today.year), today=today)

    assert [r.name for r in rows][-2:] == [units[0].name, later.name]
    assert rows[0].figures.on_time_share == 0.0
    assert total.assigned == sum(r.figures.assigned for r in rows) == 9
