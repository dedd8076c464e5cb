"""The directive editor: only reviewers open it; a directive is typed in page by page and
published; later changes to a published directive are recorded and its assignments
follow; nothing a unit reported on is deleted; bad input comes back with the user's text."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import (
    Addressee,
    Assignment,
    Directive,
    DirectiveChange,
    Indicator,
    Role,
    Section,
    Task,
)
from reports.filing.models import IndicatorValue

from ..conftest import PERSONAS, login
from ..factories import (
    AddresseeFactory,
    DirectiveFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(small_directive):
    """The published 136-CV/HU (mục 1, task 1.1, xã A lead, xã B support) with one
    indicator, and a draft ready to publish."""
    sd = small_directive
    indicator = Indicator.objects.create(task=sd.task, name="Số hội nghị", unit_of_measure="cuộc")
    draft = DirectiveFactory(number="140-KH/HU", status=Directive.Status.DRAFT)
    draft_section = SectionFactory(directive=draft, number="1", order=1)
    TaskFactory(section=draft_section, order=1)
    AddresseeFactory(section=draft_section, unit=sd.assignment_a.unit)
    return SimpleNamespace(
        directive=sd.directive,
        section=sd.section,
        task=sd.task,
        addressee=sd.section.addressees.get(unit=sd.assignment_b.unit),
        indicator=indicator,
        draft=draft,
        unit_a=sd.assignment_a.unit,
        unit_b=sd.assignment_b.unit,
    )


def _snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Directive, Section, Addressee, Task, Indicator, Assignment, DirectiveChange)
    ]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _directive_data(**changes) -> dict:
    data = {
        "number": "150-CV/HU",
        "doc_type": "cong_van",
        "issued_on": "25/08/2021",
        "place": "Đông Anh",
        "issuer": "",
        "issuing_authority": "Ban Thường vụ Huyện ủy",
        "signer_on_behalf": "T/M BAN THƯỜNG VỤ",
        "signer_title": "PHÓ BÍ THƯ",
        "signer_name": "Nguyễn Văn A",
        "subject": "V/v tuyên truyền kỷ niệm 76 năm Cách mạng tháng Tám",
        "based_on": "Công văn 251-CV/BTGTU",
        "recipients": "Các chi bộ, đảng bộ trực thuộc\n\n  Các ban xây dựng Đảng  ",
        "cc": "Như kính gửi\nLưu Văn phòng",
        "body": "",
        "schedule": "monthly",
        "reporting_starts_on": "",
        "reporting_ends_on": "",
        "lock_days": "10",
    }
    return data | changes


# Who opens what ----------------------------------------------------------------------

PAGES = {
    "create": lambda w: reverse("directives:create"),
    "edit": lambda w: reverse("directives:edit", args=[w.directive.pk]),
    "structure": lambda w: reverse("directives:structure", args=[w.directive.pk]),
    "section add": lambda w: reverse("directives:section_add", args=[w.directive.pk]),
    "section edit": lambda w: reverse("directives:section_edit", args=[w.section.pk]),
    "addressee add": lambda w: reverse("directives:addressee_add", args=[w.section.pk]),
    "task add": lambda w: reverse("directives:task_add", args=[w.section.pk]),
    "task edit": lambda w: reverse("directives:task_edit", args=[w.task.pk]),
    "indicator add": lambda w: reverse("directives:indicator_add", args=[w.task.pk]),
    "indicator edit": lambda w: reverse("directives:indicator_edit", args=[w.indicator.pk]),
}
# POST-only: a GET is refused (405) even to a reviewer.
ACTIONS = {
    "publish": lambda w: reverse("directives:publish", args=[w.draft.pk]),
    "section delete": lambda w: reverse("directives:section_delete", args=[w.section.pk]),
    "addressee delete": lambda w: reverse("directives:addressee_delete", args=[w.addressee.pk]),
    "task move": lambda w: reverse("directives:task_move", args=[w.task.pk]),
    "task delete": lambda w: reverse("directives:task_delete", args=[w.task.pk]),
    "indicator delete": lambda w: reverse("directives:indicator_delete", args=[w.indicator.pk]),
}
# GET status for:  reporter_a reporter_b reviewer leader
EXPECTED = {
    **dict.fromkeys(PAGES, (403, 403, 200, 403)),
    **dict.fromkeys(ACTIONS, (403, 403, 405, 403)),
}
URLS = PAGES | ACTIONS


@pytest.mark.parametrize(
    ("page", "persona", "status"),
    [
        pytest.param(page, persona, status, id=f"{page}-{persona}")
        for page, statuses in EXPECTED.items()
        for persona, status in zip(PERSONAS[1:], statuses, strict=True)
    ],
)
def test_only_reviewers_open_the_editor(page, persona, status, world, client_for):
    response = client_for(persona).get(URLS[page](world))

    assert response.status_code == status
    if status == 403:
        assert "Bạn không có quyền" in response.content.decode()


@pytest.mark.parametrize("page", URLS)
def test_anonymous_visitors_are_sent_to_log_in(page, world, client):
    response = client.get(URLS[page](world))

    assert response.status_code == 302
    assert response.url.startswith("/dang-nhap/?next=")


# A write a reviewer may make on each URL: (url, data).
WRITES = {
    "create": (PAGES["create"], lambda w: _directive_data(issuer=w.unit_a.pk)),
    "edit": (
        PAGES["edit"],
        lambda w: _directive_data(number=w.directive.number, issuer=w.directive.issuer_id),
    ),
    "section add": (PAGES["section add"], lambda w: {"number": "2", "heading": "Mục mới"}),
    "section edit": (PAGES["section edit"], lambda w: {"number": "1", "heading": "Tiêu đề khác"}),
    "addressee add": (
        PAGES["addressee add"],
        lambda w: {"unit": UnitFactory().pk, "group": "", "role": "support"},
    ),
    "task add": (PAGES["task add"], lambda w: {"text": "Nhiệm vụ mới"}),
    "task edit": (PAGES["task edit"], lambda w: {"text": "Nội dung khác"}),
    "indicator add": (
        PAGES["indicator add"],
        lambda w: {"name": "Số tin bài", "unit_of_measure": "tin", "aggregation": "sum"},
    ),
    "indicator edit": (
        PAGES["indicator edit"],
        lambda w: {"name": "Số cuộc", "unit_of_measure": "cuộc", "aggregation": "latest"},
    ),
    "publish": (ACTIONS["publish"], lambda w: {"reporting_starts_on": "26/08/2021"}),
    "section delete": (ACTIONS["section delete"], lambda w: {}),
    "addressee delete": (ACTIONS["addressee delete"], lambda w: {}),
    "task move": (ACTIONS["task move"], lambda w: {"huong": "len"}),
    "task delete": (ACTIONS["task delete"], lambda w: {}),
    "indicator delete": (ACTIONS["indicator delete"], lambda w: {}),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("write", WRITES)
def test_only_a_reviewer_changes_a_directive(write, persona, world, client_for):
    url, data = WRITES[write]
    if write == "task move":  # a second task, so moving 1.1 down changes something
        TaskFactory(section=world.section, order=2)
        data = lambda w: {"huong": "xuong"}  # noqa: E731
    payload = data(world)
    before = _snapshot()

    response = client_for(persona).post(url(world), payload)

    if persona == "reviewer":
        assert response.status_code == 302, _messages(response)
        assert _snapshot() != before
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert _snapshot() == before


def test_the_list_and_the_letter_link_to_the_editor_for_reviewers_only(world, client_for):
    create = reverse("directives:create")
    structure = reverse("directives:structure", args=[world.directive.pk])
    detail = reverse("directives:detail", args=[world.directive.pk])
    for persona in ("reporter_a", "leader", "reviewer"):
        client = client_for(persona)
        listed = client.get(reverse("directives:list")).content.decode()
        letter = client.get(detail).content.decode()
        assert (create in listed) is (persona == "reviewer")
        assert ("Thêm văn bản" in listed) is (persona == "reviewer")
        assert (structure in letter) is (persona == "reviewer")


# A directive typed in from start to finish ------------------------------------------


def test_a_reviewer_types_in_and_publishes_a_directive(
    reviewer, unit_a, django_capture_on_commit_callbacks
):
    members = UnitFactory.create_batch(3)
    group = UnitGroupFactory(name="Các TCCS đảng trực thuộc", members=members)
    issuer = UnitFactory(name="Huyện ủy Đông Anh")
    client = login(reviewer)

    response = client.post(reverse("directives:create"), _directive_data(issuer=issuer.pk))
    directive = Directive.objects.get(number="150-CV/HU")
    structure = reverse("directives:structure", args=[directive.pk])
    assert response.url == structure
    assert directive.status == Directive.Status.DRAFT
    assert directive.issued_on == datetime.date(2021, 8, 25)
    assert directive.recipients == ["Các chi bộ, đảng bộ trực thuộc", "Các ban xây dựng Đảng"]
    assert directive.cc == ["Như kính gửi", "Lưu Văn phòng"]

    client.post(
        reverse("directives:section_add", args=[directive.pk]),
        {"number": "1", "heading": "Tổ chức tuyên truyền", "intro": "Các đơn vị:"},
    )
    section = directive.sections.get()
    client.post(
        reverse("directives:addressee_add", args=[section.pk]),
        {"unit": "", "group": group.pk, "role": "lead"},
    )
    client.post(
        reverse("directives:addressee_add", args=[section.pk]),
        {"unit": unit_a.pk, "group": "", "role": "support"},
    )
    for text in ("Treo băng rôn", "Tổ chức hội nghị", "Báo cáo kết quả"):
        client.post(reverse("directives:task_add", args=[section.pk]), {"text": text})
    last = section.tasks.get(text="Báo cáo kết quả")
    client.post(reverse("directives:task_move", args=[last.pk]), {"huong": "len"})
    assert [t.text for t in section.tasks.order_by("order")] == [
        "Treo băng rôn",
        "Báo cáo kết quả",
        "Tổ chức hội nghị",
    ]
    assert list(section.tasks.order_by("order").values_list("order", flat=True)) == [1, 2, 3]
    client.post(
        reverse("directives:indicator_add", args=[last.pk]),
        {"name": "Số băng rôn", "unit_of_measure": "cái", "aggregation": "sum", "required": "on"},
    )
    assert last.indicators.get().name == "Số băng rôn"
    page = client.get(structure).content.decode()
    assert "Đơn vị được giao áp dụng cho mọi nhiệm vụ của mục" in page
    assert "1.2.</strong> Báo cáo kết quả" in page
    assert not Assignment.objects.filter(task__section=section).exists()
    assert not DirectiveChange.objects.exists()  # a draft keeps no history

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directives:publish", args=[directive.pk]),
            {"reporting_starts_on": "26/08/2021"},
        )

    assert response.url == structure
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ACTIVE
    tasks = list(section.tasks.all())
    assert set(
        Assignment.objects.filter(task__section=section).values_list("task_id", "unit_id", "role")
    ) == {(t.pk, u.pk, Role.LEAD) for t in tasks for u in members} | {
        (t.pk, unit_a.pk, Role.SUPPORT) for t in tasks
    }
    assert directive.periods.exists()
    assert list(directive.changes.values_list("what", flat=True)) == ["Ban hành văn bản"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        ("nothing", "Văn bản chưa có mục nào"),
        ("no addressee", "Mục 1 chưa giao cho đơn vị nào."),
        ("no task", "Văn bản chưa có nhiệm vụ nào."),
        ("empty group", "Mục 1 chỉ giao cho nhóm đơn vị chưa có thành viên."),
    ],
)
def test_publishing_refuses_a_directive_whose_tasks_reach_nobody(build, message, reviewer):
    directive = DirectiveFactory(status=Directive.Status.DRAFT)
    if build != "nothing":
        section = SectionFactory(directive=directive, number="1")
        if build != "no task":
            TaskFactory(section=section)
        if build in ("no task", "empty group"):
            AddresseeFactory(section=section, unit=None, group=UnitGroupFactory())
    client = login(reviewer)
    structure = reverse("directives:structure", args=[directive.pk])
    assert message in client.get(structure).content.decode()

    response = client.post(reverse("directives:publish", args=[directive.pk]), follow=True)

    assert message in response.content.decode()
    directive.refresh_from_db()
    assert directive.status == Directive.Status.DRAFT
    assert not Assignment.objects.filter(task__section__directive=directive).exists()


def _old_letter() -> Directive:
    """A letter of 10/03/2022 entered in December 2026, ready to publish."""
    directive = DirectiveFactory(
        status=Directive.Status.DRAFT, issued_on=datetime.date(2022, 3, 10), number="21-CT/TU"
    )
    section = SectionFactory(directive=directive, number="1")
    TaskFactory(section=section)
    AddresseeFactory(section=section, unit=UnitFactory())
    return directive


def test_publishing_an_old_letter_asks_when_reporting_starts_and_opens_no_backlog(
    reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    """Publishing a letter of 2022 opened 58 monthly periods, 57 of them overdue: the page
    now asks the day reporting starts, today by default, and only its period opens."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2026, 12, 6))
    directive = _old_letter()
    client = login(reviewer)
    page = client.get(reverse("directives:structure", args=[directive.pk]))
    asked = page.context["publish_form"]["reporting_starts_on"]

    assert asked.value() == datetime.date(2026, 12, 6)
    assert 'name="reporting_starts_on" value="06/12/2026"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("directives:publish", args=[directive.pk]),
            {"reporting_starts_on": "06/12/2026"},
        )

    directive.refresh_from_db()
    assert directive.status == Directive.Status.ACTIVE
    assert directive.reporting_starts_on == datetime.date(2026, 12, 6)
    assert [p.label for p in directive.periods.all()] == ["Tháng 12/2026"]


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Chọn ngày các đơn vị bắt đầu báo cáo."),
        ({"reporting_starts_on": "31/02/2026"}, "Ngày bắt đầu báo cáo viết theo dạng"),
        ({"reporting_starts_on": "01/01/2020"}, "không được trước ngày ban hành (10/03/2022)"),
        ({"reporting_starts_on": "31/12/9999"}, "Chọn một ngày từ năm 1930 đến năm 2199."),
    ],
)
def test_a_wrong_reporting_start_leaves_the_letter_a_draft(posted, message, reviewer):
    directive = _old_letter()

    response = login(reviewer).post(
        reverse("directives:publish", args=[directive.pk]), posted, follow=True
    )

    assert message in response.content.decode()
    directive.refresh_from_db()
    assert directive.status == Directive.Status.DRAFT
    assert not directive.periods.exists()
    assert not Assignment.objects.filter(task__section__directive=directive).exists()


