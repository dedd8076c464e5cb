"""The kept totals (reports/figures/kept.py) always equal a full recount: random
sequences of every change they follow, checked after each step; and figures_check finds
and repairs a total that drifted."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from directives.models import Task
from directives.services import assignments_sync
from reports.figures.engine import count, extensions, total_expecting
from reports.figures.models import KeptTotals
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.filing.services import (
    report_accept,
    report_return,
    report_save_draft,
    report_submit,
)
from reports.periods.models import ReportingPeriod
from reports.periods.services import periods_generate

from ...factories import (
    VN,
    AddresseeFactory,
    DirectiveFactory,
    ProgressReportFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2021, 12, 20)
Status = ProgressReport.Status
MONTHS = [D(2021, 9, 20), D(2021, 10, 20), D(2021, 11, 20), D(2021, 12, 20)]


def _at(day: D, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=VN)


def _assert_kept_is_a_recount(directive) -> None:
    directive = type(directive).objects.get(pk=directive.pk)  # its last cutoff read anew
    periods = list(directive.periods.select_related("directive"))
    # By period, and summed over periods (some past due, some not: overdue differs).
    for by in (("period", "unit"), ("unit",), ("period",), ()):
        kept = count(periods=periods, directive=directive, by=by, today=TODAY)
        live = count(periods=periods, directive=directive, by=by, today=TODAY, kept=False)
        assert kept == live, by
    # Every period is kept: the count above read the kept totals, not the live fallback.
    assert all(period.figures_kept for period in periods)


class KeptTotalsMachine(RuleBasedStateMachine):
    """A directive of two tasks (one reported each period, one reported until done by a
    deadline) to three units, a fourth added on the way; reports saved, sent, accepted,
    returned and revised; extensions granted; a task confirmed done; units closed or
    opened; new periods."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.units = UnitFactory.create_batch(4)
        self.directive = DirectiveFactory()
        self.section = SectionFactory(directive=self.directive)
        TaskFactory(section=self.section)
        TaskFactory(section=self.section, kind=Task.Kind.BOTH, deadline=D(2022, 3, 31))
        group = UnitGroupFactory(members=self.units[:3])
        AddresseeFactory(section=self.section, unit=None, group=group)
        assignments_sync(directive=self.directive)
        periods_generate(directive=self.directive, until=MONTHS[0])
        self.user = UserFactory()
        self.months = 1

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _slot(self, data):
        periods = list(self.directive.periods.order_by("start"))
        task = data.draw(st.sampled_from(list(self.section.tasks.order_by("pk"))))
        assignments = list(
            task.assignments.filter(parent__isnull=True)
            .select_related("task__section", "unit")
            .order_by("pk")
        ) or [None]
        return data.draw(st.sampled_from(assignments)), data.draw(st.sampled_from(periods))

    def _report(self, data, *statuses):
        reports = list(
            ProgressReport.objects.filter(
                assignment__task__section=self.section, period__isnull=False, status__in=statuses
            ).order_by("pk")
        )
        return data.draw(st.sampled_from(reports)) if reports else None

    def _try(self, action):
        from django.core.exceptions import ValidationError

        try:
            with transaction.atomic():
                return action()
        except ValidationError:
            return None

    @rule(data=st.data(), percent=st.sampled_from([0, 20, 60, 100]))
    def save_draft(self, data, percent):
        assignment, period = self._slot(data)
        if assignment is None:
            return
        assessment = "done" if percent == 100 else data.draw(st.sampled_from(["in_progress", ""]))
        values = {"percent_done": percent, "achievements": "Đã làm."}
        if assessment:
            values["assessment"] = assessment
        self._try(
            lambda: report_save_draft(
                assignment=assignment,
                period=period,
                by=self.user,
                data=values,
                at=_at(period.start),
            )
        )

    @rule(data=st.data(), days=st.integers(-3, 4))
    def submit(self, data, days):
        report = self._report(data, Status.DRAFT, Status.RETURNED)
        if report is not None:
            at = _at(
                report.period.due + datetime.timedelta(days=days),
                data.draw(st.sampled_from([8, 23])),
            )
            self._try(lambda: report_submit(report=report, by=self.user, at=at))

    @rule(data=st.data())
    def accept(self, data):
        report = self._report(data, Status.SUBMITTED)
        if report is not None:
            self._try(lambda: report_accept(report=report, by=self.user))

    @rule(data=st.data())
    def give_back(self, data):
        report = self._report(data, Status.SUBMITTED)
        if report is not None:
            self._try(lambda: report_return(report=report, by=self.user, reason="Bổ sung số liệu."))

    @rule(data=st.data(), days=st.integers(1, 10))
    def extend(self, data, days):
        assignment, period = self._slot(data)
        if assignment is not None:
            ExtensionRequest.objects.create(
                assignment=assignment,
                period=period,
                new_due=period.due + datetime.timedelta(days=days),
                reason="Xin thêm thời gian.",
                status=ExtensionRequest.Status.GRANTED,
                requested_by=self.user,
            )

    @rule()
    def next_month(self):
        if self.months < len(MONTHS):
            periods_generate(directive=self.directive, until=MONTHS[self.months])
            self.months += 1

    @rule(data=st.data(), day=st.integers(1, 30))
    def close_or_open_unit(self, data, day):
        unit = data.draw(st.sampled_from(self.units))
        if data.draw(st.booleans()):
            unit.valid_to, unit.valid_from = D(2021, 10, day), None
        else:
            unit.valid_from, unit.valid_to = D(2021, 10, day), None
        unit.save()

    @rule()
    def add_a_unit(self):
        AddresseeFactory(section=self.section, unit=self.units[3])
        pairs = [(task.pk, self.units[3].pk) for task in self.section.tasks.all()]
        assignments_sync(directive=self.directive, touched=pairs)

    @rule(data=st.data(), month=st.integers(9, 11))
    def confirm_done(self, data, month):
        """The task reported until done is declared and confirmed done (done_on)."""
        task = self.section.tasks.get(kind=Task.Kind.BOTH)
        assignment = data.draw(
            st.sampled_from(list(task.assignments.select_related("task__section", "unit")))
        )
        at = _at(D(2021, month, 25))

        def confirm():
            report = report_save_draft(
                assignment=assignment,
                period=None,
                by=self.user,
                data={"achievements": "Xong."},
                at=at,
            )
            report_submit(report=report, by=self.user, at=at)
            report_accept(report=report, by=self.user, at=at)

        self._try(confirm)

    @rule(data=st.data())
    def a_report_made_directly(self, data):
        """A report written without the services (a factory, a command): the model's own
        signals keep the totals."""
        assignment, period = self._slot(data)
        if assignment is not None and not assignment.reports.filter(period=period).exists():
            ProgressReportFactory(
                assignment=assignment,
                period=period,
                status=Status.SUBMITTED,
                submitted_at=_at(period.due),
                percent_done=50,
            )

    @invariant()
    def kept_equals_a_full_recount(self):
        _assert_kept_is_a_recount(self.directive)


