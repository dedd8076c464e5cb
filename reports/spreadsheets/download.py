"""Downloading the period's spreadsheet: the rows a user may fill, pre-filled with what
they may read (layout.py says what each sheet holds)."""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.packaging.custom import IntProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from directives.models import Assignment, Indicator
from reports.filing.models import TEXT_FIELDS, ProgressReport
from reports.filing.slots import STATUS_LABELS, slot_states
from reports.periods.models import ReportingPeriod
from units import permissions

from .cells import text_cell
from .layout import (
    INDICATOR,
    INDICATOR_SHEET,
    INDICATOR_SHEET_TITLE,
    KEY,
    LETTER,
    PERIOD_PROPERTY,
    REPORT_SHEET,
    SHEET_TITLE,
    STAMP,
    VALUE,
    Column,
    Sheet,
    can_enter,
    clean_text,
    indicator_values,
    indicators_by_task,
    period_assignments,
    report_values,
    stamp,
)

HEADER_STYLE = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="F8D7DA"),
    "alignment": Alignment(wrap_text=True, vertical="center"),
}
TECHNICAL_FILL = PatternFill("solid", fgColor="E9ECEF")
READ_ONLY_FILL = PatternFill("solid", fgColor="EEEEEE")  # shown, not writable by this user
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _figure(value: Decimal | None) -> int | float | None:
    """12.00 as 12, 3.50 as 3.5: a number the spreadsheet shows as people write it
    (14 digits fit a float exactly)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _task_text(assignment: Assignment) -> str:
    """ "1.2 Text"; a task reported until done by a deadline says so: "1.2 (Thường xuyên, có
    thời hạn: 31/12/2026) Text" (the unit's own deadline, if it has one)."""
    task = assignment.task
    if task.has_deadline:
        kind = f"({task.get_kind_display()}: {assignment.due_by:%d/%m/%Y})"
        return clean_text(f"{task.code} {kind} {task.text}")
    return clean_text(f"{task.code} {task.text}")


@dataclass
class _Line:
    """One assignment as the workbook shows it to the reader."""

    assignment: Assignment
    report: ProgressReport | None  # whatever the reader may see of it
    shown: ProgressReport | None  # the report whose values are shown
    status: str  # the slot's status, as the reader sees it (reports.filing.slots)
    writable: bool
    indicators: dict[int, Decimal | None]  # every indicator of the task: value shown


def _row(ws, line: _Line) -> list:
    values = report_values(line.shown)
    fill = {} if line.writable else {"fill": READ_ONLY_FILL}
    assessment = str(ProgressReport.Assessment(values["assessment"]).label) if line.shown else None
    return [
        text_cell(ws, line.assignment.pk, fill=TECHNICAL_FILL, alignment=TOP),
        text_cell(ws, clean_text(line.assignment.unit.name), alignment=WRAP),
        text_cell(ws, _task_text(line.assignment), alignment=WRAP),
        text_cell(ws, str(line.assignment.get_role_display()), alignment=TOP),
        text_cell(ws, str(STATUS_LABELS[line.status]), alignment=TOP),
        text_cell(ws, assessment, alignment=TOP, **fill),
        text_cell(ws, values["percent_done"], alignment=TOP, number_format="0", **fill),
        # Text format: whatever the user types there stays text, even "- …" or "= …".
        *(
            text_cell(ws, values[field] or None, alignment=WRAP, number_format="@", **fill)
            for field in TEXT_FIELDS
        ),
        text_cell(ws, stamp(line.shown, line.indicators), fill=TECHNICAL_FILL, alignment=TOP),
    ]


def _indicator_row(ws, line: _Line, indicator: Indicator) -> list:
    fill = {} if line.writable else {"fill": READ_ONLY_FILL}
    return [
        text_cell(ws, line.assignment.pk, fill=TECHNICAL_FILL, alignment=TOP),
        text_cell(ws, indicator.pk, fill=TECHNICAL_FILL, alignment=TOP),
        text_cell(ws, clean_text(line.assignment.unit.name), alignment=WRAP),
        text_cell(ws, _task_text(line.assignment), alignment=WRAP),
        text_cell(ws, clean_text(indicator.name), alignment=WRAP),
        text_cell(ws, clean_text(indicator.unit_of_measure) or None, alignment=TOP),
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
    by_task = indicators_by_task(a.task_id for a in assignments)
    values = indicator_values([r.pk for r in reports.values()])

    states = slot_states(
        [(a.pk, a.unit_id, period) for a in assignments],
        reports={(a, period.pk): r for a, r in reports.items()},
    )
    own_units = permissions.filing_unit_ids(by) if by is not None else frozenset()

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
        state = states[assignment.pk, period.pk]
        lines.append(
            _Line(
                assignment,
                report,
                shown,
                state.own_status if assignment.unit_id in own_units else state.status,
                writable=by is None or can_enter(by, assignment, report),
                indicators={pk: shown_values.get(pk) for pk in by_task.get(assignment.task_id, {})},
            )
        )

    wb = Workbook(write_only=True)
    wb.properties.title = clean_text(f"{period.directive} · {period.label}")
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
