"""Scans and photos of a letter read by OCR: Tesseract with its Vietnamese model
(`tesseract -l vie`, Debian's tesseract-ocr and tesseract-ocr-vie), its words with their
places on the page (TSV) made into lines for `page_text`, which finds the two columns of
the header as it does in a PDF's text layer. Each page also gives a small JPEG to show
beside the reading. Images are checked before they are decoded: a JPG or PNG by its
content, at most MAX_PIXELS (no decompression bomb)."""

import io
import logging
import os
import statistics
import subprocess
import time
import warnings
from itertools import groupby

from django.utils.translation import gettext as _

from .files import LetterError
from .page_text import Line

logger = logging.getLogger(__name__)

TESSERACT = "tesseract"  # found on PATH
LANGUAGE = "vie"
MAX_PAGES = 10
MAX_PIXELS = 40_000_000  # an A4 page scanned at 600 dpi is 35 million
DPI = 200  # a PDF's page is drawn at this resolution for OCR
# A larger image is scaled down to this longest side (A4 at 300 dpi) before OCR.
OCR_SIDE = 3508
PREVIEW_WIDTH = 1100
# Seconds all of a file's pages may take: the page must come back before the web
# server's own timeout (gunicorn's 60 s).
BUDGET = 45
# What Tesseract often reads a line's leading dash as.
MISREAD_DASHES = {'"', "“", "”", "_", "~", "•", "·", "—", "–"}
# Words further apart than this many times their height are in two columns.
WORD_GAP = 1.5


def bad_image() -> LetterError:
    return LetterError(_("Tệp ảnh bị hỏng hoặc không phải ảnh JPG, PNG."))


def too_many_pages(pages: int) -> LetterError:
    return LetterError(
        _(
            "Bản quét có %(pages)s trang: chỉ nhận dạng chữ được tối đa %(max)s trang. "
            "Hãy tách tệp, hoặc tải lên bản PDF có chữ."
        )
        % {"pages": pages, "max": MAX_PAGES}
    )


def open_image(data: bytes):
    """The uploaded JPG or PNG, upright and greyscale, with its resolution (None when the
    file does not say)."""
    from PIL import Image, ImageOps

    too_large = LetterError(
        _("Ảnh quá lớn: chỉ đọc ảnh tối đa 40 triệu điểm ảnh (một trang A4 quét ở 600 dpi).")
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ("JPEG", "PNG"):
                raise bad_image()
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise too_large
            # WeasyPrint lets Pillow load cut images (ImageFile.LOAD_TRUNCATED_IMAGES) for
            # the whole process: a PNG's chunks are checked whole first.
            image.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
            dpi = image.info.get("dpi")
            image = ImageOps.exif_transpose(image).convert("L")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except LetterError:
        raise
    except Exception as error:  # Pillow's UnidentifiedImageError, OSError on a cut file …
        raise bad_image() from error
    resolution = round(float(dpi[0])) if dpi and dpi[0] else None
    return image, (resolution if resolution and 50 <= resolution <= 1200 else None)


def content_type(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def deadline() -> float:
    """When the OCR of a file starting now must be done (time.monotonic)."""
    return time.monotonic() + BUDGET


def ocr_lines(image, dpi: float | None, until: float | None = None) -> list[Line]:
    """The lines Tesseract reads on the page, in points from its top left corner; a
    LetterError if they are not read by `until` (time.monotonic)."""
    if max(image.size) > OCR_SIDE:
        ratio = OCR_SIDE / max(image.size)
        image = image.resize((round(image.width * ratio), round(image.height * ratio)))
        dpi = dpi * ratio if dpi else None
    left = (until or deadline()) - time.monotonic()
    return _lines(_tesseract(image, dpi, left), 72 / (dpi or 300))


def too_slow() -> LetterError:
    return LetterError(
        _("Nhận dạng chữ quá lâu: hãy tải lên ảnh rõ hơn, ít trang hơn, hoặc dán toàn văn.")
    )


def _tesseract(image, dpi: float | None, timeout: float) -> str:
    if timeout <= 0:
        raise too_slow()
    png = io.BytesIO()
    image.save(png, "PNG")
    command = [TESSERACT, "stdin", "stdout", "-l", LANGUAGE]
    if dpi:
        command += ["--dpi", str(round(dpi))]
    # One thread a page: OpenMP's threads on a small machine only fight each other.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [*command, "tsv"],
            input=png.getvalue(),
            capture_output=True,
            timeout=timeout,
            env=environment,
            check=False,
        )
    except (FileNotFoundError, PermissionError) as error:
        logger.error("importer: Tesseract not found (%s)", TESSERACT)
        raise not_installed() from error
    except subprocess.TimeoutExpired as error:
        raise too_slow() from error
    if done.returncode:
        message = done.stderr.decode(errors="replace")[-500:]
        logger.error("importer: Tesseract failed: %s", message)
        if "language" in message.lower():
            raise not_installed()
        raise LetterError(_("Không nhận dạng được chữ trong tệp: hãy dán toàn văn."))
    return done.stdout.decode("utf-8", errors="replace")


def not_installed() -> LetterError:
    return LetterError(
        _(
            "Máy chủ chưa cài phần mềm nhận dạng chữ (Tesseract) nên chưa đọc được bản quét, "
            "ảnh. Hãy tải lên tệp .docx, .pdf có chữ hoặc dán toàn văn."
        )
    )


def _lines(tsv: str, points: float) -> list[Line]:
    """Tesseract's words, line by line, each line cut where its words stand a column's
    width apart (Tesseract reads a header's two columns as one line)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        key = tuple(int(c) for c in cols[1:5])
        words.append(
            (key, left, top, left + width, top + height, cols[11].strip(), float(cols[10]))
        )
    if not words:
        return []
    usual = statistics.median(word[4] - word[2] for word in words)
    words = [
        word
        for word in words
        # A speck, a stroke of the signature or the seal: unsure, and no letter or tiny.
        if word[6] >= 30 or (any(c.isalnum() for c in word[5]) and word[4] - word[2] > usual / 2)
    ]
    lines = []
    for _key, group in groupby(words, key=lambda word: word[0]):
        line = sorted(group, key=lambda word: word[1])
        height = statistics.median(word[4] - word[2] for word in line)
        piece = [line[0]]
        for word in line[1:]:
            if word[1] - piece[-1][3] > WORD_GAP * height:
                lines.append(_line(piece, height, points))
                piece = []
            piece.append(word)
        lines.append(_line(piece, height, points))
    return lines


def _line(words: list, height: float, points: float) -> Line:
    text = " ".join(w[5] for w in words)
    if len(words) > 1 and words[0][5] in MISREAD_DASHES:
        text = "- " + text.split(" ", 1)[1]
    return Line(
        x0=min(w[1] for w in words) * points,
        top=min(w[2] for w in words) * points,
        x1=max(w[3] for w in words) * points,
        bottom=max(w[4] for w in words) * points,
        parts=[(text, False)],
        size=height * points,
    )


def preview(image) -> bytes:
    """The page as a JPEG small enough to show beside the reading."""
    if image.width > PREVIEW_WIDTH:
        ratio = PREVIEW_WIDTH / image.width
        image = image.resize((PREVIEW_WIDTH, round(image.height * ratio)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, optimize=True)
    return out.getvalue()
