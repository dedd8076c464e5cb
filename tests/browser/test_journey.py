"""The walking skeleton's journey, in Chromium: a unit files, leadership sees it."""

import re

import pytest
from playwright.sync_api import expect

from demo import data as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(demo.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_unit_files_a_report_and_leadership_sees_it_submitted(page):
    demo.load_demo()

    log_in(page, "ubnd")
    expect(page.get_by_role("heading", name="Việc của đơn vị")).to_be_visible()
    page.get_by_role("link", name="Tháng 12/2021 · nhiệm vụ 1.1", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Báo cáo nhiệm vụ 1.1"))).to_be_visible()
    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("60")
    page.get_by_label("Kết quả thực hiện").fill(
        "Ban hành Kế hoạch số 12/KH-UBND triển khai Công văn 136-CV/HU đến các cơ quan chức năng."
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_have_count(0)
    page.get_by_role("button", name="Đăng xuất").click()

    log_in(page, "lanhdao")
    expect(page.get_by_role("heading", name="Tổng hợp thực hiện các văn bản")).to_be_visible()
    page.get_by_role("link", name=demo.NUMBER, exact=True).click()
    expect(page.get_by_role("heading", name="Tổng hợp thực hiện")).to_be_visible()
    page.get_by_role("link", name="Đơn vị × nhiệm vụ").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name=demo.UBND))
    first_cell = row.locator("td.cell").first
    expect(first_cell.locator("[data-status]")).to_have_attribute("data-status", "submitted")
    expect(first_cell).to_contain_text("Đã gửi")
    expect(first_cell).to_contain_text("60%")
