"""The live demo: Công văn 4085/UBND-ĐT of Ủy ban nhân dân Thành phố Hồ Chí Minh
(25/11/2025), "V/v rà soát và chuẩn hóa dữ liệu số nhà sau sắp xếp …", a letter of a
province-level body after the 2025 reorganisation (no district level: the city's
departments, and its phường, xã, đặc khu). Source: thuvienphapluat.vn's copy of the
letter (demo/4085-UBND-DT.notes.md says how it was retrieved and checked); its whole text
is demo/4085-UBND-DT.md, read here by the letter reader, word for word.

Its tasks have deadlines ("trước ngày 05 tháng 12 năm 2025", "trước ngày 31 tháng 12 năm
2025", "trong tháng 12 năm 2025") and ongoing duties. So that the demo shows what a Văn
phòng sees this week, the letter's dates are moved by whole weeks to fall around the day
the demo is loaded: task 1.1's deadline a few days past, the others a few weeks ahead.
The words stay as the letter has them (the deadline's own words are shown beside the
date). What the units did is made up, relative to that day:

- 1.1, Sở Nông nghiệp và Môi trường: handed down to Văn phòng Đăng ký đất đai with an
  earlier deadline, which it met late (confirmed by the Sở's head); the Sở itself is
  overdue and asks for more time (the request waits for the Văn phòng's decision);
- 1.3, the phường, xã, đặc khu: one done early and confirmed, one declared and waiting
  for confirmation, one drafting, the others not started;
- 2, Sở Xây dựng: its proposal due at the end of the month, within its deadline;
- the ongoing duties: the first monthly period is open, Công an Thành phố has sent its
  report.

Loading it again on another day builds it again around that day.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from directives.deadlines import read_deadline
from directives.handing_down import assignment_hand_down
from directives.letter_reader import read_text
from directives.models import Addressee, Assignment, Directive, Role, Section, Task
from directives.services import directive_publish
from reports.filing import services
from reports.filing.extensions import extension_request
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.periods.services import periods_generate
from reports.summaries.models import Summary
from units.models import Membership, Unit, UnitGroup

LETTER = Path(__file__).with_name("4085-UBND-DT.md")
NUMBER = "4085/UBND-ĐT"
TOPIC = "Chuyển đổi số, đô thị"
# The letter's deadlines fall around this day: task 1.1 two days before it.
LETTER_WEEK = datetime.date(2025, 12, 7)

K = Unit.Kind
CITY = "Ủy ban nhân dân Thành phố Hồ Chí Minh"
OFFICE = "Văn phòng Ủy ban nhân dân Thành phố"
POLICE = "Công an Thành phố Hồ Chí Minh"
CONSTRUCTION = "Sở Xây dựng"
AGRICULTURE = "Sở Nông nghiệp và Môi trường"
LAND_OFFICE = "Văn phòng Đăng ký đất đai Thành phố"
DIGITAL = "Trung tâm Chuyển đổi số Thành phố"
COMMUNES = [
    "Ủy ban nhân dân phường Sài Gòn",
    "Ủy ban nhân dân phường Bến Thành",
    "Ủy ban nhân dân phường Tân Định",
    "Ủy ban nhân dân xã Cần Giờ",
    "Ủy ban nhân dân xã Bình Chánh",
    "Ủy ban nhân dân đặc khu Côn Đảo",
]
COMMUNE_GROUP = "Ủy ban nhân dân các phường, xã, đặc khu (TP. Hồ Chí Minh)"
# (name, short name, kind, parent)
UNITS = [
    (CITY, "UBND TP. Hồ Chí Minh", K.GOVERNMENT, None),
    (OFFICE, "Văn phòng UBND TP", K.AGENCY, CITY),
    (CONSTRUCTION, "", K.AGENCY, CITY),
    (AGRICULTURE, "Sở NN&MT", K.AGENCY, CITY),
    (LAND_OFFICE, "VP Đăng ký đất đai", K.AGENCY, AGRICULTURE),
    (DIGITAL, "", K.AGENCY, CITY),
    (POLICE, "Công an Thành phố", K.POLICE, None),
    *[(name, name.removeprefix("Ủy ban nhân dân "), K.GOVERNMENT, CITY) for name in COMMUNES],
]
# Who each part of the letter addresses: {section number: [(unit or group, role)]}.
ADDRESSEES = {
    "1.1": [(AGRICULTURE, Role.LEAD)],
    "1.2": [(POLICE, Role.LEAD)],
    "1.3": [(COMMUNE_GROUP, Role.LEAD)],
    "1.4": [(CONSTRUCTION, Role.LEAD)],
    "2": [(CONSTRUCTION, Role.LEAD), (DIGITAL, Role.SUPPORT)],
}

R = Membership.Role
# (username, full name, unit, role)
ACCOUNTS = [
    ("vanphong", "Chuyên viên Văn phòng UBND Thành phố", OFFICE, R.REVIEWER),
    ("sonnmt", "Cán bộ Sở Nông nghiệp và Môi trường", AGRICULTURE, R.REPORTER),
    ("giamdoc_sonnmt", "Giám đốc Sở Nông nghiệp và Môi trường", AGRICULTURE, R.UNIT_HEAD),
    ("vpdkdd", "Cán bộ Văn phòng Đăng ký đất đai", LAND_OFFICE, R.REPORTER),
    ("soxaydung", "Cán bộ Sở Xây dựng", CONSTRUCTION, R.REPORTER),
    ("phuongsaigon", "Cán bộ UBND phường Sài Gòn", COMMUNES[0], R.REPORTER),
]


def shift(today: datetime.date) -> datetime.timedelta:
    """How far the letter's dates move: whole weeks, so its days of the week stay."""
    return datetime.timedelta(weeks=round((today - LETTER_WEEK).days / 7))


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), timezone.get_current_timezone())


