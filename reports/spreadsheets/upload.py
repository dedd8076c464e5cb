"""Uploading the period's spreadsheet back: every changed row saved as a draft, or none.

An upload is checked row by row and saved in one transaction through
`report_save_draft`: every row is valid and saved, or nothing is. It never submits; the
unit sends each report in the browser (where required indicators are checked).
Everything the checks need is loaded up front, a fixed number of queries whatever the
number of rows; what grows with the rows is the saves.
"""

import dataclasses
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from directives.models import Assignment
from reports.filing import services
from reports.filing.models import REPORT_FIELDS, TEXT_FIELDS, TEXT_LIMIT, ProgressReport
from reports.periods.models import ReportingPeriod
from units import permissions

from .layout import (
    INDICATOR,
    INDICATOR_SHEET,
    INDICATOR_SHEET_TITLE,
    KEY,
    PERIOD_PROPERTY,
    REPORT_SHEET,
    SHEET_TITLE,
    STAMP,
    VALUE,
    Sheet,
    can_enter,
    clean_text,
    fingerprint,
    indicator_values,
    indicators_by_task,
    period_assignments,
    report_values,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a 5 MB file that inflates beyond this is not ours
MAX_ROWS = 20_000  # per sheet
MAX_ERRORS = 100  # listed; the rest are counted


# An indicator value is read as the report form reads it (reports.filing.forms): a number, not
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


class SpreadsheetError(ValidationError):
    """The upload was refused; `messages` says why, row by row."""


PERIOD_ADVICE = gettext_lazy("Hãy tải bảng tính của kỳ này về, điền rồi lưu dưới dạng .xlsx.")


def not_xlsx(advice=PERIOD_ADVICE) -> SpreadsheetError:
    """The file is not an XLSX we can read; `advice` says what to send instead."""
    return SpreadsheetError(
        _("Tệp không phải bảng tính Excel (.xlsx) hoặc đã bị hỏng. %(advice)s") % {"advice": advice}
    )


def _upload_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    return size


def open_workbook(upload, *, advice=PERIOD_ADVICE):
    """An uploaded workbook, read-only, or a SpreadsheetError saying why it is not one we
    read: over MAX_UPLOAD_BYTES, inflating past MAX_UNZIPPED_BYTES (a decompression bomb),
    not an XLSX (then `advice`). The period's spreadsheet and the unit sheet alike."""
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
        raise not_xlsx(advice) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SpreadsheetError(_("Bảng tính quá lớn để nhập."))
    data.seek(0)
    try:
        return load_workbook(data, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file it cannot read
        raise not_xlsx(advice) from None


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
    return clean_text(str(value))


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
    wb = open_workbook(upload)
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
        raise not_xlsx() from None
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


def _parsereport_values(row: _Row, assessments: dict[str, str]) -> dict:
    """The report values the row holds, or {} when its report cells are all empty."""
    if all(_blank(row.value(field)) for field in REPORT_FIELDS):
        return {}
    for field in REPORT_FIELDS:
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


def _parsestamp(row: _Row) -> tuple[int | None, str | None] | None:
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
        self.indicators = indicators_by_task(a.task_id for a in self.allowed.values())
        self.current = indicator_values([r.pk for r in self.reports.values()])
        self.assessments = {
            _normal(label): value for value, label in ProgressReport.Assessment.choices
        }
        self.slots: dict[int, _Slot] = {}

    def read_row(self, row: _Row, *, stamped: bool) -> None:
        key = None if row.is_formula(KEY.name) else _key(row.value(KEY.name))
        values = _parsereport_values(row, self.assessments)
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
        slot.stamp = _parsestamp(row) if stamped else None
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
        if report is not None and values == report_values(report) and not changed:
            return None  # unchanged
        given = {pk: value for pk, (value, _row) in slot.indicators.items()}
        if stamp and stamp[1] == fingerprint(values, given):
            return None  # as exported: the report changed since, and this row does not undo it
        assignment = self.allowed[key]
        if report is not None and not report.is_editable:
            row.error(
                _(
                    "báo cáo đã gửi, không sửa được. Nếu cần bổ sung, đề nghị bộ phận theo dõi "
                    "trả lại."
                )
            )
        elif not can_enter(self.by, assignment, report):
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
                change.row.error(message, name if name in REPORT_FIELDS else None)


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
