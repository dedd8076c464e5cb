"""Evidence files on a report (minh chứng): what is accepted, and adding and removing them.

A file's type is read from its content, never from its name: the first bytes tell PDF,
JPEG and PNG apart (`filetype`), and a ZIP is a DOCX or an XLSX only if its package says
so the way Office reads it (_rels/.rels points to the main part, that part is there,
[Content_Types].xml gives it the Word or Excel main type, and it is a Word document or
an Excel workbook). So a plain ZIP, a .docm or an .exe named "x.docx" is refused, and an
XLSX named "x.docx" is stored, and offered for download, as the "x.xlsx" it is. Views
check who may act (units.permissions); these functions check what the report and the
file allow.
"""

import logging
import lzma
import re
import unicodedata
import zipfile
import zlib
from pathlib import PurePath
from urllib.parse import urlsplit
from xml.parsers import expat

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Evidence, ProgressReport

logger = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
PNG = "image/png"

# What the user is told, and the extension the stored copy and the name it is offered
# under get (from the content).
LABELS = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", JPEG: "JPG", PNG: "PNG"}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", JPEG: ".jpg", PNG: ".png"}
# Other spellings of the same extension a name may keep.
_SAME_EXTENSIONS = {JPEG: {".jpeg", ".jpe", ".jfif"}}
# For the file picker only (a hint to the browser); the content decides.
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"

MAX_FILES_PER_REPORT = 20
DEFAULT_MAX_MB = 20