# Changes to a published directive ---------------------------------------------------


def _whats(directive) -> list[str]:
    return list(directive.changes.order_by("pk").values_list("what", flat=True))


def _assigned(task) -> set[tuple[str, str]]:
    return set(task.assignments.values_list("unit__name", "role"))


def test_changes_to_a_published_directive_are_recorded_and_assignments_follow(
    world, reviewer, submitted_a
):
    client = login(reviewer)
    unit_c = UnitFactory(name="Đảng bộ xã C")
    group = UnitGroupFactory(name="Nhóm xã C", members=[unit_c])

    client.post(reverse("directives:task_add", args=[world.section.pk]), {"text": "Sơ kết"})
    new_task = world.section.tasks.get(text="Sơ kết")
    assert _assigned(new_task) == {("Đảng bộ xã A", "lead"), ("Đảng bộ xã B", "support")}

    client.post(
        reverse("directives:addressee_add", args=[world.section.pk]),
        {"unit": "", "group": group.pk, "role": "support"},
    )
    assert ("Đảng bộ xã C", "support") in _assigned(world.task)
    assert ("Đảng bộ xã C", "support") in _assigned(new_task)

    group_b = UnitGroupFactory(name="Nhóm xã B", members=[world.unit_b])
    client.post(
        reverse("directives:addressee_add", args=[world.section.pk]),
        {"unit": "", "group": group_b.pk, "role": "lead"},
    )
    assert ("Đảng bộ xã B", "lead") in _assigned(world.task)  # lead beats support

    client.post(reverse("directives:addressee_delete", args=[world.addressee.pk]))
    assert ("Đảng bộ xã B", "lead") in _assigned(world.task)  # still addressed as lead
    lead_b = world.section.addressees.get(group=group_b)
    client.post(reverse("directives:addressee_delete", args=[lead_b.pk]))
    assert not world.task.assignments.filter(unit=world.unit_b).exists()
    assert not new_task.assignments.filter(unit=world.unit_b).exists()

    # Unit A has reported on 1.1: its assignment stays, the new task's goes.
    lead_a = world.section.addressees.get(unit=world.unit_a)
    client.post(reverse("directives:addressee_delete", args=[lead_a.pk]))
    assert world.task.assignments.filter(unit=world.unit_a).exists()
    assert submitted_a.assignment.reports.filter(pk=submitted_a.pk).exists()
    assert not new_task.assignments.filter(unit=world.unit_a).exists()

    client.post(
        reverse("directives:section_edit", args=[world.section.pk]),
        {"number": "1", "heading": "Tổ chức quán triệt", "intro": ""},
    )
    client.post(reverse("directives:task_move", args=[new_task.pk]), {"huong": "len"})
    edit = reverse("directives:edit", args=[world.directive.pk])
    form = client.get(edit).context["form"]
    unchanged = {name: form[name].value() for name in form.fields}
    unchanged = {name: "" if value is None else value for name, value in unchanged.items()}
    unchanged["issued_on"] = "25/08/2021"
    client.post(edit, unchanged)
    assert len(_whats(world.directive)) == 8  # saved as it was: nothing to record
    client.post(edit, unchanged | {"subject": "V/v sửa trích yếu", "cc": "Lưu VP\nBTG"})

    assert _whats(world.directive) == [
        "Thêm nhiệm vụ 1.2",
        "Thêm đơn vị phối hợp Nhóm xã C vào mục 1",
        "Thêm đơn vị chủ trì Nhóm xã B vào mục 1",
        "Xóa đơn vị phối hợp Đảng bộ xã B khỏi mục 1",
        "Xóa đơn vị chủ trì Nhóm xã B khỏi mục 1",
        "Xóa đơn vị chủ trì Đảng bộ xã A khỏi mục 1"
        " (giữ phân công đã có báo cáo của: Đảng bộ xã A)",
        "Sửa mục 1",
        "Chuyển nhiệm vụ 1.2 thành 1.1",
        "Sửa thông tin văn bản: trích yếu, nơi nhận",
    ]
    section_change = world.directive.changes.get(what="Sửa mục 1")
    assert section_change.by == reviewer
    assert section_change.data["before"]["heading"] == "Tổ chức học tập, quán triệt"
    assert section_change.data["after"]["heading"] == "Tổ chức quán triệt"
    header = world.directive.changes.get(what__startswith="Sửa thông tin")
    assert header.data["subject"]["after"] == "V/v sửa trích yếu"
    assert header.data["cc"] == {"before": [], "after": ["Lưu VP", "BTG"]}
    page = login(reviewer).get(reverse("directives:structure", args=[world.directive.pk]))
    assert "Chuyển nhiệm vụ 1.2 thành 1.1" in page.content.decode()


