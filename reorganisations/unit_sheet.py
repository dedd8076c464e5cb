"""The unit tree as a spreadsheet (bảng đơn vị): the units a user administers, one row
each, downloaded as XLSX, changed offline, uploaded back.

A row whose "Mã" is an existing unit's id changes that unit; a row with a blank "Mã", or
a code that is not a number (a temporary one such as "M1"), adds a unit, and other rows
may name it by that code as their unit above or their successor, in any order.

An upload is checked row by row against what is loaded once (every unit's place in the
tree, and the units the rows name with those above them, so the permission module walks
the tree in memory), and every problem is listed with its row number, as the period's
spreadsheet does (reports/spreadsheets/upload.py). Nothing is saved unless every row is
right; then every row is saved in one transaction through the administration's services
(`unit_save`, `unit_close`), which ask the permission module again and write the audit
log. The sheet never touches accounts or roles: nobody grants themselves anything here.
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.administration import services
from accounts.administration.selectors import administered_units
from ops.audit import audit
from reports.spreadsheets.cells import text_cell
from reports.spreadsheets.upload import SpreadsheetError, not_xlsx, open_workbook
from units.models import Unit
from units.permissions import can, ensure
from units.text import clean_text

SHEET_TITLE = "Đơn vị"
GUIDE_TITLE = "Hướng dẫn"
FILENAME = "don-vi.xlsx"
MAX_ROWS = 5_000
MAX_ERRORS = 100  # listed; the rest are counted
NAME_LIMIT = Unit._meta.get_field("name").max_length
SHORT_NAME_LIMIT = Unit._meta.get_field("short_name").max_length
DATE_FORMAT = "%d/%m/%Y"

HEADER_STYLE = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="F8D7DA"),
    "alignment": Alignment(wrap_text=True, vertical="center"),
}
KEY_FILL = PatternFill("solid", fgColor="E9ECEF")
TOP = Alignment(vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    width: float
    guide: str  # what the "Hướng dẫn" sheet says of it


COLUMNS = (
    Column(
        "code",
        gettext_lazy("Mã"),
        10,
        gettext_lazy(
            "mã của đơn vị trong hệ thống; không sửa. Để thêm đơn vị mới, để trống ô này, "
            "hoặc ghi một mã tạm có chữ (ví dụ M1) để các dòng khác ghi nó làm đơn vị cấp "
            "trên hoặc đơn vị kế thừa."
        ),
    ),
    Column("name", gettext_lazy("Tên đơn vị"), 45, gettext_lazy("bắt buộc, tối đa 255 ký tự.")),
    Column(
        "short_name",
        gettext_lazy("Tên viết tắt"),
        18,
        gettext_lazy("không bắt buộc, tối đa 64 ký tự."),
    ),
    Column(
        "kind",
        gettext_lazy("Loại"),
        30,
        gettext_lazy("tên loại hoặc mã loại, một trong danh sách ở cuối trang này."),
    ),
    Column(
        "parent",
        gettext_lazy("Mã đơn vị cấp trên"),
        14,
        gettext_lazy(
            "mã của đơn vị cấp trên (hoặc mã tạm của một dòng mới trong bảng); để trống nếu "
            "là đơn vị cấp cao nhất (chỉ chuyên viên theo dõi được đặt đơn vị ở cấp này). "
            "Chỉ đặt được đơn vị dưới đơn vị mình quản lý."
        ),
    ),
    Column(
        "valid_from",
        gettext_lazy("Hoạt động từ ngày"),
        14,
        gettext_lazy("ngày/tháng/năm, ví dụ 01/07/2025; để trống nếu không giới hạn."),
    ),
    Column(
        "valid_to",
        gettext_lazy("Hoạt động đến ngày"),
        14,
        gettext_lazy(
            "ngày/tháng/năm; ghi ngày này là đóng đơn vị: sau ngày đó đơn vị không còn phải "
            "báo cáo, các số liệu đã có giữ nguyên. Để trống nếu đơn vị vẫn hoạt động."
        ),
    ),
    Column(
        "successor",
        gettext_lazy("Mã đơn vị kế thừa"),
        14,
        gettext_lazy(
            "đơn vị kế thừa khi đơn vị này sáp nhập, giải thể (mã, hoặc mã tạm của một dòng "
            "mới); để trống nếu không có. Bảng chỉ ghi lại đơn vị kế thừa, không chuyển nhiệm "
            "vụ, tài khoản: để chuyển giao công việc, dùng “Sắp xếp mới”."
        ),
    ),
)
HEADERS = {column.name: column.header for column in COLUMNS}
ORDER = {column.name: i for i, column in enumerate(COLUMNS)}
LETTERS = {column.name: get_column_letter(i) for i, column in enumerate(COLUMNS, 1)}
# The columns an upload cannot do without; a missing other one leaves its field as it is.
REQUIRED = ("code", "name", "kind", "parent")
# Cells read as codes or dates: a formula there is refused. A name that is a formula is
# kept as the text it shows in the file, never evaluated.
NO_FORMULA = ("code", "kind", "parent", "valid_from", "valid_to", "successor")


# Download ------------------------------------------------------------------------------


def _tree_order(units: list[Unit]) -> list[Unit]:
    """Each unit followed by those below it, by name: the tree as it reads."""
    ids = {unit.pk for unit in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        above = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(above, []).append(unit)
    ordered, stack = [], sorted(children.get(None, []), key=_by_name, reverse=True)
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack += sorted(children.get(unit.pk, []), key=_by_name, reverse=True)
    return ordered


def _by_name(unit: Unit):
    return (unit.name, unit.pk)


def _date_text(day: datetime.date | None) -> str | None:
    return day.strftime(DATE_FORMAT) if day else None


def _row(ws, unit: Unit) -> list:
    text = {"alignment": TOP, "number_format": "@"}  # typed over, it stays text
    return [
        text_cell(ws, unit.pk, fill=KEY_FILL, alignment=TOP),
        text_cell(ws, unit.name, alignment=WRAP, number_format="@"),
        text_cell(ws, unit.short_name or None, **text),
        text_cell(ws, str(unit.get_kind_display()), alignment=WRAP),
        text_cell(ws, unit.parent_id, alignment=TOP),
        text_cell(ws, _date_text(unit.valid_from), **text),
        text_cell(ws, _date_text(unit.valid_to), **text),
        text_cell(ws, unit.successor_id, alignment=TOP),
    ]


def _guide_lines() -> list[str]:
    lines = [
        _("Bảng đơn vị: hướng dẫn"),
        "",
        _(
            "Mỗi dòng của trang “%(sheet)s” là một đơn vị. Sửa, thêm dòng rồi tải tệp lên "
            "trang “Bảng đơn vị” (Quản lý → Sắp xếp đơn vị) để lưu."
        )
        % {"sheet": SHEET_TITLE},
    ]
    lines += [f"“{column.header}”: {column.guide}" for column in COLUMNS]
    lines += [
        _("Xóa một dòng không xóa đơn vị: đơn vị không có trong bảng giữ nguyên."),
        _("Bảng này không thay đổi tài khoản hay vai trò của ai."),
        _(
            "Nếu có dòng sai, không đơn vị nào được lưu; trang web liệt kê từng lỗi theo số "
            "dòng để sửa rồi tải lên lại. Tối đa %(max)s dòng."
        )
        % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
        "",
    ]
    return lines


def _guide(wb: Workbook, lines: list[str]) -> None:
    ws = wb.create_sheet(GUIDE_TITLE)
    ws.column_dimensions["A"].width = 110
    ws.column_dimensions["B"].width = 20
    for line in lines:
        ws.append([text_cell(ws, line, alignment=Alignment(wrap_text=True))])
    ws.append(
        [text_cell(ws, header, **HEADER_STYLE) for header in (_("Loại đơn vị"), _("Mã loại"))]
    )
    for code, label in Unit.Kind.choices:
        ws.append([text_cell(ws, str(label)), text_cell(ws, code)])


def _kind_validation(first_kind_row: int, last_row: int) -> DataValidation:
    """A list to choose the kind from, read from the guide (the labels hold commas, which
    a list written inline would split)."""
    last_kind_row = first_kind_row + len(Unit.Kind.choices) - 1
    validation = DataValidation(
        type="list",
        formula1=f"'{GUIDE_TITLE}'!$A${first_kind_row}:$A${last_kind_row}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",  # a kind's code is read too: warned, not refused
        errorTitle=str(HEADERS["kind"]),
        error=_("Chọn một loại trong danh sách, hoặc ghi mã loại ở trang “Hướng dẫn”."),
    )
    validation.add(f"{LETTERS['kind']}2:{LETTERS['kind']}{last_row}")
    return validation


def unit_sheet(user) -> bytes:
    """The units `user` administers, one row each, in tree order."""
    units = _tree_order(list(administered_units(user)))
    wb = Workbook(write_only=True)
    wb.properties.title = _("Bảng đơn vị")
    wb.properties.creator = "Đôn đốc"
    ws = wb.create_sheet(SHEET_TITLE)
    ws.freeze_panes = "A2"  # write-only sheets take their layout before any row
    for column in COLUMNS:
        ws.column_dimensions[LETTERS[column.name]].width = column.width
    ws.row_dimensions[1].height = 32
    lines = _guide_lines()
    # Room for the rows the user adds below the last one.
    ws.data_validations.append(_kind_validation(len(lines) + 2, len(units) + 1 + 500))
    ws.append([text_cell(ws, str(column.header), **HEADER_STYLE) for column in COLUMNS])
    for unit in units:
        ws.append(_row(ws, unit))
    _guide(wb, lines)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Upload: the file ----------------------------------------------------------------------


@dataclass
class UnitSheetResult:
    """What an upload did: every problem (then nothing was saved), or the counts."""

    problems: list[str] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class _Refused(Exception):
    """The file as a whole is refused (not a spreadsheet, not this one, too large)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


