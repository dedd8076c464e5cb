"""Running an export: asked for in a request (the text frozen at once, the work queued
after the transaction commits), run by a Celery task or the `export_summary` command.

An export is claimed before it runs. The run holding it writes a heartbeat (`heartbeat_at`)
at its claim, with its progress, and from a thread of its own every HEARTBEAT_EVERY seconds
whatever it is doing; its lease lasts settings.EXPORT_LEASE_SECONDS after the last
heartbeat. A task delivered twice finds the export taken (ExportBusy, saying when the lease
will pass: the task retries then) or made (nothing to do). A run whose worker died falls
silent and is taken over once its lease has passed, reusing the figures already frozen;
were the silent run still alive (its database unreachable for that long, say), it finds the
export no longer its own at its next write and stops without touching it
(ExportTakenOver). After MAX_ATTEMPTS runs the export is marked failed, so a file that
cannot be made is not tried for ever.
"""

import datetime
import logging
import math
import tempfile
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ops.audit import audit
from ops.outbox import outbox_add
from units.models import fold

from . import frozen
from .models import Export, Summary
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
CHECK_EVERY = 1.0  # seconds: a run asks at least this often whether the export is its own
TIME_LIMIT = 600  # seconds a run may take (the Celery task's hard limit)
HEARTBEAT_EVERY = 10.0  # seconds (a third of the lease if shorter)
MAX_ATTEMPTS = 3


def lease() -> datetime.timedelta:
    """How long after its last heartbeat a silent run is presumed dead (read at each call,
    so that settings can change it)."""
    return datetime.timedelta(seconds=settings.EXPORT_LEASE_SECONDS)


class ExportBusy(Exception):
    """Another run holds the export and its lease has not passed; `wait` is how long until
    it does, if that run stays silent."""

    def __init__(self, export_id: int, wait: datetime.timedelta = datetime.timedelta(0)):
        super().__init__(export_id, wait)
        self.export_id = export_id
        self.wait = wait


class ExportCancelled(Exception):
    """Someone cancelled the export while this run made it: the run stops and keeps
    nothing it made."""


class ExportTakenOver(Exception):
    """Another run took the export over while this one was silent: this run stops and
    leaves it alone. The task must not count as done, so that if the run that took over
    dies too, the outbox sends the export again."""


def export_download(export: Export) -> FileResponse:
    """The made file as a download, for the web page and the API alike; Http404 with the
    reason when there is none (not made yet, failed, or lost by the storage)."""
    if export.status != Export.Status.DONE:
        raise Http404(_("Bản xuất chưa xong hoặc bị lỗi: chưa có tệp để tải."))
    try:
        made = export.file.open("rb")
    except OSError as missing:  # the storage lost it: say so, not a server error
        raise Http404(_("Không còn tệp của bản xuất này; hãy xuất lại.")) from missing
    return FileResponse(
        made,
        as_attachment=True,
        filename=export_filename(export),
        content_type=CONTENT_TYPES[export.format],
    )


def export_filename(export: Export) -> str:
    """An ASCII name: "bao-cao-136-cv-hu-thang-9-2021-thang-12-2021.docx"."""
    words = fold(f"bao cao {export.directive.number} {export.periods}").replace("/", " ")
    stem = slugify(words)
    return f"{stem[:120]}.{export.format}"


def _audit(export: Export, action: str, what: str, actor=None) -> None:
    """The person the export is for is its actor (the worker's outcome included), unless
    someone else acted on it."""
    summary = _("%(what)s: %(format)s, văn bản %(number)s, %(periods)s") % {
        "what": what,
        "format": export.get_format_display(),
        "number": export.directive.number,
        "periods": export.periods,
    }
    audit(
        actor=actor or export.created_by,
        action=action,
        obj=export,
        summary=summary,
        directive_id=export.directive_id,
    )


def export_allowed(summary: Summary) -> None:
    """A summary is exported signed: without the signer's title (chức vụ) its signature
    block would print an empty line. ValidationError (on `signer_title`) otherwise."""
    if not summary.signer_title.strip():
        raise ValidationError(
            {
                "signer_title": ValidationError(
                    _(
                        "Chưa có chức vụ người ký (ví dụ: PHÓ BÍ THƯ): điền ở mục “Nơi nhận "
                        "và chữ ký” rồi xuất lại."
                    ),
                    code="unsigned",
                )
            }
        )


