"""The summary workbook (reports.summaries.workbook), read back with openpyxl."""

import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string

from reports.summaries.workbook import summary_xlsx

from .conftest import FORMULA, LEGEND, make_snapshot

SHEETS = ["Ma trận", "Phụ lục", "Chỉ tiêu", "Thông tin"]


def render(snapshot: dict, progress=None):
    out = io.BytesIO()
    summary_xlsx(snapshot, out, progress)
    return load_workbook(io.BytesIO(out.getvalue()))


def header_row(ws, columns: list) -> int:
    """The number of the row holding these column names."""
    for row in ws.iter_rows():
        if [c.value for c in row[: len(columns)]] == columns:
            return row[0].row
    raise AssertionError(f"no header row {columns} on {ws.title}")


def values(ws, first: int, last: int | None = None) -> list[list]:
    return [list(row) for row in ws.iter_rows(min_row=first, max_row=last, values_only=True)]


def every_cell(wb):
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def test_sheets_have_their_names_in_order(snapshot):
    assert render(snapshot).sheetnames == SHEETS


def test_header_row_is_frozen_bold_and_filled(snapshot):
    wb = render(snapshot)
    headers = {
        "Ma trận": snapshot["matrix"]["columns"],
        "Phụ lục": snapshot["annex"]["columns"],
        "Chỉ tiêu": snapshot["indicators"]["columns"],
        "Thông tin": ["Mục", "Nội dung"],
    }
    for title, columns in headers.items():
        ws = wb[title]
        number = header_row(ws, columns)
        assert number >= 2, title  # a title row above
        assert coordinate_from_string(ws.freeze_panes)[1] == number + 1, title
        for cell in ws[number][: len(columns)]:
            assert cell.font.b, (title, cell.value)
            assert cell.fill.fill_type == "solid", (title, cell.value)
    assert wb["Ma trận"]["A1"].value == f"Ma trận đơn vị × nhiệm vụ – {snapshot['periods']}"
    assert wb["Phụ lục"]["A1"].value == snapshot["annex"]["title"]


def test_headers_are_vietnamese(snapshot):
    wb = render(snapshot)
    annex = wb["Phụ lục"]
    row = header_row(annex, snapshot["annex"]["columns"])
    assert [c.value for c in annex[row]][:3] == ["STT", "Đơn vị", "Phải nộp"]
    matrix = wb["Ma trận"]
    row = header_row(matrix, snapshot["matrix"]["columns"])
    assert [c.value for c in matrix[row]][:2] == ["Kỳ báo cáo", "Đơn vị"]
    # The task names stand above their codes.
    assert [c.value for c in matrix[row - 1]][2:] == [
        "Tuyên truyền, quán triệt",
        "Theo dõi dư luận",
    ]


def test_annex_lists_every_unit_with_its_figures_and_the_total(snapshot):
    snapshot["annex"]["rows"][0][7] = 87.5
    snapshot["annex"]["rows"][1][8] = None  # a rate that cannot be computed
    ws = render(snapshot)["Phụ lục"]
    row = header_row(ws, snapshot["annex"]["columns"])
    units = len(snapshot["annex"]["rows"])
    assert values(ws, row + 1, row + units) == snapshot["annex"]["rows"]
    total = values(ws, row + units + 1)
    assert total == [[None, *snapshot["annex"]["total"][1:]]]
    assert all(cell.font.b for cell in ws[row + units + 1][1:])
    assert not ws.cell(row + 1, 2).font.b
    assert ws.auto_filter.ref == f"A{row}:I{row + units}"


def test_rates_are_numbers_with_one_decimal(snapshot):
    snapshot["annex"]["rows"][0][7] = 87.5
    snapshot["annex"]["rows"][1][8] = None
    ws = render(snapshot)["Phụ lục"]
    first = header_row(ws, snapshot["annex"]["columns"]) + 1
    rate = ws.cell(first, 8)
    assert rate.value == 87.5
    assert rate.data_type == "n"
    assert rate.number_format == "0.0"
    assert ws.cell(first + 1, 9).value is None
    assert ws.cell(first, 3).data_type == "n"  # the counts too


def test_matrix_shows_the_legend_labels(snapshot):
    ws = render(snapshot)["Ma trận"]
    row = header_row(ws, snapshot["matrix"]["columns"])
    shown = values(ws, row + 1)
    expected = [
        [label, unit, *(LEGEND[code] if code else None for code in codes)]
        for label, unit, *codes in snapshot["matrix"]["rows"]
    ]
    assert shown == expected
    assert ["Tháng 9/2021", "Đảng bộ xã Phước 2", "Đã tiếp nhận", "Quá hạn"] in shown