def test_a_task_or_section_with_reports_is_not_deleted(world, reviewer, submitted_a):
    client = login(reviewer)
    before = _snapshot()

    response = client.post(reverse("directives:task_delete", args=[world.task.pk]), follow=True)
    assert "Không xóa được nhiệm vụ 1.1: đơn vị đã báo cáo về nhiệm vụ này." in (
        response.content.decode()
    )
    response = client.post(
        reverse("directives:section_delete", args=[world.section.pk]), follow=True
    )
    assert "Không xóa được mục 1" in response.content.decode()

    assert _snapshot() == before


def test_an_indicator_with_figures_is_not_deleted(world, reviewer, submitted_a):
    IndicatorValue.objects.create(report=submitted_a, indicator=world.indicator, value=3)
    before = _snapshot()

    response = login(reviewer).post(
        reverse("directives:indicator_delete", args=[world.indicator.pk]), follow=True
    )

    assert "đã có báo cáo nhập số liệu" in response.content.decode()
    assert _snapshot() == before


def test_deleting_a_task_without_reports_renumbers_the_rest(world, reviewer):
    second = TaskFactory(section=world.section, order=2, text="Thứ hai")
    third = TaskFactory(section=world.section, order=3, text="Thứ ba")

    login(reviewer).post(reverse("directives:task_delete", args=[second.pk]))

    third.refresh_from_db()
    assert third.code == "1.2"
    assert _whats(world.directive) == ["Xóa nhiệm vụ 1.2"]
    assert world.directive.changes.get().data == {"before": {"text": "Thứ hai"}}


