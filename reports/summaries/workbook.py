"""The summary report as an XLSX workbook, rendered from a snapshot alone.

Sheets: "Ma trận" (units × tasks, a block of rows per period, status labels), "Phụ lục"
(the annex: units × status, with the rates and a total row), "Chỉ tiêu" (the indicators)
and "Thông tin" (what the workbook is). Each sheet has its title rows and a bold header
row frozen, and an autofilter over its table.

The workbook is written in write-only mode (rows streamed to disk, one shared set of
style objects), as the matrix may hold 600,000 rows, read one by one from the frozen
figures (`frozen`). Every text goes through `reports.spreadsheets.cells` (`row_value`,
`text_cell`): texts are user input, and one starting with "=" must stay text, never
become a formula.
"""

import datetime
from collections.abc import Callable
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reports.spreadsheets.cells import row_value, text_cell

from .text import clean

# Sheet titles: lazy, translated when a workbook is written.
MATRIX_TITLE = gettext_lazy("Ma trận")
ANNEX_TITLE = gettext_lazy("Phụ lục")
INDICATORS_TITLE = gettext_lazy("Chỉ tiêu")
DEADLINES_TITLE = gettext_lazy("Nhiệm vụ có thời hạn")
INFO_TITLE = gettext_lazy("Thông tin")
PROGRESS_EVERY = 2_000  # rows
RATE_FORMAT = "0.0"

# Shared style objects: created once, every cell points at the same ones.
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
ITALIC = Font(italic=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="8EA9DB")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
HEADER_STYLE = {
    "font": BOLD,
    "fill": HEADER_FILL,
    "border": HEADER_BORDER,
    "alignment": HEADER_ALIGNMENT,
}
NOTE_STYLE = {"font": ITALIC, "alignment": WRAP_TOP}


def _text(value):
    """A value as a cell holds it: text without the control characters XLSX refuses
    ("" as an empty cell); anything else as it is."""
    if isinstance(value, str):
        return clean(value) or None
    return value


def _is_rate(header) -> bool:
    """A rate column ("Tỷ lệ đầy đủ (%)"): numbers shown with one decimal."""
    return "%" in str(header)


def _made_at(snapshot: dict) -> str:
    """made_at as dd/mm/yyyy HH:MM, in the offset the snapshot gives."""
    made_at = snapshot.get("made_at") or ""
    try:
        return datetime.datetime.fromisoformat(made_at).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return made_at


class _Progress:
    """Reports the share of rows written, every PROGRESS_EVERY rows."""

    def __init__(self, callback: Callable[[float], None] | None, total: int):
        self.callback = callback
        self.total = max(total, 1)
        self.done = 0

    def row(self) -> None:
        self.done += 1
        if self.callback is not None and self.done % PROGRESS_EVERY == 0:
            # The file is zipped after the last row: keep the end of the bar for that.
            self.callback(0.95 * min(self.done / self.total, 1.0))


def _start_sheet(
    wb: Workbook,
    title: str,
    heading: str,
    header: list[str],
    widths: list[float],
    notes: list[list] = (),
    frozen_columns: int = 0,
):
    """A write-only sheet with its title row, note rows (italic) and header row, frozen
    below the header. Returns (sheet, number of the header row)."""
    header_row = 2 + len(notes)
    ws = wb.create_sheet(str(title))
    # Write-only sheets take their layout before the first row.
    ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{header_row + 1}"
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[header_row].height = 32
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0

    ws.append([text_cell(ws, _text(heading), font=TITLE_FONT)])
    if len(header) > 1:
        ws.merged_cells.add(f"A1:{get_column_letter(len(header))}1")  # written last
    for note in notes:
        ws.append([text_cell(ws, _text(value), **NOTE_STYLE) for value in note])
    ws.append([text_cell(ws, _text(str(name)), **HEADER_STYLE) for name in header])
    return ws, header_row


def _autofilter(ws, width: int, header_row: int, last_row: int) -> None:
    """An autofilter over the header and data rows (set any time: it is written last)."""
    if width and last_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(width)}{last_row}"


def _figure(ws, value, rate: bool, **style) -> WriteOnlyCell:
    """A cell of a figures table: rates numeric with one decimal, None empty."""
    if rate and isinstance(value, int | float) and not isinstance(value, bool):
        return text_cell(ws, float(value), number_format=RATE_FORMAT, **style)
    if not style:
        return row_value(ws, _text(value))
    return text_cell(ws, _text(value), **style)


def _matrix_sheet(wb: Workbook, snapshot: dict, progress: _Progress) -> None:
    matrix = snapshot["matrix"]
    header = [str(c) for c in matrix["columns"]]
    names = {str(task["code"]): task["name"] for task in matrix.get("tasks", [])}
    fixed = 2  # "Kỳ báo cáo", "Đơn vị"; a column per task code follows
    ws, header_row = _start_sheet(
        wb,
        MATRIX_TITLE,
        _("Ma trận đơn vị × nhiệm vụ – %(periods)s") % {"periods": snapshot["periods"]},
        header,
        [18, 36, *[18] * (len(header) - fixed)],
        # The task names, above their codes.
        notes=[[None, _("Nhiệm vụ:"), *(names.get(code) for code in header[fixed:])]],
        frozen_columns=fixed,
    )
    ws.row_dimensions[header_row - 1].height = 75
    labels = {code: row_value(ws, _text(str(label))) for code, label in matrix["legend"].items()}
    for row in matrix["rows"]:
        ws.append(
            [
                *(row_value(ws, _text(value)) for value in row[:fixed]),
                *(
                    labels[value] if value in labels else row_value(ws, _text(value))
                    for value in row[fixed:]
                ),
            ]
        )
        progress.row()
    _autofilter(ws, len(header), header_row, header_row + len(matrix["rows"]))


