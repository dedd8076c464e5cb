"""Uploaded files kept by the app (a directive's letter, a report's evidence): where they
are stored, and how one is sent back, always through a view that has asked the permission
module first."""

import uuid
from pathlib import PurePath

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control


def unguessable_name(folder: str, filename: str) -> str:
    """Where an uploaded file is stored: a name nobody can guess or collide with, keeping
    only its extension (the user's file name is kept in the model's `name`)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def download(stored, *, filename: str, content_type: str) -> FileResponse:
    """The stored file (a FieldFile) as a download under `filename`: never rendered by
    the browser, never kept by a shared cache; a 404 when the row outlived its copy."""
    try:
        handle = stored.storage.open(stored.name, "rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_cache=True)
    return response