ADVICE = gettext_lazy("Hãy tải bảng đơn vị về, sửa rồi lưu dưới dạng .xlsx.")


def _not_xlsx() -> _Refused:
    return _Refused(not_xlsx(ADVICE).messages[0])


def _open(upload):
    """The workbook, as the period's spreadsheet opens one (size, bomb, format)."""
    try:
        return open_workbook(upload, advice=ADVICE)
    except SpreadsheetError as refused:
        raise _Refused(refused.messages[0]) from None


def _normal(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(ws) -> dict[str, int]:
    """Column name -> 0-based index, found by header text, so moved columns still work."""
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=60, values_only=True), ())
    wanted = {_normal(column.header): column.name for column in COLUMNS}
    found: dict[str, int] = {}
    for index, header in enumerate(first):
        name = wanted.get(_normal(header)) if header is not None else None
        if name and name not in found:
            found[name] = index
    missing = [f"“{HEADERS[name]}”" for name in REQUIRED if name not in found]
    if missing:
        raise _Refused(
            _(
                "Bảng tính không đúng mẫu: thiếu cột %(columns)s ở dòng 1. Hãy tải bảng đơn "
                "vị về rồi sửa trên đó."
            )
            % {"columns": ", ".join(missing)}
        )
    return found


def _read(upload) -> list[tuple[int, dict]]:
    """(row number, {column name: (value, data type)}) of each row that is not blank.
    openpyxl parses a read-only workbook lazily, so a crafted cell raises only here, and
    of any kind: all of it means the file is not ours."""
    wb = _open(upload)
    try:
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        columns = _columns(ws)
        rows = []
        width = max(columns.values()) + 1
        for number, cells in enumerate(ws.iter_rows(min_row=2, max_col=width), start=2):
            by_name = {
                name: (cells[index].value, getattr(cells[index], "data_type", "n"))
                for name, index in columns.items()
                if index < len(cells)
            }
            if all(_blank(value) for value, _type in by_name.values()):
                continue  # blank, perhaps only formatted
            rows.append((number, by_name))
            if len(rows) > MAX_ROWS:
                limit = f"{MAX_ROWS:,}".replace(",", ".")
                raise _Refused(_("Bảng tính có quá nhiều dòng (tối đa %(max)s).") % {"max": limit})
        return rows
    except _Refused:
        raise
    except Exception:
        raise _not_xlsx() from None
    finally:
        wb.close()