def _annex_sheet(
    wb: Workbook, snapshot: dict, progress: _Progress, *, table="annex", sheet=None
) -> None:
    """An annex (units, or directives, × their figures, with a total row): the report's
    own, or (table="deadlines") its tasks with a deadline."""
    annex = snapshot[table]
    header = [str(c) for c in annex["columns"]]
    rates = [_is_rate(name) for name in header]
    widths = [6, 36, *(12 if rate else 11 for rate in rates[2:])]
    periods = _("Kỳ báo cáo: %(periods)s") % {"periods": snapshot["periods"]}
    ws, header_row = _start_sheet(
        wb,
        sheet or ANNEX_TITLE,
        annex["title"],
        header,
        widths,
        notes=[[annex.get("sentence") or periods]],
        frozen_columns=2,
    )
    for row in annex["rows"]:
        ws.append([_figure(ws, value, rates[i]) for i, value in enumerate(row)])
        progress.row()
    _autofilter(ws, len(header), header_row, header_row + len(annex["rows"]))
    if annex.get("total"):
        ws.append([_figure(ws, v, rates[i], font=BOLD) for i, v in enumerate(annex["total"])])


def _indicators_sheet(wb: Workbook, snapshot: dict, progress: _Progress) -> None:
    indicators = snapshot.get("indicators") or {}
    rows = indicators.get("rows") or []
    heading = _("Chỉ tiêu – %(periods)s") % {"periods": snapshot["periods"]}
    if not rows:
        ws, _header_row = _start_sheet(wb, INDICATORS_TITLE, heading, [_("Ghi chú")], [60])
        ws.append([text_cell(ws, _("Không có chỉ tiêu."))])
        return
    header = [str(c) for c in indicators["columns"]]
    widths = [11, 40, 14, 22, 14, 12][: len(header)] + [14] * max(len(header) - 6, 0)
    ws, header_row = _start_sheet(wb, INDICATORS_TITLE, heading, header, widths)
    for row in rows:
        ws.append([text_cell(ws, _text(value)) for value in row])
        progress.row()
    _autofilter(ws, len(header), header_row, header_row + len(rows))


def _info_sheet(wb: Workbook, snapshot: dict) -> None:
    header = snapshot["header"]
    directive = snapshot.get("directive") or {}
    annex_rows = snapshot["annex"]["rows"]
    facts = [
        (_("Báo cáo"), header.get("title")),
        (_("Số"), header.get("number")),
        (_("Trích yếu"), header.get("subject")),
        (_("Cơ quan ban hành"), header.get("issuing_body")),
        (_("Cấp trên"), header.get("parent_body")),
        (_("Địa danh, ngày tháng"), header.get("place_date")),
        (_("Văn bản chỉ đạo"), directive.get("number")),
        (_("Nội dung văn bản chỉ đạo"), directive.get("subject")),
        (_("Kỳ báo cáo"), snapshot.get("periods")),
        (_("Số đơn vị"), len(annex_rows)),
        (_("Thời điểm lập"), _made_at(snapshot)),
    ]
    ws, _header_row = _start_sheet(
        wb,
        INFO_TITLE,
        _("Thông tin báo cáo tổng hợp"),
        [_("Mục"), _("Nội dung")],
        [26, 90],
    )
    for name, value in facts:
        ws.append(
            [
                text_cell(ws, name, font=BOLD, alignment=WRAP_TOP),
                text_cell(ws, _text(value), alignment=WRAP_TOP),
            ]
        )


def summary_xlsx(
    snapshot: dict, out: BinaryIO, progress: Callable[[float], None] | None = None
) -> None:
    """Write the snapshot's summary report to `out` as an XLSX workbook."""
    rows = (
        len(snapshot["matrix"]["rows"])
        + len(snapshot["annex"]["rows"])
        + len((snapshot.get("indicators") or {}).get("rows") or [])
        + len((snapshot.get("deadlines") or {}).get("rows") or [])
    )
    counter = _Progress(progress, rows)
    wb = Workbook(write_only=True)
    header = snapshot["header"]
    wb.properties.title = _text(f"{header.get('title', '')} {header.get('number', '')}".strip())
    wb.properties.subject = _text(header.get("subject"))
    wb.properties.creator = _text(header.get("issuing_body"))
    if snapshot["matrix"]["columns"]:  # (a summary across directives has none)
        _matrix_sheet(wb, snapshot, counter)
    _annex_sheet(wb, snapshot, counter)
    if snapshot.get("deadlines"):
        _annex_sheet(wb, snapshot, counter, table="deadlines", sheet=DEADLINES_TITLE)
    _indicators_sheet(wb, snapshot, counter)
    _info_sheet(wb, snapshot)
    _save(wb, out)
    if progress is not None:
        progress(1.0)


def _save(wb: Workbook, out: BinaryIO) -> None:
    """`wb.save`, but its parts deflated at the fastest level: the matrix's sheet may be
    hundreds of megabytes of XML, and level 6 takes four times as long for a file a
    third smaller."""
    wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    with ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1) as archive:
        ExcelWriter(wb, archive).save()
