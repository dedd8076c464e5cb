"""Issue 14's journey in Chromium: a reviewer imports a district's Kế hoạch with dated
tasks and publishes it; the UBND's head hands one task down to a Phòng, whose reporter
declares it done (on a phone) and the head confirms it; the UBND's reporter draws on
that result in its own declaration (on a phone), the reviewer confirms it; leadership
watches the Government Office's figures on the portfolio change, and opens one figure's
list. Screenshots of each step are left in /tmp/journey/."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from directives.models import Assignment, Task
from reports.filing.models import ProgressReport
from reports.notifications.models import Notification
from units.models import Membership, Unit

from ..factories import PASSWORD, MembershipFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/journey")
PHONE = {"width": 390, "height": 844}

ISSUER = "Huyện ủy Phù Mỹ"
REVIEWERS = "Ban Tuyên giáo Huyện ủy Phù Mỹ"
UBND = "Ủy ban nhân dân huyện Phù Mỹ"
PHONG = "Phòng Nội vụ huyện Phù Mỹ"
CONG_AN = "Công an huyện Phù Mỹ"
NUMBER = "52-KH/HU"
SUBJECT = "Chuyển đổi số trong các cơ quan của hệ thống chính trị huyện"
PHONG_RESULT = "Đã trình UBND huyện dự thảo kế hoạch chuyển đổi số của 12 cơ quan chuyên môn."
UBND_RESULT = "Ban hành Kế hoạch số 210/KH-UBND về chuyển đổi số, gửi các cơ quan chuyên môn."


def day(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


def letter(today: datetime.date, plan_due: datetime.date, data_due: datetime.date) -> str:
    """A Kế hoạch of a district's Party committee, written as 136-CV/HU is: two sections,
    each headed by the unit it addresses; two tasks due by a date and one ongoing."""
    return f"""**ĐẢNG BỘ TỈNH BÌNH ĐỊNH
HUYỆN ỦY PHÙ MỸ**

\\*
**Số {NUMBER}**

*Phù Mỹ, ngày {today.day} tháng {today.month} năm {today.year}*

**ĐẢNG CỘNG SẢN VIỆT NAM**

**KẾ HOẠCH**

**chuyển đổi số trong các cơ quan của hệ thống chính trị huyện**

Thực hiện Kế hoạch số 30-KH/TU của Ban Thường vụ Tỉnh ủy về chuyển đổi số trong các cơ \
quan đảng, chính quyền, Ban Thường vụ Huyện ủy yêu cầu:

## **1. Ủy ban nhân dân huyện**

- Xây dựng và ban hành kế hoạch chuyển đổi số của các cơ quan chuyên môn thuộc huyện, \
hoàn thành trước ngày {day(plan_due)}.

- Thường xuyên theo dõi, đôn đốc các xã, thị trấn cập nhật văn bản lên hệ thống quản lý \
văn bản và điều hành.

## **2. Công an huyện**

- Rà soát, làm sạch dữ liệu dân cư trên địa bàn huyện, hoàn thành trước ngày {day(data_due)}.

Ban Thường vụ Huyện ủy yêu cầu các cơ quan, đơn vị triển khai thực hiện nghiêm túc./.

#### Nơi nhận:

- Như trên,
- Thường trực Huyện ủy,
- Lưu VPHU.

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ

Lê Văn Hòa
"""


def people() -> dict:
    """The district's units and the six people of the journey (password: PASSWORD)."""
    issuer = UnitFactory(name=ISSUER, kind=Unit.Kind.PARTY_COMMITTEE)
    reviewers = UnitFactory(name=REVIEWERS, kind=Unit.Kind.PARTY_BOARD, parent=issuer)
    ubnd = UnitFactory(name=UBND, kind=Unit.Kind.GOVERNMENT)
    phong = UnitFactory(name=PHONG, kind=Unit.Kind.AGENCY, parent=ubnd)
    UnitFactory(name=CONG_AN, kind=Unit.Kind.POLICE)
    roles = {
        "bantuyengiao": (reviewers, Membership.Role.REVIEWER, "Nguyễn Thị", "Lan"),
        "lanhdao": (issuer, Membership.Role.LEADERSHIP, "Lê Văn", "Hòa"),
        "chutich": (ubnd, Membership.Role.UNIT_HEAD, "Trần Văn", "Minh"),
        "vanphong": (ubnd, Membership.Role.REPORTER, "Phạm Thị", "Thu"),
        "phongnoivu": (phong, Membership.Role.REPORTER, "Võ Văn", "Tâm"),
    }
    for username, (unit, role, first, last) in roles.items():
        user = UserFactory(username=username, first_name=first, last_name=last)
        MembershipFactory(user=user, unit=unit, role=role)
    return {"ubnd": ubnd, "phong": phong}


