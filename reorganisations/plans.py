"""What a reorganisation will do, before it is done: the plan a unit administrator
describes (which units close, which open, what each new unit takes) and its preview
("these 34 open assignments, 3 groups and 7 accounts move to …"), with what stops it.

Every act closes its units the day before it takes effect and opens new ones on that
day: a merge into an existing unit opens a new version of it, a rename or a move opens
the renamed or moved unit. The units that close keep their assignments and every report
they filed; each unit that opens holds a copy of their assignments, so that a period
before the act reads as it did and a period after expects the new units only (the one
rule "active in period", units.models.active_between_q).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from directives.models import Assignment, Directive, Role
from reports.filing.models import ProgressReport
from units.models import Membership, Unit, UnitGroup, subtree_ids

from .models import Reorganisation

Kind = Reorganisation.Kind


@dataclass
class NewUnit:
    """A unit the act opens. `takes`: the ids of the tasks it takes from the units that
    close (None: all of them); `staff`: it receives their accounts (else the first)."""

    name: str
    kind: str
    parent: Unit | None = None
    short_name: str = ""
    takes: frozenset[int] | None = None
    staff: bool = False


@dataclass
class Plan:
    kind: str
    basis: str
    basis_date: datetime.date
    effective: datetime.date
    sources: list[Unit]
    results: list[NewUnit]
    accounts: str = "move"  # "move" to the unit that receives them, or "deactivate"
    note: str = ""

    @property
    def last_day(self) -> datetime.date:
        """The last day the units that close are active."""
        return self.effective - datetime.timedelta(days=1)

    @property
    def staff_index(self) -> int | None:
        if not self.results:
            return None
        return next((i for i, r in enumerate(self.results) if r.staff), 0)

    @property
    def places(self) -> list[Unit | None]:
        """Where the act puts units (what units.permissions' unit.reorganise checks): each
        new unit's parent; with none (a unit dissolved with no heir), the parent of each
        unit it closes that has units below, which go there."""
        if self.results:
            return [new.parent for new in self.results]
        moving = set(moving_children(self).values_list("parent_id", flat=True))
        return [unit.parent for unit in self.sources if unit.pk in moving]

    @property
    def accounts_ended(self) -> list:
        """The accounts the act deactivates (unit.reorganise checks each may be)."""
        return ended_accounts(self)


def moving_children(plan: Plan):
    """The units below those the act closes, still active on its day: they go under the
    unit that takes the staff, or, with none, under their old parent's parent."""
    closing = [u.pk for u in plan.sources]
    return (
        Unit.objects.filter(parent_id__in=closing)
        .exclude(pk__in=closing)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=plan.effective))
    )


def ended_accounts(plan: Plan) -> list:
    """With accounts="deactivate", every active account whose roles are all in units the
    act closes, by username; else none."""
    if plan.accounts != "deactivate":
        return []
    closing = [u.pk for u in plan.sources]
    users = {m.user for m in Membership.objects.filter(unit_id__in=closing).select_related("user")}
    elsewhere = set(
        Membership.objects.filter(user__in=users)
        .exclude(unit_id__in=closing)
        .values_list("user_id", flat=True)
    )
    return sorted(
        (u for u in users if u.pk not in elsewhere and u.is_active), key=lambda u: u.username
    )


def _as_new(unit: Unit, **changes) -> NewUnit:
    facts = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent,
        "short_name": unit.short_name,
    }
    return NewUnit(**(facts | changes))


def merge(
    *, sources: list[Unit], into: Unit | None = None, new: NewUnit | None = None, **act
) -> Plan:
    """Several units into an existing one (`into`, which opens anew with their work) or
    into a new one (`new`)."""
    if into is not None:
        sources = [into, *(u for u in sources if u.pk != into.pk)]
        new = _as_new(into)
    return Plan(kind=Kind.MERGE, sources=sources, results=[new] if new else [], **act)


def split(*, source: Unit, parts: list[NewUnit], **act) -> Plan:
    return Plan(kind=Kind.SPLIT, sources=[source], results=parts, **act)