@transaction.atomic
def _new_export(summary: Summary, format: str, by) -> Export:
    export_allowed(summary)
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
    (through the outbox: if the broker is down, as soon as it is back). Refused
    (ValidationError) as `export_allowed` says."""
    export = _new_export(summary, format, by)
    outbox_add("reports.tasks.make_export", export.pk)
    return export


def export_now(*, summary: Summary, format: str, by=None) -> Export:
    """Export here and now, for the command line; `summary` need not be saved. Refused
    (ValidationError) as `export_allowed` says."""
    return export_run(_new_export(summary, format, by).pk)


def _held(export: Export):
    """The export's row, as long as this run (its attempt) still holds it."""
    return Export.objects.filter(
        pk=export.pk, status=Export.Status.RUNNING, attempts=export.attempts
    )


def _lost(export: Export) -> Exception:
    """Why the export is no longer this run's: cancelled, or taken over by another run."""
    status = Export.objects.filter(pk=export.pk).values_list("status", flat=True).first()
    if status == Export.Status.CANCELLED:
        return ExportCancelled(export.pk)
    return ExportTakenOver(export.pk)


class _Progress:
    """Writes the share done to the export's row, with a heartbeat, at most a few times a
    second, and at least every CHECK_EVERY seconds it is called (so that a cancelled run
    stops within about a second). Raises ExportCancelled or ExportTakenOver once the
    export is no longer this run's."""

    def __init__(self, export: Export, clock: Callable[[], float] = time.monotonic):
        self.export = export
        self.clock = clock
        self.shown = 0
        self.at = -math.inf

    def __call__(self, fraction: float) -> None:
        percent = max(self.shown, 1, min(99, int(100 * fraction)))
        now = self.clock()
        moved = percent > self.shown and now - self.at >= 0.25
        if moved or now - self.at >= CHECK_EVERY:
            if not _held(self.export).update(progress=percent, heartbeat_at=timezone.now()):
                raise _lost(self.export)
            self.shown, self.at = percent, now

    def part(self, start: float, share: float) -> Callable[[float], None]:
        return lambda fraction: self(start + share * fraction)


