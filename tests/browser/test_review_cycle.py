"""Issue 3's journey in Chromium: a reviewer returns a report, the unit revises and
resubmits it, the reviewer accepts it."""

import re

import pytest
from playwright.sync_api import expect

from demo import data as demo
from reports.filing.models import ProgressReport

from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Đề nghị bổ sung số hội nghị đã tổ chức trong tháng."


def log_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def test_return_revise_resubmit_accept(page):
    demo.load_demo()
    usernames = {unit: username for username, _, unit, _ in demo.ACCOUNTS}
    report = (
        ProgressReport.objects.filter(
            status="submitted", assignment__unit__name__in=demo.DEMO_UNITS
        )
        .select_related("assignment__unit", "assignment__task__section", "period")
        .order_by("pk")
        .first()
    )
    unit_user = usernames[report.assignment.unit.name]
    code = report.assignment.task.code

    log_in(page, "bantuyengiao")
    page.goto(f"/bao-cao/{report.pk}/")
    page.get_by_label("Lý do trả lại").fill(REASON)
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.get_by_text("Đã trả lại báo cáo để đơn vị bổ sung.")).to_be_visible()
    log_out(page)

    log_in(page, unit_user)
    page.get_by_role("link", name=f"{report.period.label} · nhiệm vụ {code}").click()
    expect(page.get_by_text(REASON).first).to_be_visible()
    achievements = page.get_by_label("Kết quả thực hiện")
    achievements.fill(achievements.input_value() + "\nĐã tổ chức 2 hội nghị quán triệt.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    log_out(page)

    log_in(page, "bantuyengiao")
    page.goto(f"/bao-cao/{report.pk}/")
    expect(page.get_by_text("Đã tổ chức 2 hội nghị quán triệt.")).to_be_visible()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận báo cáo.")).to_be_visible()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "accepted")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text(re.compile("Trả lại để bổ sung"))

    report.refresh_from_db()
    assert report.status == "accepted"
    assert list(report.transitions.values_list("to_status", flat=True))[-4:] == [
        "returned",
        "draft",
        "submitted",
        "accepted",
    ]
