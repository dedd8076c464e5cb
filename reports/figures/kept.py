"""The kept totals (models.KeptTotals): per unit and period, what the engine counts that
does not depend on the day, kept true in the same transaction as whatever changes it.

- A report saved or deleted (every transition: draft, send, accept, return, revise)
  moves its slot's row by the difference its change makes: at most two statements (the
  slot's facts, the update), none for a draft never sent.
- A change of what is expected (assignments given or taken back, a task's kind, a task
  done, a unit opened or closed, periods made or their dates moved, a directive's
  reporting dates) recounts the rows it touches live (`recount`): through
  units.signals.figures_stale, which the apps below send, and the models' own signals.
- `figures_check` (a command, and beat every night) recounts everything, repairs what
  drifted, and says what it found.
"""

import logging
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Subquery

from directives.models import Assignment, Directive, Task, reporting_start, reports_in
from ops.outbox import outbox_add
from reports.filing import slots
from reports.filing.models import ProgressReport
from reports.periods.models import ReportingPeriod
from units.models import active_between

from . import engine
from .models import KEPT, KeptTotals

log = logging.getLogger(__name__)
NOTHING = (0,) * len(KEPT)
RECOUNT_NOW = 20_000  # kept rows: a directive with more is recounted by the worker
UNKNOWN = "unknown"  # a model's facts before a change, when they were not loaded
FACTS = ("status", "submitted_at", "percent_done", "assessment")


class ReportFacts(NamedTuple):
    """What the kept counts read of a report."""

    status: str
    submitted_at: object
    percent_done: int
    assessment: str


def facts_of(report: ProgressReport) -> ReportFacts | str:
    """The report's facts as held in memory; UNKNOWN when one was not loaded (a
    deferred field is never fetched here)."""
    loaded = _loaded(report, FACTS)
    return UNKNOWN if loaded == UNKNOWN else ReportFacts(*loaded)


def _slot(assignment_id: int, period_id: int) -> dict | None:
    """What decides whether and how a report of this slot counts: one query."""
    directive = "task__section__directive"
    last = (
        ReportingPeriod.objects.filter(directive=OuterRef(directive))
        .order_by()
        .values("directive")
        .annotate(last=Max("cutoff"))
        .values("last")
    )
    return (
        Assignment.objects.filter(pk=assignment_id, **{f"{directive}__periods": period_id})
        .annotate(
            start=F(f"{directive}__periods__start"),
            cutoff=F(f"{directive}__periods__cutoff"),
            due=F(f"{directive}__periods__due"),
            kept=F(f"{directive}__periods__figures_kept"),
            last_cutoff=Subquery(last),
        )
        .values(
            "parent_id",
            "done_on",
            "unit_id",
            "start",
            "cutoff",
            "due",
            "kept",
            "last_cutoff",
            kind=F("task__kind"),
            valid_from=F("unit__valid_from"),
            valid_to=F("unit__valid_to"),
            issued_on=F(f"{directive}__issued_on"),
            starts_on=F(f"{directive}__reporting_starts_on"),
            ends_on=F(f"{directive}__reporting_ends_on"),
        )
        .first()
    )


def part(facts: ReportFacts | None, slot: dict) -> tuple[int, ...]:
    """What one report adds to its slot's kept counts: the engine's rules
    (engine._aggregates in SQL) for one report."""
    if facts is None or facts.submitted_at is None:
        return NOTHING
    counted = (
        slot["parent_id"] is None
        and reports_in(slot["kind"], slot["done_on"], slot["start"])
        and active_between(slot["valid_from"], slot["valid_to"], slot["start"], slot["cutoff"])
    )
    if not counted:
        return NOTHING
    readable = facts.status != ProgressReport.Status.DRAFT
    below = engine.behind_below(
        reporting_start(slot["starts_on"], slot["issued_on"]),
        slot["ends_on"] or slot["last_cutoff"],
        slot["cutoff"],
    )
    counts = {
        "expected": 0,
        "received": 1,
        "on_time": slots.sent_by(facts.submitted_at, slot["due"]),
        "accepted": facts.status == ProgressReport.Status.ACCEPTED,
        "readable": readable,
        "percent_sum": facts.percent_done if readable else 0,
        "done": readable and facts.assessment == ProgressReport.Assessment.DONE,
        "behind": readable and below is not None and facts.percent_done < below,
    }
    return tuple(int(counts[name]) for name in KEPT)


def _sent(facts) -> bool:
    return facts is not None and facts is not UNKNOWN and facts.submitted_at is not None