# Upload: the rows ----------------------------------------------------------------------

_BAD = object()  # a reference that names no unit (its error is listed)


class _Problems:
    """Every problem found, listed row by row whatever the order of the checks."""

    def __init__(self):
        self._found: list[tuple[int, int, int, str]] = []

    def add(self, row: int, message: str, column: str | None = None) -> None:
        place = _("Dòng %(row)d") % {"row": row}
        if column is not None:
            place = _("%(place)s, cột “%(column)s”") % {"place": place, "column": HEADERS[column]}
        text = _("%(place)s: %(message)s") % {"place": place, "message": message}
        order = ORDER[column] if column is not None else -1
        self._found.append((row, order, len(self._found), text))

    def __bool__(self) -> bool:
        return bool(self._found)

    def messages(self) -> list[str]:
        listed = [message for *_order, message in sorted(self._found)]
        if len(listed) <= MAX_ERRORS:
            return listed
        more = len(listed) - MAX_ERRORS
        return [*listed[:MAX_ERRORS], _("… và %(count)d lỗi khác.") % {"count": more}]


@dataclass(eq=False)
class _Line:
    """One row: what it says, and once checked, the unit it changes (None: a new one) and
    the units it names, as keys: an existing unit's id, or ("new", row) for a new row."""

    number: int
    problems: _Problems
    cells: dict
    code: int | str | None = None  # as written: an id, a new row's code, or nothing
    values: dict = field(default_factory=dict)  # name, short_name, kind, valid_from, valid_to
    parent_ref: int | str | None = None
    successor_ref: int | str | None = None
    unit: Unit | None = None
    parent: object = None  # a key, None (the top of the tree) or _BAD
    successor: object = None
    skip: bool = False  # names a unit it may not change: checked no further

    @property
    def key(self):
        return self.unit.pk if self.unit is not None else ("new", self.number)

    def value(self, name: str):
        return self.cells.get(name, (None, "n"))[0]

    def given(self, name: str) -> bool:
        return name in self.cells

    def error(self, message: str, column: str | None = None) -> None:
        self.problems.add(self.number, message, column)

    def core_changes(self) -> list[str]:
        """The fields `unit_save` writes that this row changes (every one, for a new unit)."""
        unit = self.unit
        if unit is None:
            return ["name", "short_name", "kind", "parent", "valid_from"]
        changed = [
            name
            for name in ("name", "short_name", "kind", "valid_from")
            if getattr(unit, name) != self.values[name]
        ]
        return changed + (["parent"] if self.parent != unit.parent_id else [])

    def end_changes(self) -> list[str]:
        """Which of the closing date and the successor this row changes (sets, if new)."""
        unit = self.unit
        changed = []
        if self.values["valid_to"] != (unit.valid_to if unit else None):
            changed.append("valid_to")
        if self.successor != (unit.successor_id if unit else None):
            changed.append("successor")
        return changed


