"""Issue 6's journey in Chromium: a reviewer pastes the text of 136-CV/HU, checks the
reading beside the letter, saves it, and publishes it from the structure page."""

import pytest
from playwright.sync_api import expect

from demo import data as demo
from directives.models import Assignment, Directive

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
