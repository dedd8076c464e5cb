"""The 2025 merger in Chromium: Huyện ủy's unit administrator previews and applies the
merger of Phước Sơn, Phước Hòa and Phước Thắng into xã Tuy Phước Đông (demo/reorganisation.py);
leadership sees the new commune with its predecessors' history; Phước Sơn's reporter,
now the new commune's, finds the moved tasks in "Việc của đơn vị"."""

import re

import pytest
from playwright.sync_api import expect

from demo import data as demo
from demo import reorganisation as demo_2025
from directives.models import Directive
from reorganisations.models import Reorganisation
from units.models import Unit

from .test_accounts_journey import PHONE, WIDE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCES = ["Đảng bộ xã Phước Sơn", "Đảng bộ xã Phước Hòa", "Đảng bộ xã Phước Thắng"]
NEW = "Đảng bộ xã Tuy Phước Đông"


def test_a_unit_administrator_applies_the_2025_merger(page):
    demo.load_demo()
    plan = Directive.objects.get(number=demo_2025.PLAN_NUMBER)
    last = plan.periods.order_by("start").last()

    page.set_viewport_size(WIDE)
    sign_in(page, "quantri", demo.PASSWORD)
    page.goto("/quan-ly/")
    page.get_by_role("link", name="Sắp xếp đơn vị").click()
    page.get_by_role("link", name="Sắp xếp mới").click()
    page.get_by_label("Hợp nhất, sáp nhập").check()
    expect(page.get_by_label("Các đơn vị sau chia tách")).to_be_hidden()  # not a merge's
    page.get_by_label("Căn cứ").fill("Nghị quyết số 1664/NQ-UBTVQH15")
    page.get_by_label("Ngày ban hành văn bản").fill("16/06/2025")
    page.get_by_label("Ngày có hiệu lực").fill("01/07/2025")
    page.get_by_label("Đơn vị được sắp xếp").select_option(
        label=[f"{s} (Huyện ủy)" for s in SOURCES]
    )
    page.get_by_label("Tên đơn vị mới").fill(NEW)
    page.get_by_role("button", name="Xem trước").click()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("Hoạt động đến hết ngày 30/06/2025")
    expect(preview).to_contain_text(NEW)
    expect(preview).to_contain_text(f"{plan}: 3 đang thực hiện")
    expect(preview).to_contain_text("phuocson")
    shot(page, "reorganisation-preview-1366.png")
    assert not Reorganisation.objects.exists()  # the preview changed nothing
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#preview").get_by_role("button", name="Áp dụng").click()

    expect(page.locator(".alert-success")).to_contain_text("Đã áp dụng")
    expect(page.locator("#results")).to_contain_text(NEW)
    expect(page.locator("#sources")).to_contain_text("đến 30/06/2025")
    shot(page, "reorganisation-act-1366.png")
    page.set_viewport_size(PHONE)
    shot(page, "reorganisation-act-390.png")
    new = Unit.objects.get(name=NEW)

    # Leadership: the roll-up of the last quarter and the new commune's page.
    page.context.clear_cookies()
    page.set_viewport_size(WIDE)
    sign_in(page, "lanhdao", demo.PASSWORD)
    huyen_uy = Unit.objects.get(name=demo.HUYEN_UY)
    page.goto(f"/tong-hop/{plan.pk}/theo-don-vi/?ky={last.pk}&don_vi={huyen_uy.pk}")
    row = page.locator("#rollup-tree tr", has_text=NEW)
    expect(row).to_contain_text("gồm: Đảng bộ xã Phước Hòa (đến 30/06/2025)")
    shot(page, "reorganisation-rollup-1366.png")
    row.get_by_role("link", name=NEW).click()
    expect(page.locator("#lineage")).to_contain_text("Hoạt động từ 01/07/2025")
    expect(page.locator("#lineage")).to_contain_text("Đảng bộ xã Phước Sơn (đến 30/06/2025)")
    shot(page, "reorganisation-unit-1366.png")
    page.set_viewport_size(PHONE)
    shot(page, "reorganisation-unit-390.png")

    # Phước Sơn's reporter now works for the new commune and finds its tasks there.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in(page, "phuocson", demo.PASSWORD)
    page.goto("/viec-cua-don-vi/")
    expect(page.locator("main")).to_contain_text(NEW)
    expect(page.locator("main")).to_contain_text(demo_2025.PLAN_TASKS[0][:40])
    shot(page, "reorganisation-work-390.png")
    assert new.memberships.filter(user__username="phuocson").exists()
    expect(page).to_have_url(re.compile(r"/viec-cua-don-vi/"))
