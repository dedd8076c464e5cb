"""The spreadsheet round trip (bảng tính kỳ báo cáo): a period's reports as XLSX, filled
in offline, uploaded back as drafts.

One row per assignment of the chosen units in the period's directive (units active in
the period). Column A holds the assignment id, the last (hidden) column the version and
a fingerprint of what was exported, so an upload can tell a row the user edited from one
left as it was, and refuse to overwrite a report that changed since the download.

An upload is checked row by row and saved in one transaction through
`services.report_save_draft`: every row is valid and saved, or nothing is. It never
submits; the unit sends each report in the browser.
"""

import datetime
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import IntProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from directives.models import Assignment
from units import permissions
from units.models import active_between_q

from . import services
from .forms import TEXT_LIMIT
from .models import ProgressReport, ReportingPeriod

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a 5 MB file that inflates beyond this is not ours
MAX_ROWS = 20_000
MAX_ERRORS = 100  # listed; the rest are counted
SHEET_TITLE = "Báo cáo"
PERIOD_PROPERTY = "dondoc_period_id"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = ("assessment", "percent_done", "achievements", "difficulties", "proposals")
TEXT_FIELDS = ("achievements", "difficulties", "proposals")
# Text a spreadsheet program would read as a formula if the cell were typed again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str  # a ProgressReport field, or what the column shows
    header: str
    width: float


KEY = Column("key", gettext_lazy("Mã dòng (không sửa)"), 11)
STAMP = Column("stamp", gettext_lazy("Phiên bản (không sửa)"), 14)  # hidden
COLUMNS = (
    KEY,
    Column("unit", gettext_lazy("Đơn vị"), 28),
    Column("task", gettext_lazy("Nhiệm vụ"), 50),
    Column("role", gettext_lazy("Vai trò"), 11),
    Column("status", gettext_lazy("Trạng thái"), 16),
    Column("assessment", gettext_lazy("Tự đánh giá"), 18),
    Column("percent_done", gettext_lazy("Tỷ lệ hoàn thành (%)"), 12),
    Column("achievements", gettext_lazy("Kết quả thực hiện"), 60),
    Column("difficulties", gettext_lazy("Khó khăn, vướng mắc"), 40),
    Column("proposals", gettext_lazy("Kiến nghị, đề xuất"), 40),
    STAMP,
)
HEADERS = {column.name: column.header for column in COLUMNS}
LETTER = {column.name: get_column_letter(i) for i, column in enumerate(COLUMNS, 1)}

HEADER_STYLE = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="F8D7DA"),
    "alignment": Alignment(wrap_text=True, vertical="center"),
}
TECHNICAL_FILL = PatternFill("solid", fgColor="E9ECEF")
SENT_FILL = PatternFill("solid", fgColor="EEEEEE")  # a sent report: shown, not editable
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def period_assignments(*, period: ReportingPeriod, unit_ids) -> QuerySet[Assignment]:
    """The rows of the period's spreadsheet: assignments of these units in the period's
    directive, of units active during the period."""
    return (
        Assignment.objects.filter(
            task__section__directive_id=period.directive_id, unit_id__in=unit_ids
        )
        .filter(active_between_q(period.start, period.cutoff, prefix="unit__"))
        .select_related("unit", "task__section")
        .order_by("unit__name", "unit_id", "task__section__order", "task__order", "task_id")
    )


