"""Read a directive letter (pasted text, .md, .txt, .docx, PDF, or a scan or photo of it
read by OCR) into a proposal a reviewer corrects before saving: header, sections with
their units and tasks, footer.

    read_text(text) -> Proposal            never raises
    read_upload(name, data) -> Proposal    raises LetterError for a file it cannot read
    read_file(name, data) -> FileReading   the file's text, its pages read by OCR and
                                           its signatures; raises LetterError
    match_units(names, units, groups=()) -> list[UnitMatch]
"""

import logging

from django.utils.translation import gettext as _

from units.text import clean_text

from .body import read_body, section_start
from .files import (
    ACCEPT,
    MAX_BYTES,
    FileReading,
    LetterError,
    max_bytes_for,
    read_file,
    read_upload,
)
from .footer import footer_start, read_footer
from .header import based_on, read_header
from .matching import UnitMatch, match_units
from .proposal import Proposal, Section, Signer, Task, UnitRef
from .schedule import reporting_schedule
from .text import blocks, cut_tvpl, layout, normalize, strip_markdown

__all__ = [
    "ACCEPT",
    "MAX_BYTES",
    "FileReading",
    "LetterError",
    "Proposal",
    "Section",
    "Signer",
    "Task",
    "UnitMatch",
    "UnitRef",
    "match_units",
    "max_bytes_for",
    "read_file",
    "read_text",
    "read_upload",
]

logger = logging.getLogger(__name__)


def read_text(text: str) -> Proposal:
    """The proposed directive read from the letter's text. Never raises: what could not be
    read is left empty and said in `warnings`."""
    proposal = Proposal()
    try:
        _read(clean_text(str(text)), proposal)
    except Exception:  # a reader of arbitrary text must not fail the page
        logger.exception("importer: unexpected failure")
        proposal.warnings.append(_("Không đọc hết được văn bản; hãy kiểm tra và bổ sung bằng tay."))
    return proposal


def _read(text: str, p: Proposal) -> None:
    lines, meta, offset = cut_tvpl(normalize(text).split("\n"))
    if not any(line.strip() for line in lines):
        p.warnings.append(_("Văn bản trống."))
        return
    clean = [strip_markdown(line) for line in lines]
    first = next((i for i, c in enumerate(clean) if section_start(c)), None)
    foot = footer_start(clean, first if first is not None else len(clean) // 2)
    if first is not None and first >= foot:
        first = None
    header = read_header(lines, first if first is not None else foot, meta)
    for name in (
        "number",
        "doc_type",
        "doc_type_code",
        "date",
        "place",
        "issuer",
        "parent_issuer",
        "subject",
        "recipients",
    ):
        setattr(p, name, getattr(header, name))
    p.lines = {name: line + offset for name, line in header.lines.items()}
    start = min(header.end, foot)
    mode = layout(lines[start:foot])
    p.preamble, p.sections, p.closing = read_body(blocks(lines[start:foot], start, mode), mode)
    for section in p.sections:
        section.line = section.line + offset if section.line is not None else None
    p.based_on = based_on(p.preamble)
    body = [*p.preamble]
    for section in p.sections:
        body += [*section.intro, *(task.text for task in section.items)]
    p.schedule = reporting_schedule(p.closing, body)
    p.cc, p.signer = read_footer(lines[foot:])
    if not p.signer.name and meta.get("signer"):
        p.signer.name = meta["signer"]
    _warn(p)


def _warn(p: Proposal) -> None:
    missing = [
        (p.number, _("Không tìm thấy số và ký hiệu văn bản.")),
        (p.date, _("Không tìm thấy ngày ban hành.")),
        (p.issuer, _("Không tìm thấy cơ quan ban hành.")),
        (p.subject, _("Không tìm thấy trích yếu.")),
        (p.sections, _("Không tìm thấy mục nào được đánh số (1., 2. …; I., II. …).")),
        (p.signer.name, _("Không tìm thấy người ký.")),
    ]
    p.warnings += [message for value, message in missing if not value]
    for s in p.sections:
        if s.addressed and not s.items:
            p.warnings.append(
                _("Mục %(number)s nêu đơn vị nhưng không tìm thấy nhiệm vụ.") % {"number": s.number}
            )