def _text(value) -> str:
    """A cell as text: numbers as written ("12", not "12.0"), nothing XML forbids, NFC."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        value = value.strftime(DATE_FORMAT)
    return unicodedata.normalize("NFC", clean_text(str(value))).strip()


def _reference(value) -> int | str | None:
    """A cell naming a unit: an id (a whole number), a new row's code (text, compared
    without case or extra spaces), or nothing."""
    if _blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    return int(text) if re.fullmatch(r"\d{1,12}", text) else _normal(text)


def _date(line: _Line, name: str) -> datetime.date | None:
    value = line.value(name)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    day = re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", text)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if day:
            return datetime.date(int(day[3]), int(day[2]), int(day[1]))
        if iso:
            return datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        pass
    line.error(
        _("“%(value)s” không phải một ngày; ghi ngày/tháng/năm, ví dụ 30/06/2025.")
        % {"value": text[:60]},
        name,
    )
    return None


KINDS = {
    **{_normal(code): code for code in Unit.Kind.values},
    **{_normal(label): code for code, label in Unit.Kind.choices},
}


def _kind(line: _Line) -> str:
    choices = "; ".join(str(label) for label in Unit.Kind.labels)
    text = _text(line.value("kind"))
    if not text:
        line.error(_("chưa có loại; chọn một trong: %(choices)s.") % {"choices": choices}, "kind")
    elif _normal(text) not in KINDS:
        line.error(
            _("“%(value)s” không có trong danh sách; chọn một trong: %(choices)s.")
            % {"value": text[:60].strip(), "choices": choices},
            "kind",
        )
    return KINDS.get(_normal(text), "")


def _names(line: _Line) -> None:
    name = " ".join(_text(line.value("name")).split())
    if not name:
        line.error(_("chưa có tên đơn vị."), "name")
    elif len(name) > NAME_LIMIT:
        line.error(
            _("tối đa %(limit)d ký tự (đang có %(count)d).")
            % {"limit": NAME_LIMIT, "count": len(name)},
            "name",
        )
    short_name = " ".join(_text(line.value("short_name")).split())
    if len(short_name) > SHORT_NAME_LIMIT:
        line.error(
            _("tối đa %(limit)d ký tự (đang có %(count)d).")
            % {"limit": SHORT_NAME_LIMIT, "count": len(short_name)},
            "short_name",
        )
    line.values |= {"name": name, "short_name": short_name}


def _parse(number: int, cells: dict, problems: _Problems) -> _Line:
    """What one row says, checked cell by cell (nothing read from the database yet)."""
    line = _Line(number, problems, cells)
    for name in NO_FORMULA:
        if cells.get(name, (None, "n"))[1] == "f":
            line.error(_("không dùng công thức; hãy nhập giá trị."), name)
            cells[name] = (None, "n")  # checked no further
    line.code = _reference(line.value("code"))
    if isinstance(line.value("code"), float) and not line.value("code").is_integer():
        line.error(_("mã đơn vị là số nguyên, hoặc một mã tạm có chữ như M1."), "code")
    _names(line)
    line.values["kind"] = _kind(line)
    line.values["valid_from"] = _date(line, "valid_from")
    line.values["valid_to"] = _date(line, "valid_to")
    line.parent_ref = _reference(line.value("parent"))
    line.successor_ref = _reference(line.value("successor"))
    return line


class _Check:
    """The checks of one upload, against what is loaded once: every unit's place in the
    tree (for loops), and the units the rows name with every unit above them, their
    parents linked in memory, so the permission module's walk up the tree asks nothing
    more of the database."""

    def __init__(self, by, rows: list[tuple[int, dict]]):
        self.by = by
        self.problems = _Problems()
        self.lines = [_parse(number, cells, self.problems) for number, cells in rows]
        places = Unit.objects.values_list("pk", "parent_id", "successor_id")
        self.tree: dict[int, int | None] = {}
        successors: dict[int, int | None] = {}
        for pk, parent_id, successor_id in places:
            self.tree[pk], successors[pk] = parent_id, successor_id
        named = {
            ref
            for line in self.lines
            for ref in (line.code, line.parent_ref, line.successor_ref)
            if isinstance(ref, int) and ref in self.tree
        }
        # A unit's successor stays when the file has no such column: loaded too.
        named |= {successors[pk] for pk in list(named) if successors[pk] is not None}
        with_above = set()
        for pk in named:
            while pk is not None and pk not in with_above:
                with_above.add(pk)
                pk = self.tree[pk]
        self.units: dict[int, Unit] = Unit.objects.in_bulk(with_above)
        for unit in self.units.values():
            unit.parent = self.units.get(unit.parent_id)
        self.codes: dict[str, _Line] = {}
        self.depth: dict = {}

    def run(self) -> None:
        by_id: dict[int, _Line] = {}
        for line in self.lines:
            self._identify(line, by_id)
        self.lines = [line for line in self.lines if not line.skip]
        for line in self.lines:
            self._references(line)
        self._loops()

    def _identify(self, line: _Line, by_id: dict[int, _Line]) -> None:
        """The unit the row changes, or a new one; a new row's code, to be named by."""
        code = line.code
        if isinstance(code, int):
            unit = self.units.get(code) if code in self.tree else None
            line.skip = True  # unless it is found below
            if unit is None:
                line.error(
                    _(
                        "không có đơn vị nào mang mã %(code)s. Để thêm đơn vị mới, để trống ô "
                        "này hoặc ghi một mã tạm có chữ như M1."
                    )
                    % {"code": code},
                    "code",
                )
            elif code in by_id:
                line.error(_("trùng mã với dòng %(row)d.") % {"row": by_id[code].number}, "code")
            elif not can(self.by, "unit.administer", unit):
                line.error(_("đơn vị này không do bạn quản lý; bỏ dòng này ra khỏi bảng."), "code")
            else:
                by_id[code] = line
                line.unit, line.skip = unit, False
                self._keep_missing_columns(line)
        elif isinstance(code, str):
            if code in self.codes:
                first = self.codes[code].number
                line.error(_("trùng mã với dòng %(row)d.") % {"row": first}, "code")
            else:
                self.codes[code] = line

    @staticmethod
    def _keep_missing_columns(line: _Line) -> None:
        """A column the file lacks leaves the unit's field as it is."""
        unit = line.unit
        for name in ("short_name", "valid_from", "valid_to"):
            if not line.given(name):
                line.values[name] = getattr(unit, name)
        if not line.given("successor"):
            line.successor_ref = unit.successor_id

    def _resolve(self, line: _Line, name: str, ref):
        if ref is None:
            return None
        if isinstance(ref, int):
            if ref in self.tree:
                return ref
            line.error(_("không có đơn vị nào mang mã %(code)s.") % {"code": ref}, name)
        elif ref in self.codes:
            return self.codes[ref].key
        else:
            written = _text(line.value(name))[:60]
            line.error(
                _("không có dòng nào mang mã “%(code)s” trong bảng.") % {"code": written}, name
            )
        return _BAD

    def _references(self, line: _Line) -> None:
        """The unit above and the successor exist, and the user may place the unit there
        and name that successor: the permission module's rules, as `unit_save` and
        `unit_close` ask them."""
        line.parent = self._resolve(line, "parent", line.parent_ref)
        line.successor = self._resolve(line, "successor", line.successor_ref)
        valid_from, valid_to = line.values["valid_from"], line.values["valid_to"]
        if valid_from and valid_to and valid_to < valid_from:
            line.error(
                _("ngày kết thúc hoạt động trước ngày bắt đầu (%(day)s).")
                % {"day": valid_from.strftime(DATE_FORMAT)},
                "valid_to",
            )
        moved = line.unit is None or line.parent != line.unit.parent_id
        if moved and line.parent is None and not can(self.by, "unit.place", None):
            line.error(
                _(
                    "chỉ chuyên viên theo dõi đặt được đơn vị ở cấp cao nhất; hãy ghi mã đơn vị "
                    "cấp trên."
                ),
                "parent",
            )
        elif (
            moved
            and isinstance(line.parent, int)
            and not can(self.by, "unit.place", self.units[line.parent])
        ):
            line.error(
                _(
                    "đơn vị mã %(code)s không do bạn quản lý; chỉ đặt được đơn vị dưới đơn "
                    "vị mình quản lý."
                )
                % {"code": line.parent},
                "parent",
            )
        # A new row above: its own row is checked where it is placed.
        if line.successor is not None and line.successor == line.key:
            line.error(_("đơn vị kế thừa phải là đơn vị khác."), "successor")
        elif (
            isinstance(line.successor, int)
            and line.end_changes()
            and not can(self.by, "unit.administer", self.units[line.successor])
        ):
            line.error(
                _("đơn vị mã %(code)s không do bạn quản lý.") % {"code": line.successor},
                "successor",
            )

    def _loops(self) -> None:
        """No unit below itself, in the tree as it will be; the depth of each row's unit
        in it, so a unit above is saved before those below it."""
        parent_of: dict = dict(self.tree)
        for line in self.lines:
            if line.parent is not _BAD:
                parent_of[line.key] = line.parent
            elif line.unit is None:
                parent_of[line.key] = None
        looped: set = set()
        for line in self.lines:
            path: dict = {}
            key = line.key
            while key is not None and key not in self.depth and key not in looped:
                if key in path:
                    looped.update(list(path)[path[key] :])
                    break
                path[key] = len(path)
                key = parent_of.get(key)
            level = self.depth.get(key, -1) if key is not None else -1
            for on_path in reversed(list(path)):
                if on_path not in looped:
                    level += 1
                    self.depth[on_path] = level
        for line in self.lines:
            # The tree as it stands has no loop: the rows that move a unit made this one.
            moved = line.unit is None or line.parent != line.unit.parent_id
            if line.key in looped and moved:
                line.error(
                    _(
                        "đơn vị không thể nằm dưới chính nó: mã đơn vị cấp trên dẫn ngược về "
                        "dòng này."
                    ),
                    "parent",
                )


