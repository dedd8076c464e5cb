"""The spreadsheet round trip (bảng tính kỳ báo cáo): a period's reports as XLSX, filled
in offline, uploaded back as drafts.

The sheet "Báo cáo" has one row per assignment of the chosen units in the period's
directive (units active in the period). Column A holds the assignment id, the last
(hidden) column the version and a fingerprint of what was exported, so an upload can
tell a row the user edited from one left as it was, and refuse to overwrite a report
that changed since the download.

The sheet "Chỉ tiêu" has one row per (assignment, indicator of its task): tasks count
different things, so a column per indicator would leave most cells meaningless. A row
is keyed by the assignment id and the indicator id (names are neither unique nor safe
from editing). Indicator values are part of the report: they are saved with the row of
the same assignment on "Báo cáo", and that row's fingerprint covers them.

An upload is checked row by row and saved in one transaction through
`services.report_save_draft`: every row is valid and saved, or nothing is. It never
submits; the unit sends each report in the browser (where required indicators are
checked). Everything the checks need is loaded up front, a fixed number of queries
whatever the number of rows; what grows with the rows is the saves.
"""

import dataclasses
import datetime
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
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

from directives.models import Assignment, Indicator
from units import permissions
from units.models import active_between_q

from . import services
from .forms import TEXT_LIMIT
from .models import IndicatorValue, ProgressReport, ReportingPeriod

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a 5 MB file that inflates beyond this is not ours
MAX_ROWS = 20_000  # per sheet
MAX_ERRORS = 100  # listed; the rest are counted
SHEET_TITLE = "Báo cáo"
INDICATOR_SHEET_TITLE = "Chỉ tiêu"
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


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]  # the columns an upload cannot do without
    order: int  # errors are listed sheet by sheet, then row by row

    @property
    def headers(self) -> dict[str, str]:
        return {column.name: column.header for column in self.columns}

    @property
    def letters(self) -> dict[str, str]:
        return {column.name: get_column_letter(i) for i, column in enumerate(self.columns, 1)}


KEY = Column("key", gettext_lazy("Mã dòng (không sửa)"), 11)
STAMP = Column("stamp", gettext_lazy("Phiên bản (không sửa)"), 14)  # hidden
INDICATOR = Column("indicator", gettext_lazy("Mã chỉ tiêu (không sửa)"), 11)
VALUE = Column("value", gettext_lazy("Giá trị"), 14)
REPORT_SHEET = Sheet(
    SHEET_TITLE,
    (
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
    ),
    required=(KEY.name, *FIELDS),
    order=0,
)
INDICATOR_SHEET = Sheet(
    INDICATOR_SHEET_TITLE,
    (
        KEY,
        INDICATOR,
        Column("unit", gettext_lazy("Đơn vị"), 28),
        Column("task", gettext_lazy("Nhiệm vụ"), 50),
        Column("name", gettext_lazy("Chỉ tiêu"), 40),
        Column("unit_of_measure", gettext_lazy("Đơn vị tính"), 12),
        Column("required", gettext_lazy("Bắt buộc khi gửi"), 10),
        VALUE,
    ),
    required=(KEY.name, INDICATOR.name, VALUE.name),
    order=1,
)
COLUMNS = REPORT_SHEET.columns
LETTER = REPORT_SHEET.letters

HEADER_STYLE = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="F8D7DA"),
    "alignment": Alignment(wrap_text=True, vertical="center"),
}
TECHNICAL_FILL = PatternFill("solid", fgColor="E9ECEF")
READ_ONLY_FILL = PatternFill("solid", fgColor="EEEEEE")  # shown, not writable by this user
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

# An indicator value is read as the report form reads it (reports.forms): a number, not
# negative, at most 14 digits of which 2 decimals; "3,5" as Vietnamese write it.
INDICATOR_VALUE = forms.DecimalField(
    required=False,
    min_value=0,
    max_digits=14,
    decimal_places=2,
    localize=True,
    error_messages={
        "invalid": gettext_lazy("phải là một số, ví dụ 12 hoặc 3,5."),
        "min_value": gettext_lazy("không được âm."),
        "max_digits": gettext_lazy("tối đa %(max)s chữ số."),
        "max_decimal_places": gettext_lazy("tối đa %(max)s chữ số sau dấu phẩy."),
        "max_whole_digits": gettext_lazy("tối đa %(max)s chữ số trước dấu phẩy."),
    },
)


