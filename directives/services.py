"""Rules for directives: entering them, publishing them, fanning tasks out to the units that
carry them out, and recording every later change to a published directive (DirectiveChange).

The editor's views call these functions and nothing else writes a directive's structure, so
a published directive's assignments always follow its addressees and tasks.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from ops.audit import audit
from units.signals import figures_stale

from .models import (
    Addressee,
    Assignment,
    Directive,
    DirectiveChange,
    Indicator,
    Role,
    Section,
    Task,
    reckonable_day,
)
from .signals import directive_published, schedule_changed

Pair = tuple[int, int]  # (task_id, unit_id): one assignment

# The directive's own facts whose changes are recorded once it is published.
HEADER_FIELDS = (
    "number",
    "doc_type",
    "issued_on",
    "place",
    "issuer_id",
    "issuing_authority",
    "signer_on_behalf",
    "signer_title",
    "signer_name",
    "subject",
    "based_on",
    "recipients",
    "cc",
    "body",
    "schedule",
    "reporting_starts_on",
    "reporting_ends_on",
    "lock_days",
    "topic",
    "reporters_hand_down",
)


def _wanted(directive: Directive) -> dict[Pair, str]:
    """Every (task, unit) the sections' addressees call for, with its role (lead wins)."""
    wanted: dict[Pair, str] = {}
    addressees = Addressee.objects.filter(section__directive=directive).select_related("group")
    for addressee in addressees.prefetch_related("group__members", "section__tasks"):
        unit_ids = (
            [addressee.unit_id]
            if addressee.unit_id
            else [unit.pk for unit in addressee.group.members.all()]
        )
        for task in addressee.section.tasks.all():
            for unit_id in unit_ids:
                key = (task.pk, unit_id)
                if wanted.get(key) != Role.LEAD:
                    wanted[key] = addressee.role
    return wanted


@transaction.atomic
def assignments_sync(*, directive: Directive, touched: Iterable[Pair] = ()) -> int:
    """Create the assignment of every task to every unit its section addresses.

    A group addresses each of its member units. A unit addressed both as lead and as
    support leads. Existing assignments are kept (reports hang on them); returns how many
    were created.

    `touched` names the assignments an edit may have changed (the units of an addressee
    just added or removed, for each task of its section). Of those, one no longer called
    for is deleted unless a unit has reported on it, and one whose role changed takes the
    new role. Assignments outside `touched` (made by hand in the admin) are left alone.
    """
    wanted = _wanted(directive)
    existing = {
        (task_id, unit_id): (pk, role)
        for pk, task_id, unit_id, role in Assignment.objects.filter(
            task__section__directive=directive
        ).values_list("pk", "task_id", "unit_id", "role")
    }
    new = [
        Assignment(task_id=task_id, unit_id=unit_id, role=role)
        for (task_id, unit_id), role in wanted.items()
        if (task_id, unit_id) not in existing
    ]
    Assignment.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent sync made it
    touched = set(touched) & existing.keys()
    gone = [pair for pair in touched if pair not in wanted]
    if gone:
        try:
            with transaction.atomic():
                stale = [existing[pair][0] for pair in gone]
                Assignment.objects.filter(pk__in=stale, reports__isnull=True).delete()
        except ProtectedError:  # a unit reported in the meantime: its assignment stays
            pass
    if new or gone:
        units = {a.unit_id for a in new} | {unit_id for _task, unit_id in gone}
        figures_stale.send(sender=Assignment, directive_id=directive.pk, unit_ids=list(units))
    for role in Role.values:
        moved = [
            existing[pair][0]
            for pair in touched
            if wanted.get(pair) == role and existing[pair][1] != role
        ]
        if moved:
            Assignment.objects.filter(pk__in=moved).update(role=role)
    return len(new)


def _delete(obj, refusal: str) -> None:
    """Delete, unless a report arrived since the check (reports are protected)."""
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as protected:
        raise ValidationError(refusal) from protected


