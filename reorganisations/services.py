"""Applying a reorganisation, and undoing it until someone reports after it. Each runs
in one transaction, is checked by the permission module and written to the audit log;
what the act changed is kept on it (Reorganisation.journal) row by row."""

import datetime
from collections import defaultdict
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Addressee, Assignment
from ops.audit import audit
from reports.filing.models import ExtensionRequest, ProgressReport
from units.models import Membership, Unit, UnitGroup, tree_hold
from units.permissions import ensure
from units.signals import figures_stale

from .models import Reorganisation
from .plans import Plan, Preview, preview

User = get_user_model()


def _summary(act: Reorganisation, sources, results) -> str:
    closed = ", ".join(u.name for u in sources)
    opened = ", ".join(u.name for u in results) or _("(chấm dứt)")
    return _("%(kind)s: %(closed)s → %(opened)s, theo %(basis)s, từ %(day)s") % {
        "kind": act.get_kind_display(),
        "closed": closed,
        "opened": opened,
        "basis": act.basis,
        "day": act.effective.strftime("%d/%m/%Y"),
    }


@transaction.atomic
def reorganisation_apply(*, by, plan: Plan) -> Reorganisation:
    """Do what the plan's preview says, or nothing: the units that close stop the day
    before the effective date; the new units open on it with copies of the work, the
    reports filed for after it, the accounts (or these stop), the units below, the
    groups and the sections that addressed the old ones. The kept figures of every
    directive touched are counted again."""
    ensure(by, "unit.reorganise", plan)
    tree_hold()  # the preview's checks hold until the act is written
    seen: Preview = preview(plan)
    if seen.problems:
        raise ValidationError(seen.problems)
    act = Reorganisation.objects.create(
        kind=plan.kind,
        basis=plan.basis.strip(),
        basis_date=plan.basis_date,
        effective=plan.effective,
        note=plan.note,
        applied_by=by if getattr(by, "is_authenticated", False) else None,
    )
    journal: dict[str, list] = defaultdict(list)
    results = []
    for new in plan.results:
        unit = Unit.objects.create(
            name=new.name.strip(),
            short_name=new.short_name.strip(),
            kind=new.kind,
            parent=new.parent,
            valid_from=plan.effective,
        )
        results.append(unit)
    journal["units"] = [u.pk for u in results]
    directives, made_for = set(), {}  # made_for: an old assignment's id → its copy
    for unit, outcome in zip(results, seen.outcomes, strict=True):
        fresh = [
            Assignment(
                task_id=copy.task_id, unit=unit, role=copy.role, parent_id=copy.parent_id,
                deadline=copy.deadline, extended_to=copy.extended_to, done_on=copy.done_on,
            )
            for copy in outcome.copies
        ]  # fmt: skip
        Assignment.objects.bulk_create(fresh)  # counted once, below, not one by one
        for copy, made in zip(outcome.copies, fresh, strict=True):
            copy.made = made
            journal["assignments"].append(made.pk)
            directives.add(copy.originals[0].task.section.directive_id)
            for original in copy.originals:
                made_for.setdefault(original.pk, made)  # the first new unit that takes it
    _follow(made_for, seen, journal)
    for unit, outcome in zip(results, seen.outcomes, strict=True):
        for membership in outcome.accounts:
            duplicate = Membership.objects.filter(
                user_id=membership.user_id, unit=unit, role=membership.role
            ).exists()
            if duplicate:
                journal["memberships_dropped"].append(
                    [membership.user_id, membership.unit_id, membership.role, membership.source]
                )
                membership.delete()
            else:
                journal["memberships"].append([membership.pk, membership.unit_id])
                Membership.objects.filter(pk=membership.pk).update(unit=unit)
        for child in outcome.children:
            journal["children"].append([child.pk, child.parent_id])
        Unit.objects.filter(pk__in=[c.pk for c in outcome.children]).update(parent=unit)
    for orphan in seen.orphans:
        journal["children"].append([orphan.pk, orphan.parent_id])
        Unit.objects.filter(pk=orphan.pk).update(
            parent=orphan.parent.parent_id if orphan.parent else None
        )
    for account in seen.deactivated:
        journal["deactivated"].append(account.pk)
    User.objects.filter(pk__in=journal["deactivated"]).update(is_active=False)
    for group in seen.groups:
        for unit in results:
            if not group.members.filter(pk=unit.pk).exists():
                group.members.add(unit)
                journal["group_members"].append([group.pk, unit.pk])
    _address(plan, results, seen, journal)
    for source in plan.sources:
        journal["closed"].append([source.pk, _iso(source.valid_to), source.successor_id])
    # One update, no signal per unit: the kept totals are counted again once, below.
    Unit.objects.filter(pk__in=[u.pk for u in plan.sources]).update(
        valid_to=plan.last_day, successor=results[0] if results else None
    )
    for unit in results:
        unit.formed_from.set(plan.sources)  # its history: units.models.lineage
    act.sources.set(plan.sources)
    act.results.set(results)
    act.journal = dict(journal)
    act.save(update_fields=["journal"])
    directives |= set(
        Assignment.objects.filter(unit__in=plan.sources).values_list(
            "task__section__directive_id", flat=True
        )
    )
    touched = [u.pk for u in plan.sources] + [u.pk for u in results]
    for directive_id in sorted(directives):
        figures_stale.send(sender=Reorganisation, directive_id=directive_id, unit_ids=touched)
    summary = _summary(act, plan.sources, results)
    audit(
        actor=by,
        action="unit.reorganised",
        obj=act,
        unit_id=(results or plan.sources)[0].pk,
        summary=summary,
    )
    return act