def report_changed(report: ProgressReport, before, after) -> None:
    """Move the report's slot row by the difference the change made. `before`, `after`:
    its facts, None for no report, UNKNOWN when they were not loaded (the slot's row is
    then counted again)."""
    if report.period_id is None:  # a completion report: not a period's figure
        return
    if UNKNOWN not in (before, after) and not _sent(before) and not _sent(after):
        return  # a draft never sent counts nowhere
    slot = _slot(report.assignment_id, report.period_id)
    if slot is None or not (slot["kept"] or _kept(report.period_id)):
        return  # a period not kept is counted live, and recounted whole to be kept
    if UNKNOWN in (before, after):
        recount(period_ids=[report.period_id], unit_ids=[slot["unit_id"]])
        return
    delta = [a - b for a, b in zip(part(after, slot), part(before, slot), strict=True)]
    if not any(delta):
        return
    changes = {name: F(name) + d for name, d in zip(KEPT, delta, strict=True) if d}
    row = KeptTotals.objects.filter(period_id=report.period_id, unit_id=slot["unit_id"])
    if not row.update(**changes):  # the unit had nothing kept in the period: count it
        recount(period_ids=[report.period_id], unit_ids=[slot["unit_id"]])


def _kept(period_id: int) -> bool:
    """Whether a period found not kept is kept now, once a recount of it under way has
    ended. The period's row is held (FOR SHARE) until this transaction ends, so that a
    recount starting meanwhile waits to count what this transaction writes. (SQLite
    writes one transaction at a time: there is nothing to hold.)"""
    sql = f"SELECT figures_kept FROM {ReportingPeriod._meta.db_table} WHERE id = %s"
    if connection.features.has_select_for_update:
        sql += " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [period_id])
        row = cursor.fetchone()
    return bool(row and row[0])


def recount(
    *,
    directive_ids: Iterable[int] | None = None,
    unit_ids: Iterable[int] | None = None,
    period_ids: Iterable[int] | None = None,
) -> int:
    """Count again, live, the rows of these directives (or periods), of these units
    (None: every one), and keep what is counted. Returns how many rows differed from
    what was kept (what drifted, for figures_check). A period at a time, so that a
    directive of 50,000 units never holds more than one period's rows."""
    periods = ReportingPeriod.objects.select_related("directive").order_by("directive_id", "start")
    if period_ids is not None:
        periods = periods.filter(pk__in=list(period_ids))
    if directive_ids is not None:
        periods = periods.filter(directive_id__in=list(directive_ids))
    units = list(unit_ids) if unit_ids is not None else None
    if units is not None and directive_ids is None and period_ids is None:
        given = Assignment.objects.filter(unit_id__in=units).values("task__section__directive_id")
        periods = periods.filter(directive_id__in=given)
    drifted = 0
    for period in periods:
        drifted += _recount_period(period, units)
    return drifted


@transaction.atomic
def _recount_period(period: ReportingPeriod, units: list[int] | None) -> int:
    """Count one period again, or only `units` of it. A period is kept whole or not at
    all: one with nothing kept is counted live, and only a recount of it whole (its
    directive's, figures_check's) keeps it (ReportingPeriod.figures_kept).

    The rows are locked before anything is counted, until the transaction ends: a report
    changed meanwhile either committed its difference first (then it is counted here) or
    waits to add it to what is written here, never both, never neither. A period not
    kept has no rows to lock: a recount of it whole holds the period's own row instead,
    which a report sent in a period not kept holds too (`_kept`)."""
    if units is None:
        held = ReportingPeriod.objects.select_for_update(no_key=True).filter(pk=period.pk)
        period.figures_kept = bool(held.values_list("figures_kept", flat=True).first())
    elif not (period.figures_kept or _kept(period.pk)):
        return 0  # counted live until it is recounted whole (which waits for this)
    rows = KeptTotals.objects.filter(period=period)
    if units is not None:
        rows = rows.filter(unit_id__in=units)
    list(rows.select_for_update().values_list("pk", flat=True))
    counted = engine.count(
        periods=[period],
        directive=period.directive,
        units=units,
        by=("unit",),
        today=period.start,
        kept=False,
    )
    wanted = {
        unit_id: tuple(getattr(f, name) for name in KEPT)
        for (unit_id,), f in counted.items()
        if f.expected or f.received
    }
    held = {r[0]: tuple(r[1:]) for r in rows.values_list("unit_id", *KEPT)}
    stale = {u for u in held if wanted.get(u) != held[u]}
    missing = {u for u in wanted if u not in held}
    if stale:
        KeptTotals.objects.filter(period=period, unit_id__in=stale).delete()
    KeptTotals.objects.bulk_create(
        [
            KeptTotals(period=period, unit_id=u, **dict(zip(KEPT, wanted[u], strict=True)))
            for u in sorted(missing | (stale & set(wanted)))
        ],
        batch_size=2_000,
    )
    if not period.figures_kept:
        ReportingPeriod.objects.filter(pk=period.pk).update(figures_kept=True)
        period.figures_kept = True
    return len(stale | missing)