def test_the_kept_totals_always_equal_a_full_recount():
    run_state_machine_as_test(
        KeptTotalsMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@pytest.fixture
def kept_directive(small_directive, submitted_a):
    return small_directive.directive


def test_a_unit_closed_through_a_partly_loaded_instance_is_recounted(
    kept_directive, small_directive
):
    """A unit loaded with only its name (its dates unknown, not fetched) and closed
    before the period: its rows are counted again. (Its dates unknown before the save
    and after it once read as unchanged: the unit stayed expected until the nightly
    check.)"""
    from units.models import Unit

    unit = Unit.objects.only("name").get(pk=small_directive.assignment_a.unit_id)
    unit.valid_to = small_directive.period.start - datetime.timedelta(days=1)
    unit.save()

    assert Unit.objects.get(pk=unit.pk).valid_to == unit.valid_to
    _assert_kept_is_a_recount(kept_directive)


def test_figures_check_finds_and_repairs_a_total_that_drifted(kept_directive):
    row = KeptTotals.objects.filter(received__gt=0).first()
    assert row is not None
    KeptTotals.objects.filter(pk=row.pk).update(received=row.received + 5)
    periods = list(kept_directive.periods.select_related("directive"))
    corrupted = count(periods=periods, directive=kept_directive, today=TODAY)[()]
    truth = count(periods=periods, directive=kept_directive, today=TODAY, kept=False)[()]
    assert corrupted.received == truth.received + 5  # the pages read the kept totals

    out = io.StringIO()
    call_command("figures_check", "--dry-run", stdout=out)
    assert "1 " in out.getvalue() and kept_directive.number in out.getvalue()
    assert KeptTotals.objects.get(pk=row.pk).received == row.received + 5  # only told

    call_command("figures_check", stdout=io.StringIO())
    repaired = count(periods=periods, directive=kept_directive, today=TODAY)[()]
    assert repaired == truth

    out = io.StringIO()
    call_command("figures_check", stdout=out)
    assert "0 " in out.getvalue()


def test_a_period_kept_nowhere_is_counted_live(kept_directive):
    """A database from before the kept totals (or one not yet checked) reads true figures."""
    periods = list(kept_directive.periods.select_related("directive"))
    truth = count(periods=periods, directive=kept_directive, today=TODAY, kept=False)
    KeptTotals.objects.all().delete()
    ReportingPeriod.objects.update(figures_kept=False)
    periods = list(kept_directive.periods.select_related("directive"))
    assert count(periods=periods, directive=kept_directive, today=TODAY) == truth


def test_a_large_directive_is_recounted_by_the_worker(kept_directive, monkeypatch):
    """Past RECOUNT_NOW rows, a change of what is expected drops the directive's kept
    totals (its pages count live, still right) and queues the recount."""
    from ops.models import OutboxMessage
    from reports.figures import kept
    from reports.tasks import recount_figures

    periods = list(kept_directive.periods.select_related("directive"))
    truth = count(periods=periods, directive=kept_directive, today=TODAY, kept=False)
    monkeypatch.setattr(kept, "RECOUNT_NOW", 0)
    kept.stale(directive_id=kept_directive.pk)

    assert not KeptTotals.objects.filter(period__directive=kept_directive).exists()
    assert not kept_directive.periods.filter(figures_kept=True).exists()
    periods = list(kept_directive.periods.select_related("directive"))
    assert count(periods=periods, directive=kept_directive, today=TODAY) == truth
    (message,) = OutboxMessage.objects.filter(task="reports.tasks.recount_figures")
    assert message.args == [kept_directive.pk]

    recount_figures(*message.args)
    periods = list(kept_directive.periods.select_related("directive"))
    assert all(p.figures_kept for p in periods)
    assert count(periods=periods, directive=kept_directive, today=TODAY) == truth


def _a_report_to_send(sd, *, dropped: bool) -> tuple[ProgressReport, ReportingPeriod]:
    """Unit A's report of the period, filled in and not yet sent; with `dropped`, the
    period's kept totals dropped as kept.stale drops a large directive's, the worker's
    recount not yet run."""
    report = ProgressReportFactory(
        assignment=sd.assignment_a, period=sd.period, achievements="Đã triển khai.", percent_done=40
    )
    if dropped:
        ReportingPeriod.objects.filter(pk=sd.period.pk).update(figures_kept=False)
        KeptTotals.objects.filter(period=sd.period).delete()
    return report, ReportingPeriod.objects.select_related("directive").get(pk=sd.period.pk)


def _assert_counted_once(sd, period) -> None:
    periods = list(ReportingPeriod.objects.filter(pk=period.pk).select_related("directive"))
    assert periods[0].figures_kept
    live = count(periods=periods, today=TODAY, by=("unit",), kept=False)
    assert count(periods=periods, today=TODAY, by=("unit",)) == live
    assert live[(sd.assignment_a.unit_id,)].received == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)