def _units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for name, short_name, kind, parent in UNITS:
        units[name] = Unit.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short_name,
                "kind": kind,
                "parent": units[parent] if parent else None,
            },
        )[0]
    group = UnitGroup.objects.get_or_create(name=COMMUNE_GROUP)[0]
    group.members.set([units[name] for name in COMMUNES])
    return units


def _accounts(units: dict[str, Unit], password: str) -> dict[str, object]:
    users = {}
    for username, full_name, unit, role in ACCOUNTS:
        user = get_user_model().objects.get_or_create(username=username)[0]
        user.first_name, user.email = full_name, f"{username}@dondoc.invalid"
        user.set_password(password)
        user.save()
        Membership.objects.get_or_create(user=user, unit=units[unit], role=role)
        users[username] = user
    return users


def _remove_earlier() -> None:
    """An earlier load's directive, with what was filed on it (kept from a cascade)."""
    earlier = Directive.objects.filter(number=NUMBER)
    ProgressReport.objects.filter(assignment__task__section__directive__in=earlier).delete()
    Summary.objects.filter(directive__in=earlier).delete()
    earlier.delete()


def _directive(units: dict[str, Unit], today: datetime.date) -> Directive:
    """The letter as a directive in force, its dates moved to fall around `today`; built
    anew each time (the made-up reports below are relative to that day)."""
    reading = read_text(LETTER.read_text(encoding="utf-8"))
    moved = shift(today)
    _remove_earlier()
    directive = Directive.objects.create(
        number=NUMBER,
        doc_type=Directive.DocType.CONG_VAN,
        issued_on=reading.date + moved,
        place=reading.place or "",
        issuer=units[CITY],
        issuing_authority="Chủ tịch Ủy ban nhân dân Thành phố",
        signer_on_behalf=reading.signer.authority,
        signer_title=reading.signer.title,
        signer_name=reading.signer.name,
        subject=reading.subject.removeprefix("V/v "),
        based_on="; ".join(reading.based_on),
        recipients=reading.recipients,
        cc=reading.cc,
        body=LETTER.read_text(encoding="utf-8"),
        schedule=Directive.Schedule.MONTHLY,
        topic=TOPIC,
    )
    groups = {COMMUNE_GROUP: UnitGroup.objects.get(name=COMMUNE_GROUP)}
    order = 0
    for part in reading.sections:
        if part.number not in ADDRESSEES:
            continue  # a heading (mục 1): its parts carry the tasks
        order += 1
        section = Section.objects.create(
            directive=directive, number=part.number, order=order, heading=part.heading
        )
        for name, role in ADDRESSEES[part.number]:
            Addressee.objects.create(
                section=section, unit=units.get(name), group=groups.get(name), role=role
            )
        for n, item in enumerate(part.items, start=1):
            read = read_deadline(item.text, issued_on=reading.date)
            Task.objects.create(
                section=section,
                order=n,
                text=item.text,
                kind=read.kind,
                deadline=read.date + moved if read.date else None,
                deadline_words=read.words,
            )
    directive_publish(directive=directive)
    periods_generate(directive=directive, until=today)
    return directive


