"""Scans and photos read by OCR (Tesseract, its Vietnamese model): a PDF whose pages have
no text, a PNG, a JPG. Their pages are shown beside the reading to the reviewer who
uploaded them, and to nobody else; once the reading is saved they go. Bad images (broken, not
an image, a decompression bomb, blank) and long scans are refused in Vietnamese.

Tesseract is a system tool: without it these tests are skipped, except where
DONDOC_REQUIRE_OCR=1 (CI), which fails them instead."""

import io
import os
import shutil
import struct
import subprocess
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from directives.letter_files import letter_file_keep
from directives.letter_reader import LetterError, read_text
from directives.letter_reader.files import FileReading, read_file
from directives.models import Directive, LetterFile

from ...conftest import login
from .test_pdf import NUMBER, assert_the_letter, letter_image, letter_pdf, scanned_pdf

pytestmark = pytest.mark.django_db


def need_tesseract() -> None:
    """Skip the test without Tesseract and its Vietnamese model; fail it under CI."""
    tesseract = shutil.which("tesseract")
    languages = ""
    if tesseract:
        listed = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, check=False
        )
        languages = listed.stdout
    if "vie" in languages.split():
        return
    reason = (
        "Không có Tesseract với mô hình tiếng Việt "
        "(apt-get install tesseract-ocr tesseract-ocr-vie): bỏ qua."
    )
    if os.environ.get("DONDOC_REQUIRE_OCR", "") not in ("", "0"):
        pytest.fail(f"{reason} (DONDOC_REQUIRE_OCR=1)")
    pytest.skip(reason)


@pytest.fixture
def tesseract():
    need_tesseract()


# Read by OCR -----------------------------------------------------------------------------


def test_a_scanned_pdf_is_read_by_ocr_with_its_page_as_an_image(tesseract):
    reading = read_file("quet.pdf", scanned_pdf())

    assert reading.ocr
    assert_the_letter(read_text(reading.text), exact=False)
    assert len(reading.pages) == 1
    assert Image.open(io.BytesIO(reading.pages[0])).format == "JPEG"


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_photo_of_the_letter_is_read_by_ocr(kind, tesseract):
    reading = read_file(f"anh.{kind.lower()}", letter_image(kind))

    assert reading.ocr and len(reading.pages) == 1
    assert reading.content_type == f"image/{kind.lower()}"
    assert_the_letter(read_text(reading.text), exact=False)


def test_the_content_decides_not_the_name(tesseract):
    """A JPG saved as .png is read as the JPG it is."""
    reading = read_file("anh.png", letter_image("JPEG"))

    assert reading.content_type == "image/jpeg"
    assert read_text(reading.text).number == NUMBER


def test_a_scan_with_no_text_is_refused_clearly(tesseract):
    blank = io.BytesIO()
    Image.new("L", (1654, 2339), 255).save(blank, "PDF", resolution=200)

    with pytest.raises(LetterError) as caught:
        read_file("trang.pdf", blank.getvalue())

    assert str(caught.value) == (
        "Không đọc được chữ nào trong tệp: bản quét, ảnh trắng hoặc quá mờ. "
        "Hãy quét lại rõ hơn hoặc dán toàn văn."
    )


def test_without_tesseract_a_scan_is_refused_clearly(monkeypatch):
    from directives.letter_reader import ocr

    monkeypatch.setattr(ocr, "TESSERACT", "/khong-co/tesseract")

    with pytest.raises(LetterError) as caught:
        read_file("anh.png", letter_image("PNG", dpi=100))

    assert str(caught.value) == (
        "Máy chủ chưa cài phần mềm nhận dạng chữ (Tesseract) nên chưa đọc được bản quét, "
        "ảnh. Hãy tải lên tệp .docx, .pdf có chữ hoặc dán toàn văn."
    )


# Refused before any OCR ---------------------------------------------------------------


def test_a_scan_of_too_many_pages_is_refused_clearly():
    page = Image.new("L", (200, 280), 255)
    out = io.BytesIO()
    page.save(out, "PDF", save_all=True, append_images=[page] * 10)

    with pytest.raises(LetterError) as caught:
        read_file("dai.pdf", out.getvalue())

    assert str(caught.value) == (
        "Bản quét có 11 trang: chỉ nhận dạng chữ được tối đa 10 trang. "
        "Hãy tách tệp, hoặc tải lên bản PDF có chữ."
    )


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it is width × height, with almost no pixels behind it: opening
    it costs nothing, decoding it would take gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("width", "height"), [(60_000, 60_000), (9_000, 9_000)])