def period_assignments(*, period: ReportingPeriod, unit_ids) -> QuerySet[Assignment]:
    """The rows of the period's spreadsheet: assignments of these units in the period's
    directive, of units active during the period."""
    return (
        Assignment.objects.filter(
            task__section__directive_id=period.directive_id, unit_id__in=unit_ids
        )
        .filter(active_between_q(period.start, period.cutoff, prefix="unit__"))
        # The directive: permissions ask whether it is in force, row by row.
        .select_related("unit", "task__section__directive")
        .order_by("unit__name", "unit_id", "task__section__order", "task__order", "task_id")
    )


def workbook_filename(period: ReportingPeriod) -> str:
    """An ASCII file name: bang-tinh-136-cv-hu-thang-9-2021.xlsx."""

    def ascii_slug(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D").replace("/", "-")
        return slugify(text)

    parts = [ascii_slug(period.directive.number), ascii_slug(period.label)]
    return "-".join(["bang-tinh", *filter(None, parts)]) + ".xlsx"


def _indicators_by_task(task_ids) -> dict[int, dict[int, Indicator]]:
    """{task id: {indicator id: indicator}}, in the order the task lists them."""
    by_task: dict[int, dict[int, Indicator]] = defaultdict(dict)
    for indicator in Indicator.objects.filter(task_id__in=set(task_ids)).order_by(
        "task_id", "order", "pk"
    ):
        by_task[indicator.task_id][indicator.pk] = indicator
    return by_task


def _indicator_values(report_ids) -> dict[int, dict[int, Decimal]]:
    """{report id: {indicator id: value}}."""
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = IndicatorValue.objects.filter(report_id__in=report_ids).values_list(
        "report_id", "indicator_id", "value"
    )
    for report_id, indicator_id, value in rows:  # no query at all when there is no report
        values[report_id][indicator_id] = value
    return values


def _can_enter(by, assignment: Assignment, report: ProgressReport | None) -> bool:
    return permissions.can(by, "spreadsheet.enter", (assignment, report))


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


def _fingerprint(values: dict, indicators: dict[int, Decimal | None]) -> str:
    """A short digest of a row's report values and indicator values, to tell an edited
    row from an untouched one. A task without indicators digests as it always did."""
    blank = {
        field: (values[field] if values[field] not in (None, "") else None) for field in FIELDS
    }
    payload: list = [blank[field] for field in FIELDS]
    if indicators:
        figures = sorted((pk, None if v is None else f"{v:.2f}") for pk, v in indicators.items())
        payload = [payload, figures]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:16]


def _stamp(report: ProgressReport | None, indicators: dict[int, Decimal | None]) -> str | None:
    """The hidden column: version and fingerprint of the report as exported; empty when
    no report was shown."""
    if report is None:
        return None
    return f"{report.version}:{_fingerprint(_values(report), indicators)}"


def text_cell(ws, value, **style) -> WriteOnlyCell:
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


