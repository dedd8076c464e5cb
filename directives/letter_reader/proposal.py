"""The proposed directive: what the letter reader read, for a reviewer to correct."""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

JSON_KEYS = (
    "number",
    "doc_type",
    "date",
    "place",
    "issuer",
    "parent_issuer",
    "subject",
    "recipients",
    "based_on",
    "sections",
    "signer",
    "cc",
)

if TYPE_CHECKING:
    from .schedule import ScheduleGuess


@dataclass
class UnitRef:
    """A unit or unit group named in the letter, as printed."""

    name: str
    is_group: bool = False
    role: str = "lead"  # "lead" (chủ trì) or "support" (phối hợp)


@dataclass
class Task:
    text: str
    label: str = ""  # "a", "b", "-", "(i)", "4.1" … as printed
    subtasks: list[str] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)  # handed on with "Giao …"


@dataclass
class Section:
    number: str
    heading: str | None = None
    units: list[UnitRef] = field(default_factory=list)
    items: list[Task] = field(default_factory=list)  # counted as EXPECTED.md counts
    intro: list[str] = field(default_factory=list)  # text before the first item
    level: int = 1
    line: int | None = None  # where in the letter it starts (0-based, as split on "\n")

    @property
    def addressed(self) -> bool:
        return bool(self.units)

    @property
    def tasks(self) -> list[Task]:
        """A section addressed to nobody (mục đích, yêu cầu …) is context, not tasks."""
        return self.items if self.addressed else []


@dataclass
class Signer:
    name: str | None = None
    title: str | None = None
    authority: str | None = None  # "T/M BAN THƯỜNG VỤ", "KT. CHỦ TỊCH" …


@dataclass
class Proposal:
    number: str | None = None
    doc_type: str | None = None  # the type's name as printed: "Công văn", "Chỉ thị" …
    doc_type_code: str | None = None  # from the number: "CV", "CT" …
    date: datetime.date | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    subject: str | None = None
    recipients: list[str] = field(default_factory=list)
    based_on: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    signer: Signer = field(default_factory=Signer)
    cc: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    schedule: "ScheduleGuess | None" = None  # how often it asks for reports (schedule.py)
    lines: dict[str, int] = field(default_factory=dict)  # where each header field was read

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "doc_type": self.doc_type,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "issuer": self.issuer,
            "parent_issuer": self.parent_issuer,
            "subject": self.subject,
            "recipients": list(self.recipients),
            "based_on": list(self.based_on),
            "sections": [
                {
                    "number": s.number,
                    "heading": s.heading,
                    "units": [u.name for u in s.units],
                    "tasks": [t.text for t in s.tasks],
                }
                for s in self.sections
            ],
            "signer": {"name": self.signer.name, "title": self.signer.title},
            "cc": list(self.cc),
        }