def test_a_decompression_bomb_is_refused_clearly(width, height):
    with pytest.raises(LetterError) as caught:
        read_file("bom.png", _png_header_only(width, height))

    assert str(caught.value) == (
        "Ảnh quá lớn: chỉ đọc ảnh tối đa 40 triệu điểm ảnh (một trang A4 quét ở 600 dpi)."
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG....", id="broken-png"),
        pytest.param(b"\xff\xd8\xff\xe0 not really", id="broken-jpeg"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif-named-png"),
        pytest.param(b"", id="empty"),
        pytest.param(None, id="truncated"),
    ],
)
def test_an_image_that_is_not_one_is_refused_clearly(data):
    if data is None:
        whole = letter_image("PNG", dpi=100)
        data = whole[: len(whole) // 2]

    with pytest.raises(LetterError) as caught:
        read_file("anh.png", data)

    assert str(caught.value) == "Tệp ảnh bị hỏng hoặc không phải ảnh JPG, PNG."


# The page images, for the importer only ----------------------------------------------


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("L", (120, 170), 200).save(out, "JPEG")
    return out.getvalue()


def _kept(user) -> LetterFile:
    """An upload kept as the review page keeps it (no OCR needed to test who sees it)."""
    reading = FileReading(text="...", content_type="image/png", ocr=True, pages=[_jpeg(), _jpeg()])
    return letter_file_keep(name="anh.png", data=b"\x89PNG", reading=reading, by=user)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reporter_a", 404), ("reporter_b", 404), ("leader", 404), ("other_reviewer", 404)],
)
def test_a_page_image_is_seen_only_by_the_reviewer_who_uploaded_it(
    persona, status, reviewer, client_for, request
):
    if persona == "other_reviewer":
        from ...conftest import _member
        from ...factories import UnitFactory

        other = _member(UnitFactory(), "reviewer", "chuyenvien_khac")
        client = login(other)
    else:
        client = client_for(persona)
    kept = _kept(reviewer)
    url = reverse("directives:letter_page", args=[kept.pk, 2])

    mine = login(reviewer).get(url)

    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/jpeg"
    assert "private" in mine["Cache-Control"]
    assert b"".join(mine.streaming_content) == kept.page(2).read()
    assert client.get(url).status_code == status
    assert client_for("anonymous").get(url).status_code == 302
    beyond = reverse("directives:letter_page", args=[kept.pk, 3])
    assert login(reviewer).get(beyond).status_code == 404


def test_the_page_images_go_once_the_reading_is_saved(
    reviewer, leader, reporter_a, django_capture_on_commit_callbacks
):
    """They were for the review alone: the file follows the directive, its pages do not."""
    from directives.letter_files import letter_file_attach

    from ...factories import DirectiveFactory

    kept = _kept(reviewer)
    stored = list(kept.pages)
    url = reverse("directives:letter_page", args=[kept.pk, 1])
    directive = DirectiveFactory(number="9/X", status=Directive.Status.ACTIVE)

    with django_capture_on_commit_callbacks(execute=True):
        letter_file_attach(letter_file=kept, directive=directive)

    kept.refresh_from_db()
    assert kept.pages == []
    assert not any(kept.file.storage.exists(name) for name in stored)
    for user in (reviewer, leader, reporter_a):
        assert login(user).get(url).status_code == 404
    download = reverse("directives:letter_download", args=[directive.pk])
    assert login(reporter_a).get(download).status_code == 200


def test_an_upload_of_another_reviewer_is_never_attached(reviewer):
    from ...conftest import _member
    from ...factories import UnitFactory
    from ..test_letter_review import _accept

    other = _member(UnitFactory(), "reviewer", "chuyenvien_khac")
    theirs = _kept(other)
    client = login(reviewer)
    review = client.post(
        reverse("directives:import"),
        {"file": SimpleUploadedFile("cong-van.pdf", letter_pdf())},
    )
    data = _accept(review) | {"letter_file": str(theirs.pk)}

    response = client.post(reverse("directives:import_save"), data)

    assert response.status_code == 404
    assert not Directive.objects.exists()
    theirs.refresh_from_db()
    assert theirs.directive is None


def test_a_scan_uploaded_on_the_page_shows_its_pages_beside_the_reading(tesseract, reviewer):
    from ..test_letter_review import _accept

    client = login(reviewer)

    review = client.post(
        reverse("directives:import"), {"file": SimpleUploadedFile("quet.pdf", scanned_pdf())}
    )

    page = review.content.decode()
    kept = LetterFile.objects.get()
    src = reverse("directives:letter_page", args=[kept.pk, 1])
    assert f'src="{src}"' in page
    assert "Văn bản được đọc bằng nhận dạng chữ (OCR)" in page
    assert review.context["header"]["number"].value() == NUMBER
    assert client.get(src).status_code == 200
    # The corrections re-rendered keep the pages beside them.
    again = client.post(reverse("directives:import_save"), _accept(review) | {"issued_on": "x"})
    assert f'src="{src}"' in again.content.decode()
    client.post(reverse("directives:import_save"), _accept(review))
    kept.refresh_from_db()
    assert (kept.directive, kept.pages) == (Directive.objects.get(), [])
    assert client.get(src).status_code == 404


def test_a_scan_that_takes_too_long_is_refused_clearly(monkeypatch):
    from directives.letter_reader import ocr

    monkeypatch.setattr(ocr, "BUDGET", 0)

    with pytest.raises(LetterError) as caught:
        read_file("quet.pdf", scanned_pdf())

    assert str(caught.value) == (
        "Nhận dạng chữ quá lâu: hãy tải lên ảnh rõ hơn, ít trang hơn, hoặc dán toàn văn."
    )


@pytest.mark.parametrize(
    ("mode", "kind"),
    [("RGBA", "PNG"), ("P", "PNG"), ("I;16", "PNG"), ("1", "PNG"), ("CMYK", "JPEG")],
)
def test_images_of_every_colour_mode_open_as_greyscale(mode, kind):
    from directives.letter_reader.ocr import open_image

    out = io.BytesIO()
    Image.new(mode, (64, 48)).save(out, kind, dpi=(300, 300))

    image, dpi = open_image(out.getvalue())

    assert (image.mode, image.size, dpi) == ("L", (64, 48), 300)


def test_a_photo_taken_sideways_is_turned_upright():
    from directives.letter_reader.ocr import open_image

    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (64, 48)).save(out, "JPEG", exif=exif)

    image, _dpi = open_image(out.getvalue())

    assert image.size == (48, 64)
