"""The summary PDF (reports.summaries.pdf), read back with pypdf."""

import io
import re
import unicodedata
from collections import Counter

import pytest
from pypdf import PdfReader

from reports.summaries import pdf
from reports.summaries.pdf import summary_html, summary_pdf

from .conftest import FORMULA, make_snapshot

MM = 72 / 25.4  # points per millimetre
UNIT_ROW = re.compile(r"(\d+) Đảng bộ xã Phước \1(?!\d)")  # "12 Đảng bộ xã Phước 12 4 3 …"


def render(snapshot: dict, progress=None) -> PdfReader:
    out = io.BytesIO()
    summary_pdf(snapshot, out, progress)
    return PdfReader(io.BytesIO(out.getvalue()))


def squeeze(text: str) -> str:
    """Text without any whitespace (justification and line wraps add or move it), NFC."""
    return "".join(unicodedata.normalize("NFC", text).split())


def page_text(page) -> str:
    return squeeze(page.extract_text())


def _multiply(m, n):
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def top_margin_text(page, margin_mm: float) -> str:
    """The text drawn above the page's top margin (where the page number goes)."""
    limit = float(page.mediabox.top) - margin_mm * MM
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip() and _multiply(tm, cm)[5] > limit:
            found.append(text)

    page.extract_text(visitor_text=visit)
    return squeeze("".join(found))


@pytest.fixture
def reader(snapshot) -> PdfReader:
    snapshot["annex"]["rows"][0][7] = 87.5
    snapshot["annex"]["rows"][1][8] = None
    return render(snapshot)


def test_report_then_annex_in_landscape(reader):
    assert 2 <= len(reader.pages) <= 3  # 3 units: a page of report, a page of annex
    first, last = reader.pages[0].mediabox, reader.pages[-1].mediabox
    assert round(first.width / MM) == 210 and round(first.height / MM) == 297
    assert round(last.width / MM) == 297 and round(last.height / MM) == 210
    assert squeeze("PHỤ LỤC") not in page_text(reader.pages[0])
    assert page_text(reader.pages[-1]).startswith(squeeze("PHỤ LỤC: TÌNH HÌNH GỬI BÁO CÁO"))


def test_report_text(reader, snapshot):
    text = page_text(reader.pages[0])
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ TỈNH BÌNH ĐỊNH",
        "HUYỆN ỦY TUY PHƯỚC",
        "Số 45-BC/HU",
        "Tuy Phước, ngày 20 tháng 12 năm 2021",
        "BÁO CÁO",
        snapshot["header"]["subject"],
        "I. TÌNH HÌNH TRIỂN KHAI",
        "IV. KIẾN NGHỊ, ĐỀ XUẤT",
        "Đề nghị bổ sung kinh phí.",
        "Nơi nhận:",
        "- Lưu VPHU.",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Nguyễn Đình Thuận",
    ):
        assert squeeze(expected) in text, expected


def lines_drawn(page) -> list[tuple[float, float, str, set[str], set[float]]]:
    """Each line of text on the page: where it starts (x, y from the top, in pt), its
    text, the styles of its fonts ("Bold", "Italic") and its sizes in pt."""
    lines: dict[tuple, list] = {}

    def visit(text, cm, tm, font, size):
        if not text.strip() or not font:
            return
        matrix = _multiply(tm, cm)
        scale = abs(matrix[3])
        key = (round(tm[5], 1),)
        entry = lines.setdefault(key, [tm[4] * abs(cm[0]), tm[5] * scale, "", set(), set()])
        entry[2] += text
        name = str(font.get("/BaseFont", ""))
        entry[3].update(style for style in ("Bold", "Italic") if style in name)
        entry[4].add(round(size * scale, 1))

    page.extract_text(visitor_text=visit)
    return [(x, y, squeeze(text), styles, sizes) for x, y, text, styles, sizes in lines.values()]


def test_the_closing_reads_as_36_hd_vptw_asks(snapshot):
    """ "Nơi nhận:" 14 pt upright (its words underlined), each recipient 12 pt; the short
    line under the subject."""
    html = summary_html(snapshot)
    assert '<p class="recipients-label"><u>Nơi nhận</u>:</p>' in html
    assert '<p class="dash">-----</p>' in html

    drawn = lines_drawn(render(snapshot).pages[0])
    [(x, y, _text, styles, sizes)] = [line for line in drawn if line[2] == "Nơinhận:"]
    assert (styles, sizes) == (set(), {14.0})
    recipients = [line for line in drawn if line[0] == x and line[1] > y]
    assert [line[2] for line in recipients] == [squeeze(f"- {r}") for r in snapshot["recipients"]]
    assert all(line[3:] == (set(), {12.0}) for line in recipients)
    [dash] = [line for line in drawn if line[2] == "-----"]
    [subject] = [line for line in drawn if line[2].startswith(squeeze("kết quả thực hiện"))]
    [part] = [line for line in drawn if line[2] == squeeze("I. TÌNH HÌNH TRIỂN KHAI")]
    assert subject[1] < dash[1] < part[1] and dash[4] == {14.0}


