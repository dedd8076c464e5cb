"""The file a directive is read from (LetterFile): kept when the reviewer uploads it, with
the page images of a reading made by OCR and the facts of its digital signatures, carried
from the reading to the review by its id (as the letter's text is carried in the form),
and saved with the directive when the reading is (the page images, the review's alone,
then go). An upload never saved is removed a day later. Who may see it is the permission
module's to say ("letter_file.view", "letter_file.pages")."""

import datetime
import logging
import unicodedata
import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .letter_reader import FileReading
from .models import Directive, LetterFile

logger = logging.getLogger(__name__)

KEPT_UNSAVED = datetime.timedelta(days=1)


@transaction.atomic
def letter_file_keep(*, name: str, data: bytes, reading: FileReading, by) -> LetterFile:
    """Keep the uploaded file (and its page images) for the review; removes uploads
    never saved with a directive for a day."""
    letter_files_sweep()
    name = clean_name(name)
    letter_file = LetterFile(
        name=name,
        content_type=reading.content_type,
        size=len(data),
        read_by_ocr=reading.ocr,
        signatures=[facts.as_json() for facts in reading.signatures],
        uploaded_by=by,
    )
    storage = letter_file.file.storage
    stored: list[str] = []
    try:
        letter_file.file.save(name, ContentFile(data), save=False)
        stored.append(letter_file.file.name)
        folder = f"letters/pages/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
        for number, image in enumerate(reading.pages, start=1):
            stored.append(storage.save(f"{folder}-{number}.jpg", ContentFile(image)))
        letter_file.pages = stored[1:]
        letter_file.save()
    except Exception:
        for stored_name in stored:
            storage.delete(stored_name)
        raise
    return letter_file


def clean_name(name: str) -> str:
    """The user's file name as shown and offered on download: no folders, no control
    characters, composed Unicode, at most 255 characters with the extension kept."""
    name = unicodedata.normalize("NFC", PurePath((name or "").replace("\\", "/")).name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip() or "van-ban"
    suffix = PurePath(name).suffix[:20]
    return name if len(name) <= 255 else name[: 255 - len(suffix)] + suffix


@transaction.atomic
def letter_file_attach(*, letter_file: LetterFile, directive: Directive) -> LetterFile:
    """Save the file with the directive read from it (once: a file goes with one). The
    page images were for the review, and its reviewer, alone: they go, once committed."""
    letter_file = LetterFile.objects.select_for_update().get(pk=letter_file.pk)
    if letter_file.directive_id is not None:
        raise ValidationError(_("Tệp văn bản gốc này đã được lưu với một văn bản khác."))
    pages, storage = letter_file.pages, letter_file.file.storage
    letter_file.directive, letter_file.pages = directive, []
    letter_file.save(update_fields=["directive", "pages"])
    transaction.on_commit(lambda: _delete(storage, pages), robust=True)
    return letter_file


def _delete(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def letter_files_sweep() -> int:
    """Remove the uploads no directive was saved with, a day after they came; their
    stored files go once the removal is committed."""
    stale = LetterFile.objects.filter(
        directive__isnull=True, uploaded_at__lt=timezone.now() - KEPT_UNSAVED
    )
    doomed = list(stale.values_list("pk", "file", "pages"))
    if not doomed:
        return 0
    LetterFile.objects.filter(pk__in=[pk for pk, _file, _pages in doomed]).delete()
    storage = LetterFile._meta.get_field("file").storage
    names = [name for _pk, file, pages in doomed for name in [file, *pages] if name]
    transaction.on_commit(lambda: _delete(storage, names), robust=True)
    logger.info("Removed %s letter uploads never saved with a directive", len(doomed))
    return len(doomed)
