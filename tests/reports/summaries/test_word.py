"""The DOCX summary report (`reports.summaries.word`): layout per Hướng dẫn 36-HD/VPTW.

Each test renders a snapshot and reads the file back with python-docx. No database.
"""

import io
import zipfile

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from reports.summaries.word import summary_docx

from .conftest import FORMULA, make_snapshot

TNR = "Times New Roman"
TOLERANCE = Mm(0.1)
HOSTILE = "Nội\x00 dung\x01\x08\x0b\x0c\x1f\x7f\x85\x9f có\ufffe\uffff\ud800 ký tự lạ"


def render(snapshot: dict, progress=None):
    """The snapshot as DOCX bytes and as a python-docx Document."""
    out = io.BytesIO()
    summary_docx(snapshot, out, progress)
    data = out.getvalue()
    return data, Document(io.BytesIO(data))


@pytest.fixture
def doc(snapshot):
    return render(snapshot)[1]


def lines(cell) -> list[str]:
    """The non-empty paragraph texts of a table cell."""
    return [p.text for p in cell.paragraphs if p.text]


def paragraph(doc, text):
    """The one body paragraph whose text is `text`."""
    [found] = [p for p in doc.paragraphs if p.text == text]
    return found


def test_header_table(doc, snapshot):
    header = snapshot["header"]
    left, right = doc.tables[0].rows[0].cells
    assert lines(left) == [
        "ĐẢNG BỘ TỈNH BÌNH ĐỊNH",
        "HUYỆN ỦY TUY PHƯỚC",
        "*",
        "Số 45-BC/HU",
    ]
    parent, issuing, star, number = (p for p in left.paragraphs if p.text)
    assert not parent.runs[0].bold and not parent.runs[0].italic
    assert issuing.runs[0].bold is True
    assert not number.runs[0].bold and not number.runs[0].italic
    for line in (parent, issuing, star, number):
        assert line.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert line.runs[0].font.size == Pt(14)

    party, place = (p for p in right.paragraphs if p.text)
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party.runs[0].bold is True and party.runs[0].underline is True
    assert party.runs[0].font.size == Pt(15)
    assert place.text == header["place_date"] == "Tuy Phước, ngày 20 tháng 12 năm 2021"
    assert place.runs[0].italic is True and place.runs[0].font.size == Pt(14)
    assert not place.runs[0].bold


def test_header_table_has_no_borders(doc):
    borders = doc.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    assert len(borders) == 6