def test_annex_lists_each_unit_with_vietnamese_rates(reader, snapshot):
    text = "".join(page_text(page) for page in reader.pages[1:])
    for row in snapshot["annex"]["rows"]:
        assert squeeze(row[1]) in text, row[1]
    # STT, unit, 5 counts, the rates with a decimal comma ("–": none).
    assert squeeze("1 Đảng bộ xã Phước 1 4 3 2 2 1 87,5 50,0") in text
    assert squeeze("2 Đảng bộ xã Phước 2 4 3 2 2 1 75,0 –") in text
    assert squeeze("Tổng cộng 12 9 6 6 3 75,0 50,0") in text
    assert "87.5" not in text


def test_page_number_from_page_two_only(reader, snapshot):
    top = snapshot["margins_mm"]["top"]
    assert top_margin_text(reader.pages[0], top) == ""
    assert top_margin_text(reader.pages[1], top) == "2"
    # The body starts below the margin: the first page's text is not all above it.
    assert page_text(reader.pages[0]).startswith(squeeze("ĐẢNG BỘ TỈNH"))


def test_big_annex_runs_over_more_pages_with_their_numbers():
    small = render(make_snapshot(units=3))
    big = render(make_snapshot(units=60))
    assert len(big.pages) > len(small.pages)
    last = big.pages[-1]
    assert top_margin_text(last, 20) == str(len(big.pages))
    # The table head is repeated on every page of the annex.
    for page in big.pages[1:]:
        assert squeeze("STT Đơn vị Phải nộp") in page_text(page)


def test_texts_are_escaped_not_markup(snapshot):
    snapshot["parts"][2]["paragraphs"][0]["text"] = "<b>Kinh phí</b> & <img src=x>"
    text = page_text(render(snapshot).pages[0])
    assert squeeze("<b>Kinh phí</b> & <img src=x>") in text


def test_document_loads_nothing(snapshot):
    html = summary_html(snapshot)
    assert "<link" not in html
    assert "src=" not in html
    assert "url(" not in html
    assert "@import" not in html


def test_margins_come_from_the_snapshot(snapshot):
    snapshot["margins_mm"] = {"top": 20, "bottom": 20, "left": 30.5, "right": 15}
    assert "margin: 20mm 15mm 20mm 30.5mm;" in summary_html(snapshot)  # never "30,5"


def test_progress(snapshot):
    calls = []
    render(snapshot, calls.append)
    assert calls == [0.1, 1.0]


def test_figures_are_written_the_vietnamese_way(snapshot):
    snapshot["annex"]["rows"][0][0] = 1234  # STT: no separator
    snapshot["annex"]["rows"][0][2] = 12345  # a count: "12.345"
    snapshot["annex"]["rows"][0][7] = 100.0
    html = summary_html(snapshot)
    assert "<td>1234</td>" in html
    assert "<td>12.345</td>" in html
    assert "<td>100,0</td>" in html


def annex_rows(page) -> list[str]:
    """The units whose rows are on an annex page: "12" for "Đảng bộ xã Phước 12", and the
    unit named with the formula (its name wraps, so it is looked for without spaces)."""
    text = " ".join(unicodedata.normalize("NFC", page.extract_text()).split())
    found = [match[1] for match in UNIT_ROW.finditer(text)]
    return found + [FORMULA] * squeeze(text).count(squeeze(FORMULA))