def _follow(made_for: dict[int, Assignment], seen: Preview, journal) -> None:
    """What hangs on the old assignments moves to their copies: the tasks handed down
    from them (once per unit below), and the reports filed for a period from the act
    on (once per period: two old units' reports for one slot, the first goes on)."""
    taken = set()
    below = Assignment.objects.filter(parent_id__in=list(made_for)).order_by("pk")
    for pk, parent_id, unit_id in below.values_list("pk", "parent_id", "unit_id"):
        copy = made_for[parent_id]
        if (copy.pk, unit_id) not in taken:
            taken.add((copy.pk, unit_id))
            journal["handed_down"].append([pk, parent_id])
            Assignment.objects.filter(pk=pk).update(parent=copy)
    filed = set()
    for report in (r for outcome in seen.outcomes for r in outcome.reports):
        copy = made_for[report.assignment_id]
        if (copy.pk, report.period_id) not in filed:
            filed.add((copy.pk, report.period_id))
            journal["reports"].append([report.pk, report.assignment_id])
            ProgressReport.objects.filter(pk=report.pk).update(assignment=copy)


def _address(plan: Plan, results: list[Unit], seen: Preview, journal) -> None:
    """Each section addressed to a closing unit addresses the new units that took any of
    its tasks, so that a task added to the section later reaches them."""
    for unit, outcome in zip(results, seen.outcomes, strict=True):
        sections = {c.originals[0].task.section_id for c in outcome.copies}
        addressed = Addressee.objects.filter(unit__in=plan.sources, section_id__in=sections)
        for addressee in addressed.order_by("section_id", "role"):
            made, created = Addressee.objects.get_or_create(
                section_id=addressee.section_id, unit=unit, defaults={"role": addressee.role}
            )
            if created:
                journal["addressees"].append(made.pk)


def _iso(day):
    return day.isoformat() if day else None


def act_scope(act: Reorganisation) -> SimpleNamespace:
    """What the permission module's unit.reorganise reads of an applied act, as of a
    plan: the units it closed (`sources`) and opened (`results`), where it put units (the
    parents of those it opened; undone, the units below go back to the units it closed)
    and the accounts it deactivated, which undoing reactivates."""
    results = list(act.results.select_related("parent"))
    return SimpleNamespace(
        sources=list(act.sources.all()),
        results=results,
        places=[unit.parent for unit in results],
        accounts_ended=list(User.objects.filter(pk__in=act.journal.get("deactivated", []))),
    )