# The main part of an Office Open XML package, by its content type. Macro-enabled
# (.docm, .xlsm) and template variants have other content types and are refused.
_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
# ... and the root element that part must have (transitional and strict OOXML).
_OOXML_MAIN_ROOTS = {
    DOCX: {
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document",
        "{http://purl.oclc.org/ooxml/wordprocessingml/main}document",
    },
    XLSX: {
        "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}workbook",
        "{http://purl.oclc.org/ooxml/spreadsheetml/main}workbook",
    },
}
# The package relationship (in _rels/.rels) naming the main part.
_OFFICE_DOCUMENT_RELATIONSHIPS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Zip-bomb guards. Real packages have tens to hundreds of entries, and their content
# types and relationships are a few kilobytes. Of the main part only the start is read
# (up to its root element), but a declared size past the limit is refused outright.
_ZIP_MAX_ENTRIES = 5000
_PACKAGE_XML_MAX_BYTES = 1024 * 1024
_MAIN_PART_MAX_BYTES = 16 * 1024 * 1024
_READ_CHUNK = 64 * 1024
_HEAD_BYTES = 8192  # what `filetype` reads
# A ZIP as `filetype` may name it: it peeks at the first entries only, so a DOCX whose
# parts come in another order reads as a plain ZIP, and a ZIP holding "word/x" as a DOCX.
_ZIP_KINDS = {
    "application/zip",
    DOCX,
    XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

UNNAMED = gettext_lazy("tệp không tên")


def max_bytes() -> int:
    return max_mb() * 1024 * 1024


def max_mb() -> int:
    return getattr(settings, "EVIDENCE_MAX_MB", DEFAULT_MAX_MB)


def clean_name(name: str | None) -> str:
    """The user's file name as shown and offered on download: no folders, no control
    characters, composed Unicode (macOS sends Vietnamese decomposed), at most 255
    characters with the extension kept."""
    name = unicodedata.normalize("NFC", PurePath((name or "").replace("\\", "/")).name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if not name:
        return str(UNNAMED)
    if len(name) > 255:
        suffix = PurePath(name).suffix[:20]
        name = name[: 255 - len(suffix)] + suffix
    return name


def named_as(name: str, content_type: str) -> str:
    """The file's name with the extension of what it is: "poly.html" holding a PDF is
    "poly.pdf", "so-lieu.docx" holding a workbook "so-lieu.xlsx"; an extension already
    right (in any case, "anh.JPEG" too) is kept, and a name with none gets one."""
    extension = EXTENSIONS.get(content_type)
    if extension is None:
        return name
    path = PurePath(name)
    suffix = path.suffix.lower()
    if suffix == extension or suffix in _SAME_EXTENSIONS.get(content_type, ()):
        return name
    # "bien-ban v1.2": ".2" is part of the name, not an extension to take away.
    stem = path.stem if re.fullmatch(r"\.[a-z0-9]*[a-z][a-z0-9]*", suffix) else name
    return stem[: 255 - len(extension)] + extension


def content_type_of(upload) -> str | None:
    """The file's type read from its content (one of LABELS), or None if it is not one
    we accept. Leaves the file positioned at its start."""
    try:
        upload.seek(0)
        head = upload.read(_HEAD_BYTES)
        kind = filetype.guess(bytes(head)) if head else None
        if kind is None:
            return None
        if kind.mime in (PDF, JPEG, PNG):
            return kind.mime
        if kind.mime == "image/apng":  # an animated PNG is still a PNG
            return PNG
        if kind.mime in _ZIP_KINDS:
            return _ooxml_type(upload)
        return None
    finally:
        upload.seek(0)


def _ooxml_type(upload) -> str | None:
    """DOCX or XLSX if the ZIP is that package, else None.

    The main part is found as Office finds it: the package relationship of type
    officeDocument (in _rels/.rels) names it, it must be in the ZIP, its content type
    (an Override for it, else the Default for its extension) must be a DOCX or XLSX main
    part, and it must be XML whose root element is a Word document or an Excel workbook.
    """
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:
            return _main_part_type(package)
    # A damaged, encrypted, oversize or oddly compressed ZIP, or XML that is bad or
    # brings a DTD: not a document we can vouch for.
    except (
        _NotOurs,
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        KeyError,
        RuntimeError,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
        expat.ExpatError,
    ):
        return None


class _NotOurs(Exception):
    """The package is not a DOCX or XLSX we vouch for."""


class _RootFound(Exception):
    """Stops reading a part once its root element is known."""


def _main_part_type(package: zipfile.ZipFile) -> str:
    infos = package.infolist()
    if len(infos) > _ZIP_MAX_ENTRIES:
        raise _NotOurs
    # Part names are compared without regard to case (as OPC says); two entries with
    # one name would let what is checked differ from what Office opens.
    parts = {}
    for info in infos:
        key = info.filename.lower()
        if key in parts:
            raise _NotOurs
        parts[key] = info

    part = _office_document_part(_xml_elements(package, parts, "_rels/.rels"))
    if part not in parts:
        raise _NotOurs
    content_type = _content_type_of_part(_xml_elements(package, parts, "[content_types].xml"), part)
    kind = _OOXML_MAIN_PARTS.get(content_type)
    if kind is None:
        raise _NotOurs
    root = _xml_elements(package, parts, part, max_bytes=_MAIN_PART_MAX_BYTES, root_only=True)
    if root[0][0] not in _OOXML_MAIN_ROOTS[kind]:
        raise _NotOurs
    return kind


def _office_document_part(relationships: list[tuple[str, dict]]) -> str:
    """The part the package's one officeDocument relationship points to, as a key of
    `parts` (no leading "/", lower case)."""
    (root, _attributes), *children = relationships
    if root != f"{_RELATIONSHIPS_NS}Relationships":
        raise _NotOurs
    targets = [
        attributes
        for tag, attributes in children
        if tag == f"{_RELATIONSHIPS_NS}Relationship"
        and attributes.get("Type") in _OFFICE_DOCUMENT_RELATIONSHIPS
    ]
    if len(targets) != 1 or targets[0].get("TargetMode", "Internal") != "Internal":
        raise _NotOurs
    # A package relationship's target is relative to the package root.
    target = urlsplit(targets[0].get("Target", ""))
    if target.scheme or target.netloc or target.query or target.fragment:
        raise _NotOurs
    return _part_key(target.path)


def _part_key(part_name: str) -> str:
    """A part name as a ZIP entry is named: no leading "/", no "." steps, lower case."""
    segments = [s for s in part_name.split("/") if s not in ("", ".")]
    if not segments or ".." in segments:
        raise _NotOurs
    return "/".join(segments).lower()


def _content_type_of_part(types: list[tuple[str, dict]], part: str) -> str:
    """The part's content type: its Override, else the Default for its extension."""
    (root, _attributes), *children = types
    if root != f"{_CONTENT_TYPES_NS}Types":
        raise _NotOurs
    overrides, defaults = {}, {}
    for tag, attributes in children:
        if tag == f"{_CONTENT_TYPES_NS}Override":
            key, found = _part_key(attributes.get("PartName", "")), overrides
        elif tag == f"{_CONTENT_TYPES_NS}Default":
            key, found = attributes.get("Extension", "").lower(), defaults
        else:
            continue
        content_type = attributes.get("ContentType", "")
        # One part or extension declared twice with two types: which one a reader takes
        # is anyone's guess.
        if found.setdefault(key, content_type) != content_type:
            raise _NotOurs
    if part in overrides:
        return overrides[part]
    name = part.rsplit("/", 1)[-1]
    return defaults.get(name.rsplit(".", 1)[-1], "") if "." in name else ""


def _xml_elements(
    package: zipfile.ZipFile,
    parts: dict,
    part: str,
    *,
    max_bytes: int = _PACKAGE_XML_MAX_BYTES,
    root_only: bool = False,
) -> list[tuple[str, dict]]:
    """The elements of an XML part in document order, as ("{namespace}name", attributes);
    with root_only, the root element alone (and no more of the part is read).

    Safe on hostile input: a DOCTYPE refuses the part, so no entity is ever declared,
    expanded or fetched; at most max_bytes are decompressed."""
    info = parts[part]
    if info.file_size > max_bytes:
        raise _NotOurs
    elements = []

    def start(name, attributes):
        namespace, _, local = name.rpartition("}")
        elements.append((f"{{{namespace}}}{local}" if namespace else local, attributes))
        if root_only:
            raise _RootFound

    def refuse(*args):
        raise _NotOurs

    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    read = 0
    try:
        with package.open(info) as entry:
            # The header's size may lie; count what is actually decompressed.
            while chunk := entry.read(_READ_CHUNK):
                read += len(chunk)
                if read > max_bytes:
                    raise _NotOurs
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _RootFound:
        pass
    if not elements:
        raise _NotOurs
    return elements


def entry_closed_reason(report: ProgressReport) -> str:
    """Why the unit may no longer change the report's files ("" while it may): the same
    lock date as for its text."""
    return services.entry_closed_reason(assignment=report.assignment, period=report.period)


def _check(report: ProgressReport, upload, name: str) -> str:
    """The content type to store, or a ValidationError naming the file and why."""
    if not report.is_editable:
        raise ValidationError(
            _(
                "Báo cáo đã gửi nên không đính kèm thêm tệp “%(name)s” được. "
                "Nếu cần bổ sung, đề nghị bộ phận theo dõi trả lại báo cáo."
            )
            % {"name": name},
            code="not_editable",
        )
    if reason := entry_closed_reason(report):
        raise ValidationError(
            _("Không đính kèm được tệp “%(name)s”. %(reason)s") % {"name": name, "reason": reason},
            code="locked",
        )
    if report.evidence.count() >= MAX_FILES_PER_REPORT:
        raise ValidationError(
            _("Báo cáo đã có %(count)d tệp minh chứng; không đính kèm thêm tệp “%(name)s” được.")
            % {"count": MAX_FILES_PER_REPORT, "name": name},
            code="too_many",
        )
    if not upload.size:
        raise ValidationError(_("Tệp “%(name)s” không có nội dung.") % {"name": name}, code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            _("Tệp “%(name)s” lớn hơn %(mb)d MB.") % {"name": name, "mb": max_mb()},
            code="too_big",
        )
    content_type = content_type_of(upload)
    if content_type is None:
        raise ValidationError(
            _("Tệp “%(name)s” không phải PDF, DOCX, XLSX, JPG hoặc PNG.") % {"name": name},
            code="wrong_type",
        )
    return content_type


@transaction.atomic
def evidence_add(*, report: ProgressReport, upload, by) -> Evidence:
    """Attach an uploaded file to a report the unit is still editing.

    The report row is locked, so a report sent meanwhile, or two uploads racing for the
    last place, are refused rather than let through.
    """
    name = clean_name(upload.name)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    content_type = _check(report, upload, name)
    services.report_start_revision(report=report, by=by)
    evidence = Evidence(
        report=report,
        name=named_as(name, content_type),
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    # The stored copy is named by what it is (models.evidence_path adds a random name).
    evidence.file.save(f"minh-chung{EXTENSIONS[content_type]}", upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    services.audit_slot(
        by=by,
        action="evidence.added",
        obj=evidence,
        what=_("Thêm tệp minh chứng (%(kind)s)") % {"kind": LABELS[content_type]},
        assignment=report.assignment_id,
        period=report.period_id,
        report=report.pk,
    )
    logger.info("Evidence %s (%s) added to report %s by %s", evidence.pk, name, report.pk, by)
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by) -> None:
    """Remove a file from a report the unit is still editing; the stored copy goes once
    the removal is committed."""
    report = ProgressReport.objects.select_for_update().get(pk=evidence.report_id)
    if not report.is_editable:
        raise ValidationError(
            _(
                "Báo cáo đã gửi nên không xóa được tệp “%(name)s”. "
                "Nếu cần sửa, đề nghị bộ phận theo dõi trả lại báo cáo."
            )
            % {"name": evidence.name},
            code="not_editable",
        )
    if reason := entry_closed_reason(report):
        raise ValidationError(
            _("Không xóa được tệp “%(name)s”. %(reason)s")
            % {"name": evidence.name, "reason": reason},
            code="locked",
        )
    services.report_start_revision(report=report, by=by)
    storage, stored_name = evidence.file.storage, evidence.file.name
    deleted, _rows = Evidence.objects.filter(pk=evidence.pk).delete()
    if deleted and stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name), robust=True)
    services.audit_slot(
        by=by,
        action="evidence.removed",
        obj=evidence,
        what=_("Xóa tệp minh chứng"),
        assignment=report.assignment_id,
        period=report.period_id,
        report=report.pk,
    )
    logger.info(
        "Evidence %s (%s) removed from report %s by %s", evidence.pk, evidence.name, report.pk, by
    )