def test_formula_payload_is_text_never_a_formula(snapshot):
    wb = render(snapshot)
    annex = wb["Phụ lục"]
    row = header_row(annex, snapshot["annex"]["columns"]) + len(snapshot["annex"]["rows"])
    unit = annex.cell(row, 2)
    assert unit.value == FORMULA
    assert unit.data_type == "s"
    assert unit.quotePrefix
    in_matrix = [c for c in wb["Ma trận"]["B"] if c.value == FORMULA]
    assert len(in_matrix) == len(snapshot["matrix"]["rows"]) // 3  # one per period
    assert all(c.data_type == "s" and c.quotePrefix for c in in_matrix)
    assert [c.coordinate for c in every_cell(wb) if c.data_type == "f"] == []


def test_indicators_sheet(snapshot):
    ws = render(snapshot)["Chỉ tiêu"]
    row = header_row(ws, snapshot["indicators"]["columns"])
    assert values(ws, row + 1) == snapshot["indicators"]["rows"]

    snapshot["indicators"]["rows"] = []
    ws = render(snapshot)["Chỉ tiêu"]
    assert "Không có chỉ tiêu." in [c.value for c in ws["A"]]


def test_information_sheet_says_what_the_workbook_is(snapshot):
    ws = render(snapshot)["Thông tin"]
    facts = {name: value for name, value in ws.iter_rows(min_row=3, values_only=True)}
    assert facts["Số"] == "Số 45-BC/HU"
    assert facts["Trích yếu"] == snapshot["header"]["subject"]
    assert facts["Kỳ báo cáo"] == "Tháng 9/2021 – Tháng 10/2021"
    assert facts["Thời điểm lập"] == "20/12/2021 09:30"
    assert facts["Văn bản chỉ đạo"] == "136-CV/HU"


def test_control_characters_are_dropped_not_fatal(snapshot):
    snapshot["annex"]["rows"][0][1] = "Đảng bộ\x07 xã A"
    ws = render(snapshot)["Phụ lục"]
    assert "Đảng bộ xã A" in [c.value for c in ws["B"]]


def test_progress_is_reported_up_to_the_end():
    calls = []
    render(make_snapshot(units=1100, periods=2), calls.append)
    # 2,200 matrix rows + 1,100 annex rows: one report at 2,000 rows, then the end.
    assert len(calls) == 2
    assert 0 < calls[0] < 1
    assert calls[-1] == 1.0


PAYLOADS = [FORMULA, "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_user_text_with_a_formula_payload_stays_text(snapshot, payload):
    snapshot["matrix"]["tasks"][0]["name"] = payload
    snapshot["matrix"]["legend"] = {**LEGEND, "overdue": payload}
    snapshot["indicators"]["rows"].append(["1.1", payload, payload, "Cộng dồn các kỳ", 5.0, 1])
    snapshot["directive"] = {"number": payload, "subject": payload}
    snapshot["periods"] = payload
    wb = render(snapshot)

    matrix = wb["Ma trận"]
    row = header_row(matrix, snapshot["matrix"]["columns"])
    assert matrix.cell(row - 1, 3).value == payload  # the task's name, above its code
    overdue = [c for c in matrix["D"][row:] if c.value == payload]
    assert len(overdue) == sum(1 for r in snapshot["matrix"]["rows"] if r[3] == "overdue")
    assert overdue
    indicators = wb["Chỉ tiêu"]
    row = header_row(indicators, snapshot["indicators"]["columns"])
    assert [c.value for c in indicators[row + 2][1:3]] == [payload, payload]
    facts = {name.value: value for name, value in wb["Thông tin"].iter_rows(min_row=3)}
    for name in ("Văn bản chỉ đạo", "Nội dung văn bản chỉ đạo", "Kỳ báo cáo"):
        assert facts[name].value == payload, name

    # Task name, legend labels, indicator name and unit, the three facts (and, for
    # FORMULA, the unit named with it).
    cells = [c for c in every_cell(wb) if c.value == payload]
    assert len(cells) >= 1 + len(overdue) + 2 + 3
    for cell in cells:
        assert cell.data_type == "s", (cell.parent.title, cell.coordinate)
        assert cell.quotePrefix, (cell.parent.title, cell.coordinate)
    assert [c.coordinate for c in every_cell(wb) if c.data_type == "f"] == []
