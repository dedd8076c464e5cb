"""The unit tree as a spreadsheet (bảng đơn vị): downloaded, changed and uploaded back as
real XLSX files; every problem listed with its row number and nothing saved; a unit's
administrator reads and writes only its own units; no text ever becomes a formula."""

import datetime
import io
import os
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ops.models import AuditEvent
from reorganisations.unit_sheet import unit_sheet, unit_sheet_read
from units.models import Membership, Unit

from ..conftest import login
from ..factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("reorganisations:unit_sheet")
DOWNLOAD = reverse("reorganisations:unit_sheet_download")
HEADER = [
    "Mã",
    "Tên đơn vị",
    "Tên viết tắt",
    "Loại",
    "Mã đơn vị cấp trên",
    "Hoạt động từ ngày",
    "Hoạt động đến ngày",
    "Mã đơn vị kế thừa",
]
GRASSROOTS = "Tổ chức cơ sở đảng"
FORMULA = '=HYPERLINK("http://evil.example/","Bấm vào đây")'


class Tree:
    """Tỉnh ủy above two districts: Tuy Phước (xã A, xã B) and An Nhơn (xã C); Ban Tổ
    chức's reviewer administers every unit, Tuy Phước's administrator its own three."""

    def __init__(self):
        self.province = UnitFactory(name="Tỉnh ủy Bình Định", kind=Unit.Kind.PARTY_COMMITTEE)
        self.district = UnitFactory(
            name="Huyện ủy Tuy Phước",
            short_name="HU Tuy Phước",
            kind=Unit.Kind.PARTY_COMMITTEE,
            parent=self.province,
        )
        self.a = UnitFactory(name="Đảng bộ xã A", parent=self.district)
        self.b = UnitFactory(name="Đảng bộ xã B", parent=self.district)
        self.other = UnitFactory(
            name="Huyện ủy An Nhơn", kind=Unit.Kind.PARTY_COMMITTEE, parent=self.province
        )
        self.c = UnitFactory(name="Đảng bộ xã C", parent=self.other)
        board = UnitFactory(
            name="Ban Tổ chức Tỉnh ủy", kind=Unit.Kind.PARTY_BOARD, parent=self.province
        )
        self.reviewer = _member(board, Membership.Role.REVIEWER, "btc_tinh")
        self.admin = _member(self.district, Membership.Role.UNIT_ADMIN, "quantri_tuyphuoc")
        self.reporter = _member(self.a, Membership.Role.REPORTER, "canbo_xa_a")