def _lock(directive_id: int) -> None:
    """Hold the directive's row until the transaction ends: two reviewers changing one
    directive's structure take turns, so a check (no reports, a free number) still holds
    when the change is written. A closed directive's structure is history: refused."""
    status = Directive.objects.select_for_update().filter(pk=directive_id).values_list("status")
    if [row[0] for row in status] == [Directive.Status.CLOSED]:
        raise ValidationError(_("Văn bản đã kết thúc: không sửa cấu trúc, không ban hành lại."))


def _record(directive: Directive, by, what: str, action="directive.changed", **data) -> None:
    """A change to a published directive joins its history (and the audit log); a
    draft's do not."""
    if directive.is_published:
        change = DirectiveChange.objects.create(
            directive=directive, by=by, what=what[:500], data=data
        )
        audit(
            actor=by,
            action=action,
            obj=change,
            summary=f"{directive.number}: {what}",
            directive_id=directive.pk,
        )


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# The directive's facts ---------------------------------------------------------------


# The facts the reporting periods follow.
SCHEDULE_FIELDS = {"schedule", "issued_on", "reporting_starts_on", "reporting_ends_on", "lock_days"}


@transaction.atomic
def directive_save(*, directive: Directive, by) -> Directive:
    """Create the directive (a draft) or save its facts; a published one records what
    changed, field by field."""
    directive.full_clean()
    if directive.pk is None:
        directive.status = Directive.Status.DRAFT
        directive.save()
        return directive
    before = Directive.objects.filter(pk=directive.pk).values(*HEADER_FIELDS).get()
    directive.save()
    changed = {
        name: {"before": _json(before[name]), "after": _json(getattr(directive, name))}
        for name in HEADER_FIELDS
        if before[name] != getattr(directive, name)
    }
    if directive.is_published and changed.keys() & SCHEDULE_FIELDS:
        transaction.on_commit(lambda: schedule_changed.send(sender=Directive, directive=directive))
    if changed:
        labels = ", ".join(
            str(Directive._meta.get_field(name.removesuffix("_id")).verbose_name)
            for name in changed
        )
        _record(
            directive, by, _("Sửa thông tin văn bản: %(fields)s") % {"fields": labels}, **changed
        )
    return directive


def directive_problems(directive: Directive) -> list[str]:
    """What keeps the directive from being published, in words a reviewer acts on."""
    sections = list(
        directive.sections.prefetch_related("tasks", "addressees__group__members").order_by(
            "order", "pk"
        )
    )
    if not sections:
        return [_("Văn bản chưa có mục nào: thêm mục, nhiệm vụ và đơn vị được giao.")]
    problems = []
    if not any(section.tasks.all() for section in sections):
        problems.append(_("Văn bản chưa có nhiệm vụ nào."))
    for section in sections:
        if not section.tasks.all():
            continue  # a section of text only (mục đích, yêu cầu) addresses nobody
        addressees = section.addressees.all()
        if not addressees:
            problems.append(
                _("Mục %(number)s chưa giao cho đơn vị nào.") % {"number": section.number}
            )
        elif not any(a.unit_id or a.group.members.all() for a in addressees):
            problems.append(
                _("Mục %(number)s chỉ giao cho nhóm đơn vị chưa có thành viên.")
                % {"number": section.number}
            )
        problems += [
            _("Nhóm “%(group)s” (mục %(number)s) chưa có đơn vị thành viên.")
            % {"group": a.group.name, "number": section.number}
            for a in addressees
            if a.group_id and not a.group.members.all() and a.role == Role.LEAD
        ]
    return problems


@transaction.atomic
def directive_publish(
    *, directive: Directive, by=None, reporting_starts_on: datetime.date | None = None
) -> None:
    """Put the directive in force and give every task to its units; listeners (the
    reporting periods) follow after commit. Refused while a section's tasks would reach
    no unit. `reporting_starts_on`, when given, is the day the units start reporting
    from (the page asks it: an old letter would otherwise open every period since it was
    issued, each already overdue)."""
    _lock(directive.pk)  # refuses a closed directive
    problems = directive_problems(directive)
    if problems:
        raise ValidationError(problems)
    fields = ["status"]
    if reporting_starts_on is not None:
        _check_reporting_start(directive, reporting_starts_on)
        directive.reporting_starts_on = reporting_starts_on
        fields.append("reporting_starts_on")
    was_draft = not directive.is_published
    directive.status = Directive.Status.ACTIVE
    directive.save(update_fields=fields)
    assignments_sync(directive=directive)
    if was_draft:
        _record(directive, by, _("Ban hành văn bản"), action="directive.published")
    transaction.on_commit(lambda: directive_published.send(sender=Directive, directive=directive))