def rename(*, source: Unit, name: str, short_name: str = "", **act) -> Plan:
    new = _as_new(source, name=name, short_name=short_name)
    return Plan(kind=Kind.RENAME, sources=[source], results=[new], **act)


def move(*, source: Unit, parent: Unit | None, **act) -> Plan:
    return Plan(kind=Kind.MOVE, sources=[source], results=[_as_new(source, parent=parent)], **act)


def dissolve(*, source: Unit, heir: Unit | None = None, **act) -> Plan:
    """The unit ends; its work goes to `heir` (which opens anew with it) or ends."""
    if heir is None:
        return Plan(kind=Kind.DISSOLVE, sources=[source], results=[], **act)
    return Plan(kind=Kind.DISSOLVE, sources=[source, heir], results=[_as_new(heir)], **act)


def entry_problems(
    *, kind: str, sources: list, into=None, name: str = "", parent=None, parts: int = 0
) -> dict[str, str]:
    """What an entry lacks for its kind, by field (the page's form and the API ask this
    before a plan is built; `parts`: how many new units a split names)."""
    problems = {}
    if kind != Kind.MERGE and len(sources) != 1:
        problems["sources"] = _("Chọn đúng một đơn vị cho hình thức này.")
    if kind == Kind.MERGE and not into and not name.strip():
        problems["name"] = _("Ghi tên đơn vị mới, hoặc chọn đơn vị được sáp nhập vào.")
    if kind == Kind.RENAME and not name.strip():
        problems["name"] = _("Ghi tên mới của đơn vị.")
    if kind == Kind.MOVE and not parent:
        problems["parent"] = _("Chọn đơn vị trực thuộc mới.")
    if kind == Kind.SPLIT and parts < 2:
        problems["parts"] = _("Ghi ít nhất hai đơn vị mới.")
    return problems


def build(
    *,
    kind: str,
    sources: list[Unit],
    basis: str,
    basis_date: datetime.date,
    effective: datetime.date,
    into: Unit | None = None,
    name: str = "",
    short_name: str = "",
    unit_kind: str = "",
    parent: Unit | None = None,
    parts: list[NewUnit] = (),
    accounts: str = "move",
    note: str = "",
) -> Plan:
    """A plan from what a person entered (the page's form, the API): which of the fields
    each kind reads is said there. A new unit stands where the first unit did, and is of
    its kind, unless `parent` or `unit_kind` say otherwise."""
    first = sources[0]
    act = {
        "basis": basis,
        "basis_date": basis_date,
        "effective": effective,
        "accounts": accounts,
        "note": note,
    }
    parent = parent or first.parent
    if kind == Kind.MERGE:
        new = NewUnit(name.strip(), unit_kind or first.kind, parent, short_name.strip())
        return merge(sources=sources, into=into, new=None if into else new, **act)
    if kind == Kind.SPLIT:
        return split(source=first, parts=list(parts), **act)
    if kind == Kind.RENAME:
        return rename(source=first, name=name.strip(), short_name=short_name.strip(), **act)
    if kind == Kind.MOVE:
        return move(source=first, parent=parent, **act)
    return dissolve(source=first, heir=into, **act)


# --- The preview -----------------------------------------------------------------------


@dataclass
class Copy:
    """One assignment a new unit will hold: a copy of those of the closing units for the
    same task (and, handed down to them, the same parent)."""

    task_id: int
    parent_id: int | None
    role: str
    deadline: datetime.date | None
    extended_to: datetime.date | None
    done_on: datetime.date | None
    originals: list[Assignment] = field(default_factory=list)
    made: Assignment | None = None  # once applied

    @property
    def is_open(self) -> bool:
        return self.done_on is None


