"""Running an export: asked for in a request (the text frozen at once, the work queued
after the transaction commits), run by a Celery task or the `export_summary` command.

An export is claimed before it runs, for LEASE: a task delivered twice finds it taken
(ExportBusy: the task retries after the lease) or made (nothing to do). A run whose worker
died is taken over once its lease has passed, and reuses the figures already frozen.
After MAX_ATTEMPTS runs it is marked failed, so a file that cannot be made is not tried
for ever.
"""

import datetime
import logging
import tempfile
import time
from collections.abc import Callable

from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ops.audit import audit
from ops.outbox import outbox_add
from units.models import fold

from ..models import Export, Summary
from .pdf import summary_pdf
from .snapshot import add_figures, draft_snapshot
from .word import summary_docx
from .workbook import summary_xlsx

log = logging.getLogger(__name__)

RENDERERS: dict[str, Callable] = {
    Export.Format.DOCX: summary_docx,
    Export.Format.XLSX: summary_xlsx,
    Export.Format.PDF: summary_pdf,
}
CONTENT_TYPES = {
    Export.Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Export.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Export.Format.PDF: "application/pdf",
}
FIGURES_SHARE = 0.45  # of the progress bar: reading the reports; the rest is rendering
TIME_LIMIT = 600  # seconds a run may take (the Celery task's hard limit)
LEASE = datetime.timedelta(seconds=TIME_LIMIT + 60)  # then a silent run is presumed dead
MAX_ATTEMPTS = 3


class ExportBusy(Exception):
    """Another run holds the export and its lease has not passed."""


def export_filename(export: Export) -> str:
    """An ASCII name: "bao-cao-136-cv-hu-thang-9-2021-thang-12-2021.docx"."""
    words = fold(f"bao cao {export.directive.number} {export.periods}").replace("/", " ")
    stem = slugify(words)
    return f"{stem[:120]}.{export.format}"


def _audit(export: Export, action: str, what: str) -> None:
    """The person the export is for is its actor, the worker's outcome included."""
    summary = _("%(what)s: %(format)s, văn bản %(number)s, %(periods)s") % {
        "what": what,
        "format": export.get_format_display(),
        "number": export.directive.number,
        "periods": export.periods,
    }
    audit(
        actor=export.created_by,
        action=action,
        obj=export,
        summary=summary,
        directive_id=export.directive_id,
    )


@transaction.atomic
def _new_export(summary: Summary, format: str, by) -> Export:
    snapshot = draft_snapshot(summary)
    export = Export.objects.create(
        directive=summary.directive,
        summary=summary if summary.pk else None,
        format=format,
        periods=snapshot["periods"],
        snapshot=snapshot,
        created_by=by,
    )
    _audit(export, "export.requested", _("Yêu cầu xuất báo cáo tổng hợp"))
    return export


def export_request(*, summary: Summary, format: str, by=None) -> Export:
    """Freeze the summary's text now; make the file in the background once committed
    (through the outbox: if the broker is down, as soon as it is back)."""
    from ..tasks import make_export  # the tasks module imports this one

    export = _new_export(summary, format, by)
    outbox_add(make_export, export.pk)
    return export


def export_now(*, summary: Summary, format: str, by=None) -> Export:
    """Export here and now, for the command line; `summary` need not be saved."""
    return export_run(_new_export(summary, format, by).pk)


class _Progress:
    """Writes the share done to the export's row, at most a few times a second."""

    def __init__(self, export_id: int):
        self.export_id = export_id
        self.shown = 0
        self.at = 0.0

    def __call__(self, fraction: float) -> None:
        percent = max(1, min(99, int(100 * fraction)))
        now = time.monotonic()
        if percent > self.shown and now - self.at >= 0.25:
            Export.objects.filter(pk=self.export_id).update(progress=percent)
            self.shown, self.at = percent, now

    def part(self, start: float, share: float) -> Callable[[float], None]:
        return lambda fraction: self(start + share * fraction)


def _claim(export_id: int) -> bool:
    """Take the export for this run: waiting, or held by a run silent for over LEASE."""
    now = timezone.now()
    waiting = Q(status=Export.Status.QUEUED)
    abandoned = Q(status=Export.Status.RUNNING, started_at__lt=now - LEASE)
    return bool(
        Export.objects.filter(waiting | abandoned, pk=export_id).update(
            status=Export.Status.RUNNING, started_at=now, attempts=F("attempts") + 1, error=""
        )
    )


@transaction.atomic
def _fail(export: Export, message: str) -> Export:
    export.status = Export.Status.FAILED
    export.error = message
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "error", "finished_at"])
    _audit(export, "export.failed", _("Không tạo được tệp xuất"))
    return export


def export_run(export_id: int) -> Export:
    """Make the export's file, unless it is made or failed already. A failure is recorded
    on the export with a message the secretary can read, and logged; it is not raised.
    Raises ExportBusy if another run holds it."""
    if not _claim(export_id):
        export = Export.objects.get(pk=export_id)
        if export.status == Export.Status.RUNNING:
            raise ExportBusy(export_id)
        return export
    export = Export.objects.select_related("directive", "created_by").get(pk=export_id)
    if export.attempts > MAX_ATTEMPTS:
        return _fail(export, _("Không tạo được tệp sau nhiều lần thử; hãy báo quản trị hệ thống."))
    progress = _Progress(export.pk)
    try:
        snapshot = export.snapshot
        if "annex" not in snapshot:
            add_figures(
                snapshot, directive=export.directive, progress=progress.part(0, FIGURES_SHARE)
            )
            Export.objects.filter(pk=export.pk).update(snapshot=snapshot)
        render = RENDERERS[export.format]
        with tempfile.TemporaryFile() as out:
            render(snapshot, out, progress=progress.part(FIGURES_SHARE, 1 - FIGURES_SHARE))
            out.seek(0)
            export.file.save(export_filename(export), File(out), save=False)
        export.size = export.file.size
        export.status = Export.Status.DONE
        export.progress = 100
        export.finished_at = timezone.now()
        with transaction.atomic():
            export.save(update_fields=["status", "progress", "file", "size", "finished_at"])
            _audit(export, "export.made", _("Đã tạo tệp xuất"))
    except Exception:  # a time limit included: SoftTimeLimitExceeded is an Exception
        log.exception("Export %s failed", export.pk)
        return _fail(
            export, _("Không tạo được tệp. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        )
    return export