def log_in(page, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)


def unfold_menu(page) -> None:
    """On a phone the menu is folded behind its button: open it, and wait until it has
    finished opening (a click while it slides open can land on nothing)."""
    menu = page.get_by_role("button", name="Mở menu")
    if menu.is_visible():
        menu.click()
        expect(page.locator("#nav.collapse.show")).to_be_visible()


def log_out(page) -> None:
    unfold_menu(page)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()


def open_menu_item(page, name: str) -> None:
    unfold_menu(page)
    page.get_by_role("link", name=name, exact=True).click()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits_the_screen(page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width}px wide on a {PHONE['width']}px screen"


def figures(page) -> dict:
    """The Government Office's figures as the portfolio's totals show them."""
    block = page.locator("[data-go-figures]").first
    shown = {}
    names = ("assigned", "done", "done_on_time", "done_late", "open_within", "due_so_far")
    for name in names:
        shown[name] = int(block.locator(f"[data-figure={name}]").inner_text())
    for name in ("open_overdue", "awaiting", "not_yet_due"):
        link = block.locator(f"[data-figure={name}]")
        shown[name] = int(link.inner_text()) if link.count() else 0
    return shown


def work_item(page, code: str):
    """The line of 'Việc của đơn vị' for a task with a deadline."""
    link = page.get_by_role("link", name=f"Hoàn thành nhiệm vụ {code}", exact=True)
    return page.locator(".list-group-item", has=link)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_import_hand_down_declare_confirm_and_leadership_sees_the_figures(page, phone):
    units = people()
    today = timezone.localdate()
    plan_due = today + datetime.timedelta(days=30)
    data_due = today + datetime.timedelta(days=45)
    phong_due = today + datetime.timedelta(days=20)
    page.on("dialog", lambda dialog: dialog.accept())  # "Ban hành văn bản …?"

    # 1. The reviewer reads the letter, checks each task's guessed kind and deadline, saves.
    log_in(page, "bantuyengiao")
    page.get_by_role("link", name="Văn bản chỉ đạo").click()
    page.get_by_role("link", name="Nhập từ toàn văn").click()
    page.get_by_label("hoặc dán toàn văn").fill(letter(today, plan_due, data_due))
    page.get_by_role("button", name="Đọc văn bản").click()

    expect(page.get_by_label("Số và ký hiệu")).to_have_value(NUMBER)
    sections = page.locator(".section-proposal")
    expect(sections).to_have_count(2)
    expect(sections.nth(0).locator(".unit-matches")).to_contain_text(UBND)
    expect(sections.nth(1).locator(".unit-matches")).to_contain_text(CONG_AN)
    first = sections.nth(0).locator(".task-proposal")
    second = sections.nth(1).locator(".task-proposal")
    expect(first.nth(0).locator(".deadline-guess")).to_contain_text(
        f"Có thời hạn, hạn {day(plan_due)}"
    )
    expect(first.nth(0).get_by_label("Hạn hoàn thành")).to_have_value(day(plan_due))
    expect(first.nth(1).locator(".deadline-guess")).to_contain_text("Thường xuyên")
    expect(second.nth(0).get_by_label("Hạn hoàn thành")).to_have_value(day(data_due))
    # The reader leaves the trích yếu written in lower case under "KẾ HOẠCH" unread
    # ("Không tìm thấy trích yếu."): the reviewer types it in.
    page.get_by_label("Trích yếu").fill(SUBJECT)
    shot(page, "01-import-review")
    page.get_by_role("button", name="Lưu văn bản (đang soạn)").click()

    # 2. … and publishes it from the structure page.
    expect(page.get_by_text("Kiểm tra các mục, nhiệm vụ rồi ban hành.")).to_be_visible()
    expect(page.locator("[data-task-kind]")).to_have_count(3)
    page.get_by_role("button", name="Ban hành văn bản").click()
    expect(page.locator("h1 .badge")).to_have_text("Đang thực hiện")
    shot(page, "02-published")
    task = Task.objects.get(section__directive__number=NUMBER, section__number="1", order=1)
    assert (task.kind, task.deadline) == ("deadline", plan_due)
    log_out(page)

    # 3. Leadership's portfolio before anything is done: two tasks due, none done.
    log_in(page, "lanhdao")
    expect(page.get_by_role("heading", name="Tổng hợp thực hiện các văn bản")).to_be_visible()
    expect(page.locator(f'tr[data-directive="{NUMBER}"]')).to_be_visible()
    before = figures(page)
    assert before == {
        "assigned": 2,
        "done": 0,
        "done_on_time": 0,
        "done_late": 0,
        "open_within": 2,
        "open_overdue": 0,
        "awaiting": 0,
        "due_so_far": 0,
        "not_yet_due": 2,
    }
    shot(page, "03-portfolio-before")
    log_out(page)

    # 4. The UBND's head hands task 1.1 down to the Phòng, with an earlier deadline.
    log_in(page, "chutich")
    open_menu_item(page, "Việc của đơn vị")
    item = work_item(page, "1.1")
    expect(item).to_contain_text(f"hạn {day(plan_due)}")
    item.get_by_role("link", name="Giao việc tiếp").click()
    heading = page.get_by_role("heading", name=f"Giao việc tiếp: nhiệm vụ 1.1 của {UBND}")
    expect(heading).to_be_visible()
    page.get_by_label(PHONG, exact=True).check()
    page.get_by_label(f"Hạn hoàn thành của {PHONG}").fill(phong_due.isoformat())
    shot(page, "04-hand-down")
    page.get_by_role("button", name="Giao việc").click()
    expect(page.get_by_text(f"Đã giao nhiệm vụ cho {PHONG}.")).to_be_visible()
    panel = page.locator("#giao-tiep")
    expect(panel).to_contain_text(PHONG)
    expect(panel).to_contain_text(f"hạn {day(phong_due)}")
    shot(page, "05-handed-down")
    log_out(page)

    # 5. On a phone, the Phòng's reporter finds the task and declares it done.
    log_in(phone, "phongnoivu")
    expect(phone.get_by_role("heading", name="Việc của đơn vị")).to_be_visible()
    item = work_item(phone, "1.1")
    expect(item).to_contain_text(f"do {UBND} giao")
    expect(item).to_contain_text(f"hạn {day(phong_due)}")
    fits_the_screen(phone)
    shot(phone, "06-phone-phong-work")
    item.get_by_role("link", name="Báo cáo hoàn thành").click()
    expect(phone.get_by_role("heading", name=f"Nhiệm vụ 1.1 — {PHONG}")).to_be_visible()
    expect(phone.get_by_text(f"Giao tiếp từ {UBND}.")).to_be_visible()
    phone.get_by_label("Kết quả thực hiện").fill(PHONG_RESULT)
    fits_the_screen(phone)
    shot(phone, "07-phone-phong-declares")
    phone.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(phone.get_by_text("Đã báo cáo hoàn thành; chờ xác nhận.")).to_be_visible()
    fits_the_screen(phone)
    log_out(phone)

    # 6. The head opens the Phòng's result from its own task and confirms it.
    log_in(page, "chutich")
    open_menu_item(page, "Việc của đơn vị")
    work_item(page, "1.1").get_by_role("link", name="Hoàn thành nhiệm vụ 1.1").click()
    panel = page.locator("#giao-tiep")
    expect(panel).to_contain_text(PHONG_RESULT)
    panel.get_by_role("link", name="Mở báo cáo").click()
    expect(page.get_by_text(PHONG_RESULT)).to_be_visible()
    page.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.get_by_text("Đã xác nhận hoàn thành.")).to_be_visible()
    shot(page, "08-head-confirms-phong")
    log_out(page)

    # 7. On a phone, the UBND's reporter draws on the Phòng's result and declares the task.
    log_in(phone, "vanphong")
    item = work_item(phone, "1.1")
    expect(item).to_contain_text(f"hạn {day(plan_due)}")
    item.get_by_role("link", name="Báo cáo hoàn thành").click()
    expect(phone.get_by_role("heading", name=f"Nhiệm vụ 1.1 — {UBND}")).to_be_visible()
    panel = phone.locator("#giao-tiep")
    expect(panel).to_contain_text(PHONG)
    expect(panel).to_contain_text(PHONG_RESULT)
    panel.get_by_role("button", name="Đưa vào báo cáo của đơn vị").click()
    achievements = phone.get_by_label("Kết quả thực hiện")
    expect(achievements).to_have_value(f"{PHONG}: {PHONG_RESULT}")
    achievements.fill(f"{UBND_RESULT}\n{achievements.input_value()}")
    fits_the_screen(phone)
    shot(phone, "09-phone-ubnd-declares")
    phone.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(phone.get_by_text("Đã báo cáo hoàn thành; chờ xác nhận.")).to_be_visible()
    fits_the_screen(phone)
    shot(phone, "10-phone-ubnd-declared")
    log_out(phone)

    # 8. Leadership sees it awaiting confirmation; nothing is done yet (what the Phòng did
    # for the UBND is not counted a second time).
    log_in(page, "lanhdao")
    waiting = figures(page)
    assert (waiting["awaiting"], waiting["done"], waiting["open_within"]) == (1, 0, 2)
    log_out(page)

    # 9. The reviewer finds what awaits confirmation and confirms it.
    log_in(page, "bantuyengiao")
    open_menu_item(page, "Tổng hợp")
    page.locator("[data-go-figures] [data-figure=awaiting]").click()
    expect(page.get_by_role("heading", name="Nhiệm vụ có thời hạn")).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("cell", name=UBND, exact=True))
    expect(row).to_have_count(1)
    row.get_by_role("link", name=f"{NUMBER} · 1.1").click()
    page.get_by_role("link", name="Xem báo cáo hoàn thành").click()
    expect(page.get_by_text(UBND_RESULT)).to_be_visible()
    page.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.get_by_text("Đã xác nhận hoàn thành.")).to_be_visible()
    expect(page.get_by_text(f"ngày hoàn thành: {day(today)}")).to_be_visible()
    shot(page, "11-reviewer-confirms")
    log_out(page)

    # 10. Leadership, on a phone: one task done on time; its list names the UBND.
    log_in(phone, "lanhdao")
    expect(phone.get_by_role("heading", name="Tổng hợp thực hiện các văn bản")).to_be_visible()
    after = figures(phone)
    assert after == {
        **before,
        "done": 1,
        "done_on_time": 1,
        "open_within": 1,
        "due_so_far": 1,  # done counts as due (the Government Office's "đến hạn")
        "not_yet_due": 1,
    }
    expect(phone.locator("[data-go-figures]")).to_contain_text(
        "100% số đã đến hạn được hoàn thành đúng hạn"
    )
    fits_the_screen(phone)
    shot(phone, "12-phone-portfolio-after")
    phone.locator("[data-go-figures] [data-figure=done_on_time]").click()
    expect(phone.get_by_role("heading", name="Hoàn thành đúng hạn")).to_be_visible()
    rows = phone.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(UBND)
    expect(rows.first).to_contain_text(f"{NUMBER} · 1.1")
    expect(rows.first).to_contain_text(day(today))
    fits_the_screen(phone)
    shot(phone, "13-phone-done-on-time-list")

    ubnd_task = Assignment.objects.get(task=task, unit=units["ubnd"])
    assert ubnd_task.done_on == today
    confirmed = ProgressReport.objects.filter(
        assignment__task=task, status=ProgressReport.Status.ACCEPTED
    )
    assert set(confirmed.values_list("assignment__unit__name", flat=True)) == {UBND, PHONG}
    # Each side was told along the way (the bell): the Phòng of the task handed to it,
    # the reviewers of the UBND's declaration, the UBND of its confirmation.
    told = set(Notification.objects.values_list("user__username", "message"))
    assert ("phongnoivu", f"{UBND} giao nhiệm vụ 1.1 ({NUMBER}), hạn {day(phong_due)}.") in told
    assert (
        "bantuyengiao",
        f"{UBND} báo cáo hoàn thành nhiệm vụ 1.1 ({NUMBER}); đề nghị xác nhận.",
    ) in told
    assert ("vanphong", f"Nhiệm vụ 1.1 ({NUMBER}) đã được xác nhận hoàn thành.") in told