@pytest.mark.parametrize("dropped", [False, True])
def test_a_report_sent_while_its_period_is_recounted_is_counted_once(
    dropped, small_directive, reporter_a, monkeypatch
):
    """A recount locks the period's rows before it counts: a report sent meanwhile waits,
    then adds its part to what the recount wrote. (Without the lock the recount wrote over
    the report's part: a row one short until the next check.) A period dropped (a large
    directive's, kept.stale) has no rows to lock: the recount holds the period, and the
    report, finding it not kept, waits for it too. (Before, it counted nowhere, and the
    recount kept the period without it.)"""
    import threading

    from reports.figures import kept
    from reports.filing.services import report_submit

    report, period = _a_report_to_send(small_directive, dropped=dropped)
    assert period.figures_kept is not dropped
    seen = {}

    def send():
        try:
            report_submit(report=report, by=reporter_a)
        finally:
            connection.close()

    sending = threading.Thread(target=send)
    counting = kept.engine.count

    def count_while_a_report_is_sent(*args, **kwargs):
        counted = counting(*args, **kwargs)
        sending.start()
        sending.join(timeout=2)
        seen["waited"] = sending.is_alive()
        return counted

    monkeypatch.setattr(kept.engine, "count", count_while_a_report_is_sent)
    kept._recount_period(period, None)
    monkeypatch.undo()
    sending.join(timeout=20)

    assert seen["waited"]
    _assert_counted_once(small_directive, period)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)