def _check_reporting_start(directive: Directive, starts: datetime.date) -> None:
    try:
        reckonable_day(starts)
    except ValidationError as refusal:
        raise ValidationError({"reporting_starts_on": refusal.messages}) from refusal
    if starts < directive.issued_on:
        raise ValidationError(
            {
                "reporting_starts_on": _(
                    "Ngày bắt đầu báo cáo không được trước ngày ban hành (%(day)s)."
                )
                % {"day": directive.issued_on.strftime("%d/%m/%Y")}
            }
        )
    if directive.reporting_ends_on and starts > directive.reporting_ends_on:
        raise ValidationError(
            {
                "reporting_starts_on": _(
                    "Ngày bắt đầu báo cáo phải trước ngày kết thúc báo cáo (%(day)s)."
                )
                % {"day": directive.reporting_ends_on.strftime("%d/%m/%Y")}
            }
        )


# Sections ----------------------------------------------------------------------------


def _section_facts(section: Section) -> dict:
    return {"number": section.number, "heading": section.heading, "intro": section.intro}


def _has_reports(**lookup) -> bool:
    return Assignment.objects.filter(**lookup, reports__isnull=False).exists()


@transaction.atomic
def section_save(*, section: Section, by) -> Section:
    """Add a section (at the end) or save one; its number is unique in the directive."""
    _lock(section.directive_id)
    directive = section.directive
    if (
        Section.objects.filter(directive=directive, number=section.number)
        .exclude(pk=section.pk)
        .exists()
    ):
        raise ValidationError(
            {"number": _("Văn bản đã có mục số %(number)s.") % {"number": section.number}}
        )
    section.full_clean(validate_constraints=False)
    if section.pk is None:
        last = directive.sections.aggregate(last=Max("order"))["last"] or 0
        section.order = last + 1
        section.save()
        _record(
            directive,
            by,
            _("Thêm mục %(number)s") % {"number": section.number},
            after=_section_facts(section),
        )
        return section
    before = _section_facts(Section.objects.get(pk=section.pk))
    section.save()
    after = _section_facts(section)
    if before != after:
        _record(
            directive,
            by,
            _("Sửa mục %(number)s") % {"number": section.number},
            before=before,
            after=after,
        )
    return section


@transaction.atomic
def section_delete(*, section: Section, by) -> None:
    """Delete a section with its tasks; refused once a unit has reported on one of them."""
    _lock(section.directive_id)
    if _has_reports(task__section=section):
        raise ValidationError(
            _("Không xóa được mục %(number)s: đơn vị đã báo cáo về nhiệm vụ của mục này.")
            % {"number": section.number}
        )
    directive = section.directive
    facts = _section_facts(section)
    facts["tasks"] = list(section.tasks.values_list("text", flat=True))
    _delete(section, _("Không xóa được mục: đơn vị vừa báo cáo."))
    figures_stale.send(sender=Section, directive_id=directive.pk, unit_ids=None)
    _record(directive, by, _("Xóa mục %(number)s") % {"number": section.number}, before=facts)


# Addressees --------------------------------------------------------------------------


def _addressee_name(addressee: Addressee) -> str:
    return addressee.unit.name if addressee.unit_id else addressee.group.name


def _pairs(addressee: Addressee) -> set[Pair]:
    """The assignments this addressee calls for."""
    unit_ids = (
        [addressee.unit_id]
        if addressee.unit_id
        else list(addressee.group.members.values_list("pk", flat=True))
    )
    task_ids = addressee.section.tasks.values_list("pk", flat=True)
    return {(task_id, unit_id) for task_id in task_ids for unit_id in unit_ids}