def undoable(act: Reorganisation) -> str:
    """Why the act can no longer be undone ("" when it can): undone already, a later act
    on its units, a report filed by a new unit since, or anything else given to a new unit
    since (an account's role, a unit below, a task, a request), which undoing would
    delete."""
    if act.undone_at:
        return _("Đã hoàn tác.")
    results = list(act.results.all())
    if Reorganisation.objects.filter(sources__in=results, undone_at__isnull=True).exists():
        return _("Đơn vị sau sắp xếp đã được sắp xếp tiếp.")
    journal = act.journal
    copies = journal.get("assignments", [])
    moved = [pk for pk, _old in journal.get("reports", [])]
    filed = ProgressReport.objects.filter(assignment_id__in=copies)
    if filed.exclude(pk__in=moved).exists():
        return _("Đơn vị sau sắp xếp đã có báo cáo.")
    # What undoing would delete with the new units, that the act did not put there.
    added = [
        Membership.objects.filter(unit__in=results).exclude(
            pk__in=[pk for pk, _old in journal.get("memberships", [])]
        ),
        Unit.objects.filter(parent__in=results).exclude(
            pk__in=[pk for pk, _old in journal.get("children", [])]
        ),
        Assignment.objects.filter(unit__in=results).exclude(pk__in=copies),
        Assignment.objects.filter(parent_id__in=copies).exclude(
            pk__in=[pk for pk, _old in journal.get("handed_down", [])]
        ),
        ExtensionRequest.objects.filter(assignment_id__in=copies),
    ]
    if any(rows.exists() for rows in added):
        return _("Đơn vị sau sắp xếp đã có tài khoản, đơn vị hoặc việc mới.")
    return ""


@transaction.atomic
def reorganisation_undo(*, by, act: Reorganisation) -> Reorganisation:
    """Put everything back as it was before the act, while no new unit has reported."""
    act = Reorganisation.objects.select_for_update().get(pk=act.pk)
    scope = act_scope(act)
    sources = scope.sources
    ensure(by, "unit.reorganise", scope)
    why = undoable(act)
    if why:
        raise ValidationError(why)
    j = act.journal
    for pk, assignment_id in j.get("reports", []):
        ProgressReport.objects.filter(pk=pk).update(assignment_id=assignment_id)
    for pk, parent_id in j.get("handed_down", []):
        Assignment.objects.filter(pk=pk).update(parent_id=parent_id)
    directives = set(
        Assignment.objects.filter(pk__in=j.get("assignments", [])).values_list(
            "task__section__directive_id", flat=True
        )
    )
    Assignment.objects.filter(pk__in=j.get("assignments", [])).delete()
    Addressee.objects.filter(pk__in=j.get("addressees", [])).delete()
    for group_id, unit_id in j.get("group_members", []):
        UnitGroup.members.through.objects.filter(unitgroup_id=group_id, unit_id=unit_id).delete()
    for pk, parent_id in j.get("children", []):
        Unit.objects.filter(pk=pk).update(parent_id=parent_id)
    for pk, unit_id in j.get("memberships", []):
        Membership.objects.filter(pk=pk).update(unit_id=unit_id)
    for user_id, unit_id, role, source in j.get("memberships_dropped", []):
        Membership.objects.get_or_create(
            user_id=user_id, unit_id=unit_id, role=role, defaults={"source": source}
        )
    User.objects.filter(pk__in=j.get("deactivated", [])).update(is_active=True)
    by_pk = {u.pk: u for u in sources}
    for pk, valid_to, successor_id in j.get("closed", []):
        unit = by_pk[pk]
        unit.valid_to = datetime.date.fromisoformat(valid_to) if valid_to else None
        unit.successor_id = successor_id
        unit.save(update_fields=["valid_to", "successor"])
    try:
        with transaction.atomic():
            Unit.objects.filter(pk__in=j.get("units", [])).delete()
    except ProtectedError as protected:
        raise ValidationError(
            _("Đơn vị sau sắp xếp đã được dùng ở nơi khác: không thể hoàn tác.")
        ) from protected
    act.undone_at = timezone.now()
    act.save(update_fields=["undone_at"])
    touched = [u.pk for u in sources]
    for directive_id in sorted(directives):
        figures_stale.send(sender=Reorganisation, directive_id=directive_id, unit_ids=touched)
    audit(
        actor=by,
        action="unit.reorganisation_undone",
        obj=act,
        unit_id=sources[0].pk,
        summary=str(act),
    )
    return act
