"""Issue 6's journey in Chromium: a reviewer pastes the text of 136-CV/HU, checks the
reading beside the letter, saves it, and publishes it from the structure page."""

import pytest
from playwright.sync_api import expect

from demo import data as demo
from directives.models import Assignment, Directive, Task

from ..directives.letter_reader.helpers import read
from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = demo.LETTER


def test_paste_review_save_publish(page):
    units = demo.load_units()
    demo.load_accounts(units)
    page.on("dialog", lambda dialog: dialog.accept())  # "Ban hành văn bản …?"

    log_in(page, "bantuyengiao")
    page.get_by_role("link", name="Văn bản chỉ đạo").click()
    page.get_by_role("link", name="Nhập từ toàn văn").click()
    page.get_by_label("hoặc dán toàn văn").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Đọc văn bản").click()

    expect(page.locator("#letter")).to_contain_text("Nguyễn Đình Thuận")
    expect(page.get_by_label("Số và ký hiệu")).to_have_value("136-CV/HU")
    expect(page.locator(".section-proposal")).to_have_count(4)
    expect(page.locator("#issuer-matches")).to_contain_text("Huyện ủy Tuy Phước")
    expect(page.locator(".section-proposal .unit-matches").first).to_contain_text(
        "Ủy ban nhân dân huyện Tuy Phước"
    )
    page.get_by_label("Chức vụ người ký").fill("PHÓ BÍ THƯ")
    page.get_by_role("button", name="Lưu văn bản (đang soạn)").click()

    expect(page.get_by_text("Kiểm tra các mục, nhiệm vụ rồi ban hành.")).to_be_visible()
    page.get_by_role("button", name="Ban hành văn bản").click()
    expect(page.locator("h1 .badge")).to_have_text("Đang thực hiện")

    directive = Directive.objects.get(number="136-CV/HU")
    assert directive.signer_title == "PHÓ BÍ THƯ"
    front = Assignment.objects.filter(task__section__directive=directive, task__section__number="2")
    assert set(front.values_list("unit__name", flat=True)) == {demo.MTTQ, *demo.FRONT_MEMBERS}
    grassroots = Assignment.objects.filter(
        task__section__directive=directive, task__section__number="3", task__order=1
    )
    assert grassroots.count() == len(demo.GRASSROOTS)


def test_each_tasks_guessed_deadline_is_checked_and_corrected(page):
    """Công văn 11414/VPCP-CN: the first task's deadline is read from its words; the
    reviewer gives the second section's task a deadline of its own."""
    units = demo.load_units()
    demo.load_accounts(units)

    log_in(page, "bantuyengiao")
    page.goto("/van-ban/nhap/")
    text = read("02-vpcp-cv11414-cao-toc-ben-luc-long-thanh.md")
    page.get_by_label("hoặc dán toàn văn").fill(text)
    page.get_by_role("button", name="Đọc văn bản").click()

    first = page.locator(".task-proposal").first
    expect(first.locator(".deadline-guess")).to_contain_text("Có thời hạn, hạn 30/11/2025")
    expect(first.get_by_label("Hạn hoàn thành")).to_have_value("30/11/2025")
    second_section = page.locator(".section-proposal").nth(1)
    task = second_section.locator(".task-proposal").first
    task.get_by_label("Loại nhiệm vụ").select_option("deadline")
    task.get_by_label("Hạn hoàn thành").fill("30/06/2026")
    page.get_by_role("button", name="Lưu văn bản (đang soạn)").click()

    expect(page.get_by_text("Kiểm tra các mục, nhiệm vụ rồi ban hành.")).to_be_visible()
    saved = Task.objects.get(section__directive__number="11414/VPCP-CN", section__number="2")
    assert (saved.kind, saved.deadline.isoformat()) == ("deadline", "2026-06-30")