def _role_label(role: str) -> str:
    return str(Role(role).label).lower()


@transaction.atomic
def addressee_add(*, addressee: Addressee, by) -> Addressee:
    """Address the section to one more unit or group; a published directive's tasks go to
    it at once."""
    _lock(addressee.section.directive_id)
    section = addressee.section
    if (addressee.unit_id is None) == (addressee.group_id is None):
        raise ValidationError(_("Chọn một đơn vị hoặc một nhóm đơn vị (không chọn cả hai)."))
    same = section.addressees.filter(unit_id=addressee.unit_id, group_id=addressee.group_id)
    if same.exists():
        raise ValidationError(
            _("Mục %(number)s đã giao cho %(name)s. Để đổi vai trò, bỏ đơn vị đó rồi giao lại.")
            % {"number": section.number, "name": _addressee_name(addressee)}
        )
    addressee.full_clean(validate_constraints=False)
    addressee.save()
    directive = section.directive
    if directive.is_published:
        assignments_sync(directive=directive, touched=_pairs(addressee))
    _record(
        directive,
        by,
        _("Thêm đơn vị %(role)s %(name)s vào mục %(number)s")
        % {
            "role": _role_label(addressee.role),
            "name": _addressee_name(addressee),
            "number": section.number,
        },
        after={"unit": addressee.unit_id, "group": addressee.group_id, "role": addressee.role},
    )
    return addressee


@transaction.atomic
def addressee_remove(*, addressee: Addressee, by) -> None:
    """Stop addressing the section to a unit or group. A published directive's assignments
    that no other addressee calls for go, except those a unit has already reported on."""
    _lock(addressee.section.directive_id)
    section = addressee.section
    directive = section.directive
    pairs = _pairs(addressee) if directive.is_published else set()
    name = _addressee_name(addressee)
    facts = {"unit": addressee.unit_id, "group": addressee.group_id, "role": addressee.role}
    addressee.delete()
    what = _("Xóa đơn vị %(role)s %(name)s khỏi mục %(number)s") % {
        "role": _role_label(facts["role"]),
        "name": name,
        "number": section.number,
    }
    if pairs:
        assignments_sync(directive=directive, touched=pairs)
        wanted = _wanted(directive)
        remaining = Assignment.objects.filter(
            task__section=section, unit_id__in={unit_id for _task_id, unit_id in pairs}
        ).values_list("task_id", "unit_id", "unit__name")
        kept_names = sorted(
            {name for task_id, unit_id, name in remaining if (task_id, unit_id) not in wanted}
        )
        if kept_names:
            what += _(" (giữ phân công đã có báo cáo của: %(names)s)") % {
                "names": ", ".join(kept_names)
            }
    _record(directive, by, what, before=facts)


# Tasks -------------------------------------------------------------------------------


def _renumber(section: Section) -> list[Task]:
    """The section's tasks numbered 1, 2, 3 … in their current order."""
    tasks = list(section.tasks.order_by("order", "pk"))
    changed = []
    for position, task in enumerate(tasks, start=1):
        if task.order != position:
            task.order = position
            changed.append(task)
    Task.objects.bulk_update(changed, ["order"])
    return tasks


TASK_FIELDS = ("text", "kind", "deadline", "deadline_words")


def _task_facts(task: Task) -> dict:
    facts = {name: getattr(task, name) for name in TASK_FIELDS}
    facts["deadline"] = facts["deadline"].isoformat() if facts["deadline"] else None
    return facts