def test_title_and_subject(doc, snapshot):
    title = paragraph(doc, "BÁO CÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold is True and title.runs[0].font.size == Pt(16)
    assert title.paragraph_format.space_before > 0
    subject = paragraph(doc, snapshot["header"]["subject"])
    assert subject.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert subject.runs[0].bold is True and subject.runs[0].font.size == Pt(14)


def test_fonts_are_times_new_roman_for_every_script(doc):
    normal = doc.styles["Normal"]
    assert normal.font.name == TNR
    assert normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert fonts.get(qn(f"w:{slot}")) == TNR
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    default_fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert default_fonts.get(qn("w:eastAsia")) == TNR
    assert not [name for name in default_fonts.attrib if name.lower().endswith("theme")]
    # No run anywhere names another font.
    body = doc.element.body
    assert {f.get(qn("w:ascii")) for f in body.iter(qn("w:rFonts"))} <= {TNR}


def test_body_parts_and_paragraphs(doc, snapshot):
    for part in snapshot["parts"]:
        heading = paragraph(doc, part["heading"])
        assert heading.runs[0].bold is True
        for item in part["paragraphs"]:
            body = paragraph(doc, item["text"])
            assert bool(body.runs[0].bold) is item["heading"]
            assert body.runs[0].font.size == Pt(14)
            assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt = body.paragraph_format
            assert abs(fmt.first_line_indent - Cm(1.27)) < TOLERANCE
            assert 1.0 <= fmt.line_spacing <= 1.15
            assert fmt.space_after == Pt(6)
    texts = [p.text for p in doc.paragraphs]
    headings = [texts.index(part["heading"]) for part in snapshot["parts"]]
    assert headings == sorted(headings)
    assert paragraph(doc, "1. Ủy ban nhân dân huyện").runs[0].bold is True


def test_page_is_a4_with_the_snapshot_margins(doc):
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert abs(section.page_width - Mm(210)) < TOLERANCE
    assert abs(section.page_height - Mm(297)) < TOLERANCE
    assert abs(section.top_margin - Mm(20)) < TOLERANCE
    assert abs(section.bottom_margin - Mm(20)) < TOLERANCE
    assert abs(section.left_margin - Mm(30)) < TOLERANCE
    assert abs(section.right_margin - Mm(15)) < TOLERANCE


def test_margins_come_from_the_snapshot():
    snapshot = make_snapshot()
    snapshot["margins_mm"] = {"top": 25, "bottom": 22, "left": 35, "right": 18}
    _, doc = render(snapshot)
    for section in doc.sections:
        assert abs(section.top_margin - Mm(25)) < TOLERANCE
        assert abs(section.bottom_margin - Mm(22)) < TOLERANCE
        assert abs(section.left_margin - Mm(35)) < TOLERANCE
        assert abs(section.right_margin - Mm(18)) < TOLERANCE


def test_recipients_block(doc, snapshot):
    """ "Nơi nhận:" 14 pt, upright, the words underlined (Hướng dẫn 36-HD/VPTW, not the
    12 pt bold italic of Nghị định 30/2020); each recipient a line of 12 pt."""
    left, _right = doc.tables[1].rows[0].cells
    heading = left.paragraphs[0]
    assert heading.text == "Nơi nhận:"
    label, colon = heading.runs
    assert label.text == "Nơi nhận" and colon.text == ":"
    assert label.underline is True and not colon.underline
    for run in (label, colon):
        assert run.font.size == Pt(14)
        assert not run.bold and not run.italic
    recipients = left.paragraphs[1:]
    assert [p.text for p in recipients] == [
        "- Ban Tuyên giáo Tỉnh ủy (b/c),",
        "- Thường trực Huyện ủy,",
        "- Lưu VPHU.",
    ]
    assert [p.text for p in recipients] == [f"- {r}" for r in snapshot["recipients"]]
    for line in recipients:
        [run] = line.runs
        assert run.font.size == Pt(12)
        assert not run.bold and not run.italic and not run.underline


def test_a_short_line_under_the_subject(doc, snapshot):
    texts = [p.text for p in doc.paragraphs]
    line = doc.paragraphs[texts.index(snapshot["header"]["subject"]) + 1]
    assert line.text == "-----"
    assert line.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert line.runs[0].font.size == Pt(14) and not line.runs[0].bold
    assert line.paragraph_format.space_after > 0  # the body starts below it
    first_part = doc.paragraphs[texts.index(snapshot["parts"][0]["heading"])]
    assert texts.index("-----") + 1 == texts.index(first_part.text)


def _look(paragraph) -> tuple:
    """A paragraph as 36-HD/VPTW describes it: text, alignment, and each run's size (pt),
    bold, italic, underline."""
    return (
        paragraph.text,
        paragraph.alignment,
        [
            (run.text, run.font.size.pt, bool(run.bold), bool(run.italic), bool(run.underline))
            for run in paragraph.runs
        ],
    )


def test_the_first_page_element_by_element(doc):
    """Every element of the report's first page, in order, as Hướng dẫn 36-HD/VPTW sets it
    out (font Times New Roman throughout: test_fonts_are_times_new_roman_for_every_script;
    margins: test_page_is_a4_with_the_snapshot_margins)."""
    C, J = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    header, closing = doc.tables[0].rows[0].cells, doc.tables[1].rows[0].cells
    subject = "kết quả thực hiện Công văn số 136-CV/HU, ngày 25/8/2021 của Ban Thường vụ Huyện ủy"

    assert [_look(p) for p in header[0].paragraphs] == [
        ("ĐẢNG BỘ TỈNH BÌNH ĐỊNH", C, [("ĐẢNG BỘ TỈNH BÌNH ĐỊNH", 14, False, False, False)]),
        ("HUYỆN ỦY TUY PHƯỚC", C, [("HUYỆN ỦY TUY PHƯỚC", 14, True, False, False)]),
        ("*", C, [("*", 14, False, False, False)]),
        ("Số 45-BC/HU", C, [("Số 45-BC/HU", 14, False, False, False)]),
    ]
    place = "Tuy Phước, ngày 20 tháng 12 năm 2021"
    assert [_look(p) for p in header[1].paragraphs] == [
        ("ĐẢNG CỘNG SẢN VIỆT NAM", C, [("ĐẢNG CỘNG SẢN VIỆT NAM", 15, True, False, True)]),
        (place, C, [(place, 14, False, True, False)]),
    ]
    assert [_look(p) for p in doc.paragraphs[:4]] == [
        ("BÁO CÁO", C, [("BÁO CÁO", 16, True, False, False)]),
        (subject, C, [(subject, 14, True, False, False)]),
        ("-----", C, [("-----", 14, False, False, False)]),
        ("I. TÌNH HÌNH TRIỂN KHAI", J, [("I. TÌNH HÌNH TRIỂN KHAI", 14, True, False, False)]),
    ]
    assert [_look(p) for p in closing[0].paragraphs] == [
        ("Nơi nhận:", None, [("Nơi nhận", 14, False, False, True), (":", 14, False, False, False)]),
        *[
            (f"- {r}", None, [(f"- {r}", 12, False, False, False)])
            for r in ("Ban Tuyên giáo Tỉnh ủy (b/c),", "Thường trực Huyện ủy,", "Lưu VPHU.")
        ],
    ]
    signed = [_look(p) for p in closing[1].paragraphs if p.text]
    assert signed == [
        (text, C, [(text, 14, True, False, False)])
        for text in ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Đình Thuận")
    ]


def test_signature_block(doc):
    _left, right = doc.tables[1].rows[0].cells
    assert lines(right) == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Đình Thuận"]
    texts = [p.text for p in right.paragraphs]
    assert texts.index("Nguyễn Đình Thuận") - texts.index("PHÓ BÍ THƯ") - 1 >= 3
    for line in right.paragraphs:
        assert line.alignment == WD_ALIGN_PARAGRAPH.CENTER
        if line.text:
            assert line.runs[0].bold is True and line.runs[0].font.size == Pt(14)


def test_page_number_from_page_two(doc):
    section = doc.sections[0]
    assert section.different_first_page_header_footer is True
    header = section.header._element
    [field] = header.iter(qn("w:fldSimple"))
    assert field.get(qn("w:instr")).strip() == "PAGE"
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert field.find(qn("w:r")).find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "28"
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(qn("w:fldSimple")))
    assert "PAGE" not in first._element.xml