def _member(unit, role, username):
    return MembershipFactory(unit=unit, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def tree() -> Tree:
    return Tree()


def _xlsx(rows, header=HEADER, title="Đơn vị") -> bytes:
    """A workbook made by hand, as a user might: a header row, then the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(unit: Unit, **changes) -> list:
    """A unit as its row reads in the downloaded sheet, with some cells changed."""
    cells = {
        "code": unit.pk,
        "name": unit.name,
        "short_name": unit.short_name or None,
        "kind": str(unit.get_kind_display()),
        "parent": unit.parent_id,
        "valid_from": unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else None,
        "valid_to": unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else None,
        "successor": unit.successor_id,
    } | changes
    return list(cells.values())


def _new(code, name, parent, **changes) -> list:
    cells = dict.fromkeys(("short_name", "valid_from", "valid_to", "successor"))
    cells = {"code": code, "name": name, "kind": GRASSROOTS, "parent": parent} | cells
    order = ("code", "name", "short_name", "kind", "parent", "valid_from", "valid_to", "successor")
    return [(cells | changes)[name] for name in order]


def _read(data: bytes, user):
    return unit_sheet_read(io.BytesIO(data), user)


def _post(client, data: bytes, name="don-vi.xlsx"):
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data)})


def _snapshot():
    return list(Unit.objects.order_by("pk").values()), AuditEvent.objects.count()


def _downloaded(client):
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


# Download and round trip ------------------------------------------------------------------


def test_the_download_is_a_sheet_of_every_administered_unit_with_a_guide(tree):
    response = login(tree.reviewer).get(DOWNLOAD)

    assert response["Content-Disposition"] == 'attachment; filename="don-vi.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Đơn vị", "Hướng dẫn"]
    ws = wb["Đơn vị"]
    assert [cell.value for cell in ws[1]] == HEADER
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(Unit.objects.values_list("pk", flat=True))
    assert rows[tree.district.pk] == (
        tree.district.pk,
        "Huyện ủy Tuy Phước",
        "HU Tuy Phước",
        "Cấp ủy",
        tree.province.pk,
        None,
        None,
        None,
    )
    assert rows[tree.province.pk][4] is None  # a top unit: no unit above
    order = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert order.index(tree.district.pk) < order.index(tree.a.pk)  # the tree as it reads
    guide = "\n".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    for header in HEADER:
        assert f"“{header}”" in guide
    for code, label in Unit.Kind.choices:
        assert code in guide and str(label) in guide
    # The kind is chosen from a list: the guide's labels.
    (choose,) = ws.data_validations.dataValidation
    assert str(choose.sqref).startswith("D2:D")
    sheet, cells = choose.formula1.split("!")
    assert sheet == "'Hướng dẫn'"
    listed = [row[0].value for row in wb["Hướng dẫn"][cells.replace("$", "")]]
    assert listed == [str(label) for label in Unit.Kind.labels]


def test_a_round_trip_changes_a_name_and_adds_units_below_a_new_one(tree):
    client = login(tree.reviewer)
    wb = _downloaded(client)
    ws = wb["Đơn vị"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == tree.a.pk:
            row[1].value = "Đảng bộ xã An Hòa"
    # The one below first: a row may name a new unit before the row that adds it.
    ws.append(_new("", "Chi bộ thôn 1", "m1", kind="other", valid_from="01/07/2025"))
    ws.append(_new("M1", "Đảng bộ xã Phước Hòa", tree.district.pk))
    out = io.BytesIO()
    wb.save(out)

    response = _post(client, out.getvalue())

    assert response.status_code == 302 and response.url == reverse("accounts:units")
    page = client.get(response.url).content.decode()
    assert "Đã nạp bảng đơn vị: 2 đơn vị mới, 1 đơn vị thay đổi." in page
    tree.a.refresh_from_db()
    assert tree.a.name == "Đảng bộ xã An Hòa"
    new = Unit.objects.get(name="Đảng bộ xã Phước Hòa")
    assert new.parent == tree.district and new.kind == Unit.Kind.GRASSROOTS_PARTY
    below = Unit.objects.get(name="Chi bộ thôn 1")
    assert below.parent == new and below.kind == Unit.Kind.OTHER
    assert below.valid_from == datetime.date(2025, 7, 1)
    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["unit.changed", "unit.created", "unit.created"]


def test_an_unchanged_sheet_saves_nothing(tree):
    client = login(tree.reviewer)
    before = _snapshot()

    response = _post(client, client.get(DOWNLOAD).content)

    assert response.status_code == 302
    assert "Bảng đơn vị không có thay đổi nào" in client.get(response.url).content.decode()
    assert _snapshot() == before


def test_closing_dates_read_as_text_or_as_real_dates_with_successors_in_any_order(tree):
    data = _xlsx(
        [
            _row(tree.b, valid_to=datetime.datetime(2025, 6, 30), successor=tree.a.pk),
            _new("M2", "Chi bộ cũ", tree.a.pk, valid_to="30/6/2025", successor="m3"),
            _new("M3", "Chi bộ mới", tree.a.pk, valid_from=datetime.date(2025, 7, 1)),
        ]
    )

    result = _read(data, tree.reviewer)

    assert result.problems == []
    assert (result.created, result.changed, result.unchanged) == (2, 1, 0)
    tree.b.refresh_from_db()
    assert tree.b.valid_to == datetime.date(2025, 6, 30) and tree.b.successor == tree.a
    old, new = Unit.objects.get(name="Chi bộ cũ"), Unit.objects.get(name="Chi bộ mới")
    assert old.valid_to == datetime.date(2025, 6, 30) and old.successor == new
    assert new.valid_from == datetime.date(2025, 7, 1)
    closed = AuditEvent.objects.filter(action="unit.closed", unit_id=tree.b.pk).get()
    assert "Đảng bộ xã B hoạt động đến 30/06/2025" in closed.summary


def test_a_closed_unit_reopened_loses_its_closing_date_and_is_audited(tree):
    tree.b.valid_to, tree.b.successor = datetime.date(2025, 6, 30), tree.a
    tree.b.save()

    result = _read(_xlsx([_row(tree.b, valid_to=None, successor=None)]), tree.reviewer)

    assert result.ok and result.changed == 1
    tree.b.refresh_from_db()
    assert tree.b.valid_to is None and tree.b.successor is None
    event = AuditEvent.objects.get(action="unit.changed", unit_id=tree.b.pk)
    assert event.summary == "Đảng bộ xã B (valid_to, successor)"


# Every problem, by its row ---------------------------------------------------------------

# (what the row holds, the problem listed) — each problem on row 3, after a good row 2.
PROBLEMS = {
    "unknown parent": (
        lambda t: _new("", "Chi bộ mới", 999_999),
        "Dòng 3, cột “Mã đơn vị cấp trên”: không có đơn vị nào mang mã 999999.",
    ),
    "unknown new code as parent": (
        lambda t: _new("", "Chi bộ mới", "X9"),
        "Dòng 3, cột “Mã đơn vị cấp trên”: không có dòng nào mang mã “X9” trong bảng.",
    ),
    "unknown kind": (
        lambda t: _row(t.b, kind="Ủy ban"),
        "Dòng 3, cột “Loại”: “Ủy ban” không có trong danh sách; chọn một trong: "
        + "; ".join(str(label) for label in Unit.Kind.labels)
        + ".",
    ),
    "blank kind": (
        lambda t: _row(t.b, kind=None),
        "Dòng 3, cột “Loại”: chưa có loại; chọn một trong: "
        + "; ".join(str(label) for label in Unit.Kind.labels)
        + ".",
    ),
    "bad date": (
        lambda t: _row(t.b, valid_from="31/02/2025"),
        "Dòng 3, cột “Hoạt động từ ngày”: “31/02/2025” không phải một ngày; ghi "
        "ngày/tháng/năm, ví dụ 30/06/2025.",
    ),
    "closing before opening": (
        lambda t: _row(t.b, valid_from="01/07/2025", valid_to="30/06/2025"),
        "Dòng 3, cột “Hoạt động đến ngày”: ngày kết thúc hoạt động trước ngày bắt đầu "
        "(01/07/2025).",
    ),
    "blank name": (
        lambda t: _row(t.b, name="   "),
        "Dòng 3, cột “Tên đơn vị”: chưa có tên đơn vị.",
    ),
    "name too long": (
        lambda t: _row(t.b, name="x" * 256),
        "Dòng 3, cột “Tên đơn vị”: tối đa 255 ký tự (đang có 256).",
    ),
    "unknown unit": (
        lambda t: _new(999_998, "Đơn vị lạ", t.district.pk),
        "Dòng 3, cột “Mã”: không có đơn vị nào mang mã 999998. Để thêm đơn vị mới, để trống "
        "ô này hoặc ghi một mã tạm có chữ như M1.",
    ),
    "duplicate code": (
        lambda t: _row(t.a, name="Đảng bộ xã A (lần hai)"),
        "Dòng 3, cột “Mã”: trùng mã với dòng 2.",
    ),
    "below itself": (
        lambda t: _row(t.district, parent=t.a.pk),
        "Dòng 3, cột “Mã đơn vị cấp trên”: đơn vị không thể nằm dưới chính nó: mã đơn vị "
        "cấp trên dẫn ngược về dòng này.",
    ),
    "its own successor": (
        lambda t: _row(t.b, valid_to="30/06/2025", successor=t.b.pk),
        "Dòng 3, cột “Mã đơn vị kế thừa”: đơn vị kế thừa phải là đơn vị khác.",
    ),
    "a formula as a code": (
        lambda t: _new("", "Chi bộ mới", "=B2"),
        "Dòng 3, cột “Mã đơn vị cấp trên”: không dùng công thức; hãy nhập giá trị.",
    ),
}


@pytest.mark.parametrize("problem", PROBLEMS)
def test_each_problem_is_listed_with_its_row_and_nothing_is_saved(problem, tree):
    make, message = PROBLEMS[problem]
    good = _row(tree.a, name="Đảng bộ xã A đổi tên")  # right, yet not saved either
    before = _snapshot()

    result = _read(_xlsx([good, make(tree)]), tree.reviewer)

    assert result.problems == [message]
    assert _snapshot() == before


def test_every_problem_of_a_sheet_is_listed_at_once_on_the_page(tree):
    client = login(tree.reviewer)
    data = _xlsx(
        [
            _row(tree.a, name="Đảng bộ xã A đổi tên"),
            _new("", "", tree.district.pk),
            _row(tree.b, kind="Ủy ban", valid_to="32/13/2025"),
            _new("M1", "Chi bộ vòng", "M2"),
            _new("M2", "Chi bộ vòng hai", "m1"),
        ]
    )
    before = _snapshot()

    response = _post(client, data)

    body = response.content.decode()
    assert response.status_code == 200 and 'id="unit-sheet-errors"' in body
    assert "có 5 lỗi" in body and "Chưa đơn vị nào được lưu" in body
    for expected in (
        "Dòng 3, cột “Tên đơn vị”: chưa có tên đơn vị.",
        "Dòng 4, cột “Loại”: “Ủy ban” không có trong danh sách",
        "Dòng 4, cột “Hoạt động đến ngày”: “32/13/2025” không phải một ngày",
        "Dòng 5, cột “Mã đơn vị cấp trên”: đơn vị không thể nằm dưới chính nó",
        "Dòng 6, cột “Mã đơn vị cấp trên”: đơn vị không thể nằm dưới chính nó",
    ):
        assert expected in body
    assert body.index("Dòng 3,") < body.index("Dòng 4,") < body.index("Dòng 6,")
    assert _snapshot() == before


def test_more_than_5000_rows_are_refused(tree):
    rows = [_new("", f"Chi bộ {n}", tree.district.pk) for n in range(5_001)]

    result = _read(_xlsx(rows), tree.reviewer)

    assert result.problems == ["Bảng tính có quá nhiều dòng (tối đa 5.000)."]
    assert not Unit.objects.filter(name="Chi bộ 0").exists()


def test_5000_rows_are_read_in_a_few_queries(tree, django_assert_max_num_queries):
    Unit.objects.bulk_create(
        Unit(name=f"Chi bộ {n}", kind=Unit.Kind.OTHER, parent=tree.b) for n in range(4_993)
    )
    data = _xlsx([_row(unit) for unit in Unit.objects.order_by("pk")])
    assert Unit.objects.count() == 5_000

    with django_assert_max_num_queries(12):
        result = _read(data, tree.reviewer)

    assert result.ok and result.unchanged == 5_000


NOT_A_SHEET = (
    "Tệp không phải bảng tính Excel (.xlsx) hoặc đã bị hỏng. Hãy tải bảng đơn vị về, sửa "
    "rồi lưu dưới dạng .xlsx."
)
BAD_FILES = {
    "text renamed .xlsx": ("Mã,Tên đơn vị\n1,Xã A\n".encode(), NOT_A_SHEET),
    "5 MB of random bytes": (os.urandom(5 * 1024 * 1024), NOT_A_SHEET),
    "over 5 MB": (b"PK" + os.urandom(5 * 1024 * 1024), "Tệp quá lớn: tối đa 5 MB."),
    "a zip that is no workbook": (b"PK\x05\x06" + b"\0" * 18, NOT_A_SHEET),
    "another spreadsheet": (
        _xlsx([["x", "y"]], header=["Họ tên", "Điện thoại"]),
        "Bảng tính không đúng mẫu: thiếu cột “Mã”, “Tên đơn vị”, “Loại”, “Mã đơn vị cấp trên” "
        "ở dòng 1. Hãy tải bảng đơn vị về rồi sửa trên đó.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_file_that_is_not_the_sheet_is_refused_in_vietnamese(case, tree):
    data, message = BAD_FILES[case]
    before = _snapshot()

    response = _post(login(tree.reviewer), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Chọn tệp bảng đơn vị để nạp."),
        ({"file": SimpleUploadedFile("don-vi.xlsx", b"")}, "Tệp trống."),
    ],
)
def test_no_file_or_an_empty_one_is_refused(files, message, tree):
    response = login(tree.reviewer).post(PAGE, files)

    assert response.status_code == 200 and message in response.content.decode()


def test_a_sheet_on_its_own_first_page_with_moved_and_missing_columns_is_read(tree):
    """A hand-made workbook: another sheet name, columns in another order, the optional
    ones left out (the unit keeps what they hold)."""
    tree.b.short_name = "Xã B"
    tree.b.save()
    header = ["Loại", "Tên đơn vị", "Mã đơn vị cấp trên", "Mã"]
    data = _xlsx(
        [["party_committee", "Đảng bộ xã B mới", tree.district.pk, tree.b.pk]],
        header=header,
        title="Sheet1",
    )

    result = _read(data, tree.reviewer)

    assert result.ok and result.changed == 1
    tree.b.refresh_from_db()
    assert tree.b.name == "Đảng bộ xã B mới" and tree.b.kind == Unit.Kind.PARTY_COMMITTEE
    assert tree.b.short_name == "Xã B"


# Who reads and writes what ----------------------------------------------------------------


def test_a_unit_administrator_downloads_only_its_units(tree):
    ws = _downloaded(login(tree.admin))["Đơn vị"]

    codes = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert codes == {tree.district.pk, tree.a.pk, tree.b.pk}


def test_a_unit_administrator_changes_and_adds_within_its_scope(tree):
    client = login(tree.admin)
    wb = _downloaded(client)
    wb["Đơn vị"].append(_new("M1", "Chi bộ thôn 2", tree.b.pk))
    out = io.BytesIO()
    wb.save(out)

    response = _post(client, out.getvalue())

    assert response.status_code == 302
    assert Unit.objects.get(name="Chi bộ thôn 2").parent == tree.b


# (what the unit's administrator writes, the problem listed) on row 2.
OUT_OF_SCOPE = {
    "a unit it does not administer": (
        lambda t: _row(t.c, name="Đảng bộ xã C đổi tên"),
        "Dòng 2, cột “Mã”: đơn vị này không do bạn quản lý; bỏ dòng này ra khỏi bảng.",
    ),
    "its unit above one it does not administer": (
        lambda t: _row(t.a, parent=t.other.pk),
        "Dòng 2, cột “Mã đơn vị cấp trên”: đơn vị mã {other} không do bạn quản lý; chỉ "
        "đặt được đơn vị dưới đơn vị mình quản lý.",
    ),
    "its own unit moved up": (
        lambda t: _row(t.district, parent=None),
        "Dòng 2, cột “Mã đơn vị cấp trên”: chỉ chuyên viên theo dõi đặt được đơn vị ở cấp cao "
        "nhất; hãy ghi mã đơn vị cấp trên.",
    ),
    "a new unit at the top": (
        lambda t: _new("", "Huyện ủy mới", None),
        "Dòng 2, cột “Mã đơn vị cấp trên”: chỉ chuyên viên theo dõi đặt được đơn vị ở cấp cao "
        "nhất; hãy ghi mã đơn vị cấp trên.",
    ),
    "a new unit elsewhere": (
        lambda t: _new("", "Chi bộ lạ", t.c.pk),
        "Dòng 2, cột “Mã đơn vị cấp trên”: đơn vị mã {c} không do bạn quản lý; chỉ đặt "
        "được đơn vị dưới đơn vị mình quản lý.",
    ),
    "a successor it does not administer": (
        lambda t: _row(t.b, valid_to="30/06/2025", successor=t.c.pk),
        "Dòng 2, cột “Mã đơn vị kế thừa”: đơn vị mã {c} không do bạn quản lý.",
    ),
}


@pytest.mark.parametrize("case", OUT_OF_SCOPE)
def test_a_unit_administrator_cannot_reach_outside_its_scope(case, tree):
    make, message = OUT_OF_SCOPE[case]
    before = _snapshot()

    result = _read(_xlsx([make(tree)]), tree.admin)

    assert result.problems == [message.format(other=tree.other.pk, c=tree.c.pk)]
    assert _snapshot() == before


def test_the_same_rows_are_the_reviewers_to_write(tree):
    """The refusals above are the unit administrator's scope, not rows wrong for all."""
    rows = [make(tree) for make, _message in OUT_OF_SCOPE.values()]
    rows = [row for row in rows if row[0] != tree.district.pk]  # one row per unit

    result = _read(_xlsx(rows), tree.reviewer)

    assert result.problems == []


def test_the_sheet_never_touches_roles(tree):
    memberships = list(Membership.objects.order_by("pk").values())
    client = login(tree.admin)

    _post(client, _xlsx([_row(tree.a, name="Đảng bộ xã A mới"), _new("", "Chi bộ", tree.a.pk)]))

    assert list(Membership.objects.order_by("pk").values()) == memberships


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_who_opens_the_pages(url, tree, client):
    assert login(tree.reviewer).get(url).status_code == 200
    assert login(tree.admin).get(url).status_code == 200
    refused = login(tree.reporter).get(url)
    assert refused.status_code == 403 and "Bạn không có quyền" in refused.content.decode()
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url == f"/dang-nhap/?next={quote(url, safe='/')}"


def test_a_reporter_posting_a_sheet_is_refused_and_nothing_changes(tree):
    before = _snapshot()

    response = _post(login(tree.reporter), _xlsx([_row(tree.a, name="Xã A của tôi")]))

    assert response.status_code == 403
    assert _snapshot() == before


def test_the_pages_link_each_other(tree):
    client = login(tree.admin)

    acts = client.get(reverse("reorganisations:acts")).content.decode()
    page = client.get(PAGE).content.decode()

    assert f'href="{PAGE}"' in acts and "Bảng đơn vị (tải về, nạp lên)" in acts
    assert f'href="{DOWNLOAD}"' in page and 'enctype="multipart/form-data"' in page
    assert "Bảng có 3 dòng" in page


# No text becomes a formula -----------------------------------------------------------------


def test_a_name_that_looks_like_a_formula_is_exported_as_text(tree):
    tree.a.name = FORMULA
    tree.a.save()

    ws = load_workbook(io.BytesIO(unit_sheet(tree.reviewer)))["Đơn vị"]

    cell = next(row[1] for row in ws.iter_rows(min_row=2) if row[0].value == tree.a.pk)
    assert cell.data_type == "s"
    assert cell.value == FORMULA
    assert cell.quotePrefix


def test_a_name_that_looks_like_a_formula_is_imported_as_text(tree):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(_row(tree.a, name=None))
    ws.append(_new("", None, tree.a.pk))
    for row in (2, 3):
        ws.cell(row, 2).value = FORMULA
        ws.cell(row, 2).data_type = "s"  # typed as text
    ws.cell(3, 2).data_type = "f"  # the other a formula the spreadsheet would evaluate
    out = io.BytesIO()
    wb.save(out)
    assert load_workbook(io.BytesIO(out.getvalue()))["Sheet"].cell(3, 2).data_type == "f"

    response = _post(login(tree.reviewer), out.getvalue())

    assert response.status_code == 302
    tree.a.refresh_from_db()
    assert tree.a.name == FORMULA
    assert Unit.objects.get(parent=tree.a).name == FORMULA
    again = load_workbook(io.BytesIO(unit_sheet(tree.reviewer)))["Đơn vị"]
    names = [row[1] for row in again.iter_rows(min_row=2) if row[1].value == FORMULA]
    assert len(names) == 2 and all(cell.data_type == "s" for cell in names)