def test_a_task_at_the_edge_does_not_move(world, reviewer):
    login(reviewer).post(reverse("directives:task_move", args=[world.task.pk]), {"huong": "len"})

    world.task.refresh_from_db()
    assert world.task.order == 1
    assert not DirectiveChange.objects.exists()


# Bad input comes back with the user's text ------------------------------------------


def test_a_bad_directive_form_keeps_the_users_text(reviewer, unit_a):
    data = _directive_data(
        issuer=unit_a.pk,
        issued_on="31/02/2021",
        subject="",
        reporting_starts_on="01/10/2021",
        reporting_ends_on="01/09/2021",
        lock_days="mười",
    )

    response = login(reviewer).post(reverse("directives:create"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ngày ban hành viết theo dạng ngày/tháng/năm, ví dụ 25/08/2021." in page
    assert "Cần nhập trích yếu của văn bản." in page
    assert "Ngày kết thúc báo cáo phải sau ngày bắt đầu báo cáo." in page
    assert "Số ngày khóa nhập là một số nguyên" in page
    assert 'value="31/02/2021"' in page
    assert 'value="150-CV/HU"' in page
    assert "Lưu Văn phòng" in page
    assert not Directive.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"issued_on": "01/01/0001"},
        {"issued_on": "31/12/9999"},
        {"reporting_starts_on": "01/01/0001"},
        {"reporting_ends_on": "31/12/9999"},
        {"lock_days": "9999999"},
    ],
)
def test_a_date_or_lock_no_period_can_be_reckoned_from_is_refused(change, world, reviewer):
    """Periods are reckoned from these dates by date arithmetic, which fails near year 1
    and 9999 (and a lock of millions of days past 9999): such a value was saved, then the
    page and the daily job that opens periods broke on it."""
    directive = world.directive
    before = Directive.objects.filter(pk=directive.pk).values().get()
    data = _directive_data(number=directive.number, issuer=directive.issuer_id) | change

    response = login(reviewer).post(reverse("directives:edit", args=[directive.pk]), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Chọn một ngày từ năm 1930 đến năm 2199." in page or "tối đa 366" in page
    assert Directive.objects.filter(pk=directive.pk).values().get() == before


def test_a_directive_number_is_unique(world, reviewer):
    data = _directive_data(number=world.directive.number, issuer=world.unit_a.pk)

    response = login(reviewer).post(reverse("directives:create"), data)

    assert response.status_code == 200
    assert "Đã có văn bản mang số và ký hiệu này." in response.content.decode()


def test_an_addressee_is_a_unit_or_a_group_not_both(world, reviewer):
    group = UnitGroupFactory(members=[UnitFactory()])
    url = reverse("directives:addressee_add", args=[world.section.pk])
    before = _snapshot()

    both = login(reviewer).post(url, {"unit": world.unit_a.pk, "group": group.pk, "role": "lead"})
    neither = login(reviewer).post(url, {"unit": "", "group": "", "role": "lead"})

    assert both.status_code == neither.status_code == 200
    page = both.content.decode()
    assert "Chọn một đơn vị hoặc một nhóm đơn vị (không chọn cả hai)." in page
    assert f'<option value="{group.pk}" selected>' in page
    assert f'<option value="{world.unit_a.pk}" selected>' in page
    assert "Chọn một đơn vị hoặc một nhóm đơn vị." in neither.content.decode()
    assert _snapshot() == before


def test_a_closed_unit_gets_no_new_section(world, reviewer):
    merged = UnitFactory(
        name="Đảng bộ xã cũ",
        valid_from=datetime.date(2000, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    url = reverse("directives:addressee_add", args=[world.section.pk])
    client = login(reviewer)

    assert "Đảng bộ xã cũ" not in client.get(url).content.decode()
    response = client.post(url, {"unit": merged.pk, "group": "", "role": "lead"})

    assert response.status_code == 200
    assert "Chọn một mục trong danh sách." in response.content.decode()
    assert world.section.addressees.count() == 2


def test_removing_an_addressee_keeps_an_assignment_made_by_hand(world, reviewer):
    by_hand = Assignment.objects.create(task=world.task, unit=UnitFactory(), role=Role.SUPPORT)

    login(reviewer).post(reverse("directives:addressee_delete", args=[world.addressee.pk]))

    assert Assignment.objects.filter(pk=by_hand.pk).exists()
    assert not world.task.assignments.filter(unit=world.unit_b).exists()


def test_a_unit_addressed_twice_is_refused(world, reviewer):
    url = reverse("directives:addressee_add", args=[world.section.pk])

    response = login(reviewer).post(url, {"unit": world.unit_a.pk, "group": "", "role": "lead"})

    assert response.status_code == 200
    assert "Mục 1 đã giao cho Đảng bộ xã A." in response.content.decode()
    assert 'value="lead" selected' in response.content.decode()
    assert world.section.addressees.count() == 2


def test_a_section_number_is_unique_and_the_heading_kept(world, reviewer):
    url = reverse("directives:section_add", args=[world.directive.pk])

    response = login(reviewer).post(url, {"number": "1", "heading": "Tiêu đề tôi vừa gõ"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Văn bản đã có mục số 1." in page
    assert "Tiêu đề tôi vừa gõ" in page
    assert world.directive.sections.count() == 1


@pytest.mark.parametrize(
    ("page", "data", "message"),
    [
        ("task add", {"text": "  "}, "Cần nhập nội dung nhiệm vụ."),
        ("indicator add", {"name": "", "aggregation": "sum"}, "Cần nhập tên chỉ tiêu."),
        (
            "indicator add",
            {"name": "Số tin", "aggregation": "trung-binh"},
            "Chọn một cách tổng hợp trong danh sách.",
        ),
        ("section edit", {"number": "", "heading": "Giữ chữ này"}, "Cần nhập số mục"),
    ],
)
def test_bad_structure_input_is_shown_in_vietnamese(page, data, message, world, reviewer):
    before = _snapshot()

    response = login(reviewer).post(PAGES[page](world), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Chưa lưu: xem các thông báo bên dưới." in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("page", ["section edit", "task edit", "indicator edit"])
def test_missing_objects_are_not_found(page, world, reviewer):
    url = PAGES[page](world).replace(f"/{world.section.pk}/", "/999999/")
    url = url.replace(f"/{world.task.pk}/", "/999999/").replace(
        f"/{world.indicator.pk}/", "/999999/"
    )

    assert login(reviewer).get(url).status_code == 404


# Query counts ------------------------------------------------------------------------


def _long_directive(task_count: int) -> Directive:
    directive = DirectiveFactory()
    for number in ("1", "2"):
        section = SectionFactory(directive=directive, number=number)
        AddresseeFactory(section=section)
        AddresseeFactory(section=section, unit=None, group=UnitGroupFactory())
        for order in range(1, task_count + 1):
            task = TaskFactory(section=section, order=order)
            Indicator.objects.create(task=task, name=f"Chỉ tiêu {order}")
    DirectiveChange.objects.create(directive=directive, what="Sửa mục 1")
    return directive


STRUCTURE_QUERIES = 12  # pinned: a new query on this page must be a decision


@pytest.mark.parametrize("task_count", [1, 12])
def test_the_structure_page_reads_in_a_fixed_number_of_queries(task_count, reviewer):
    directive = _long_directive(task_count)
    client = login(reviewer)
    url = reverse("directives:structure", args=[directive.pk])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('id="nhiem-vu-') == 2 * task_count
    assert len(queries) == STRUCTURE_QUERIES, [q["sql"] for q in queries]


def test_a_new_schedule_for_a_published_directive_brings_its_periods_in_line(
    world, reviewer, django_capture_on_commit_callbacks
):
    directive = world.directive
    assert list(directive.periods.values_list("label", flat=True)) == ["Tháng 9/2021"]
    data = _directive_data(
        number=directive.number,
        issuer=directive.issuer_id,
        issued_on="25/08/2021",
        schedule="quarterly",
        reporting_ends_on="31/12/2021",
        lock_days="0",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = login(reviewer).post(reverse("directives:edit", args=[directive.pk]), data)

    assert response.status_code == 302
    labels = list(directive.periods.order_by("start").values_list("label", flat=True))
    assert "Tháng 9/2021" not in labels  # it held no report: the schedule replaced it
    assert labels and all(label.startswith("Quý") for label in labels)