def test_a_recount_of_a_dropped_period_waits_for_a_report_being_sent(small_directive, reporter_a):
    """The other order: a report sent in a period not kept, its transaction not yet
    committed, holds the period; the worker's recount of that period waits for it, then
    counts it. (Before, the recount counted without it and kept the period: the report,
    committed after, counted nowhere.)"""
    import threading

    from django.db import transaction

    from reports.figures import kept
    from reports.filing.services import report_submit

    report, period = _a_report_to_send(small_directive, dropped=True)
    sent, commit = threading.Event(), threading.Event()

    def send():
        try:
            with transaction.atomic():
                report_submit(report=report, by=reporter_a)
                sent.set()
                commit.wait(timeout=20)
        finally:
            connection.close()

    def recount():
        try:
            kept._recount_period(period, None)
        finally:
            connection.close()

    sending, counting = threading.Thread(target=send), threading.Thread(target=recount)
    sending.start()
    assert sent.wait(timeout=20)
    counting.start()
    counting.join(timeout=2)
    waited = counting.is_alive()
    commit.set()
    sending.join(timeout=20)
    counting.join(timeout=20)

    assert waited
    _assert_counted_once(small_directive, period)


def test_a_period_not_kept_counts_its_extensions_once(kept_directive, reporter_a):
    """Counted live as a fallback, a period's granted extensions correct its figures
    once, not once live and again with the kept periods."""
    period = kept_directive.periods.get()
    for assignment in (
        kept_directive.sections.get().tasks.get().assignments.filter(parent__isnull=True)
    ):
        ExtensionRequest.objects.create(
            assignment=assignment,
            period=period,
            new_due=period.due + datetime.timedelta(days=30),
            reason="Xin thêm thời gian.",
            status=ExtensionRequest.Status.GRANTED,
            requested_by=reporter_a,
        )
    ReportingPeriod.objects.update(figures_kept=False)
    periods = list(kept_directive.periods.select_related("directive"))
    today = period.due + datetime.timedelta(days=5)
    live = count(periods=periods, directive=kept_directive, today=today, kept=False)[()]
    assert live.overdue == 0  # the missing report is not overdue: its due date moved
    assert count(periods=periods, directive=kept_directive, today=today)[()] == live


@pytest.mark.parametrize(("by", "rows"), [((), 1), (("period",), 1), (("unit",), 2)])
def test_the_kept_totals_are_summed_in_sql_a_row_a_key(kept_directive, by, rows):
    """The pages read a row for each key they show (the total: one), not one for each
    unit and period kept: a directive of 50,000 units read 600,000 (bench/README.md)."""
    periods = list(kept_directive.periods.select_related("directive"))
    with CaptureQueriesContext(connection) as queries:
        count(periods=periods, directive=kept_directive, today=TODAY, by=by)
    [kept] = [q["sql"] for q in queries if "reports_kepttotals" in q["sql"]]
    kept = re.sub(r"^DECLARE .*? CURSOR .*?FOR ", "", kept)  # PostgreSQL reads it by cursor
    with connection.cursor() as cursor:
        cursor.execute(kept)
        assert len(cursor.fetchall()) == rows