def _figure(value: Decimal | None) -> int | float | None:
    """12.00 as 12, 3.50 as 3.5: a number the spreadsheet shows as people write it
    (14 digits fit a float exactly)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _status_label(report: ProgressReport | None, visible: bool) -> str:
    if report is None or (not visible and report.submitted_at is None):
        return _("Chưa nộp")
    if not visible:
        return _("Đang bổ sung")  # sent once, returned, being revised by the unit
    return str(report.get_status_display())


def _task_text(assignment: Assignment) -> str:
    return _clean(f"{assignment.task.code} {assignment.task.text}")


@dataclass
class _Line:
    """One assignment as the workbook shows it to the reader."""

    assignment: Assignment
    report: ProgressReport | None  # whatever the reader may see of it
    shown: ProgressReport | None  # the report whose values are shown
    writable: bool
    indicators: dict[int, Decimal | None]  # every indicator of the task: value shown


def _row(ws, line: _Line) -> list:
    values = _values(line.shown)
    fill = {} if line.writable else {"fill": READ_ONLY_FILL}
    assessment = str(ProgressReport.Assessment(values["assessment"]).label) if line.shown else None
    return [
        text_cell(ws, line.assignment.pk, fill=TECHNICAL_FILL, alignment=TOP),
        text_cell(ws, _clean(line.assignment.unit.name), alignment=WRAP),
        text_cell(ws, _task_text(line.assignment), alignment=WRAP),
        text_cell(ws, str(line.assignment.get_role_display()), alignment=TOP),
        text_cell(ws, _status_label(line.report, line.shown is not None), alignment=TOP),
        text_cell(ws, assessment, alignment=TOP, **fill),
        text_cell(ws, values["percent_done"], alignment=TOP, number_format="0", **fill),
        # Text format: whatever the user types there stays text, even "- …" or "= …".
        *(
            text_cell(ws, values[field] or None, alignment=WRAP, number_format="@", **fill)
            for field in TEXT_FIELDS
        ),
        text_cell(ws, _stamp(line.shown, line.indicators), fill=TECHNICAL_FILL, alignment=TOP),
    ]


def _indicator_row(ws, line: _Line, indicator: Indicator) -> list:
    fill = {} if line.writable else {"fill": READ_ONLY_FILL}
    return [
        text_cell(ws, line.assignment.pk, fill=TECHNICAL_FILL, alignment=TOP),
        text_cell(ws, indicator.pk, fill=TECHNICAL_FILL, alignment=TOP),
        text_cell(ws, _clean(line.assignment.unit.name), alignment=WRAP),
        text_cell(ws, _task_text(line.assignment), alignment=WRAP),
        text_cell(ws, _clean(indicator.name), alignment=WRAP),
        text_cell(ws, _clean(indicator.unit_of_measure) or None, alignment=TOP),
        text_cell(ws, _("Có") if indicator.required else None, alignment=TOP),
        text_cell(ws, _figure(line.indicators[indicator.pk]), alignment=TOP, **fill),
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


def _start_sheet(wb: Workbook, sheet: Sheet, technical: tuple[Column, ...], hidden=()):
    """A sheet with its header row; write-only sheets take their layout before any row."""
    ws = wb.create_sheet(sheet.title)
    ws.freeze_panes = "A2"
    for column in sheet.columns:
        ws.column_dimensions[sheet.letters[column.name]].width = column.width
        ws.column_dimensions[sheet.letters[column.name]].hidden = column in hidden
    ws.row_dimensions[1].height = 32
    header = []
    for column in sheet.columns:
        cell = text_cell(ws, str(column.header), **HEADER_STYLE)
        if column in technical:
            cell.fill = TECHNICAL_FILL
        header.append(cell)
    ws.append(header)
    return ws


def _indicator_sheet(wb: Workbook, lines: list[_Line], by_task) -> None:
    rows = [(line, i) for line in lines for i in by_task.get(line.assignment.task_id, {}).values()]
    if not rows:
        return  # no task of these rows counts anything
    ws = _start_sheet(wb, INDICATOR_SHEET, technical=(KEY, INDICATOR))
    letter = INDICATOR_SHEET.letters[VALUE.name]
    value = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=str(VALUE.header),
        error=_("Nhập một số không âm, tối đa 2 chữ số sau dấu phẩy."),
    )
    value.add(f"{letter}2:{letter}{len(rows) + 1}")
    ws.data_validations.append(value)
    for line, indicator in rows:
        ws.append(_indicator_row(ws, line, indicator))


def _instructions(wb: Workbook, period: ReportingPeriod, with_indicators: bool) -> None:
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
    ]
    if with_indicators:
        lines += [
            _(
                "Mỗi dòng của trang “%(sheet)s” là một chỉ tiêu của một nhiệm vụ: điền cột "
                "“Giá trị” (số không âm, tối đa 2 chữ số sau dấu phẩy, ví dụ 12 hoặc 3,5); "
                "để trống nếu chưa có số liệu. Chỉ tiêu bắt buộc phải có trước khi gửi báo cáo."
            )
            % {"sheet": INDICATOR_SHEET_TITLE},
            _(
                "Chỉ tiêu được lưu cùng báo cáo: dòng của nhiệm vụ đó ở trang “%(sheet)s” cần "
                "có Tự đánh giá và Tỷ lệ hoàn thành."
            )
            % {"sheet": SHEET_TITLE},
        ]
    lines += [
        _("Không sửa các cột “Mã …” và không xóa cột ẩn; dòng nào không cần báo cáo thì để trống."),
        _(
            "Ô màu xám chỉ để xem: báo cáo đã gửi, hoặc báo cáo do đơn vị tự nhập (bộ phận theo "
            "dõi chỉ nhập thay cho đơn vị chưa có báo cáo, không nhập cho đơn vị của mình)."
        ),
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
        ws.append([text_cell(ws, line, alignment=Alignment(wrap_text=True))])


def period_workbook(*, period: ReportingPeriod, unit_ids, by=None) -> bytes:
    """The period's spreadsheet for these units, pre-filled with the reports `by` may
    read, and their indicator values. Another unit's draft is never shown (nor is any
    draft when `by` is None). Cells `by` may not write are grey."""
    assignments = list(period_assignments(period=period, unit_ids=unit_ids))
    reports = {
        r.assignment_id: r
        for r in ProgressReport.objects.filter(period=period, assignment__in=assignments)
    }
    by_task = _indicators_by_task(a.task_id for a in assignments)
    values = _indicator_values([r.pk for r in reports.values()])

    lines = []
    for assignment in assignments:
        report = reports.get(assignment.pk)
        if report is not None:
            report.assignment = assignment  # already loaded: spares a query per row
        visible = (
            report is not None and by is not None and permissions.can(by, "report.view", report)
        )
        shown = report if visible else None
        shown_values = values.get(report.pk, {}) if visible else {}
        lines.append(
            _Line(
                assignment,
                report,
                shown,
                writable=by is None or _can_enter(by, assignment, report),
                indicators={pk: shown_values.get(pk) for pk in by_task.get(assignment.task_id, {})},
            )
        )

    wb = Workbook(write_only=True)
    wb.properties.title = f"{period.directive} · {period.label}"
    wb.properties.creator = "Đôn đốc"
    # The keys are assignment ids, the same in every period: the file says which period it is.
    wb.custom_doc_props.append(IntProperty(name=PERIOD_PROPERTY, value=period.pk))
    ws = _start_sheet(wb, REPORT_SHEET, technical=(KEY, STAMP), hidden=(STAMP,))
    if lines:
        _add_validations(ws, last_row=len(lines) + 1)
    for line in lines:
        ws.append(_row(ws, line))
    _indicator_sheet(wb, lines, by_task)
    _instructions(wb, period, with_indicators=INDICATOR_SHEET_TITLE in wb.sheetnames)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Upload ------------------------------------------------------------------------------


class SpreadsheetError(ValidationError):
    """The upload was refused; `messages` says why, row by row."""


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Tệp không phải bảng tính Excel (.xlsx) hoặc đã bị hỏng. "
            "Hãy tải bảng tính của kỳ này về, điền rồi lưu dưới dạng .xlsx."
        )
    )


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
    try:
        with zipfile.ZipFile(data) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except Exception:  # not a zip, or one zipfile cannot read
        raise _not_xlsx() from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SpreadsheetError(_("Bảng tính quá lớn để nhập."))
    data.seek(0)
    try:
        return load_workbook(data, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file it cannot read
        raise _not_xlsx() from None


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


def _header_columns(ws, sheet: Sheet) -> dict[str, int]:
    """Column name -> 0-based index, found by header text, so moved columns still work."""
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=60, values_only=True), ())
    wanted = {_normal(column.header): column.name for column in sheet.columns}
    found = {}
    for index, header in enumerate(first):
        name = wanted.get(_normal(header)) if header is not None else None
        if name and name not in found:
            found[name] = index
    missing = [sheet.headers[name] for name in sheet.required if name not in found]
    if missing:
        columns = ", ".join(f"“{header}”" for header in missing)
        if sheet is REPORT_SHEET:
            message = _(
                "Bảng tính không đúng mẫu: thiếu cột %(columns)s ở dòng 1. "
                "Hãy tải bảng tính của kỳ này về rồi điền vào."
            )
        else:
            message = _(
                "Trang “%(sheet)s” không đúng mẫu: thiếu cột %(columns)s ở dòng 1. "
                "Hãy tải bảng tính của kỳ này về rồi điền vào."
            )
        raise SpreadsheetError(message % {"columns": columns, "sheet": sheet.title})
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
class _File:
    """What the workbook holds, read in full while it is open."""

    period_id: int | None
    has_stamps: bool
    rows: list[tuple[int, dict]]
    indicator_rows: list[tuple[int, dict]]


def _read_workbook(upload) -> _File:
    """Read every cell the import needs. openpyxl parses a read-only workbook lazily, so a
    crafted cell (a number "abc", a date in month 13, a shared string that does not
    exist) raises only here, and of any kind: all of it means the file is not ours."""
    wb = _open_workbook(upload)
    try:
        # A hand-made workbook may have its rows on the first sheet, whatever its name.
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        columns = _header_columns(ws, REPORT_SHEET)
        rows = list(_read_rows(ws, columns))
        indicator_rows = []
        if INDICATOR_SHEET_TITLE in wb.sheetnames:
            ws = wb[INDICATOR_SHEET_TITLE]
            indicator_rows = list(_read_rows(ws, _header_columns(ws, INDICATOR_SHEET)))
        return _File(_file_period_id(wb), STAMP.name in columns, rows, indicator_rows)
    except SpreadsheetError:
        raise
    except Exception:
        raise _not_xlsx() from None
    finally:
        wb.close()


class _Errors:
    """Every problem found, listed sheet by sheet and row by row whatever the order of
    the checks."""

    def __init__(self):
        self._found: list[tuple[int, int, int, str]] = []

    def add(self, sheet: Sheet, row: int, message: str) -> None:
        self._found.append((sheet.order, row, len(self._found), message))

    def __bool__(self) -> bool:
        return bool(self._found)

    def messages(self) -> list[str]:
        listed = [message for *_order, message in sorted(self._found)]
        if len(listed) <= MAX_ERRORS:
            return listed
        more = len(listed) - MAX_ERRORS
        return [*listed[:MAX_ERRORS], _("… và %(count)d lỗi khác.") % {"count": more}]


class _Row:
    """One spreadsheet row being checked; collects its errors with row and column named."""

    def __init__(self, sheet: Sheet, number: int, cells: dict, errors: _Errors):
        self.sheet = sheet
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
        if self.sheet is REPORT_SHEET:
            place = _("Dòng %(row)d") % {"row": self.number}
        else:
            place = _("Trang “%(sheet)s”, dòng %(row)d") % {
                "sheet": self.sheet.title,
                "row": self.number,
            }
        if column is None:
            text = _("%(place)s: %(message)s") % {"place": place, "message": message}
        else:
            text = _("%(place)s, cột “%(column)s”: %(message)s") % {
                "place": place,
                "column": self.sheet.headers[column],
                "message": message,
            }
        self.errors.add(self.sheet, self.number, text)


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


def _parse_indicator_value(row: _Row) -> tuple[bool, Decimal | None]:
    """(ok, value) of the row's Giá trị cell; None when empty (the value is cleared)."""
    if row.is_formula(VALUE.name):
        row.error(_("không dùng công thức; hãy nhập giá trị."), VALUE.name)
        return False, None
    raw = row.value(VALUE.name)
    if _blank(raw):
        return True, None
    if isinstance(raw, bool | datetime.date | datetime.time | datetime.timedelta):
        raw = str(raw)  # a number was meant: refused as the form refuses such text
    try:
        return True, INDICATOR_VALUE.clean(raw.strip() if isinstance(raw, str) else raw)
    except ValidationError as error:
        for message in error.messages:
            row.error(message, VALUE.name)
        return False, None


