"""Issue 17, item 14, in Chromium: unit staff with no connection. A draft typed offline is
kept on the device, nothing reaches the server, and it is sent when the connection
returns; a save over a newer report is shown as the app shows it; the work page and its
report forms open offline, kept by the service worker."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from directives.models import Task
from reports.filing import services
from reports.filing.models import ProgressReport
from units.models import Membership

from ..factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTICE = "Đang mất kết nối: bản nháp được giữ trên máy và sẽ gửi khi có mạng."
TYPED = "Đã tổ chức hội nghị quán triệt tại 12 chi bộ; còn 3 chi bộ vùng sâu chưa tổ chức."
KEPT_DRAFTS = "() => Object.keys(localStorage).filter((key) => key.startsWith('dondoc:draft:'))"
# The pages the service worker keeps (static/js/sw.js), once it controls the page.
KEPT_PAGES = """async () => navigator.serviceWorker.controller === null ? null :
  (await (await caches.open('dondoc-pages')).keys()).map((r) => new URL(r.url).pathname)"""


def kept_pages(page, *, at_least: frozenset[str] = frozenset(), seconds: float = 10) -> set[str]:
    """The paths the worker keeps, once it keeps `at_least` those (or any, if none named)."""
    deadline = time.monotonic() + seconds
    while True:
        kept = set(page.evaluate(KEPT_PAGES) or ())
        if (kept and at_least <= kept) or time.monotonic() > deadline:
            return kept
        page.wait_for_timeout(100)


def log_in(page, username: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Việc của đơn vị")).to_be_visible()


def form_url(sd) -> str:
    return reverse("reports:file", args=[sd.assignment_a.pk, sd.period.pk])


def watch_posts(page) -> list[str]:
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    return posts


def type_draft_offline(page, percent: str = "40") -> None:
    page.context.set_offline(True)
    page.get_by_label("Tỷ lệ hoàn thành (%)").fill(percent)
    page.get_by_label("Kết quả thực hiện").fill(TYPED)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("[data-offline-notice]")).to_have_text(NOTICE)


def test_a_draft_typed_offline_is_kept_and_sent_when_the_connection_returns(
    page, small_directive, reporter_a
):
    log_in(page, reporter_a.username)
    page.goto(form_url(small_directive))
    posts = watch_posts(page)

    type_draft_offline(page)

    assert posts == []
    assert not ProgressReport.objects.exists()
    assert len(page.evaluate(KEPT_DRAFTS)) == 1
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value(TYPED)  # still in the form

    page.context.set_offline(False)

    expect(page.get_by_text("Đã lưu nháp báo cáo.")).to_be_visible()
    report = ProgressReport.objects.get(
        assignment=small_directive.assignment_a, period=small_directive.period
    )
    assert (report.achievements, report.percent_done, report.status) == (TYPED, 40, "draft")
    assert report.updated_by == reporter_a
    assert posts == [page.url]
    assert page.evaluate(KEPT_DRAFTS) == []
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value(TYPED)


def test_a_draft_sent_over_a_newer_report_shows_both_and_loses_nothing(
    page, small_directive, reporter_a, unit_a
):
    colleague = MembershipFactory(
        unit=unit_a, role=Membership.Role.REPORTER, user=UserFactory(first_name="Lan")
    ).user
    log_in(page, reporter_a.username)
    page.goto(form_url(small_directive))

    type_draft_offline(page)
    services.report_save_draft(
        assignment=small_directive.assignment_a,
        period=small_directive.period,
        by=colleague,
        data={"percent_done": 50, "achievements": "Bản của đồng chí Lan."},
        version=0,
    )
    posts = watch_posts(page)
    page.context.set_offline(False)

    # As the app shows a stale save: the newer report beside the form, the text typed
    # still in the form, now on the newer version.
    expect(page.locator("[data-saved-by-someone-else]")).to_contain_text("Bản của đồng chí Lan.")
    expect(page.get_by_text("Báo cáo vừa được").first).to_be_visible()
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value(TYPED)
    assert ProgressReport.objects.get().achievements == "Bản của đồng chí Lan."

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp báo cáo.")).to_be_visible()
    assert ProgressReport.objects.get().achievements == TYPED
    assert page.evaluate(KEPT_DRAFTS) == []
    # The page drawn from the server's answer posts once a click, as the first one did.
    assert len(posts) == 2


def test_the_work_page_and_its_report_forms_open_offline(page, small_directive, reporter_a):
    log_in(page, reporter_a.username)
    work, form = reverse("reports:unit_work"), form_url(small_directive)
    # The worker installs on the first page; from the next one it keeps the work page,
    # and the report forms linked from it ahead of time.
    page.reload()
    assert {work, form} <= kept_pages(page, at_least=frozenset({work, form}))
    # Changed on the server after the pages were kept: offline, the kept copy shows.
    Task.objects.filter(pk=small_directive.task.pk).update(text="Nhiệm vụ đổi sau khi lưu.")
    posts = watch_posts(page)

    page.context.set_offline(True)
    page.goto(work)
    expect(page.get_by_role("heading", name="Việc của đơn vị")).to_be_visible()
    expect(page.get_by_text("Nhiệm vụ đổi sau khi lưu.")).to_have_count(0)
    page.get_by_role("link", name="Tháng 9/2021 · nhiệm vụ 1.1").click()
    expect(page.get_by_role("heading", name="Báo cáo nhiệm vụ 1.1 — Đảng bộ xã A")).to_be_visible()
    page.get_by_label("Kết quả thực hiện").fill(TYPED)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("[data-offline-notice]")).to_have_text(NOTICE)

    # Back on the work page, still offline: the draft waits there, its text readable.
    page.goto(work)
    waiting = page.locator("[data-offline-drafts]")
    expect(waiting).to_contain_text("Báo cáo nhiệm vụ 1.1 — Đảng bộ xã A · Tháng 9/2021")
    expect(waiting).to_contain_text(TYPED)
    # A page never kept says there is no connection, in Vietnamese.
    page.goto(reverse("directives:list"))
    expect(page.get_by_role("heading", name="Đang mất kết nối")).to_be_visible()
    page.goto(work)
    assert posts == []
    assert not ProgressReport.objects.exists()

    page.context.set_offline(False)  # sent from the work page, in the background
    expect(waiting).to_contain_text("Đã lưu lên hệ thống 1 bản nháp giữ trên máy.")
    assert ProgressReport.objects.get().achievements == TYPED
    assert page.evaluate(KEPT_DRAFTS) == []


def test_signing_out_drops_the_kept_pages(page, small_directive, reporter_a):
    log_in(page, reporter_a.username)
    page.reload()
    assert kept_pages(page)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    assert page.evaluate(KEPT_PAGES) == []


SERVER_FAILED = (
    "Hệ thống chưa nhận được bản nháp (máy chủ đang gặp sự cố): bản nháp được giữ trên máy "
    "và sẽ gửi lại sau."
)


@pytest.mark.parametrize(
    ("failure", "notice"),
    [("connection", NOTICE), ("server", SERVER_FAILED)],
    ids=["no-connection", "server-error"],
)
def test_a_post_that_fails_online_is_kept_and_sent_at_the_next_visit(
    failure, notice, browser, live_server, small_directive, reporter_a
):
    """The browser thinks it is online, yet the post never reaches the server, or the
    server fails (a proxy's 502, the app's 503). Without the worker here: Playwright does
    not see a request the worker passes on."""
    context = browser.new_context(base_url=live_server.url, service_workers="block")
    page = context.new_page()
    log_in(page, reporter_a.username)
    page.goto(form_url(small_directive))

    def fail(route):
        if route.request.method != "POST":
            route.continue_()
        elif failure == "connection":
            route.abort("internetdisconnected")
        else:
            route.fulfill(status=502, body="Bad Gateway")

    page.route("**/bao-cao/**", fail)
    page.get_by_label("Kết quả thực hiện").fill(TYPED)
    page.get_by_role("button", name="Lưu nháp").click()

    expect(page.locator("[data-offline-notice]")).to_have_text(notice)
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value(TYPED)
    assert not ProgressReport.objects.exists()
    page.unroute("**/bao-cao/**")
    page.reload()  # the next visit, the server answering: the draft goes
    expect(page.get_by_text("Đã lưu nháp báo cáo.")).to_be_visible()
    assert ProgressReport.objects.get().achievements == TYPED
    context.close()


def test_a_draft_kept_before_signing_in_again_is_still_sent(
    browser, live_server, page, small_directive, reporter_a
):
    """Signing in again gives a new CSRF secret: the token kept with the draft no longer
    matches it, the csrftoken cookie's does."""
    log_in(page, reporter_a.username)
    page.goto(form_url(small_directive))
    type_draft_offline(page)
    # Later, on the same phone: the session is gone (no cookies), the device's storage kept.
    device = {"cookies": [], "origins": page.context.storage_state()["origins"]}
    later = browser.new_context(base_url=live_server.url, storage_state=device)
    page = later.new_page()

    log_in(page, reporter_a.username)

    expect(page.locator("[data-offline-drafts]")).to_contain_text("Đã lưu lên hệ thống 1 bản")
    assert ProgressReport.objects.get().achievements == TYPED
    later.close()
