"""Issue 4's journey in Chromium: leadership opens the overview, filters the matrix,
drills down to a report."""

import pytest
from playwright.sync_api import expect

from demo import data as demo
from reports.filing.models import ProgressReport

from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overview_then_matrix_filtered_then_a_report(page):
    demo.load_demo()
    report = (
        ProgressReport.objects.filter(
            assignment__unit__name=demo.PHUOC_SON,
            period__label="Tháng 11/2021",
            status__in=["submitted", "accepted", "returned"],
        )
        .select_related("period", "assignment__task__section")
        .first()
    )

    log_in(page, "lanhdao")
    page.get_by_role("link", name=demo.NUMBER, exact=True).click()
    expect(page.get_by_role("heading", name="Diễn biến qua các kỳ")).to_be_visible()
    expect(page.locator("[data-figure=completeness]")).to_contain_text("%")
    expect(page.get_by_role("img", name="Tỷ lệ đầy đủ, đúng hạn")).to_be_visible()
    expect(page.get_by_role("table", name="Số liệu theo kỳ báo cáo")).to_contain_text(
        "Tháng 9/2021"
    )

    page.get_by_role("link", name="Đơn vị × nhiệm vụ").click()
    page.get_by_label("Kỳ báo cáo").select_option(label="Tháng 11/2021")
    page.get_by_label("Tìm đơn vị").fill("phuoc son")  # no diacritics
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("tr[data-unit]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-unit", demo.PHUOC_SON)

    rows.first.locator(f'a[href="/bao-cao/{report.pk}/"]').click()
    expect(
        page.get_by_role("heading", name=f"Báo cáo nhiệm vụ {report.assignment.task.code}")
    ).to_be_visible()
    expect(page.get_by_text("Tháng 11/2021").first).to_be_visible()
