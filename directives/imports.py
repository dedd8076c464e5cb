"""Saving a letter read by the importer, as the reviewer corrected it, as a draft
directive: names of units are resolved to the units and groups already known, and what
is not known is created (a name in the plural, "Các …", as a group of units)."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from units.models import Unit, UnitGroup, fold

from .importer.addressees import directed
from .models import Addressee, Directive, Role, Section, Task

# A known unit is taken from this confidence on (a name that begins a unit's name, as
# "Ủy ban nhân dân huyện" begins "Ủy ban nhân dân huyện Tuy Phước"); below, a new one is
# made. The review page shows each match and its confidence before anything is saved.
MATCH_AT = 0.6

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


@dataclass
class SectionDraft:
    number: str
    heading: str
    intro: str = ""
    addressees: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)


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


def sections_of(proposal) -> list[SectionDraft]:
    """The importer's sections as the reviewer gets them to correct. A section addressed
    to nobody keeps its paragraphs as its intro (context, not tasks)."""
    drafts = []
    for section in proposal.sections:
        tasks = ["\n".join([task.text, *task.subtasks]) for task in section.tasks]
        context = [] if section.addressed else [task.text for task in section.items]
        intro = "\n\n".join([*section.intro, *context])
        heading = section.heading or intro.split("\n")[0][:200] or f"Mục {section.number}"
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
                number=section.number,
                heading=heading,
                intro="" if heading == intro else intro,
                addressees=lines,
                tasks=tasks,
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


def resolve(names: list[str]) -> list[Resolved]:
    """Each name's best match among the units and groups known, if good enough."""
    from .importer import match_units  # the importer reads letters; this saves them

    units = list(Unit.objects.values_list("pk", "name", "short_name"))
    groups = list(UnitGroup.objects.values_list("pk", "name"))
    resolved = []
    for name, match in zip(names, match_units(names, units=units, groups=groups), strict=True):
        found = Resolved(name)
        if match.unit_id is not None and match.confidence >= MATCH_AT:
            found.confidence = match.confidence
            if match.is_group:
                found.group = UnitGroup.objects.get(pk=match.unit_id)
            else:
                found.unit = Unit.objects.get(pk=match.unit_id)
        resolved.append(found)
    return resolved


def _unit(name: str, *, parent: Unit | None = None) -> Unit:
    [found] = resolve([name])
    if found.unit:
        return found.unit
    return Unit.objects.create(name=name, kind=guess_kind(name), parent=parent)


def _addressee(section: Section, found: Resolved, role: str) -> None:
    if found.is_new:
        if found.makes_group:
            found.group = UnitGroup.objects.create(name=found.name[:1].upper() + found.name[1:])
        else:
            found.unit = Unit.objects.create(name=found.name, kind=guess_kind(found.name))
    target = {"group": found.group} if found.group else {"unit": found.unit}
    Addressee.objects.get_or_create(section=section, **target, defaults={"role": role})


def proposal_import(proposal, *, letter: str = "") -> Directive:
    """Save the importer's proposal as it stands (the command line; what the page saves
    when the reviewer changes nothing)."""
    signer = proposal.signer
    return directive_import(
        number=proposal.number,
        doc_type=doc_type_of(proposal.doc_type or ""),
        issued_on=proposal.date,
        issuer=proposal.issuer,
        parent_issuer=proposal.parent_issuer or "",
        sections=sections_of(proposal),
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
    of Directive (place, subject, recipients, cc, signer_…, based_on, schedule …)."""
    if Directive.objects.filter(number=number).exists():
        raise ValueError(_("Đã có văn bản số %(number)s.") % {"number": number})
    parent = _unit(parent_issuer) if parent_issuer else None
    directive = Directive.objects.create(
        number=number,
        doc_type=doc_type,
        issued_on=issued_on,
        issuer=_unit(issuer, parent=parent),
        body=letter,
        status=Directive.Status.DRAFT,
        **facts,
    )
    for order, draft in enumerate(sections, start=1):
        section = Section.objects.create(
            directive=directive,
            number=draft.number,
            order=order,
            heading=draft.heading,
            intro=draft.intro,
        )
        Task.objects.bulk_create(
            Task(section=section, order=i, text=text) for i, text in enumerate(draft.tasks, start=1)
        )
        lines = [parse_addressee(line) for line in draft.addressees]
        names = [name for name, _role in lines]
        for found, (_name, role) in zip(resolve(names), lines, strict=True):
            _addressee(section, found, role)
    return directive