@dataclass
class _Slot:
    """What the file gives for one assignment: its row on "Báo cáo" (with the report
    values it holds, {} when blank or wrong) and its rows on "Chỉ tiêu"."""

    row: _Row | None = None
    values: dict = dataclasses.field(default_factory=dict)
    stamp: tuple[int | None, str | None] | None = None
    indicators: dict[int, tuple[Decimal | None, _Row]] = dataclasses.field(default_factory=dict)


@dataclass
class _Change:
    row: _Row
    assignment: Assignment
    data: dict
    version: int | None  # the report version the row was exported from (0: none); None: unknown
    indicator_rows: dict[int, _Row]


class _Import:
    """The checks of one upload, against everything loaded once: the assignments the
    user may fill (with unit, task, section and directive), their reports, the tasks'
    indicators and the reports' indicator values."""

    def __init__(self, *, period: ReportingPeriod, unit_ids, by):
        self.period = period
        self.by = by
        self.allowed = {a.pk: a for a in period_assignments(period=period, unit_ids=unit_ids)}
        self.reports = {}
        for report in ProgressReport.objects.filter(period=period, assignment_id__in=self.allowed):
            report.assignment = self.allowed[report.assignment_id]  # spares a query per row
            self.reports[report.assignment_id] = report
        self.indicators = _indicators_by_task(a.task_id for a in self.allowed.values())
        self.current = _indicator_values([r.pk for r in self.reports.values()])
        self.assessments = {
            _normal(label): value for value, label in ProgressReport.Assessment.choices
        }
        self.slots: dict[int, _Slot] = {}

    def read_row(self, row: _Row, *, stamped: bool) -> None:
        key = None if row.is_formula(KEY.name) else _key(row.value(KEY.name))
        values = _parse_values(row, self.assessments)
        if _blank(row.value(KEY.name)):
            if values or not row.ok:
                row.error(_("thiếu mã; không xóa hay sửa cột này."), KEY.name)
            return
        if key not in self.allowed:
            row.error(_("mã không khớp nhiệm vụ nào bạn được nhập trong kỳ báo cáo này."), KEY.name)
            return
        slot = self.slots.setdefault(key, _Slot())
        if slot.row is not None:
            row.error(_("mã trùng với dòng %(row)d.") % {"row": slot.row.number}, KEY.name)
            return
        slot.row = row
        slot.stamp = _parse_stamp(row) if stamped else None
        slot.values = values

    def read_indicator_row(self, row: _Row) -> None:
        if _blank(row.value(KEY.name)):
            if not _blank(row.value(VALUE.name)) or row.is_formula(VALUE.name):
                row.error(_("thiếu mã; không xóa hay sửa cột này."), KEY.name)
            return
        key = None if row.is_formula(KEY.name) else _key(row.value(KEY.name))
        if key not in self.allowed:
            row.error(_("mã không khớp nhiệm vụ nào bạn được nhập trong kỳ báo cáo này."), KEY.name)
            return
        indicator_id = None if row.is_formula(INDICATOR.name) else _key(row.value(INDICATOR.name))
        if indicator_id not in self.indicators.get(self.allowed[key].task_id, {}):
            row.error(_("mã không khớp chỉ tiêu nào của nhiệm vụ này."), INDICATOR.name)
            return
        slot = self.slots.setdefault(key, _Slot())
        if indicator_id in slot.indicators:
            first = slot.indicators[indicator_id][1].number
            row.error(_("chỉ tiêu trùng với dòng %(row)d.") % {"row": first}, INDICATOR.name)
            return
        ok, value = _parse_indicator_value(row)
        if ok:
            slot.indicators[indicator_id] = (value, row)

    def change(self, key: int, slot: _Slot) -> _Change | None:
        """The change to save for this assignment, or None (nothing to save, or errors)."""
        report = self.reports.get(key)
        current = self.current.get(report.pk, {}) if report is not None else {}
        changed = {
            pk: value for pk, (value, _row) in slot.indicators.items() if value != current.get(pk)
        }
        indicator_rows = {pk: row for pk, (_value, row) in slot.indicators.items()}
        if not slot.values:
            if slot.row is not None and not slot.row.ok:
                return None  # its errors are listed
            typed = sorted(
                (indicator_rows[pk] for pk, value in changed.items() if value is not None),
                key=lambda row: row.number,
            )
            if typed:
                typed[0].error(
                    _(
                        "dòng báo cáo của nhiệm vụ này ở trang “%(sheet)s” đang để trống; điền "
                        "Tự đánh giá và Tỷ lệ hoàn thành ở đó để lưu chỉ tiêu cùng báo cáo."
                    )
                    % {"sheet": SHEET_TITLE}
                )
            return None  # an empty row: nothing to report
        row, values, stamp = slot.row, slot.values, slot.stamp
        if report is not None and values == _values(report) and not changed:
            return None  # unchanged
        given = {pk: value for pk, (value, _row) in slot.indicators.items()}
        if stamp and stamp[1] == _fingerprint(values, given):
            return None  # as exported: the report changed since, and this row does not undo it
        assignment = self.allowed[key]
        if report is not None and not report.is_editable:
            row.error(
                _(
                    "báo cáo đã gửi, không sửa được. Nếu cần bổ sung, đề nghị bộ phận theo dõi "
                    "trả lại."
                )
            )
        elif not _can_enter(self.by, assignment, report):
            row.error(self._refusal(assignment, report))
        elif stamp and stamp[0] != (report.version if report is not None else None):
            row.error(
                _(
                    "báo cáo đã được sửa sau khi bạn tải bảng tính về; hãy tải lại bảng tính "
                    "để không ghi đè nội dung mới."
                )
            )
        else:
            data = dict(values)
            if changed:
                data["indicators"] = changed  # only what differs: each value is a write
            version = None if stamp is None else stamp[0] or 0
            return _Change(row, assignment, data, version, indicator_rows)
        return None

    def _refusal(self, assignment: Assignment, report: ProgressReport | None) -> str:
        if report is not None:
            return _("đơn vị đang tự báo cáo nhiệm vụ này; không nhập thay được.")
        if assignment.unit_id in permissions.roles_of(self.by).member_unit_ids:
            return _(
                "đây là đơn vị của bạn; bộ phận theo dõi không nhập thay báo cáo của đơn vị "
                "mình, cán bộ báo cáo của đơn vị tự nhập."
            )
        return _("bạn không được nhập báo cáo này.")

    def save(self, change: _Change) -> None:
        try:
            # Each call is its own savepoint: a refused row leaves the others to check.
            # `version` catches a save made between the checks and this one.
            services.report_save_draft(
                assignment=change.assignment,
                period=self.period,
                by=self.by,
                data=change.data,
                version=change.version,
            )
        except ValidationError as error:
            _service_errors(change, error)


