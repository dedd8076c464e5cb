"""The dashboards' figures as DHIS2 defines them, computed in SQL, and the matrix's
filters and search."""

import datetime
import random
import re

import pytest
from django.urls import reverse

from directives.models import Assignment, Role, Task
from directives.services import assignments_sync
from reports.figures import engine as figures
from reports.figures.engine import Figures
from reports.figures.engine import count as figures_count
from reports.figures.kept import recount as kept_recount
from reports.figures.matrix import (
    expected_units,
    matrix_assignments,
    matrix_tasks,
    matrix_units,
)
from reports.figures.models import KeptTotals
from reports.figures.rollup import group_rollup, tree_rollup
from reports.filing.models import ExtensionRequest
from reports.periods.models import ReportingPeriod
from reports.periods.services import periods_generate
from units.models import fold

from ...conftest import login
from ...factories import (
    VN,
    AddresseeFactory,
    AssignmentFactory,
    DirectiveFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def sent(day: D, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=VN)


@pytest.fixture
def october(small_directive):
    return ReportingPeriodFactory(
        directive=small_directive.directive,
        label="Tháng 10/2021",
        start=D(2021, 9, 15),
        cutoff=D(2021, 10, 14),
        due=D(2021, 10, 18),
    )


def test_the_trend_counts_expected_received_on_time_and_progress(small_directive, october):
    a, b = small_directive.assignment_a, small_directive.assignment_b
    september = small_directive.period  # due 20/09/2021
    ProgressReportFactory(
        assignment=a, period=september, status="accepted", submitted_at=sent(D(2021, 9, 20), 23),
        percent_done=100, assessment="done",
    )  # fmt: skip
    ProgressReportFactory(
        assignment=b,
        period=september,
        status="submitted",
        submitted_at=sent(D(2021, 9, 21), 0),
        percent_done=40,
    )  # fmt: skip — 00:00 the next day in Vietnam: late
    ProgressReportFactory(assignment=a, period=october)  # a draft: not received

    trend = figures.trend(directive=small_directive.directive, today=D(2021, 10, 20))

    sep, oct_ = (t.figures for t in trend)
    assert (sep.expected, sep.received, sep.on_time, sep.done) == (2, 2, 1, 1)
    assert (sep.completeness, sep.timeliness, sep.mean_percent) == (100, 50, 70)
    assert (oct_.expected, oct_.received, oct_.overdue) == (2, 0, 2)


def test_a_unit_closed_before_a_period_is_not_expected_in_it(small_directive, october):
    unit_b = small_directive.assignment_b.unit
    unit_b.valid_to = D(2021, 9, 10)  # closed before October's period started on 15/09
    unit_b.save()
    ProgressReportFactory(
        assignment=small_directive.assignment_b, period=october, submitted=True
    )  # a stray report of the closed unit must not push a rate past 100%

    trend = figures.trend(directive=small_directive.directive)

    assert [t.figures.expected for t in trend] == [2, 1]
    assert trend[1].figures.received == 0
    assert figures.by_unit(directive=small_directive.directive, period=october).keys() == {
        small_directive.assignment_a.unit_id
    }


def test_behind_schedule_compares_percent_with_the_time_elapsed(small_directive, october):
    directive = small_directive.directive
    directive.reporting_ends_on = D(2021, 10, 14)  # so October's cutoff is 100% of the time
    directive.save()
    ProgressReportFactory(
        assignment=small_directive.assignment_a, period=october, submitted=True, percent_done=80
    )  # 80 ≥ 100 − 25: on track
    ProgressReportFactory(
        assignment=small_directive.assignment_b, period=october, submitted=True, percent_done=60
    )  # 60 < 75: behind

    trend = figures.trend(directive=directive)

    assert trend[1].figures.behind == 1


@pytest.mark.parametrize("kept", [True, False])
def test_behind_is_measured_from_the_day_after_the_issue_date(kept):
    """With no reporting start date, reporting starts the day after the directive was
    issued (the first period is the one holding that day), and "behind" measures the
    time elapsed from that day, kept or counted live. (It once measured from the issue
    date itself: a point more here, and this report was behind.)"""
    unit = UnitFactory()
    directive = DirectiveFactory(issued_on=D(2021, 8, 2), reporting_ends_on=D(2021, 10, 31))
    section = SectionFactory(directive=directive)
    TaskFactory(section=section)
    AddresseeFactory(section=section, unit=unit)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=D(2021, 9, 20))
    period = directive.periods.select_related("directive").get(cutoff=D(2021, 9, 14))
    # From 03/08 to 14/09, 42 of the 89 days to 31/10: 47%, less 25 points: 22.
    ProgressReportFactory(
        assignment=unit.assignments.get(), period=period, submitted=True, percent_done=22
    )
    if not kept:
        ReportingPeriod.objects.update(figures_kept=False)
        period.refresh_from_db()

    (figures,) = figures_count(periods=[period], directive=directive).values()

    assert (figures.received, figures.behind) == (1, 0)