def test_annex_is_a_landscape_section_on_a_new_page(doc):
    assert len(doc.sections) == 2
    annex = doc.sections[1]
    assert annex.start_type == WD_SECTION.NEW_PAGE
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    assert abs(annex.page_width - Mm(297)) < TOLERANCE
    assert abs(annex.page_height - Mm(210)) < TOLERANCE
    assert abs(annex.left_margin - Mm(30)) < TOLERANCE
    assert abs(annex.top_margin - Mm(20)) < TOLERANCE
    # Numbered from its first page: it inherits the numbered header, no first-page one.
    assert annex.different_first_page_header_footer is False
    assert annex.header.is_linked_to_previous


def test_annex_table():
    snapshot = make_snapshot(units=30)
    annex = snapshot["annex"]
    _, doc = render(snapshot)
    title = paragraph(doc, annex["title"])
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold is True and title.runs[0].font.size == Pt(14)

    table = doc.tables[2]
    rows = table.rows
    assert len(rows) == 1 + 30 + 1
    head = rows[0]
    assert [c.text for c in head.cells] == annex["columns"]
    assert head._tr.xpath("./w:trPr/w:tblHeader")
    assert all(c.paragraphs[0].runs[0].bold for c in head.cells)
    for row, values in zip(rows[1:-1], annex["rows"], strict=True):
        texts = [c.text for c in row.cells]
        assert texts == [str(values[0]), values[1], *map(str, values[2:7]), "75,0", "50,0"]
        assert not row._tr.xpath("./w:trPr/w:tblHeader")
    names = {row.cells[1].text for row in rows[1:-1]}
    assert names == {f"Đảng bộ xã Phước {i}" for i in range(1, 30)} | {FORMULA}
    total = rows[-1]
    figures = ["120", "90", "60", "60", "30", "75,0", "50,0"]
    assert [c.text for c in total.cells] == ["", "Tổng cộng", *figures]
    assert all(c.paragraphs[0].runs[0].bold for c in total.cells if c.text)
    assert not rows[1].cells[1].paragraphs[0].runs[0].bold
    sizes = {c.paragraphs[0].style.font.size for row in rows for c in row.cells}
    assert sizes == {Pt(12)}