def _service_errors(change: _Change, error: ValidationError) -> None:
    """A refusal by the service, on the row and column it concerns."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            change.row.error(message)
        return
    for name, field_errors in error.error_dict.items():
        for message in ValidationError(field_errors).messages:
            indicator = re.fullmatch(r"indicator_(\d+)", name)
            if indicator and int(indicator[1]) in change.indicator_rows:
                change.indicator_rows[int(indicator[1])].error(message, VALUE.name)
            else:
                change.row.error(message, name if name in FIELDS else None)


def period_workbook_import(*, period: ReportingPeriod, unit_ids, upload, by) -> int:
    """Save the uploaded spreadsheet's changed rows (with their indicator values) as
    drafts; return how many reports were saved.

    Raises SpreadsheetError (a ValidationError) listing every problem, by row number and
    column header, and then nothing is saved. Empty and unchanged rows are skipped.
    """
    if not period.directive.is_in_force:
        raise SpreadsheetError(
            _("Văn bản không còn ở trạng thái đang thực hiện; không nhập được báo cáo.")
        )
    file = _read_workbook(upload)
    if file.period_id is not None and file.period_id != period.pk:
        other = ReportingPeriod.objects.filter(pk=file.period_id).first()
        raise SpreadsheetError(
            _("Bảng tính này là của kỳ “%(other)s”, không phải kỳ “%(label)s”.")
            % {"other": other.label if other else file.period_id, "label": period.label}
        )

    errors = _Errors()
    checks = _Import(period=period, unit_ids=unit_ids, by=by)
    for number, cells in file.rows:
        checks.read_row(_Row(REPORT_SHEET, number, cells, errors), stamped=file.has_stamps)
    for number, cells in file.indicator_rows:
        checks.read_indicator_row(_Row(INDICATOR_SHEET, number, cells, errors))
    changes = [
        change
        for key, slot in checks.slots.items()
        if (change := checks.change(key, slot)) is not None
    ]
    if errors:
        raise SpreadsheetError(errors.messages())

    with transaction.atomic():
        for change in changes:
            checks.save(change)
        if errors:
            raise SpreadsheetError(errors.messages())  # rolls back every row saved above
    return len(changes)