class _Heartbeat(threading.Thread):
    """Writes the run's heartbeat every HEARTBEAT_EVERY seconds (a third of the lease if
    shorter), whatever step the run is in: a long save or upload between two progress
    reports must not pass for a dead worker. It stops with the run, or once the export is
    no longer the run's (the run finds out at its next write)."""

    def __init__(self, export: Export):
        super().__init__(name=f"export-{export.pk}-heartbeat", daemon=True)
        self.export = export
        self.every = min(HEARTBEAT_EVERY, lease().total_seconds() / 3)
        self.finished = threading.Event()

    def run(self) -> None:
        try:
            while not self.finished.wait(self.every):
                if not _held(self.export).update(heartbeat_at=timezone.now()):
                    return
        except DatabaseError:  # the run's own writes will tell what is wrong
            log.warning("Export %s: heartbeat stopped", self.export.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own

    def __enter__(self) -> "_Heartbeat":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.finished.set()
        self.join()


def _claim(export_id: int) -> bool:
    """Take the export for this run: waiting, or held by a run silent for over the lease
    (no heartbeat since; an export from before heartbeats: started that long ago)."""
    now = timezone.now()
    silent_since = now - lease()
    waiting = Q(status=Export.Status.QUEUED)
    abandoned = Q(status=Export.Status.RUNNING) & (
        Q(heartbeat_at__lt=silent_since)
        | Q(heartbeat_at__isnull=True, started_at__lt=silent_since)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )
    return bool(
        Export.objects.filter(waiting | abandoned, pk=export_id).update(
            status=Export.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
    )


def _busy(export: Export) -> ExportBusy:
    """The export is running elsewhere: how long until its lease passes if it stays silent."""
    last = export.heartbeat_at or export.started_at or timezone.now()
    wait = max(datetime.timedelta(0), last + lease() - timezone.now())
    return ExportBusy(export.pk, wait)


@transaction.atomic
def _fail(export: Export, message: str) -> Export:
    finished_at = timezone.now()
    if not _held(export).update(
        status=Export.Status.FAILED, error=message, finished_at=finished_at
    ):
        raise ExportTakenOver(export.pk)
    export.status = Export.Status.FAILED
    export.error = message
    export.finished_at = finished_at
    _audit(export, "export.failed", _("Không tạo được tệp xuất"))
    return export


def _forget_figures(export: Export) -> None:
    """A cancelled export keeps no figures: their file goes, and the row forgets it."""
    name = Export.objects.filter(pk=export.pk).values_list("figures", flat=True).first()
    if name:
        export.figures.storage.delete(name)
        Export.objects.filter(pk=export.pk).update(figures="")


@transaction.atomic
def export_cancel(*, export: Export, by) -> bool:
    """Cancel an export not finished: a queued one never starts; a running one's run stops
    at its next check (`_Progress`, within about a second) and keeps nothing. False if it
    had finished already (made, failed or cancelled): nothing changes then."""
    finished_at = timezone.now()
    cancelled = Export.objects.filter(
        pk=export.pk, status__in=(Export.Status.QUEUED, Export.Status.RUNNING)
    ).update(status=Export.Status.CANCELLED, finished_at=finished_at)
    if cancelled:
        export.status, export.finished_at = Export.Status.CANCELLED, finished_at
        _audit(export, "export.cancelled", _("Hủy xuất báo cáo tổng hợp"), actor=by)
    return bool(cancelled)


def export_run(export_id: int) -> Export:
    """Make the export's file, unless it is made or failed already. A failure is recorded
    on the export with a message the secretary can read, and logged; it is not raised.
    Raises ExportBusy if another run holds it."""
    if not _claim(export_id):
        export = Export.objects.get(pk=export_id)
        if export.status == Export.Status.RUNNING:
            raise _busy(export)
        return export
    export = Export.objects.select_related("directive", "created_by").get(pk=export_id)
    if export.attempts > MAX_ATTEMPTS:
        return _fail(export, _("Không tạo được tệp sau nhiều lần thử; hãy báo quản trị hệ thống."))
    progress = _Progress(export)
    with _Heartbeat(export):
        return _make(export, progress)


def _freeze(export: Export, snapshot: dict, progress: Callable[[float], None]) -> None:
    """Add the figures to the snapshot, their rows to a stream file kept beside it
    (`frozen`), and store both: from now on every run renders these."""
    with tempfile.TemporaryFile() as rows:
        add_figures(
            snapshot,
            directive=export.directive,
            progress=progress,
            format=export.format,
            keeper=frozen.Stream(rows),
        )
        rows.seek(0)
        export.figures.save(f"so-lieu-{export.pk}.jsonl.gz", File(rows), save=False)
    held = _held(export).update(
        snapshot=snapshot, figures=export.figures.name, heartbeat_at=timezone.now()
    )
    if not held:
        export.figures.delete(save=False)  # the run that took over keeps its own
        raise _lost(export)


def _make(export: Export, progress: _Progress) -> Export:
    """The run proper: figures (unless frozen by an earlier run), file, done."""
    try:
        if "annex" not in export.snapshot:
            _freeze(export, export.snapshot, progress.part(0, FIGURES_SHARE))
        snapshot = export.frozen()
        render = RENDERERS[export.format]
        with tempfile.TemporaryFile() as out:
            render(snapshot, out, progress=progress.part(FIGURES_SHARE, 1 - FIGURES_SHARE))
            out.seek(0)
            export.file.save(export_filename(export), File(out), save=False)
        export.size = export.file.size
        export.progress = 100
        export.finished_at = timezone.now()
        with transaction.atomic():
            made = _held(export).update(
                status=Export.Status.DONE,
                progress=100,
                file=export.file.name,
                size=export.size,
                finished_at=export.finished_at,
                heartbeat_at=export.finished_at,
            )
            if not made:
                export.file.delete(save=False)  # the run that took over makes its own
                raise _lost(export)
            export.status = Export.Status.DONE
            _audit(export, "export.made", _("Đã tạo tệp xuất"))
    except ExportCancelled:
        log.info("Export %s was cancelled; its run stops", export.pk)
        _forget_figures(export)
        export.refresh_from_db()
        return export
    except ExportTakenOver:
        log.warning("Export %s was taken over by another run; this one stops", export.pk)
        raise
    except Exception:  # a time limit included: SoftTimeLimitExceeded is an Exception
        log.exception("Export %s failed", export.pk)
        return _fail(
            export, _("Không tạo được tệp. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        )
    return export