def test_annex_rates_use_a_decimal_comma_and_a_dash_for_none():
    snapshot = make_snapshot()
    snapshot["annex"]["rows"][0][7:9] = [87.5, None]
    snapshot["annex"]["rows"][1][7:9] = [100.0, 0.0]
    _, doc = render(snapshot)
    rows = doc.tables[2].rows
    assert [c.text for c in rows[1].cells[7:9]] == ["87,5", "–"]
    assert [c.text for c in rows[2].cells[7:9]] == ["100,0", "0,0"]


def test_formula_text_is_written_verbatim(doc):
    assert paragraph(doc, f"- Đảng bộ xã Phước 2: {FORMULA}")
    assert doc.tables[2].rows[3].cells[1].text == FORMULA


def test_characters_xml_forbids_are_stripped():
    snapshot = make_snapshot()
    snapshot["parts"][0]["paragraphs"][0]["text"] = HOSTILE
    snapshot["header"]["subject"] = HOSTILE
    snapshot["recipients"].append(HOSTILE)
    snapshot["signature"]["name"] = HOSTILE
    snapshot["annex"]["rows"][0][1] = HOSTILE
    data, doc = render(snapshot)
    clean = "Nội dung có ký tự lạ"
    assert [p.text for p in doc.paragraphs].count(clean) == 2  # subject and body paragraph
    assert doc.tables[1].rows[0].cells[0].paragraphs[-1].text == f"- {clean}"
    assert clean in lines(doc.tables[1].rows[0].cells[1])
    assert doc.tables[2].rows[1].cells[1].text == clean
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert not set(xml) & {chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]}


def test_tabs_and_line_breaks_are_kept_in_the_body():
    snapshot = make_snapshot()
    snapshot["parts"][0]["paragraphs"][0]["text"] = "Dòng một\nDòng hai\tcột"
    _, doc = render(snapshot)
    assert paragraph(doc, "Dòng một\nDòng hai\tcột")


def test_progress_ends_at_one():
    calls = []
    render(make_snapshot(units=1600), calls.append)
    assert calls[0] == 0.0 and calls[-1] == 1.0
    assert calls == sorted(calls)
    assert all(0.0 <= c <= 1.0 for c in calls)
    assert len(calls) > 5  # the annex rows report as they go (every 500 rows)


def test_progress_is_called_a_bounded_number_of_times():
    calls = []
    render(make_snapshot(units=20_000), calls.append)
    assert calls[-1] == 1.0
    assert len(calls) <= 300


def test_progress_is_optional(snapshot):
    out = io.BytesIO()
    summary_docx(snapshot, out)
    assert zipfile.ZipFile(out).testzip() is None