def workbook_filename(period: ReportingPeriod) -> str:
    """An ASCII file name: bang-tinh-136-cv-hu-thang-9-2021.xlsx."""

    def ascii_slug(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D").replace("/", "-")
        return slugify(text)

    parts = [ascii_slug(period.directive.number), ascii_slug(period.label)]
    return "-".join(["bang-tinh", *filter(None, parts)]) + ".xlsx"


# Download ----------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text as it survives a spreadsheet: no control characters, \\n line ends, trimmed."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _values(report: ProgressReport | None) -> dict:
    if report is None:
        return dict.fromkeys(FIELDS)
    values = {field: getattr(report, field) for field in FIELDS}
    for field in TEXT_FIELDS:
        values[field] = _clean(values[field])
    return values


def _fingerprint(values: dict) -> str:
    """A short digest of a row's report values, to tell an edited row from an untouched one."""
    blank = {
        field: (values[field] if values[field] not in (None, "") else None) for field in FIELDS
    }
    payload = json.dumps([blank[field] for field in FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _stamp(report: ProgressReport | None) -> str | None:
    """The hidden column: version and fingerprint of the report as exported; empty when
    no report was shown."""
    if report is None:
        return None
    return f"{report.version}:{_fingerprint(_values(report))}"


def _cell(ws, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # Always text: openpyxl would make "=…" a formula and "#N/A" an error value.
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            # Shown and kept as text even if the user edits the cell in Excel.
            cell.quotePrefix = True
    for name, attribute in style.items():
        setattr(cell, name, attribute)
    return cell


def _status_label(report: ProgressReport | None, visible: bool) -> str:
    if report is None or (not visible and report.submitted_at is None):
        return _("Chưa nộp")
    if not visible:
        return _("Đang bổ sung")  # sent once, returned, being revised by the unit
    return str(report.get_status_display())


def _row(ws, assignment: Assignment, report: ProgressReport | None, visible: bool) -> list:
    shown = report if visible else None
    values = _values(shown)
    fill = {"fill": SENT_FILL} if shown is not None and not shown.is_editable else {}
    assessment = (
        str(ProgressReport.Assessment(values["assessment"]).label) if shown is not None else None
    )
    return [
        _cell(ws, assignment.pk, fill=TECHNICAL_FILL, alignment=TOP),
        _cell(ws, _clean(assignment.unit.name), alignment=WRAP),
        _cell(ws, _clean(f"{assignment.task.code} {assignment.task.text}"), alignment=WRAP),
        _cell(ws, str(assignment.get_role_display()), alignment=TOP),
        _cell(ws, _status_label(report, visible), alignment=TOP),
        _cell(ws, assessment, alignment=TOP, **fill),
        _cell(ws, values["percent_done"], alignment=TOP, number_format="0", **fill),
        # Text format: whatever the user types there stays text, even "- …" or "= …".
        *(
            _cell(ws, values[field] or None, alignment=WRAP, number_format="@", **fill)
            for field in TEXT_FIELDS
        ),
        _cell(ws, _stamp(shown), fill=TECHNICAL_FILL, alignment=TOP),
    ]


def _add_validations(ws, last_row: int) -> None:
    labels = ",".join(str(label) for label in ProgressReport.Assessment.labels)
    assessment = DataValidation(
        type="list",
        formula1=f'"{labels}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Tự đánh giá"),
        error=_("Chọn một giá trị trong danh sách."),
    )
    percent = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Tỷ lệ hoàn thành (%)"),
        error=_("Nhập một số nguyên từ 0 đến 100."),
    )
    for validation, name in ((assessment, "assessment"), (percent, "percent_done")):
        validation.add(f"{LETTER[name]}2:{LETTER[name]}{last_row}")
        ws.data_validations.append(validation)  # write-only sheets lack add_data_validation


def _instructions(wb: Workbook, period: ReportingPeriod) -> None:
    ws = wb.create_sheet(_("Hướng dẫn"))
    ws.column_dimensions["A"].width = 110
    lines = [
        _("Bảng tính kỳ báo cáo %(label)s — %(directive)s")
        % {"label": period.label, "directive": period.directive},
        "",
        _("Mỗi dòng của trang “%(sheet)s” là báo cáo của một đơn vị về một nhiệm vụ.")
        % {"sheet": SHEET_TITLE},
        _(
            "Điền các cột Tự đánh giá (chọn trong danh sách), Tỷ lệ hoàn thành (%) (số nguyên "
            "từ 0 đến 100), Kết quả thực hiện, Khó khăn, vướng mắc, Kiến nghị, đề xuất."
        ),
        _("Không sửa cột “%(key)s” và không xóa cột ẩn; dòng nào không cần báo cáo thì để trống.")
        % {"key": KEY.header},
        _("Báo cáo đã gửi (ô màu xám) chỉ để xem, không sửa được."),
        _(
            "Tải tệp lên trang “Bảng tính kỳ báo cáo”: các báo cáo được lưu dưới dạng nháp; "
            "đơn vị kiểm tra rồi gửi từng báo cáo trên trang Việc của đơn vị."
        ),
        _(
            "Nếu có dòng sai, không báo cáo nào được lưu; trang web liệt kê từng lỗi theo số "
            "dòng và tên cột để sửa rồi tải lên lại."
        ),
    ]
    for line in lines:
        ws.append([_cell(ws, line, alignment=Alignment(wrap_text=True))])


def period_workbook(*, period: ReportingPeriod, unit_ids, by=None) -> bytes:
    """The period's spreadsheet for these units, pre-filled with the reports `by` may
    read. Another unit's draft is never shown (nor is any draft when `by` is None)."""
    assignments = list(period_assignments(period=period, unit_ids=unit_ids))
    reports = {
        r.assignment_id: r
        for r in ProgressReport.objects.filter(period=period, assignment__in=assignments)
    }

    wb = Workbook(write_only=True)
    wb.properties.title = f"{period.directive} · {period.label}"
    wb.properties.creator = "Đôn đốc"
    # The keys are assignment ids, the same in every period: the file says which period it is.
    wb.custom_doc_props.append(IntProperty(name=PERIOD_PROPERTY, value=period.pk))
    ws = wb.create_sheet(SHEET_TITLE)
    ws.freeze_panes = "A2"
    for column in COLUMNS:
        ws.column_dimensions[LETTER[column.name]].width = column.width
    ws.column_dimensions[LETTER[STAMP.name]].hidden = True
    ws.row_dimensions[1].height = 32
    if assignments:
        _add_validations(ws, last_row=len(assignments) + 1)

    header = [_cell(ws, str(column.header), **HEADER_STYLE) for column in COLUMNS]
    header[0].fill = header[-1].fill = TECHNICAL_FILL
    ws.append(header)
    for assignment in assignments:
        report = reports.get(assignment.pk)
        visible = (
            report is not None
            and by is not None
            and permissions.can(by, "report.view", _with_assignment(report, assignment))
        )
        ws.append(_row(ws, assignment, report, visible))
    _instructions(wb, period)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_assignment(report: ProgressReport, assignment: Assignment) -> ProgressReport:
    report.assignment = assignment  # already loaded: spares a query per row
    return report


# Upload ------------------------------------------------------------------------------


class SpreadsheetError(ValidationError):
    """The upload was refused; `messages` says why, row by row."""


def _upload_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    return size


def _open_workbook(upload):
    """The uploaded workbook, or a SpreadsheetError saying why it is not one we read."""
    if _upload_size(upload) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("Tệp quá lớn: tối đa %(mb)d MB. Hãy dùng bảng tính tải từ trang này.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    data = io.BytesIO(upload.read(MAX_UPLOAD_BYTES + 1))
    not_xlsx = SpreadsheetError(
        _(
            "Tệp không phải bảng tính Excel (.xlsx) hoặc đã bị hỏng. "
            "Hãy tải bảng tính của kỳ này về, điền rồi lưu dưới dạng .xlsx."
        )
    )
    if not zipfile.is_zipfile(data):
        raise not_xlsx
    try:
        with zipfile.ZipFile(data) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise not_xlsx from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SpreadsheetError(_("Bảng tính quá lớn để nhập."))
    data.seek(0)
    try:
        return load_workbook(data, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file it cannot read
        raise not_xlsx from None


def _file_period_id(wb) -> int | None:
    try:
        return int(wb.custom_doc_props[PERIOD_PROPERTY].value)
    except (KeyError, TypeError, ValueError):
        return None


def _normal(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    """A cell as the text a report holds (Excel may have turned "12" into a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime):
        value = value.strftime("%d/%m/%Y" if value.time() == datetime.time() else "%d/%m/%Y %H:%M")
    return _clean(str(value))


def _key(value) -> int | None:
    if isinstance(value, str):
        return int(value) if re.fullmatch(r"\s*\d{1,12}\s*", value) else None
    return _whole_number(value)


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\d{1,3}\s*%?", value.strip()):
        return int(value.strip().rstrip("%").strip())
    return None


class _Row:
    """One spreadsheet row being checked; collects its errors with row and column named."""

    def __init__(self, number: int, cells: dict, errors: list[str]):
        self.number = number
        self.cells = cells  # column name -> (value, data_type)
        self.errors = errors
        self.ok = True

    def value(self, name: str):
        return self.cells.get(name, (None, "n"))[0]

    def is_formula(self, name: str) -> bool:
        return self.cells.get(name, (None, "n"))[1] == "f"

    def error(self, message: str, column: str | None = None) -> None:
        self.ok = False
        if column is None:
            self.errors.append(
                _("Dòng %(row)d: %(message)s") % {"row": self.number, "message": message}
            )
        else:
            self.errors.append(
                _("Dòng %(row)d, cột “%(column)s”: %(message)s")
                % {"row": self.number, "column": HEADERS[column], "message": message}
            )

    def service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, field_errors in error.error_dict.items():
                for message in ValidationError(field_errors).messages:
                    self.error(message, field if field in FIELDS else None)
        else:
            for message in error.messages:
                self.error(message)


def _parse_values(row: _Row, assessments: dict[str, str]) -> dict:
    """The report values the row holds, or {} when its report cells are all empty."""
    if all(_blank(row.value(field)) for field in FIELDS):
        return {}
    for field in FIELDS:
        if row.is_formula(field):
            row.error(_("không dùng công thức; hãy nhập giá trị."), field)
    if not row.ok:
        return {}
    values = {}
    choices = ", ".join(str(label) for label in ProgressReport.Assessment.labels)
    label = row.value("assessment")
    if _blank(label):
        row.error(_("chưa chọn; chọn một trong: %(choices)s.") % {"choices": choices}, "assessment")
    elif _normal(label) not in assessments:
        row.error(
            _("“%(value)s” không có trong danh sách; chọn một trong: %(choices)s.")
            % {"value": _text(label)[:60], "choices": choices},
            "assessment",
        )
    else:
        values["assessment"] = assessments[_normal(label)]
    percent = _whole_number(row.value("percent_done"))
    if percent is None or not 0 <= percent <= 100:
        row.error(_("phải là số nguyên từ 0 đến 100."), "percent_done")
    else:
        values["percent_done"] = percent
    for field in TEXT_FIELDS:
        text = _text(row.value(field))
        if len(text) > TEXT_LIMIT:
            row.error(
                _("tối đa %(limit)s ký tự (đang có %(count)s).")
                % {
                    "limit": f"{TEXT_LIMIT:,}".replace(",", "."),
                    "count": f"{len(text):,}".replace(",", "."),
                },
                field,
            )
        values[field] = text
    return values if row.ok else {}


def _parse_stamp(row: _Row) -> tuple[int | None, str | None] | None:
    """(version, fingerprint) of the report as exported; (None, None) when none was shown;
    None when the cell was tampered with (an error is listed)."""
    raw = _text(row.value(STAMP.name))
    if not raw and not row.is_formula(STAMP.name):
        return None, None
    match = re.fullmatch(r"(\d+):([0-9a-f]{16})", raw)
    if row.is_formula(STAMP.name) or not match:
        row.error(_("đã bị sửa; hãy tải lại bảng tính của kỳ này."), STAMP.name)
        return None
    return int(match[1]), match[2]


def _header_columns(ws) -> dict[str, int]:
    """Column name -> 0-based index, found by header text, so moved columns still work."""
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=60, values_only=True), ())
    wanted = {_normal(column.header): column.name for column in COLUMNS}
    found = {}
    for index, header in enumerate(first):
        name = wanted.get(_normal(header)) if header is not None else None
        if name and name not in found:
            found[name] = index
    missing = [HEADERS[name] for name in (KEY.name, *FIELDS) if name not in found]
    if missing:
        raise SpreadsheetError(
            _(
                "Bảng tính không đúng mẫu: thiếu cột %(columns)s ở dòng 1. "
                "Hãy tải bảng tính của kỳ này về rồi điền vào."
            )
            % {"columns": ", ".join(f"“{header}”" for header in missing)}
        )
    return found


def _read_rows(ws, columns: dict[str, int]) -> Iterable[tuple[int, dict]]:
    """(row number, {column name: (value, data type)}) of each row that is not blank."""
    width = max(columns.values()) + 1
    count = 0
    for number, cells in enumerate(ws.iter_rows(min_row=2, max_col=width), start=2):
        by_name = {
            name: (cells[index].value, getattr(cells[index], "data_type", "n"))
            for name, index in columns.items()
            if index < len(cells)
        }
        if all(_blank(value) for value, _type in by_name.values()):
            continue  # blank, perhaps only formatted
        count += 1
        if count > MAX_ROWS:
            raise SpreadsheetError(
                _("Bảng tính có quá nhiều dòng (tối đa %(max)d).") % {"max": MAX_ROWS}
            )
        yield number, by_name


@dataclass
class _Change:
    row: _Row
    assignment: Assignment
    data: dict
    version: int | None  # the report version the row was exported from (0: none); None: unknown


def _check_row(row, *, allowed, reports, seen, assessments, by, stamped) -> _Change | None:
    """Check one row; return the change to save, or None (nothing to save, or errors)."""
    key = None if row.is_formula(KEY.name) else _key(row.value(KEY.name))
    values = _parse_values(row, assessments)
    if _blank(row.value(KEY.name)):
        if values or not row.ok:
            row.error(_("thiếu mã; không xóa hay sửa cột này."), KEY.name)
        return None
    if key not in allowed:
        row.error(_("mã không khớp nhiệm vụ nào bạn được nhập trong kỳ báo cáo này."), KEY.name)
        return None
    if key in seen:
        row.error(_("mã trùng với dòng %(row)d.") % {"row": seen[key]}, KEY.name)
        return None
    seen[key] = row.number
    stamp = _parse_stamp(row) if stamped else None
    if not values or not row.ok:
        return None  # an empty row, or errors already listed

    report = reports.get(key)
    if report is not None and values == _values(report):
        return None  # unchanged
    if stamp and stamp[1] == _fingerprint(values):
        return None  # as exported: the report changed since, and this row does not undo it
    if report is not None and not permissions.can(by, "report.view", report):
        row.error(_("đơn vị đang tự soạn báo cáo này; không nhập thay được."))
    elif report is not None and not report.is_editable:
        row.error(
            _("báo cáo đã gửi, không sửa được. Nếu cần bổ sung, đề nghị bộ phận theo dõi trả lại.")
        )
    elif stamp and stamp[0] != (report.version if report is not None else None):
        row.error(
            _(
                "báo cáo đã được sửa sau khi bạn tải bảng tính về; hãy tải lại bảng tính "
                "để không ghi đè nội dung mới."
            )
        )
    else:
        version = None if stamp is None else stamp[0] or 0
        return _Change(row, allowed[key], values, version)
    return None


def period_workbook_import(*, period: ReportingPeriod, unit_ids, upload, by) -> int:
    """Save the uploaded spreadsheet's changed rows as drafts; return how many were saved.

    Raises SpreadsheetError (a ValidationError) listing every problem, by row number and
    column header, and then nothing is saved. Empty and unchanged rows are skipped.
    """
    if not period.directive.is_in_force:
        raise SpreadsheetError(
            _("Văn bản không còn ở trạng thái đang thực hiện; không nhập được báo cáo.")
        )
    wb = _open_workbook(upload)
    try:
        file_period = _file_period_id(wb)
        if file_period is not None and file_period != period.pk:
            other = ReportingPeriod.objects.filter(pk=file_period).first()
            raise SpreadsheetError(
                _("Bảng tính này là của kỳ “%(other)s”, không phải kỳ “%(label)s”.")
                % {"other": other.label if other else file_period, "label": period.label}
            )
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        columns = _header_columns(ws)
        rows = list(_read_rows(ws, columns))
    finally:
        wb.close()

    allowed = {a.pk: a for a in period_assignments(period=period, unit_ids=unit_ids)}
    reports = {
        r.assignment_id: _with_assignment(r, allowed[r.assignment_id])
        for r in ProgressReport.objects.filter(period=period, assignment_id__in=allowed)
    }
    assessments = {_normal(label): value for value, label in ProgressReport.Assessment.choices}
    errors: list[str] = []
    seen: dict[int, int] = {}
    changes = []
    for number, cells in rows:
        change = _check_row(
            _Row(number, cells, errors),
            allowed=allowed,
            reports=reports,
            seen=seen,
            assessments=assessments,
            by=by,
            stamped=STAMP.name in columns,
        )
        if change:
            changes.append(change)
    if errors:
        raise SpreadsheetError(_cap(errors))

    with transaction.atomic():
        for change in changes:
            try:
                # Each call is its own savepoint: a refused row leaves the others to check.
                # `version` catches a save made between the checks above and this one.
                services.report_save_draft(
                    assignment=change.assignment,
                    period=period,
                    by=by,
                    data=change.data,
                    version=change.version,
                )
            except ValidationError as error:
                change.row.service_errors(error)
        if errors:
            raise SpreadsheetError(_cap(errors))  # rolls back every row saved above
    return len(changes)


def _cap(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    return [*errors[:MAX_ERRORS], _("… và %(count)d lỗi khác.") % {"count": more}]