def test_the_rollup_sums_each_subtree(small_directive):
    parent = UnitFactory(name="Huyện ủy X")
    for assignment in (small_directive.assignment_a, small_directive.assignment_b):
        assignment.unit.parent = parent
        assignment.unit.save()
    ProgressReportFactory(
        assignment=small_directive.assignment_a, period=small_directive.period, submitted=True
    )
    directive, period = small_directive.directive, small_directive.period

    (top,) = tree_rollup(directive=directive, period=period, parent_id=None)
    children = tree_rollup(directive=directive, period=period, parent_id=parent.pk)

    assert (top.unit, top.figures.expected, top.figures.received, top.has_children) == (
        parent, 2, 1, True,
    )  # fmt: skip
    assert sorted(r.figures.received for r in children) == [0, 1]


def test_inside_a_unit_the_rollup_shows_its_own_work_first(leader):
    """A unit with tasks of its own and units below: opened, its own slots come first
    ("việc của chính đơn vị", linked to its unit page), so the rows inside add up to its
    row outside. (They were left out: one slot gone, and no way to reach them here.)"""
    district = UnitFactory(name="Huyện ủy X")
    commune = UnitFactory(name="Xã A", parent=district)
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory(section=section)
    AddresseeFactory(section=section, unit=district, role=Role.LEAD)
    AddresseeFactory(section=section, unit=commune, role=Role.SUPPORT)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=D(2021, 9, 14))
    period = directive.periods.get()

    (top,) = tree_rollup(directive=directive, period=period, parent_id=None)
    inside = tree_rollup(directive=directive, period=period, parent_id=district.pk)

    assert [(r.unit.name, r.own, r.figures.expected) for r in inside] == [
        ("Huyện ủy X", True, 1),
        ("Xã A", False, 1),
    ]
    assert top.figures.expected == sum(r.figures.expected for r in inside) == 2
    url = reverse("reports:rollup", args=[directive.pk])
    page = login(leader).get(url, {"ky": period.pk, "don_vi": district.pk}).content.decode()
    own = reverse("reports:unit_page", args=[directive.pk, district.pk])
    assert f'href="{own}"' in page and "việc của chính đơn vị" in page


@pytest.mark.parametrize("kept", [True, False])
def test_the_rollup_sums_in_the_database_what_each_unit_counts(kept):
    """A random tree three levels deep, some units in two groups, reports sent late and on
    time, an extension: each subtree's and each group's figures, summed in SQL, are the
    sum of its units' own (engine.by_unit); and so with nothing kept (counted live)."""
    rng = random.Random(16)
    top = UnitFactory(name="Tỉnh ủy")
    middle = [UnitFactory(name=f"Huyện ủy {i}", parent=top) for i in range(3)]
    leaves = [UnitFactory(name=f"Xã {i}", parent=rng.choice(middle)) for i in range(12)]
    groups = [UnitGroupFactory(members=rng.sample(leaves, 6)) for _ in range(2)]
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory.create_batch(2, section=section)
    AddresseeFactory(section=section, unit=None, group=groups[0])
    AddresseeFactory(section=section, unit=None, group=groups[1])
    AddresseeFactory(section=section, unit=middle[0])
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2021, 9, 20))
    period = directive.periods.order_by("start").last()
    for assignment in Assignment.objects.filter(task__section=section):
        if rng.random() < 0.6:
            day = period.due + datetime.timedelta(days=rng.randint(-3, 3))
            ProgressReportFactory(
                assignment=assignment,
                period=period,
                submitted=True,
                submitted_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=VN),
            )
        elif rng.random() < 0.3:
            ExtensionRequest.objects.create(
                assignment=assignment,
                period=period,
                status=ExtensionRequest.Status.GRANTED,
                new_due=period.due + datetime.timedelta(days=30),
                reason="Xin thêm thời gian.",
                requested_by=UserFactory(),
            )
    if not kept:  # as before the kept totals were first counted
        KeptTotals.objects.all().delete()
        ReportingPeriod.objects.update(figures_kept=False)
        period.refresh_from_db()
    today = period.due + datetime.timedelta(days=10)
    per_unit = figures.by_unit(directive=directive, period=period, today=today)

    def summed(units) -> Figures:
        total = Figures()
        for unit in units:
            total.add(per_unit.get(unit.pk, Figures()))
        return total

    (province,) = tree_rollup(directive=directive, period=period, parent_id=None, today=today)
    assert province.figures == summed([top, *middle, *leaves])
    districts = tree_rollup(directive=directive, period=period, parent_id=top.pk, today=today)
    assert {r.unit: r.figures for r in districts} == {
        d: summed([d, *(u for u in leaves if u.parent_id == d.pk)])
        for d in middle
        if summed([d, *(u for u in leaves if u.parent_id == d.pk)]).expected
    }
    assert dict(group_rollup(directive=directive, period=period, today=today)) == {
        g: summed(g.members.all()) for g in groups
    }