def check_annex_pages(reader: PdfReader, units: int) -> None:
    """The annex as one table over pages 2..N, whatever the pieces it was printed in."""
    pages = reader.pages
    assert round(pages[0].mediabox.width / MM) == 210  # the report: one page here
    annex = pages[1:]
    assert all(round(page.mediabox.width / MM) == 297 for page in annex)
    # Each unit once: no row lost or printed twice where the pieces join.
    rows = [annex_rows(page) for page in annex]
    counted = Counter(unit for page in rows for unit in page)
    expected = [str(i) for i in range(1, units)] + [FORMULA]
    assert counted == Counter(expected)
    # Rows in order, page after page.
    numbers = [int(unit) for page in rows for unit in page if unit != FORMULA]
    assert numbers == sorted(numbers)
    # No part-empty page but the last (the first holds the title as well).
    fullest = max(len(page) for page in rows)
    for number, page in enumerate(rows[:-1], start=2):
        assert len(page) >= 0.8 * fullest, (number, len(page), fullest)
    # Page numbers 2..N at the top, none on the first page.
    assert top_margin_text(pages[0], 20) == ""
    assert [top_margin_text(page, 20) for page in annex] == [
        str(n) for n in range(2, len(pages) + 1)
    ]
    # The annex's title on its first page only, the total row on its last page only.
    texts = [page_text(page) for page in annex]
    assert [squeeze("(Kèm theo Báo cáo số 45-BC/HU)") in text for text in texts] == [
        True,
        *[False] * (len(texts) - 1),
    ]
    assert [squeeze("Tổng cộng") in text for text in texts] == [*[False] * (len(texts) - 1), True]
    for text in texts:
        assert squeeze("STT Đơn vị Phải nộp") in text


def test_annex_printed_in_slices_joins_without_gaps(monkeypatch):
    monkeypatch.setattr(pdf, "ANNEX_ROWS", 40)  # some 25 rows a page: a page cut at each join
    calls = []
    reader = render(make_snapshot(units=200), calls.append)
    assert len(reader.pages) >= 9
    check_annex_pages(reader, units=200)
    # Progress: the report, then by the rows printed.
    assert len(calls) >= 1 + 200 // 40
    assert calls[0] == pdf.REPORT_SHARE and calls[-1] == 1.0
    assert calls == sorted(calls)


def test_annex_in_slices_that_fit_on_a_page(monkeypatch):
    monkeypatch.setattr(pdf, "ANNEX_ROWS", 10)  # no page to drop: each slice is kept whole
    reader = render(make_snapshot(units=35))
    texts = [page_text(page) for page in reader.pages[1:]]
    counted = Counter(unit for page in reader.pages[1:] for unit in annex_rows(page))
    assert counted == Counter([str(i) for i in range(1, 35)] + [FORMULA])
    assert squeeze("Tổng cộng") in texts[-1]
    assert [top_margin_text(page, 20) for page in reader.pages[1:]] == [
        str(n) for n in range(2, len(reader.pages) + 1)
    ]


def test_big_annex_in_slices_of_the_default_size():
    assert 2 * pdf.ANNEX_ROWS < 900  # three slices at least, joined
    reader = render(make_snapshot(units=900))
    check_annex_pages(reader, units=900)
    assert reader.metadata.title == "BÁO CÁO Số 45-BC/HU"


def test_control_characters_are_dropped_not_printed(snapshot, caplog):
    snapshot["annex"]["rows"][0][1] = "Đảng bộ\x00\x01\x0b xã A"
    snapshot["parts"][0]["paragraphs"][0]["text"] = "Có\x00\x01\x0b 13/16 báo cáo được gửi."
    snapshot["header"]["subject"] += "\x00\x0b"
    html = summary_html(snapshot)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", html)
    assert "Đảng bộ xã A" in html
    assert "Có 13/16 báo cáo được gửi." in html
    with caplog.at_level("WARNING", logger="weasyprint"):
        reader = render(snapshot)
    assert not [r for r in caplog.records if "notdef" in r.getMessage()]  # no blank box
    assert squeeze("Có 13/16 báo cáo được gửi.") in page_text(reader.pages[0])
    assert squeeze("1 Đảng bộ xã A 4 3") in page_text(reader.pages[1])


def test_a_word_longer_than_the_line_wraps_inside_the_page(snapshot):
    """A quote of one unbroken word (a link, a string of characters) ran past the right
    edge of the page and was cut off there, though the text could still be extracted."""
    import pypdfium2

    word = "Đầu" + "x" * 1400 + "Cuối"
    snapshot["parts"][2]["paragraphs"][0]["text"] = word
    out = io.BytesIO()
    summary_pdf(snapshot, out)
    document = pypdfium2.PdfDocument(out.getvalue())
    past_the_edge = 0
    for page in document:
        width, text = page.get_width(), page.get_textpage()
        for i in range(text.count_chars()):
            past_the_edge += text.get_charbox(i)[2] > width
    assert past_the_edge == 0
    assert squeeze(word) in "".join(page_text(page) for page in render(snapshot).pages)
