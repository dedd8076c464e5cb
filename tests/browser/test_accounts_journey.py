"""Accounts in Chromium: an administrator invites a reporter, who sets a password from the
e-mailed link, sets up a second factor and signs in with it; a reviewer cannot change its
own roles, only ask another administrator to."""

import base64
import re
import time
from pathlib import Path

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import RoleRequest
from units.models import Membership, Unit

from ..conftest import wait_for
from ..factories import PASSWORD, MembershipFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "Sen-hong-Tay-Ho-2021"
STEP = 30  # seconds: django-otp's TOTP time step


def sign_in(page, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def app_code(key: bytes) -> tuple[int, str]:
    """What an authenticator app shows now: the time step and its 6-digit code."""
    totp = TOTP(key, step=STEP)
    totp.time = time.time()
    return totp.t(), f"{totp.token():06d}"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_invited_reporter_sets_password_and_second_factor_then_signs_in_with_it(
    browser, live_server, page, settings
):
    settings.TWO_FACTOR_ROLES = ["reporter"]  # the invited reporter must set one up
    unit = UnitFactory(name="Đảng bộ xã Tây Hồ")
    admin = MembershipFactory(
        role=Membership.Role.UNIT_ADMIN,
        unit=unit,
        user=UserFactory(username="quantri_tayho"),
    ).user

    # The administrator invites a reporter.
    page.set_viewport_size(WIDE)
    sign_in(page, admin.username, PASSWORD)
    page.goto("/quan-ly/tai-khoan/")
    page.get_by_role("link", name="Mời tài khoản mới").click()
    expect(page).to_have_url(re.compile(r"/quan-ly/tai-khoan/moi/$"))
    page.get_by_label("Tên đăng nhập").fill("canbo_tayho")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    page.get_by_label("Thư điện tử").fill("lan.tayho@dondoc.test")
    page.get_by_label("Đơn vị").select_option(label=unit.name)
    page.get_by_label("Vai trò").select_option(label="Cán bộ báo cáo của đơn vị")
    page.get_by_role("button", name="Tạo tài khoản và gửi thư mời").click()
    expect(page.get_by_text("Đã tạo tài khoản “canbo_tayho”")).to_be_visible()

    # The invitation leaves through the outbox once the live server's request commits.
    assert wait_for(lambda: len(mail.outbox) == 1), "không có thư mời"
    invitation = mail.outbox[0]
    assert invitation.to == ["lan.tayho@dondoc.test"]
    link = re.search(r"\S+/dat-mat-khau/\S+", invitation.body).group(0)
    assert link.startswith(f"{live_server.url}/dat-mat-khau/")

    # The invited reporter, in a browser of its own.
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=WIDE)
    try:
        invitee = context.new_page()
        invitee.set_default_timeout(10_000)
        invitee.goto(link)
        expect(invitee.get_by_role("heading", name="Đặt mật khẩu")).to_be_visible()
        # "Mật khẩu mới" alone is also inside "Xác nhận mật khẩu mới".
        invitee.get_by_label(re.compile(r"^\s*Mật khẩu mới")).fill(NEW_PASSWORD)
        invitee.get_by_label("Xác nhận mật khẩu mới").fill(NEW_PASSWORD)
        invitee.get_by_role("button", name="Lưu mật khẩu").click()
        expect(invitee.get_by_role("heading", name="Đã đặt mật khẩu")).to_be_visible()

        # Signing in, it is sent to set up the second factor its role requires.
        sign_in(invitee, "canbo_tayho", NEW_PASSWORD)
        expect(invitee).to_have_url(re.compile(r"/xac-thuc/thiet-lap/"))
        expect(invitee.get_by_role("heading", name="Thiết lập xác thực hai lớp")).to_be_visible()
        qr = invitee.locator(".qr svg path").first
        expect(qr).to_be_visible()  # a code the phone can scan, drawn by the app
        assert qr.bounding_box()["width"] > 150
        shot(invitee, "enrol-1366.png")
        grouped = invitee.locator("#totp-key").inner_text()
        assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})*", grouped), grouped
        secret = grouped.replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        used_step, code = app_code(key)
        invitee.get_by_label("Mã xác thực").fill(code)
        invitee.get_by_role("button", name="Xác nhận và bật").click()

        expect(invitee.get_by_role("heading", name="Mã dự phòng")).to_be_visible()
        expect(invitee.locator("#recovery-codes li")).to_have_count(10)
        invitee.get_by_role("link", name="Tôi đã lưu mã, tiếp tục").click()
        expect(invitee.get_by_role("heading", name="Việc của đơn vị")).to_be_visible()
        invitee.get_by_role("button", name="Đăng xuất").click()

        # Again: the password, then a code from the app.
        sign_in(invitee, "canbo_tayho", NEW_PASSWORD)
        expect(invitee).to_have_url(re.compile(r"/xac-thuc/\?"))
        expect(invitee.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
        invitee.set_viewport_size(PHONE)
        shot(invitee, "verify-390.png")
        _, right = app_code(key)
        invitee.get_by_label("Mã xác thực").fill(f"{(int(right) + 1) % 1_000_000:06d}")
        invitee.get_by_role("button", name="Xác nhận", exact=True).click()
        expect(invitee.get_by_text("Mã không đúng hoặc đã dùng.")).to_be_visible()
        failed_at = time.time()

        # django-otp takes no code of a time step already used (the set-up's), and holds
        # a device for a second after a wrong code: wait for both.
        while app_code(key)[0] <= used_step or time.time() - failed_at < 1.5:
            time.sleep(0.2)
        _, right = app_code(key)
        invitee.get_by_label("Mã xác thực").fill(right)
        invitee.get_by_role("button", name="Xác nhận", exact=True).click()
        expect(invitee.get_by_role("heading", name="Việc của đơn vị")).to_be_visible()
    finally:
        context.close()


def test_reviewer_cannot_change_its_own_roles(page):
    board = UnitFactory(name="Ban Tuyên giáo", kind=Unit.Kind.PARTY_BOARD)
    other = UnitFactory(name="Đảng bộ xã Nhật Tân")
    reviewer = MembershipFactory(
        role=Membership.Role.REVIEWER,
        unit=board,
        user=UserFactory(username="chuyenvien_btg", first_name="Trần Văn Bình", last_name=""),
    ).user

    sign_in(page, reviewer.username, PASSWORD)
    page.get_by_role("link", name="Quản lý", exact=True).click()
    page.get_by_role("link", name="Tài khoản", exact=True).click()
    page.locator("#accounts").get_by_role("link", name="Trần Văn Bình").click()
    expect(page).to_have_url(re.compile(rf"/quan-ly/tai-khoan/{reviewer.pk}/$"))
    roles = page.locator("#memberships")
    expect(roles).to_contain_text("Chuyên viên theo dõi · Ban Tuyên giáo")

    # Giving itself a role only asks for it.
    page.get_by_label("Đơn vị").select_option(label=other.name)
    page.get_by_label("Vai trò").select_option(label="Cán bộ báo cáo của đơn vị")
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_role("alert")).to_contain_text("chờ một quản trị viên khác duyệt")
    expect(roles).not_to_contain_text(other.name)
    assert not Membership.objects.filter(user=reviewer, unit=other).exists()
    assert RoleRequest.objects.filter(
        user=reviewer,
        unit=other,
        role=Membership.Role.REPORTER,
        change=RoleRequest.Change.GRANT,
        status=RoleRequest.Status.PENDING,
    ).exists()

    # Taking back its own reviewer role only asks for that too.
    roles.locator("li", has_text="Ban Tuyên giáo").get_by_role("button", name="Thu hồi").click()
    expect(page.get_by_role("alert")).to_contain_text("chờ một quản trị viên khác duyệt")
    expect(roles).to_contain_text("Chuyên viên theo dõi · Ban Tuyên giáo")
    assert Membership.objects.filter(
        user=reviewer, unit=board, role=Membership.Role.REVIEWER
    ).exists()
    assert RoleRequest.objects.filter(
        user=reviewer,
        unit=board,
        role=Membership.Role.REVIEWER,
        change=RoleRequest.Change.REVOKE,
        status=RoleRequest.Status.PENDING,
    ).exists()