@pytest.mark.parametrize("seed", range(4))
def test_the_rollup_sums_every_subtree_of_a_tree_of_any_shape(seed):
    """Units hung at random under one another (leaves at every depth, a unit expected with
    no parent, branches expected themselves): opened at the top or at any unit with
    children, each child's figures are the sum of its whole subtree's, and the opened
    unit's own come first, so that the rows add up to its row a level up."""
    rng = random.Random(seed)
    units = []
    for i in range(30):
        parent = rng.choice([None, None, *units]) if units else None
        units.append(UnitFactory(name=f"Đơn vị {seed}-{i}", parent=parent))
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory(section=section)
    for unit in rng.sample(units, 20):
        AddresseeFactory(section=section, unit=unit)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2021, 9, 20))
    period = directive.periods.order_by("start").last()
    for assignment in Assignment.objects.filter(task__section=section):
        if rng.random() < 0.6:
            ProgressReportFactory(assignment=assignment, period=period, submitted=True)
    per_unit = figures.by_unit(directive=directive, period=period)
    children = {u.pk: [c for c in units if c.parent_id == u.pk] for u in units}

    def summed(unit) -> Figures:
        total = Figures()
        total.add(per_unit.get(unit.pk, Figures()))
        for child in children[unit.pk]:
            total.add(summed(child))
        return total

    for parent in [None, *(u for u in units if children[u.pk])]:
        below = [u for u in units if u.parent_id == (parent.pk if parent else None)]
        rows = tree_rollup(directive=directive, period=period, parent_id=parent and parent.pk)
        expected = {u: total for u in below if (total := summed(u)).expected}
        own = per_unit.get(parent.pk, Figures()) if parent else Figures()
        if own.expected:
            expected[parent] = own
        assert {r.unit: r.figures for r in rows} == expected
        assert {r.unit: r.has_children for r in rows} == {
            u: bool(children[u.pk]) and u != parent for u in expected
        }
        assert [r.unit for r in rows if r.own] == ([parent] if own.expected else [])
        assert not own.expected or rows[0].own
        if parent:
            total = Figures()
            for row in rows:
                total.add(row.figures)
            assert total == summed(parent)


@pytest.mark.parametrize(
    "typed", ["phuoc son", "PHƯỚC SƠN", "Phu\u031bo\u031b\u0301c So\u031bn", "son phuoc"]
)
def test_unit_search_ignores_diacritics_case_and_unicode_form(typed, small_directive):
    small_directive.assignment_b.unit.name = "Đảng bộ xã Phước Sơn"
    small_directive.assignment_b.unit.save()
    tasks = matrix_tasks(directive=small_directive.directive)
    period = small_directive.period

    units = matrix_units(
        assignments=matrix_assignments(tasks=tasks, period=period, query=typed), period=period
    )

    assert [u.name for u in units] == ["Đảng bộ xã Phước Sơn"]


@pytest.mark.parametrize("query", ["", "xa a", "b"])
@pytest.mark.parametrize("missing", [False, True])
@pytest.mark.parametrize("kind", ["", "grassroots_party", "agency"])
def test_the_matrix_filters_units_on_the_kept_totals_as_on_the_slots(
    query, missing, kind, small_directive, submitted_a
):
    """The whole-directive matrix filters units (kind, name, owing a report) on the kept
    totals; the same units as the filter on each slot."""
    period = small_directive.period
    tasks = matrix_tasks(directive=small_directive.directive)
    status = "missing" if missing else ""
    on_slots = matrix_units(
        assignments=matrix_assignments(
            tasks=tasks, period=period, status=status, kind=kind, query=query
        ),
        period=period,
    )
    on_kept = expected_units(period=period, kind=kind, query=query, missing=missing)

    assert list(on_kept) == list(on_slots)


def test_fold_handles_d_with_stroke_and_tone_placement():
    assert fold("Hoà") == fold("Hòa") == "hoa"
    assert fold("Đảng ủy  Thuỷ") == fold("đảng Ủy thủy") == "dang uy thuy"


