"""Pages read in a fixed number of queries, whatever the number of units."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.services import assignments_sync
from reports.filing.models import PeriodReopening
from reports.periods.services import periods_generate
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


def _district(unit_count: int, until: datetime.date):
    """A directive addressed to `unit_count` communes, with the periods started by `until`,
    some reports sent, one leader and one person reporting for every commune."""
    units = UnitFactory.create_batch(unit_count)
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory.create_batch(3, section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=units))
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=until)
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
PINNED = {
    # The indicators: one query to list them (none here); with some, two more and one
    # per indicator not summed over the periods (reports/figures/indicators.py).
    "overview": 10,  # with its tasks with a deadline
    "matrix": 13,
    "matrix, filtered": 15,
    "rollup": 13,  # the tree and the groups summed in SQL; what each unit was formed from
    "owed": 11,  # a page of the kept totals, its units' figures, when each was last reminded
    "unit page": 17,  # and the units it was formed from (units.models.lineage)
    "task page": 20,
    "unit work": 10,
    "directive": 9,
}


def _page(page: str, directive, leader, reporter):
    unit = reporter.memberships.first().unit
    task = directive.sections.get().tasks.first()
    return {
        "overview": (leader, reverse("reports:overview", args=[directive.pk])),
        "matrix": (leader, reverse("reports:dashboard", args=[directive.pk])),
        "matrix, filtered": (
            leader,
            reverse("reports:dashboard", args=[directive.pk]) + "?q=xa&trang_thai=missing",
        ),
        "rollup": (leader, reverse("reports:rollup", args=[directive.pk])),
        "owed": (leader, reverse("reports:owed", args=[directive.pk])),
        "unit page": (leader, reverse("reports:unit_page", args=[directive.pk, unit.pk])),
        "task page": (leader, reverse("reports:task_page", args=[directive.pk, task.pk])),
        "unit work": (reporter, reverse("reports:unit_work")),
        "directive": (leader, reverse("directives:detail", args=[directive.pk])),
    }[page]


@pytest.mark.parametrize("page", list(PINNED))
def test_page_queries_grow_neither_with_units_nor_with_periods(page):
    counts = []
    for unit_count, until in ((10, datetime.date(2021, 9, 30)), (100, datetime.date(2022, 6, 30))):
        directive, leader, reporter = _district(unit_count, until)
        counts.append(_queries(*_page(page, directive, leader, reporter)))

    assert counts == [PINNED[page], PINNED[page]]


def test_a_summary_reads_a_fixed_number_of_queries_per_period():
    """Composing the draft and freezing the figures: the same queries at 10 and at 100
    units; one more for each period covered."""
    from reports.summaries.compose import summary_compose
    from reports.summaries.snapshot import add_figures, draft_snapshot

    counts = []
    for unit_count, until in ((10, datetime.date(2021, 9, 30)), (100, datetime.date(2022, 6, 30))):
        directive, _leader, _reporter = _district(unit_count, until)
        periods = list(directive.periods.order_by("start"))
        with CaptureQueriesContext(connection) as queries:
            summary = summary_compose(
                directive=directive, period_from=periods[0], period_to=periods[-1]
            )
            add_figures(draft_snapshot(summary), directive=directive)
        # 1 query a period, read once: by the workbook's matrix (the draft reads none)
        counts.append(len(queries) - len(periods))

    assert counts == [19, 19]  # with the tasks with a deadline, read twice


def test_the_summary_pages_read_a_fixed_number_of_queries():
    from reports.summaries.compose import summary_compose
    from reports.summaries.pipeline import export_now

    counts = []
    for unit_count, until in ((10, datetime.date(2021, 9, 30)), (100, datetime.date(2022, 6, 30))):
        directive, leader, _reporter = _district(unit_count, until)
        reviewer = MembershipFactory(role=Membership.Role.REVIEWER).user
        periods = list(directive.periods.order_by("start"))
        summary = summary_compose(
            directive=directive, period_from=periods[0], period_to=periods[-1]
        )
        summary.save()
        export = export_now(summary=summary, format="xlsx", by=reviewer)
        counts.append(
            [
                _queries(reviewer, reverse("reports:summary_list", args=[directive.pk])),
                _queries(reviewer, reverse("reports:summary", args=[summary.pk])),
                _queries(leader, reverse("reports:export", args=[export.pk])),
            ]
        )

    assert counts == [[12, 9, 5], [12, 9, 5]]


def test_the_report_form_reads_its_slot_once(small_directive, reporter_a):
    """The form and its panels (extensions, lock, files, comments) share one slot state:
    a locked period reopened for the unit, the heaviest case, in 15 queries (22 when each
    panel worked out the slot again)."""
    sd = small_directive
    ProgressReportFactory(assignment=sd.assignment_a, period=sd.period)
    sd.period.lock_on = datetime.date(2021, 9, 25)
    sd.period.save()
    PeriodReopening.objects.create(
        period=sd.period, unit=sd.assignment_a.unit, until=datetime.date(2099, 1, 1)
    )
    client = login(reporter_a)
    url = reverse("reports:file", args=[sd.assignment_a.pk, sd.period.pk])
    client.get(url)  # the session's first read of the user's roles

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200 and b'name="submit"' in response.content  # open
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in queries if " FROM " in q["sql"]]
    assert tables.count('"reports_extensionrequest"') == 1
    assert tables.count('"reports_periodreopening"') == 1
    assert tables.count('"reports_progressreport"') == 2  # the report, and the one before it
    assert len(queries) == 16  # and the units it was handed down to (giao việc tiếp)


def _many_units(unit_count: int):
    """A directive of three tasks to `unit_count` units, made in bulk (5,000 of them in a
    few seconds), with some reports sent, and one person who reports for the first."""
    from units.models import Unit

    units = Unit.objects.bulk_create(
        Unit(name=f"Đảng bộ xã {i}", search_name=f"dang bo xa {i}", kind="grassroots_party")
        for i in range(unit_count)
    )
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory.create_batch(3, section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=units))
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2021, 9, 14))
    period = directive.periods.get()
    for assignment in section.tasks.last().assignments.all()[:50]:
        ProgressReportFactory(assignment=assignment, period=period, submitted=True)
    reporter = UserFactory()
    MembershipFactory(user=reporter, unit=units[0], role=Membership.Role.REPORTER)
    return directive, reporter


@pytest.mark.parametrize("unit_count", [3, 600, 5000])
def test_a_report_saved_and_sent_reads_a_fixed_number_of_queries(unit_count):
    """The write path: saving a draft and sending it cost the same whatever the number
    of units (it was 22 + 15 before issue 16)."""
    from reports.filing.services import report_save_draft, report_submit

    directive, reporter = _many_units(unit_count)
    period = directive.periods.get()
    assignment = (
        directive.sections.get().tasks.first().assignments.exclude(reports__period=period).first()
    )
    data = {"assessment": "in_progress", "percent_done": 40, "achievements": "Đã triển khai."}
    with CaptureQueriesContext(connection) as saving:
        report = report_save_draft(
            assignment=assignment, period=period, by=reporter, data=data, version=0
        )
    with CaptureQueriesContext(connection) as sending:
        report_submit(report=report, by=reporter)
    # Saving: the slot's report locked (made), written, audited. Sending: the report
    # locked, its required figures read, the transition, the report, the kept totals'
    # slot and their update (reports.figures.kept), the audit. Savepoints included.
    assert (len(saving), len(sending)) == (9, 9)

    def kept(queries) -> int:  # the kept totals' own: the slot's facts, the row's update
        return sum('"last_cutoff"' in q["sql"] or "reports_kepttotals" in q["sql"] for q in queries)

    assert (kept(saving.captured_queries), kept(sending.captured_queries)) == (0, 2)
