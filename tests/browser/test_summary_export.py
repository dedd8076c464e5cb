"""Issue 5's journey in Chromium: the secretary drafts the summary of 136-CV/HU, edits
it, exports it as DOCX, watches the progress bar fill as a real Celery worker makes the
file, and downloads it."""

import threading

import docx
import pytest
from playwright.sync_api import expect

from demo import data as demo
from reports.summaries import pipeline
from reports.summaries.models import Export

from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = "1. Kết quả nổi bật\nCác xã đã tổ chức 48 hội nghị quán triệt Công văn 136-CV/HU."


def test_edit_export_watch_download(page, worker, monkeypatch):
    demo.load_demo()
    # The worker holds the file back until the test has seen the bar unfinished.
    release = threading.Event()
    render = pipeline.RENDERERS["docx"]

    def held(snapshot, out, progress=None):
        release.wait(30)
        render(snapshot, out, progress)

    monkeypatch.setitem(pipeline.RENDERERS, "docx", held)

    log_in(page, "bantuyengiao")
    page.get_by_role("link", name="Tổng hợp").first.click()
    page.get_by_role("link", name="136-CV/HU", exact=True).click()
    page.get_by_role("link", name="Báo cáo tổng hợp").click()
    page.get_by_label("Từ kỳ").select_option(label="Tháng 9/2021")
    page.get_by_label("Đến kỳ").select_option(label="Tháng 12/2021")
    page.get_by_role("button", name="Soạn bản nháp").click()
    expect(page.get_by_text("Đã soạn bản nháp từ các báo cáo.")).to_be_visible()
    expect(page.get_by_label("I. Tình hình triển khai")).to_contain_text("136-CV/HU")

    page.get_by_label("Số, ký hiệu").fill("45-BC/HU")
    page.get_by_label("Chức vụ người ký").fill("PHÓ BÍ THƯ")
    page.get_by_label("II. Kết quả thực hiện").fill(RESULTS)
    page.get_by_role("button", name="Lưu và xuất DOCX (Word)").click()

    bar = page.locator("#export-progress .progress-bar")
    expect(bar).to_be_visible()
    assert bar.inner_text() != "100%"
    expect(page.locator("#export-download")).to_have_count(0)
    release.set()
    expect(bar).to_have_text("100%", timeout=30_000)  # htmx polled; no reload
    with page.expect_download() as download:
        page.locator("#export-download").click()

    assert download.value.suggested_filename == (
        "bao-cao-136-cv-hu-thang-9-2021-thang-12-2021.docx"
    )
    made = docx.Document(download.value.path())
    paragraphs = [p.text for p in made.paragraphs]
    assert "Các xã đã tổ chức 48 hội nghị quán triệt Công văn 136-CV/HU." in paragraphs
    cells = [cell.text for table in made.tables for cell in table._cells]
    assert any("Số 45-BC/HU" in text for text in cells)
    assert any("PHÓ BÍ THƯ" in text for text in cells)
    assert Export.objects.get().created_by.username == "bantuyengiao"