def stale(*, directive_id: int | None = None, unit_ids=None, **_kwargs) -> None:
    """units.signals.figures_stale: what is expected changed for these units (None:
    every one) in this directive (None: every directive they are given tasks in).

    A directive recounted whole is recounted here if it is small; a large one (more than
    RECOUNT_NOW rows: 50,000 units take a minute) has its kept totals dropped, so its
    pages count live, right if slower, until the worker has recounted it (the outbox
    hands the task over once this transaction commits)."""
    if directive_id is None and unit_ids is None:
        return
    if unit_ids is not None and len(unit_ids) > 1_000 and directive_id is not None:
        unit_ids = None  # counting the directive whole is cheaper than naming them all
    if unit_ids is None:
        kept = KeptTotals.objects.filter(period__directive_id=directive_id)
        if kept.count() > RECOUNT_NOW:
            ReportingPeriod.objects.filter(directive_id=directive_id).update(figures_kept=False)
            kept.delete()
            outbox_add("reports.tasks.recount_figures", directive_id)
            return
    recount(
        directive_ids=None if directive_id is None else [directive_id],
        unit_ids=unit_ids,
    )


# --- The models' own signals -------------------------------------------------------
# A model's facts as loaded are held on the instance (post_init), so that a save knows
# what changed; a field not loaded (deferred) makes them unknown, never a query.


def _loaded(instance, names) -> tuple | str:
    held = instance.__dict__
    return UNKNOWN if any(n not in held for n in names) else tuple(held[n] for n in names)


def report_loaded(sender, instance: ProgressReport, **kwargs) -> None:
    instance._kept = facts_of(instance)


def report_saved(sender, instance: ProgressReport, created: bool, raw=False, **kwargs) -> None:
    if raw:
        return
    after = facts_of(instance)
    report_changed(instance, None if created else getattr(instance, "_kept", UNKNOWN), after)
    instance._kept = after


def report_deleted(sender, instance: ProgressReport, **kwargs) -> None:
    report_changed(instance, facts_of(instance), None)


ASSIGNMENT_FACTS = ("task_id", "unit_id", "parent_id", "done_on")
UNIT_FACTS = ("valid_from", "valid_to")
TASK_FACTS = ("kind",)
DIRECTIVE_FACTS = ("issued_on", "reporting_starts_on", "reporting_ends_on")


def loaded(facts: tuple[str, ...]):
    def hold(sender, instance, **kwargs) -> None:
        instance._kept = _loaded(instance, facts)

    return hold


def _changed(instance, facts, created: bool) -> bool:
    """Whether a save may have changed these facts: created, or one differs from what was
    loaded; with some not loaded (unknown before), one set since."""
    before = getattr(instance, "_kept", UNKNOWN)
    if created:
        return True
    if before == UNKNOWN:
        return any(name in instance.__dict__ for name in facts)
    return before != _loaded(instance, facts)


def _directive_of_task(task_id: int) -> int | None:
    return Task.objects.filter(pk=task_id).values_list("section__directive_id", flat=True).first()


def assignment_saved(sender, instance: Assignment, created=False, raw=False, **kwargs) -> None:
    """One assignment saved (many at once, or deleted, the services announce:
    units.signals.figures_stale). One handed down is never counted."""
    handed_down = created and instance.parent_id is not None
    if not raw and not handed_down and _changed(instance, ASSIGNMENT_FACTS, created):
        stale(directive_id=_directive_of_task(instance.task_id), unit_ids=[instance.unit_id])
    instance._kept = _loaded(instance, ASSIGNMENT_FACTS)


def unit_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if not raw and not created and _changed(instance, UNIT_FACTS, False):
        stale(unit_ids=[instance.pk])
    instance._kept = _loaded(instance, UNIT_FACTS)


def task_saved(sender, instance: Task, created=False, raw=False, **kwargs) -> None:
    if not raw and not created and _changed(instance, TASK_FACTS, False):
        stale(directive_id=instance.section.directive_id)
    instance._kept = _loaded(instance, TASK_FACTS)


def directive_saved(sender, instance: Directive, created=False, raw=False, **kwargs) -> None:
    if not raw and not created and _changed(instance, DIRECTIVE_FACTS, False):
        stale(directive_id=instance.pk)
    instance._kept = _loaded(instance, DIRECTIVE_FACTS)


def figures_check(*, repair: bool = True) -> list[tuple[Directive, int]]:
    """Count every directive's kept totals again, live, and repair what drifted (unless
    `repair` is False: then nothing is written). Each directive that has periods, with
    how many of its rows differed. A period at a time, each its own transaction: the
    reports of a period being counted wait a moment, never those of the others."""
    found = []
    for directive in Directive.objects.filter(periods__isnull=False).distinct().order_by("pk"):
        drifted = 0
        for period in directive.periods.select_related("directive").order_by("start"):
            with transaction.atomic():
                drifted += _recount_period(period, None)
                if not repair:
                    transaction.set_rollback(True)
        if drifted:
            log.warning("kept totals of %s: %d rows drifted", directive.number, drifted)
        found.append((directive, drifted))
    return found