@pytest.mark.parametrize(
    ("status", "shown"),
    [("missing", {"Đảng bộ xã B"}), ("submitted", {"Đảng bộ xã A"}), ("accepted", set())],
)
def test_the_matrix_filters_by_report_status(status, shown, submitted_a, leader, small_directive):
    url = reverse("reports:dashboard", args=[small_directive.directive.pk])

    response = login(leader).get(url, {"ky": small_directive.period.pk, "trang_thai": status})

    assert {row.unit.name for row in response.context["matrix"].rows} == shown


@pytest.mark.parametrize("kept", [True, False])
@pytest.mark.parametrize("status", ["missing", "submitted"])
def test_a_filtered_matrix_totals_the_rows_it_lists(
    kept, status, small_directive, submitted_a, leader
):
    """The totals line sums the rows the matrix lists (every cell of each), whatever
    filter chose them, and whether the period's totals are kept or counted live. (With
    the period not kept, "Chưa nộp" once totalled only the slots not sent: 0 received,
    against the owing units' whole rows when kept.)"""
    TaskFactory(section=small_directive.section, order=2)
    assignments_sync(directive=small_directive.directive)  # unit A: one sent, one owed
    period = small_directive.period
    ReportingPeriod.objects.filter(pk=period.pk).update(figures_kept=kept)
    if kept:
        kept_recount(period_ids=[period.pk])
    url = reverse("reports:dashboard", args=[small_directive.directive.pk])

    page = login(leader).get(url, {"ky": period.pk, "trang_thai": status}).context

    listed = page["matrix"].totals  # the rows of the one page, summed
    assert page["matrix"].rows
    assert (page["totals"].expected, page["totals"].received, page["totals"].on_time) == (
        listed.expected,
        listed.received,
        listed.on_time,
    )
    assert page["totals"].received == 1  # unit A's report, listed by either filter


def test_the_overview_offers_its_chart_as_a_table(submitted_a, leader, small_directive):
    url = reverse("reports:overview", args=[small_directive.directive.pk])

    page = login(leader).get(url).content.decode()

    assert "<svg" in page and 'role="img"' in page
    assert "Số liệu theo kỳ báo cáo" in page  # the table's caption
    assert "Tháng 9/2021" in page


def test_the_chart_geometry_is_not_localised(submitted_a, leader, small_directive):
    """Vietnamese writes 12,5; SVG needs 12.5."""
    url = reverse("reports:overview", args=[small_directive.directive.pk])

    page = login(leader).get(url).content.decode()
    svg = page.split('aria-labelledby="chart-title"')[1].split("</svg>")[0]

    numbers = re.findall(r'(?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', svg)
    assert numbers
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers


def test_a_matrix_row_escapes_its_unit_and_links_it(submitted_a, leader, small_directive, unit_b):
    """A row is one tag (report_tags.matrix_row): the unit's name is still escaped, and the
    unit and each task still link to their pages."""
    unit_b.name = 'Chi bộ <b>"B"</b>'
    unit_b.save()
    directive, period = small_directive.directive, small_directive.period

    page = login(leader).get(reverse("reports:dashboard", args=[directive.pk])).content.decode()

    assert "Chi bộ &lt;b&gt;&quot;B&quot;&lt;/b&gt;" in page and "<b>" not in page
    assert reverse("reports:unit_page", args=[directive.pk, unit_b.pk]) in page
    task_page = reverse("reports:task_page", args=[directive.pk, small_directive.task.pk])
    assert f"{task_page}?ky={period.pk}" in page


def test_the_task_page_counts_the_units_it_lists(small_directive, leader, unit_a, unit_b):
    """The task page's number of units is its total's expected slots (one a unit): a unit
    closed before the period, a unit done with the task before it, and a unit the task was
    handed down to are neither listed nor counted."""
    sd = small_directive
    closed = UnitFactory(name="Đảng bộ xã đã sáp nhập", valid_to=datetime.date(2021, 8, 1))
    done = UnitFactory(name="Đảng bộ xã đã xong")
    AssignmentFactory(task=sd.task, unit=closed)
    AssignmentFactory(task=sd.task, unit=done, done_on=datetime.date(2021, 8, 1))
    AssignmentFactory(task=sd.task, unit=UnitFactory(parent=unit_a), parent=sd.assignment_a)
    sd.task.kind, sd.task.deadline = Task.Kind.BOTH, datetime.date(2021, 12, 31)
    sd.task.save()
    url = reverse("reports:task_page", args=[sd.directive.pk, sd.task.pk])

    response = login(leader).get(url, {"ky": sd.period.pk})

    listed = {row.unit.name for row in response.context["matrix"].rows}
    assert listed == {unit_a.name, unit_b.name}
    assert response.context["page"].paginator.count == response.context["totals"].expected == 2