@transaction.atomic
def task_save(*, task: Task, by) -> Task:
    """Add a task at the end of its section, or save its text, kind and deadline. A new
    task of a published directive goes at once to the units its section addresses."""
    _lock(task.section.directive_id)
    section = task.section
    task.full_clean(exclude=["order"])
    if task.pk is None:
        task.order = len(_renumber(section)) + 1
        task.save()
        directive = section.directive
        if directive.is_published:
            assignments_sync(directive=directive)
        _record(
            directive,
            by,
            _("Thêm nhiệm vụ %(code)s") % {"code": task.code},
            after=_task_facts(task),
        )
        return task
    before = _task_facts(Task.objects.get(pk=task.pk))
    task.save()
    after = _task_facts(task)
    if before != after:
        changed = {name for name in TASK_FIELDS if before[name] != after[name]}
        _record(
            section.directive,
            by,
            _("Sửa nhiệm vụ %(code)s") % {"code": task.code},
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return task


@transaction.atomic
def task_move(*, task: Task, up: bool, by) -> bool:
    """Swap the task with the one above (or below) it in its section; False at the edge."""
    _lock(task.section.directive_id)
    section = task.section
    tasks = _renumber(section)
    index = next(i for i, t in enumerate(tasks) if t.pk == task.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(tasks):
        return False
    moved, other = tasks[index], tasks[other_index]
    moved.order, other.order = other.order, moved.order
    Task.objects.bulk_update([moved, other], ["order"])
    task.order = moved.order
    _record(
        section.directive,
        by,
        _("Chuyển nhiệm vụ %(old)s thành %(new)s") % {"old": other.code, "new": moved.code},
        before={"order": other.order},
        after={"order": moved.order},
    )
    return True


@transaction.atomic
def task_delete(*, task: Task, by) -> None:
    """Delete a task; refused once a unit has reported on it. The tasks after it move up."""
    _lock(task.section.directive_id)
    section = task.section
    code = task.code
    if _has_reports(task=task):
        raise ValidationError(
            _("Không xóa được nhiệm vụ %(code)s: đơn vị đã báo cáo về nhiệm vụ này.")
            % {"code": code}
        )
    text = task.text
    _delete(task, _("Không xóa được nhiệm vụ %(code)s: đơn vị vừa báo cáo.") % {"code": code})
    figures_stale.send(sender=Task, directive_id=section.directive_id, unit_ids=None)
    _renumber(section)
    _record(
        section.directive, by, _("Xóa nhiệm vụ %(code)s") % {"code": code}, before={"text": text}
    )


# Indicators --------------------------------------------------------------------------


def _indicator_facts(indicator: Indicator) -> dict:
    return {
        "name": indicator.name,
        "unit_of_measure": indicator.unit_of_measure,
        "aggregation": indicator.aggregation,
        "required": indicator.required,
    }


@transaction.atomic
def indicator_save(*, indicator: Indicator, by) -> Indicator:
    """Add an indicator at the end of the task's, or save one."""
    _lock(indicator.task.section.directive_id)
    task = indicator.task
    indicator.full_clean(exclude=["order"])
    directive = task.section.directive
    if indicator.pk is None:
        last = task.indicators.aggregate(last=Max("order"))["last"] or 0
        indicator.order = last + 1
        indicator.save()
        _record(
            directive,
            by,
            _("Thêm chỉ tiêu “%(name)s” vào nhiệm vụ %(code)s")
            % {"name": indicator.name, "code": task.code},
            after=_indicator_facts(indicator),
        )
        return indicator
    before = _indicator_facts(Indicator.objects.get(pk=indicator.pk))
    indicator.save()
    after = _indicator_facts(indicator)
    if before != after:
        _record(
            directive,
            by,
            _("Sửa chỉ tiêu “%(name)s” của nhiệm vụ %(code)s")
            % {"name": indicator.name, "code": task.code},
            before=before,
            after=after,
        )
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by) -> None:
    """Delete an indicator; refused once a report gives a figure for it."""
    _lock(indicator.task.section.directive_id)
    task = indicator.task
    if indicator.values.exists():
        raise ValidationError(
            _("Không xóa được chỉ tiêu “%(name)s”: đã có báo cáo nhập số liệu cho chỉ tiêu này.")
            % {"name": indicator.name}
        )
    facts = _indicator_facts(indicator)
    indicator.delete()
    _record(
        task.section.directive,
        by,
        _("Xóa chỉ tiêu “%(name)s” của nhiệm vụ %(code)s")
        % {"name": facts["name"], "code": task.code},
        before=facts,
    )
