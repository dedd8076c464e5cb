"""Saving a letter read by the letter reader, as the reviewer corrected it, as a draft
directive: names of units are resolved to the units and groups already known, and what
is not known is created (a name in the plural, "Các …", as a group of units)."""

import dataclasses
import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit, UnitGroup, fold
from workdays import calendar as workdays

from .deadlines import read_deadline
from .letter_reader import match_units
from .letter_reader.addressees import directed
from .models import Addressee, Directive, Role, Section, Task

# A known unit is taken from this confidence on (a name that begins a unit's name, as
# "Ủy ban nhân dân huyện" begins "Ủy ban nhân dân huyện Tuy Phước"); below, a new one is
# made. The review page shows each match and its confidence before anything is saved.
MATCH_AT = 0.6
NAME_LIMIT = 255  # Unit.name, UnitGroup.name
MAX_SECTIONS = 300  # a letter read into more is not a directive

# The first words of a name, folded, and the kind of unit they say.
KINDS = [
    (("dang bo", "chi bo", "to chuc co so dang", "dang uy"), Unit.Kind.GRASSROOTS_PARTY),
    (("huyen uy", "tinh uy", "thanh uy", "thi uy", "quan uy", "ban thuong vu"), None),
    (("ban ",), Unit.Kind.PARTY_BOARD),
    (("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "van phong hdnd"), Unit.Kind.GOVERNMENT),
    (("cong an", "ban chi huy quan su", "quan su", "bo chi huy"), Unit.Kind.POLICE),
    (("uy ban mat tran", "mat tran"), Unit.Kind.FRONT),
    (("hoi ", "huyen doan", "tinh doan", "doan ", "lien doan", "cac hoi"), Unit.Kind.MASS_ORG),
    (
        ("phong ", "trung tam", "so ", "bo ", "chi cuc", "cuc ", "vien ", "truong "),
        Unit.Kind.AGENCY,
    ),
]
PLURAL = re.compile(r"^(các|những)\s", re.IGNORECASE)
WORDS_LIMIT = Task._meta.get_field("deadline_words").max_length  # a deadline's words


@dataclass
class TaskDraft:
    """A task to save: its words, its kind and its deadline (as the reviewer set them, or
    as guessed from its words)."""

    text: str
    kind: str = Task.Kind.ONGOING
    deadline: datetime.date | None = None
    deadline_words: str = ""

    @property
    def kind_label(self) -> str:
        return Task.Kind(self.kind).label


@dataclass
class SectionDraft:
    number: str
    heading: str
    intro: str = ""
    addressees: list[str] = field(default_factory=list)
    tasks: list[TaskDraft | str] = field(default_factory=list)  # a text: kind and deadline guessed
    line: int | None = None  # where in the letter it was read (0-based)


@dataclass
class Resolved:
    """What a name in the letter stands for: a known unit or group, or a new one."""

    name: str
    unit: Unit | None = None
    group: UnitGroup | None = None
    confidence: float = 0.0

    @property
    def is_new(self) -> bool:
        return self.unit is None and self.group is None

    @property
    def makes_group(self) -> bool:
        return self.is_new and bool(PLURAL.match(self.name))


def subject_of(text: str) -> str:
    """The subject as the directive keeps it: "V/v tăng cường …" → "tăng cường …"."""
    return re.sub(r"^\s*V/v[.:]?\s+", "", " ".join((text or "").split()), flags=re.IGNORECASE)


def doc_type_of(name: str) -> str:
    """The Directive.DocType of a type's printed name ("Thông báo kết luận": thong_bao)."""
    folded = fold(name or "")
    for value, label in Directive.DocType.choices:
        if folded and folded.startswith(fold(str(label))):
            return value
    return Directive.DocType.OTHER


SUPPORT = re.compile(r"\s*\((?:phối hợp|phoi hop)\)\s*$", re.IGNORECASE)


def addressee_line(name: str, role: str) -> str:
    """How the review page writes an addressee: "Công an huyện (phối hợp)" for support."""
    return f"{name} (phối hợp)" if role == Role.SUPPORT else name


def parse_addressee(line: str) -> tuple[str, str]:
    """(name, role) from a line of the review page."""
    name = SUPPORT.sub("", line).strip()
    return name, Role.SUPPORT if name != line.strip() else Role.LEAD


def item_text(item) -> str:
    """A task of the reading as the directive keeps it: its words, then its sub-items."""
    return "\n".join([item.text, *item.subtasks])


def task_guess(text: str, *, issued_on: datetime.date, exceptions=None) -> TaskDraft:
    """The task with the kind and deadline its words give: a guess the reviewer sees, and
    corrects, before saving."""
    read = read_deadline(text, issued_on=issued_on, exceptions=exceptions)
    return TaskDraft(text, read.kind, read.date, read.words[:WORDS_LIMIT])


def task_checked(draft: TaskDraft, *, issued_on: datetime.date) -> TaskDraft:
    """The task as set, held to Task's own rules (Task.clean): an ongoing task keeps no
    date; one with a deadline has its date, read from its words when none is given.
    Raises ValidationError (by field: kind, deadline, deadline_words, text)."""
    task = Task(
        section=Section(directive=Directive(issued_on=issued_on)),
        text=draft.text,
        kind=draft.kind,
        deadline=draft.deadline,
        deadline_words=draft.deadline_words,
    )
    task.full_clean(exclude=["section", "order"], validate_unique=False, validate_constraints=False)
    return dataclasses.replace(draft, deadline=task.deadline)


def task_refused(section_number: str, order: int, refusal: ValidationError) -> str:
    """Why a task cannot be saved, naming it: "Nhiệm vụ 2.1: …"."""
    return _("Nhiệm vụ %(code)s: %(reason)s") % {
        "code": f"{section_number}.{order}",
        "reason": " ".join(refusal.messages),
    }


def sections_of(proposal, *, exceptions=None) -> list[SectionDraft]:
    """The letter reader's sections as the reviewer gets them to correct, each task with
    its guessed kind and deadline. A section addressed to nobody keeps its paragraphs as
    its intro (context, not tasks)."""
    issued_on = proposal.date or timezone.localdate()
    drafts = []
    for section in proposal.sections:
        tasks = [
            task_guess(item_text(task), issued_on=issued_on, exceptions=exceptions)
            for task in section.tasks
        ]
        context = [] if section.addressed else [task.text for task in section.items]
        intro = "\n\n".join([*section.intro, *context])
        heading = (
            section.heading
            or intro.split("\n")[0][:200]
            or _("Mục %(number)s") % {"number": section.number}
        )
        lines = [addressee_line(unit.name, unit.role) for unit in section.units]
        if section.addressed:  # "Chỉ đạo cơ quan chức năng: A, B …": A and B support it
            named = {fold(unit.name) for unit in section.units}
            lines += [
                addressee_line(name, Role.SUPPORT)
                for name in directed(" ".join(section.intro))
                if fold(name) not in named
            ]
        drafts.append(
            SectionDraft(
                number=section.number or "1",  # a letter with no numbered item: mục 1
                heading=heading,
                intro="" if heading == intro else intro,
                addressees=lines,
                tasks=tasks,
                line=section.line,
            )
        )
    return drafts


def guess_kind(name: str) -> str:
    """The kind of a unit from its name: "Đảng bộ xã …" a grassroots Party organisation,
    "Phòng …" an agency; a Party committee ("Huyện ủy …") for the committees."""
    folded = fold(name)
    for starts, kind in KINDS:
        if folded.startswith(starts):
            return kind or Unit.Kind.PARTY_COMMITTEE
    return Unit.Kind.OTHER


def _known_units():
    """The units one may give tasks to today (a closed unit is history) and the groups."""
    today = timezone.localdate()
    units = Unit.objects.active_between(today, today)
    return list(units.values_list("pk", "name", "short_name")), list(
        UnitGroup.objects.values_list("pk", "name")
    )


def resolve(names: list[str]) -> list[Resolved]:
    """Each name's best match among the units and groups known, if good enough."""
    units, groups = _known_units()
    matches = match_units(names, units=units, groups=groups)
    wanted = [m for m in matches if m.unit_id is not None and m.confidence >= MATCH_AT]
    found_units = Unit.objects.in_bulk([m.unit_id for m in wanted if not m.is_group])
    found_groups = UnitGroup.objects.in_bulk([m.unit_id for m in wanted if m.is_group])
    resolved = []
    for name, match in zip(names, matches, strict=True):
        found = Resolved(name)
        if match in wanted:
            found.confidence = match.confidence
            found.group = found_groups.get(match.unit_id) if match.is_group else None
            found.unit = None if match.is_group else found_units.get(match.unit_id)
        resolved.append(found)
    return resolved


class _Targets:
    """The units and groups of one import: each name resolved once, and a name not known
    made once, however many sections name it."""

    def __init__(self):
        self.seen: dict[str, Unit | UnitGroup] = {}

    def get(self, name: str, *, parent: Unit | None = None) -> Unit | UnitGroup:
        key = fold(name)
        if key not in self.seen:
            [found] = resolve([name])
            if found.is_new and found.makes_group:
                target = UnitGroup.objects.create(name=name[:1].upper() + name[1:])
            elif found.is_new:
                target = Unit.objects.create(name=name, kind=guess_kind(name), parent=parent)
            else:
                target = found.group or found.unit
            self.seen[key] = target
        return self.seen[key]


def _addressees(section: Section, lines: list[str], targets: _Targets) -> None:
    """The section's addressees; a unit named twice is a lead if either line says so."""
    roles: dict[Unit | UnitGroup, str] = {}
    for line in lines:
        name, role = parse_addressee(line)
        target = targets.get(name)
        if roles.get(target) != Role.LEAD:
            roles[target] = role
    Addressee.objects.bulk_create(
        Addressee(
            section=section,
            role=role,
            **({"group": target} if isinstance(target, UnitGroup) else {"unit": target}),
        )
        for target, role in roles.items()
    )


def _check(number: str, sections: list[SectionDraft]) -> None:
    """What the database would refuse, said first in words the reviewer can act on."""
    errors = []
    if Directive.objects.filter(number=number).exists():
        errors.append(_("Đã có văn bản số %(number)s.") % {"number": number})
    numbers = [draft.number for draft in sections]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        errors.append(_("Số mục bị trùng: %(numbers)s.") % {"numbers": ", ".join(twice)})
    long = [
        line
        for draft in sections
        for line in draft.addressees
        if len(parse_addressee(line)[0]) > NAME_LIMIT
    ]
    if long:
        errors.append(
            _("Tên đơn vị dài quá %(limit)s ký tự: %(name)s…")
            % {"limit": NAME_LIMIT, "name": long[0][:60]}
        )
    if any(len(draft.number) > 16 for draft in sections):
        errors.append(_("Số mục dài quá 16 ký tự."))
    if errors:
        raise ValidationError(errors)


def _task(section: Section, order: int, task: TaskDraft | str, exceptions) -> Task:
    """A task as the reviewer set it; given as a text, with the kind and deadline its
    words give."""
    issued_on = section.directive.issued_on
    if isinstance(task, str):
        task = task_guess(task, issued_on=issued_on, exceptions=exceptions)
    try:
        task = task_checked(task, issued_on=issued_on)
    except ValidationError as refusal:
        raise ValidationError(task_refused(section.number, order, refusal)) from refusal
    return Task(
        section=section,
        order=order,
        text=task.text,
        kind=task.kind,
        deadline=task.deadline,
        deadline_words=task.deadline_words,
    )


def proposal_import(proposal, *, letter: str = "") -> Directive:
    """Save the letter reader's proposal as it stands (the command line; what the page saves
    when the reviewer changes nothing)."""
    signer = proposal.signer
    return directive_import(
        number=proposal.number,
        doc_type=doc_type_of(proposal.doc_type or ""),
        issued_on=proposal.date,
        issuer=proposal.issuer,
        parent_issuer=proposal.parent_issuer or "",
        sections=sections_of(proposal, exceptions=workdays.exceptions()),
        letter=letter,
        place=proposal.place or "",
        subject=subject_of(proposal.subject),
        based_on="\n".join(proposal.based_on),
        recipients=list(proposal.recipients),
        cc=list(proposal.cc),
        signer_on_behalf=signer.authority or "",
        signer_title=signer.title or "",
        signer_name=signer.name or "",
    )


@transaction.atomic
def directive_import(
    *,
    number: str,
    doc_type: str,
    issued_on: datetime.date,
    issuer: str,
    parent_issuer: str = "",
    sections: list[SectionDraft],
    letter: str = "",
    **facts,
) -> Directive:
    """A draft directive from the corrected reading of a letter. `facts` are other fields
    of Directive (place, subject, recipients, cc, signer_…, based_on, schedule …).
    Raises ValidationError, with nothing saved, for what cannot be saved."""
    _check(number, sections)
    targets = _Targets()
    parent = targets.get(parent_issuer) if parent_issuer else None
    issuing = targets.get(issuer, parent=parent if isinstance(parent, Unit) else None)
    if isinstance(issuing, UnitGroup):
        raise ValidationError(_("Cơ quan ban hành phải là một đơn vị, không phải nhóm đơn vị."))
    directive = Directive(
        number=number,
        doc_type=doc_type,
        issued_on=issued_on,
        issuer=issuing,
        body=letter,
        status=Directive.Status.DRAFT,
        **facts,
    )
    directive.full_clean()
    exceptions = workdays.exceptions()
    try:
        with transaction.atomic():
            directive.save()
            for order, draft in enumerate(sections, start=1):
                section = Section.objects.create(
                    directive=directive,
                    number=draft.number,
                    order=order,
                    heading=draft.heading,
                    intro=draft.intro,
                )
                Task.objects.bulk_create(
                    _task(section, i, task, exceptions)
                    for i, task in enumerate(draft.tasks, start=1)
                )
                _addressees(section, draft.addressees, targets)
    except IntegrityError as clash:  # another reviewer saved the same number just now
        raise ValidationError(_("Đã có văn bản số %(number)s.") % {"number": number}) from clash
    return directive
