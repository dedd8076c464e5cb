"""Evidence in Chromium: a file goes up in place (htmx) while the report's text, typed and
not saved yet, stays in the form; the draft then saves with it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reports.filing.models import ProgressReport

from ..factories import PASSWORD
from ..reports.filing.test_evidence import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_file_goes_up_in_place_and_the_typed_text_stays(page, small_directive, reporter_a):
    a, p = small_directive.assignment_a, small_directive.period
    page.goto(reverse("login"))
    page.get_by_label("Tên đăng nhập").fill(reporter_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(reverse("reports:file", args=[a.pk, p.pk]))

    typed = "Đã tổ chức hội nghị quán triệt; biên bản kèm theo."
    page.get_by_label("Kết quả thực hiện").fill(typed)
    page.set_input_files(
        "#evidence-file",
        files=[{"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    page.get_by_role("button", name="Tải lên").click()

    expect(page.get_by_text("Đã đính kèm tệp “bien-ban.pdf”.")).to_be_visible()
    expect(page.get_by_role("link", name="bien-ban.pdf")).to_be_visible()
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value(typed)

    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("40")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp báo cáo.")).to_be_visible()
    report = ProgressReport.objects.get(assignment=a, period=p)
    assert report.achievements == typed
    assert [e.name for e in report.evidence.all()] == ["bien-ban.pdf"]
