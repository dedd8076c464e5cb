"""period_matrix: DHIS2's completeness and timeliness for one period, in fixed queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directives.services import assignments_sync
from reports.figures.matrix import period_matrix

from ...factories import (
    AddresseeFactory,
    DirectiveFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
AFTER_DUE = D(2021, 10, 1)


def _directive_for(units, tasks=2):
    """A monthly directive whose one section addresses `units` as a group; Tháng 9/2021."""
    directive = DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory.create_batch(tasks, section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=units))
    assignments_sync(directive=directive)
    return directive, ReportingPeriodFactory(directive=directive)


def _report(directive, period, unit, task_index=0, **kwargs):
    assignments = unit.assignments.filter(task__section__directive=directive)
    assignment = assignments.order_by("task__order", "task_id")[task_index]
    return ProgressReportFactory(assignment=assignment, period=period, **kwargs)


def _row(matrix, unit):
    return next(row for row in matrix.rows if row.unit == unit)


def test_counts_expected_received_and_on_time():
    early, last_minute, late, draft, silent = UnitFactory.create_batch(5)
    directive, period = _directive_for([early, last_minute, late, draft, silent], tasks=1)
    _report(directive, period, early, submitted=True)
    # 23:30 on Monday 20/09/2021 in Vietnam (16:30 UTC): on time.
    _report(directive, period, last_minute, submitted=True, submitted_at=_utc(2021, 9, 20, 16, 30))
    # 00:30 on 21/09 in Vietnam (still 20/09 in UTC): late, and accepting it does not help.
    _report(directive, period, late, accepted=True, submitted_at=_utc(2021, 9, 20, 17, 30))
    _report(directive, period, draft)

    matrix = period_matrix(directive=directive, period=period, today=AFTER_DUE)

    assert (matrix.totals.expected, matrix.totals.received, matrix.totals.on_time) == (5, 3, 2)
    assert (matrix.totals.completeness, matrix.totals.timeliness) == (60, 40)
    cells = {row.unit: row.cells[0] for row in matrix.rows}
    assert {unit: (c.status, c.on_time) for unit, c in cells.items()} == {
        early: ("submitted", True),
        last_minute: ("submitted", True),
        late: ("accepted", False),
        draft: ("overdue", False),
        silent: ("overdue", False),
    }


def _utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def test_a_draft_counts_as_not_received_and_its_content_is_not_shown():
    unit = UnitFactory()
    directive, period = _directive_for([unit], tasks=1)
    _report(directive, period, unit, percent_done=70)

    matrix = period_matrix(directive=directive, period=period, today=D(2021, 9, 1))

    (cell,) = _row(matrix, unit).cells
    assert (cell.status, cell.report_id, cell.percent_done) == ("missing", None, None)
    assert (matrix.totals.expected, matrix.totals.received) == (1, 0)


def test_a_returned_report_still_counts_as_received():
    unit = UnitFactory()
    directive, period = _directive_for([unit], tasks=1)
    _report(directive, period, unit, returned=True)

    matrix = period_matrix(directive=directive, period=period, today=AFTER_DUE)

    assert (matrix.totals.received, matrix.totals.on_time) == (1, 1)


def test_a_unit_closed_before_the_period_is_not_expected():
    active = UnitFactory()
    closed_mid_period = UnitFactory(valid_to=D(2021, 9, 1))
    closed_before = UnitFactory(valid_to=D(2021, 8, 1))  # the period starts on 15/08
    opened_after = UnitFactory(valid_from=D(2021, 10, 1))
    directive, period = _directive_for([active, closed_mid_period, closed_before, opened_after])
    for unit in (active, closed_mid_period, closed_before):
        for task_index in (0, 1):
            _report(directive, period, unit, task_index, submitted=True)

    matrix = period_matrix(directive=directive, period=period, today=AFTER_DUE)

    assert {row.unit for row in matrix.rows} == {active, closed_mid_period}
    assert (matrix.totals.expected, matrix.totals.received, matrix.totals.on_time) == (4, 4, 4)
    rates = [matrix.totals, *(row.figures for row in matrix.rows)]
    assert all(r.completeness <= 100 and r.timeliness <= 100 for r in rates)


def test_rows_are_per_unit_with_one_cell_per_task():
    units = UnitFactory.create_batch(2)
    directive, period = _directive_for(units, tasks=3)
    _report(directive, period, units[0], 2, submitted=True, percent_done=55)

    matrix = period_matrix(directive=directive, period=period, today=AFTER_DUE)

    assert len(matrix.tasks) == 3
    row = _row(matrix, units[0])
    assert [c.status for c in row.cells] == ["overdue", "overdue", "submitted"]
    assert row.cells[2].percent_done == 55
    assert round(row.figures.completeness, 1) == 33.3


def _queries_for(unit_count: int) -> int:
    units = UnitFactory.create_batch(unit_count)
    directive, period = _directive_for(units, tasks=3)
    for unit in units[::2]:
        _report(directive, period, unit, submitted=True)
    with CaptureQueriesContext(connection) as queries:
        matrix = period_matrix(directive=directive, period=period, today=AFTER_DUE)
        # Reading what the dashboard template reads must not query either.
        for row in matrix.rows:
            assert row.unit.name
        for task in matrix.tasks:
            assert task.code
    assert matrix.totals.expected == unit_count * 3
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_units():
    # tasks, assignments, units, reports; the slots' extensions and reopenings; the rows'
    # figures (reports.figures.engine): dated units, expected, received, extensions and
    # the directive's last cutoff.
    assert _queries_for(3) == _queries_for(30) == 9


def test_a_page_of_every_task_reads_its_rows_from_the_kept_totals():
    """The same figures as counted slot by slot, for a page of units (the dashboard's)."""
    from reports.periods.services import periods_generate
    from units.models import Unit

    units = UnitFactory.create_batch(4)
    directive, _factory_period = _directive_for(units, tasks=3)
    periods_generate(directive=directive, until=D(2021, 9, 20))
    period = directive.periods.filter(figures_kept=True).order_by("start").last()
    for index, unit in enumerate(units):
        for task in range(index % 3 + 1):
            _report(directive, period, unit, task, submitted=True, percent_done=20 * task)
    page = list(Unit.objects.filter(pk__in=[u.pk for u in units[1:]]).order_by("pk"))

    def rows(**how):
        matrix = period_matrix(
            directive=directive, period=period, units=page, today=AFTER_DUE, **how
        )
        return {row.unit.pk: row.figures for row in matrix.rows}

    from reports.figures.matrix import matrix_tasks

    tasks = matrix_tasks(directive=directive)
    kept = rows(tasks=tasks, every_task=True)
    assert kept == rows(tasks=tasks) and len(kept) == 3
    assert {f.received for f in kept.values()} == {2, 3, 1}