@dataclass
class Outcome:
    """What one new unit receives."""

    unit: NewUnit
    copies: list[Copy] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)  # filed for after the act
    accounts: list[Membership] = field(default_factory=list)
    children: list[Unit] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(c.is_open for c in self.copies)

    @property
    def copy_count(self) -> int:
        return len(self.copies)

    @property
    def report_count(self) -> int:
        return len(self.reports)

    @property
    def usernames(self) -> list[str]:
        return [m.user.username for m in self.accounts]

    @property
    def child_ids(self) -> list[int]:
        return [u.pk for u in self.children]

    @property
    def per_directive(self) -> list[tuple[Directive, int, int]]:
        """(directive, tasks open, tasks done) of what the unit receives."""
        counts: dict[Directive, list[int]] = defaultdict(lambda: [0, 0])
        for copy in self.copies:
            counts[copy.originals[0].task.section.directive][0 if copy.is_open else 1] += 1
        return [(d, open_, done) for d, (open_, done) in counts.items()]


@dataclass
class Preview:
    plan: Plan
    problems: list[str]
    outcomes: list[Outcome]
    ended: list[Assignment]  # open work no new unit takes
    groups: list[UnitGroup]
    deactivated: list  # accounts that stop (plan.accounts == "deactivate")
    orphans: list[Unit]  # units below a dissolved unit, placed under its parent
    tasks: list = field(default_factory=list)  # the open tasks of the units that close

    def division(self) -> list[tuple]:
        """(task, [(each new unit's name, whether it takes the task)]): a split's table of
        who takes what."""
        return [
            (task, [(r.name, r.takes is None or task.pk in r.takes) for r in self.plan.results])
            for task in self.tasks
        ]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def ended_count(self) -> int:
        return len(self.ended)

    @property
    def group_ids(self) -> list[int]:
        return [g.pk for g in self.groups]