def _declare(assignment, by, day, text, *, confirm_by=None, confirm_day=None):
    report = services.report_save_draft(
        assignment=assignment, period=None, by=by, data={"achievements": text}, at=_at(day)
    )
    report = services.report_submit(report=report, by=by, at=_at(day, 15))
    if confirm_by:
        services.report_accept(report=report, by=confirm_by, at=_at(confirm_day or day, 16))
    return report


def _given(directive, section: str, unit: Unit, order: int = 1) -> Assignment:
    return Assignment.objects.select_related("unit", "task__section__directive").get(
        task__section__directive=directive,
        task__section__number=section,
        task__order=order,
        unit=unit,
        parent__isnull=True,
    )


def _what_units_did(directive, units, users, today: datetime.date) -> None:
    days = datetime.timedelta
    # 1.1: the Sở handed it to its Văn phòng Đăng ký đất đai, which met its own deadline
    # late; the Sở itself is past its deadline and asks for a week more.
    share = _given(directive, "1.1", units[AGRICULTURE])
    (land,) = assignment_hand_down(
        assignment=share,
        units={units[LAND_OFFICE]: share.due - days(3)},
        by=users["giamdoc_sonnmt"],
    )
    land = Assignment.objects.select_related("unit", "task__section__directive").get(pk=land.pk)
    _declare(
        land,
        users["vpdkdd"],
        share.due - days(1),
        "Đã trích xuất và chia sẻ cơ sở dữ liệu đất đai, 1.248 tờ bản đồ địa chính có thông "
        "tin số nhà cho 6 phường, xã, đặc khu qua hệ thống chia sẻ dữ liệu của Thành phố.",
        confirm_by=users["giamdoc_sonnmt"],
        confirm_day=share.due,
    )
    extension = extension_request(
        assignment=share,
        period=None,
        by=users["sonnmt"],
        new_due=share.due + days(7),
        reason="Còn 2 phường chưa nhận được tờ bản đồ địa chính do đường truyền gián đoạn; "
        "đề nghị gia hạn để hoàn tất việc bàn giao.",
    )
    ExtensionRequest.objects.filter(pk=extension.pk).update(requested_at=_at(today - days(1)))
    # 1.3 (its task with a deadline): communes at every stage.
    reviewer = users["vanphong"]
    text = (
        "Đã rà soát, đối chiếu {n} số nhà với cơ sở dữ liệu đất đai; cập nhật {m} số nhà cũ "
        "chưa ghi trên giấy chứng nhận; phối hợp Công an phường hoàn tất làm sạch dữ liệu."
    )
    communes = [_given(directive, "1.3", units[name], order=2) for name in COMMUNES]
    _declare(
        communes[5],
        None,  # a commune with no demo account
        today - days(4),
        text.format(n="2.150", m=312),
        confirm_by=reviewer,
        confirm_day=today - days(2),
    )
    _declare(communes[0], users["phuongsaigon"], today - days(1), text.format(n="8.942", m=1204))
    services.report_save_draft(
        assignment=communes[1],
        period=None,
        by=None,
        data={"achievements": "Đang rà soát khu phố 1 đến khu phố 4."},
    )
    # The ongoing duties: Công an Thành phố has sent its first monthly report.
    period = directive.periods.order_by("start").last()
    if period:
        police = _given(directive, "1.2", units[POLICE])
        report = services.report_save_draft(
            assignment=police,
            period=period,
            by=None,
            data={
                "percent_done": 40,
                "achievements": "Chỉ đạo Công an các phường, xã, đặc khu cử cán bộ phối hợp "
                "rà soát; hướng dẫn đối chiếu số nhà với cơ sở dữ liệu quốc gia về dân cư.",
            },
        )
        services.report_submit(report=report, by=None, at=_at(today - days(1)))


@transaction.atomic
def load_live_demo(*, password: str, today: datetime.date | None = None) -> Directive:
    """Build the live directive around `today` (default: now), with its units, accounts
    and what the units did."""
    today = today or timezone.localdate()
    units = _units()
    users = _accounts(units, password)
    directive = _directive(units, today)
    _what_units_did(directive, units, users, today)
    return directive
