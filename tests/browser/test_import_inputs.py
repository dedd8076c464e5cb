"""Every kind of file a letter comes in, in Chromium: a reviewer uploads it on the import
page, checks the reading (beside the page images for a scan or a photo; with who signed
for a signed PDF), saves it and publishes it. Screenshots at 1,366 and 390 px of the
review page of a scan and of a signed PDF go to /tmp/journey."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from demo import data as demo
from directives.models import Directive

from ..directives.letter_reader.test_ocr import need_tesseract
from ..directives.letter_reader.test_pdf import (
    NUMBER,
    SIGNER,
    letter_docx,
    letter_image,
    letter_pdf,
    letter_text,
    scanned_pdf,
)
from ..directives.letter_reader.test_signed import make_certificates, sign
from .test_deadline_journey import PHONE, fits_the_screen, shot
from .test_every_page import AXE, _axe
from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INPUTS = {
    "md": ("215-UBND-VX.md", "text/markdown", lambda: letter_text().encode()),
    "txt": ("215-UBND-VX.txt", "text/plain", lambda: letter_text().encode("utf-16")),
    "docx": (
        "215-UBND-VX.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        letter_docx,
    ),
    "text-pdf": ("215-UBND-VX.pdf", "application/pdf", letter_pdf),
    "scanned-pdf": ("ban-quet.pdf", "application/pdf", scanned_pdf),
    "image": ("anh-chup.jpg", "image/jpeg", lambda: letter_image("JPEG")),
    "signed-pdf": ("ky-so.pdf", "application/pdf", lambda: sign(letter_pdf(), make_certificates())),
}


def _made(make) -> bytes:
    """The file, made in a thread of its own: pyHanko runs asyncio, which Playwright's
    event loop in this thread would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(make).result()


READ_BY_OCR = {"scanned-pdf", "image"}


SHOWN = {"scanned-pdf", "signed-pdf"}  # photographed, and checked by axe-core


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def make(kind: str):
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            # To inject axe-core; the policy itself: tests/test_security.py.
            bypass_csp=kind in SHOWN,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("kind", INPUTS)
def test_upload_review_save_publish(kind, page_for):
    if kind in READ_BY_OCR:
        need_tesseract()
    page = page_for(kind)
    name, mime, make = INPUTS[kind]
    units = demo.load_units()
    demo.load_accounts(units)
    page.on("dialog", lambda dialog: dialog.accept())  # "Ban hành văn bản …?"

    log_in(page, "bantuyengiao")
    page.goto("/van-ban/nhap/")
    page.get_by_label("Tệp văn bản (.docx, .md, .txt, .pdf, .jpg, .png)").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": _made(make)}]
    )
    page.get_by_role("button", name="Đọc văn bản").click()

    expect(page.get_by_label("Số và ký hiệu")).to_have_value(NUMBER)
    expect(page.locator(".section-proposal")).to_have_count(3)
    expect(page.locator("#letter")).to_contain_text("Độc lập - Tự do - Hạnh phúc")
    images = page.locator("#letter-pages img")
    if kind in READ_BY_OCR:
        expect(images).to_have_count(1)
        expect(images.first).to_be_visible()
        # decode() waits for the picture to load (visible is not loaded), and fails if broken.
        assert images.first.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
        expect(page.get_by_text("Văn bản được đọc bằng nhận dạng chữ (OCR)")).to_be_visible()
    else:
        expect(images).to_have_count(0)
    if kind == "signed-pdf":
        expect(page.locator("#signatures")).to_contain_text(SIGNER)
        expect(page.locator("#signatures")).to_contain_text("Văn bản không bị sửa đổi sau khi ký.")
    if kind in SHOWN:
        page.set_viewport_size({"width": 1366, "height": 900})
        shot(page, f"import-review-{kind}-1366")
        if AXE.exists():  # node_modules (make test installs it; test_every_page requires it)
            assert _axe(page, AXE.read_text()) == []
        page.set_viewport_size(PHONE)
        fits_the_screen(page)
        shot(page, f"import-review-{kind}-390")
        page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("button", name="Lưu văn bản (đang soạn)").click()
    expect(page.get_by_text("Kiểm tra các mục, nhiệm vụ rồi ban hành.")).to_be_visible()
    page.get_by_role("button", name="Ban hành văn bản").click()
    expect(page.locator("h1 .badge")).to_have_text("Đang thực hiện")

    directive = Directive.objects.get(number=NUMBER)
    assert directive.status == Directive.Status.ACTIVE
    assert directive.sections.count() == 3
    page.goto(f"/van-ban/{directive.pk}/")
    expect(page.get_by_role("link", name=name)).to_be_visible()