def _problems(plan: Plan) -> list[str]:
    problems = []
    if not plan.basis.strip():
        problems.append(_("Cần ghi căn cứ (số, ký hiệu văn bản quyết định)."))
    if plan.basis_date and plan.effective and plan.basis_date > plan.effective:
        problems.append(_("Ngày có hiệu lực không thể trước ngày ban hành văn bản."))
    if len({u.pk for u in plan.sources}) != len(plan.sources) or not plan.sources:
        problems.append(_("Mỗi đơn vị chỉ được chọn một lần."))
    for unit in plan.sources:
        if unit.valid_to is not None and unit.valid_to < plan.effective:
            problems.append(
                _("%(unit)s đã ngừng hoạt động từ %(day)s.")
                % {
                    "unit": unit.name,
                    "day": (unit.valid_to + datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
                }
            )
        if unit.valid_from is not None and unit.valid_from >= plan.effective:
            problems.append(
                _("%(unit)s bắt đầu hoạt động từ %(day)s, không trước ngày có hiệu lực.")
                % {"unit": unit.name, "day": unit.valid_from.strftime("%d/%m/%Y")}
            )
    # A new unit takes the place of those that close, and the units below them: placed
    # below one of them, it would be its own ancestor. (A move says so in its own words.)
    replaced = set()
    if plan.kind != Kind.MOVE and any(new.parent for new in plan.results):
        replaced = {pk for unit in plan.sources for pk in subtree_ids(unit)}
    for new in plan.results:
        if not new.name.strip():
            problems.append(_("Cần ghi tên đơn vị mới."))
        if new.kind not in Unit.Kind.values:
            problems.append(_("Loại đơn vị không hợp lệ."))
        if new.parent is not None and new.parent.pk in replaced:
            problems.append(
                _(
                    "%(unit)s không thể trực thuộc một đơn vị đang được sắp xếp hay đơn vị "
                    "cấp dưới của nó."
                )
                % {"unit": new.name}
            )
    if plan.kind == Kind.MERGE and len(plan.sources) < 2:
        problems.append(_("Hợp nhất cần ít nhất hai đơn vị."))
    if plan.kind == Kind.SPLIT and len(plan.results) < 2:
        problems.append(_("Chia tách cần ít nhất hai đơn vị mới."))
    if plan.kind == Kind.RENAME and plan.results and plan.results[0].name == plan.sources[0].name:
        problems.append(_("Tên mới trùng tên cũ."))
    if plan.kind == Kind.MOVE and plan.results:
        parent = plan.results[0].parent
        if parent is not None and parent.pk in subtree_ids(plan.sources[0]):
            problems.append(_("Không thể chuyển đơn vị vào dưới chính nó."))
        elif (parent and parent.pk) == plan.sources[0].parent_id:
            problems.append(_("Đơn vị đã trực thuộc đơn vị này."))
    if plan.kind == Kind.MERGE and not plan.results:
        problems.append(_("Cần chọn đơn vị nhận hoặc ghi tên đơn vị mới."))
    return problems


def _taker(plan: Plan, task_id: int) -> list[int]:
    """The new units (their index) that take a task."""
    return [i for i, r in enumerate(plan.results) if r.takes is None or task_id in r.takes]


def preview(plan: Plan) -> Preview:
    """What applying the plan would do, and what stops it (Preview.problems). Reads only;
    services.reorganisation_apply does what it says."""
    problems = _problems(plan)
    closing = [u.pk for u in plan.sources]
    outcomes = [Outcome(unit=new) for new in plan.results]
    originals = (
        Assignment.objects.filter(unit_id__in=closing)
        .select_related("task__section__directive", "unit")
        .order_by("task__section__directive_id", "task__section__order", "task__order", "pk")
    )
    ended = []
    copies: dict[tuple[int, int, int | None], Copy] = {}
    for assignment in originals:
        takers = _taker(plan, assignment.task_id)
        if not takers and assignment.done_on is None:
            ended.append(assignment)
        for index in takers:
            key = (index, assignment.task_id, assignment.parent_id)
            copy = copies.get(key)
            if copy is None:
                copy = copies[key] = Copy(
                    assignment.task_id, assignment.parent_id, assignment.role,
                    assignment.deadline, assignment.extended_to, assignment.done_on,
                )  # fmt: skip
                outcomes[index].copies.append(copy)
            else:
                _join(copy, assignment)
            copy.originals.append(assignment)
    # Reports filed for a period that starts on or after the act, and a declaration that
    # an open task is done, go with the work (to the first new unit that takes it).
    first_taker = {
        a.pk: (i, copy)
        for (i, _task, _parent), copy in sorted(
            copies.items(), key=lambda kv: kv[0][0], reverse=True
        )
        for a in copy.originals
    }
    moving = ProgressReport.objects.filter(assignment_id__in=list(first_taker)).filter(
        Q(period__start__gte=plan.effective)
        | Q(period__isnull=True, assignment__done_on__isnull=True)
    )
    for report in moving.select_related("period"):
        index, _copy = first_taker[report.assignment_id]
        outcomes[index].reports.append(report)
    staff = plan.staff_index
    memberships = list(
        Membership.objects.filter(unit_id__in=closing).select_related("user", "unit")
    )
    if plan.accounts == "move" and staff is not None:
        outcomes[staff].accounts = memberships
    deactivated = ended_accounts(plan)
    children = list(moving_children(plan).order_by("name"))
    orphans = []
    if staff is not None:
        outcomes[staff].children = children
    else:
        orphans = children
    groups = list(UnitGroup.objects.filter(members__in=closing).distinct().order_by("name"))
    tasks = {a.task_id: a.task for a in originals if a.done_on is None}
    return Preview(
        plan, problems, outcomes, ended, groups, deactivated, orphans, list(tasks.values())
    )


def _join(copy: Copy, assignment: Assignment) -> None:
    """Two closing units held the same task: the new unit holds it once, leading if
    either led, open if either had not done it, with the later of their dates."""
    if assignment.role == Role.LEAD:
        copy.role = Role.LEAD
    if copy.done_on is not None:
        copy.done_on = None if assignment.done_on is None else max(copy.done_on, assignment.done_on)
    copy.deadline = _later(copy.deadline, assignment.deadline)
    copy.extended_to = _later(copy.extended_to, assignment.extended_to)


def _later(a, b):
    return max(a, b) if a and b else a or b