def _granted_to(directive, unit, days: int, by):
    """A granted extension of `days` for `unit`'s slot of the directive's one period."""
    period = directive.periods.get()
    ExtensionRequest.objects.create(
        assignment=directive.sections.get().tasks.get().assignments.get(unit=unit),
        period=period,
        new_due=period.due + datetime.timedelta(days=days),
        reason="Xin thêm thời gian.",
        status=ExtensionRequest.Status.GRANTED,
        requested_by=by,
    )
    return period


@pytest.mark.parametrize("by", [(), ("unit",), ("period", "unit"), ("directive",)])
def test_extensions_read_once_count_as_those_read_by_each_count(
    kept_directive, unit_a, unit_b, reporter_a, by
):
    """A matrix page reads the period's extensions once for its total, its rows and its
    cells: every way of counting gives what reading them anew gives, and the truth."""
    period = _granted_to(kept_directive, unit_b, 30, reporter_a)
    periods = list(kept_directive.periods.select_related("directive"))
    today = period.due + datetime.timedelta(days=5)  # B's report is missing, not overdue
    granted = extensions(periods=periods)
    assert len(granted) == 1

    for units in (None, [unit_a.pk], [unit_b.pk]):
        shared = count(periods=periods, today=today, by=by, units=units, granted=granted)
        assert shared == count(periods=periods, today=today, by=by, units=units)
    live = count(periods=periods, today=today, by=by, kept=False)
    assert count(periods=periods, today=today, by=by, granted=granted) == live
    assert sum(f.overdue for f in live.values()) == 0


def test_extensions_read_once_are_not_read_again(kept_directive, unit_b, reporter_a):
    _granted_to(kept_directive, unit_b, 30, reporter_a)
    periods = list(kept_directive.periods.select_related("directive"))
    granted = extensions(periods=periods)
    with CaptureQueriesContext(connection) as queries:
        count(periods=periods, today=TODAY, by=("unit",), units=[unit_b.pk], granted=granted)
    assert not [q for q in queries if "reports_extensionrequest" in q["sql"]]


def test_the_total_counts_the_units_expected_in_the_same_scan(kept_directive, unit_a):
    """A whole-directive matrix's number of rows comes with its totals: the units the
    period expects a report from, not its slots."""
    period = kept_directive.periods.select_related("directive").get()
    TaskFactory(section=kept_directive.sections.get(), order=2)  # two slots a unit
    assignments_sync(directive=kept_directive)
    period.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        totals, units = total_expecting(directive=kept_directive, period=period, today=TODAY)
    assert (totals.expected, units) == (4, 2)
    assert len([q for q in queries if "reports_kepttotals" in q["sql"]]) == 1

    ReportingPeriod.objects.update(figures_kept=False)
    period.refresh_from_db()
    assert total_expecting(directive=kept_directive, period=period, today=TODAY)[1] is None


@pytest.mark.parametrize("kept", [True, False])
def test_the_roll_up_counts_extensions_read_once_as_read_anew(
    kept_directive, unit_a, unit_b, reporter_a, kept
):
    """The roll-up reads the period's extensions once for the tree and the groups: each
    sums what reading them anew sums, kept or counted live."""
    from reports.figures.rollup import group_rollup, tree_rollup

    UnitGroupFactory(name="Nhóm xã", members=[unit_a, unit_b])
    period = _granted_to(kept_directive, unit_b, 30, reporter_a)
    if not kept:
        ReportingPeriod.objects.update(figures_kept=False)
    period = ReportingPeriod.objects.select_related("directive").get(pk=period.pk)
    today = period.due + datetime.timedelta(days=5)
    granted = extensions(periods=[period])

    def figures(**given):
        tree = tree_rollup(
            directive=kept_directive, period=period, parent_id=None, today=today, **given
        )
        groups = group_rollup(directive=kept_directive, period=period, today=today, **given)
        return [(r.unit.pk, r.figures) for r in tree], [(g.pk, f) for g, f in groups]

    shared, anew = figures(granted=granted), figures()
    assert shared == anew
    assert sum(f.overdue for _, f in anew[1]) == 0 and anew[1]  # B's slot is not overdue
