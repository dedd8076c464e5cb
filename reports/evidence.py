"""Evidence files on a report (minh chứng): what is accepted, and adding and removing them.

A file's type is read from its content, never from its name: the first bytes tell PDF,
JPEG and PNG apart (`filetype`), and a ZIP is a DOCX or an XLSX only if its package says
so ([Content_Types].xml names the main document part, and that part is there). So a
plain ZIP, a .docm or an .exe named "x.docx" is refused, and an XLSX named "x.docx" is
stored as the XLSX it is. Views check who may act (units.permissions); these functions
check what the report and the file allow.
"""

import logging
import unicodedata
import zipfile
from pathlib import PurePath
from xml.etree import ElementTree

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

# What the user is told, and the extension the stored copy gets (from the content).
LABELS = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", JPEG: "JPG", PNG: "PNG"}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", JPEG: ".jpg", PNG: ".png"}
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
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024  # real ones are a few kilobytes
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
    """DOCX or XLSX if the ZIP is that package, else None."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:
            names = {n.lower() for n in package.namelist()}
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX_BYTES:
                return None
            with package.open(info) as entry:
                declared = entry.read(_CONTENT_TYPES_MAX_BYTES + 1)
        root = ElementTree.fromstring(declared)
    # A damaged, encrypted or oddly compressed ZIP, or a bad XML declaration: not a
    # document we can vouch for.
    except (
        zipfile.BadZipFile,
        KeyError,
        RuntimeError,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
        ElementTree.ParseError,
    ):
        return None
    found = set()
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        kind = _OOXML_MAIN_PARTS.get(override.get("ContentType", ""))
        part = override.get("PartName", "").lstrip("/").lower()
        if kind and part in names:
            found.add(kind)
    for default in root.iter(f"{_CONTENT_TYPES_NS}Default"):
        kind = _OOXML_MAIN_PARTS.get(default.get("ContentType", ""))
        extension = "." + default.get("Extension", "").lower()
        if kind and any(n.endswith(extension) for n in names):
            found.add(kind)
    # Both a document and a workbook in one package is no file Word or Excel writes.
    return found.pop() if len(found) == 1 else None


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
        report=report, name=name, content_type=content_type, size=upload.size, uploaded_by=by
    )
    # The stored copy is named by what it is (models.evidence_path adds a random name).
    evidence.file.save(f"minh-chung{EXTENSIONS[content_type]}", upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
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
    logger.info(
        "Evidence %s (%s) removed from report %s by %s", evidence.pk, evidence.name, report.pk, by
    )