# Upload: saving ------------------------------------------------------------------------


class _RolledBack(Exception):
    pass


class _Save:
    """Every row saved in one transaction, units above before those below them."""

    def __init__(self, check: _Check):
        self.by = check.by
        self.check = check
        self.saved: dict = {}  # key -> the unit as saved
        # What each row changes, read before any unit is: the saves change the units.
        self.core = {line: line.core_changes() for line in check.lines}
        self.ends = {line: line.end_changes() for line in check.lines}

    def unit_of(self, key) -> Unit | None:
        if key is None:
            return None
        return self.saved.get(key) or self.check.units[key]

    def place(self, line: _Line) -> None:
        """Name, short name, kind, place in the tree, opening date: `unit_save`."""
        unit = line.unit if line.unit is not None else Unit()
        changed = self.core[line]
        if line.unit is None or changed:
            unit.name = line.values["name"]
            unit.short_name = line.values["short_name"]
            unit.kind = line.values["kind"]
            unit.parent = self.unit_of(line.parent)
            unit.valid_from = line.values["valid_from"]
            unit.valid_to = line.values["valid_to"]  # the range is checked whole
            services.unit_save(by=self.by, unit=unit, changed=changed)
        self.saved[line.key] = unit

    def end(self, line: _Line) -> None:
        """Closing date and successor: `unit_close`; reopened (no closing date), set here
        as it checks them, and audited."""
        changed = self.ends[line]
        if not changed:
            return
        unit, successor = self.saved[line.key], self.unit_of(line.successor)
        valid_to = line.values["valid_to"]
        if valid_to is not None:
            services.unit_close(by=self.by, unit=unit, on=valid_to, successor=successor)
            return
        ensure(self.by, "unit.administer", unit)
        if successor is not None:
            ensure(self.by, "unit.administer", successor)
        unit.valid_to, unit.successor = None, successor
        unit.save(update_fields=["valid_to", "successor"])
        summary = f"{unit.name} ({', '.join(changed)})"
        audit(actor=self.by, action="unit.changed", obj=unit, unit_id=unit.pk, summary=summary)

    def run(self) -> UnitSheetResult:
        lines = self.check.lines
        problems = self.check.problems
        try:
            with transaction.atomic():
                for step, order in ((self.place, self._top_down(lines)), (self.end, lines)):
                    for line in order:
                        try:
                            step(line)
                        except (ValidationError, PermissionDenied) as error:
                            # Changed since the checks (another administrator's save).
                            for message in _messages(error):
                                line.error(message)
                            raise _RolledBack from None
        except _RolledBack:
            return UnitSheetResult(problems=problems.messages())
        result = UnitSheetResult()
        for line in lines:
            if line.unit is None:
                result.created += 1
            elif self.core[line] or self.ends[line]:
                result.changed += 1
            else:
                result.unchanged += 1
        return result

    def _top_down(self, lines: list[_Line]) -> list[_Line]:
        return sorted(lines, key=lambda line: self.check.depth.get(line.key, 0))


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or _("bạn không có quyền thay đổi đơn vị này.")]


def unit_sheet_read(file, user) -> UnitSheetResult:
    """Check the uploaded bảng đơn vị row by row; if every row is right, save them all
    (one transaction) and count the units created, changed and left as they were;
    otherwise save nothing and list every problem by its row number."""
    try:
        rows = _read(file)
    except _Refused as refused:
        return UnitSheetResult(problems=[refused.message])
    check = _Check(user, rows)
    check.run()
    if check.problems:
        return UnitSheetResult(problems=check.problems.messages())
    return _Save(check).run()
