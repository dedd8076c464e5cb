"""The summary report as DOCX, laid out per Hướng dẫn 36-HD/VPTW (văn bản của Đảng).

`summary_docx` turns a snapshot (see `reports.summaries`) into a Word file: the header table
(issuing body, number, "ĐẢNG CỘNG SẢN VIỆT NAM", place and date), the title, the subject
and a short line under it, the parts I–IV, the recipients (Nơi nhận: 14 pt, upright,
underlined; each recipient 12 pt) beside the signature block, page numbers from page 2,
then the annex in a landscape section. It reads nothing but the snapshot.

The annex table may run to tens of thousands of rows (every unit, if the secretary asks),
so python-docx never holds them: the document is laid out with a marker row where the
rows go, saved, and its `word/document.xml` copied into the file with the rows written in
place of the marker, one at a time, as they are read (`_save`). Each row is built as lxml
elements, as the table's other rows are; python-docx's `add_row()` and `cell.text` are
far too slow for that.
"""

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from lxml import etree

from .text import SUBJECT_LINE, clean, rate

FONT = "Times New Roman"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS = "Nơi nhận"
A4_SHORT, A4_LONG = Mm(210), Mm(297)
ANNEX_TEXT_STYLE, ANNEX_NUMBER_STYLE = "AnnexText", "AnnexNumber"
PROGRESS_ROWS = 500  # annex rows between progress calls (more when there are many rows)

_SPACES = re.compile(r"[\t\n\r]+")

_TR, _TC, _P, _R, _T = qn("w:tr"), qn("w:tc"), qn("w:p"), qn("w:r"), qn("w:t")
_TBL, _W = qn("w:tbl"), "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_DECLARATION = f' xmlns:w="{_W}"'.encode()  # declared once, on the document
DOCUMENT_PART = "word/document.xml"
ROWS_MARKER = "dondoc-annex-rows-"  # the text of the row an annex's rows replace
_PPR, _RPR, _PSTYLE, _B, _VAL = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:b"), qn("w:val")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def cell_text(value) -> str:
    """An annex value as written: rates with a decimal comma ("87,5"), None as "–"."""
    if value is None or isinstance(value, float):
        return rate(value)
    return _SPACES.sub(" ", clean(value))


def summary_docx(
    snapshot: dict, out: BinaryIO, progress: Callable[[float], None] | None = None
) -> None:
    """Write the DOCX to `out` (a binary file object). Calls progress(fraction 0..1) now and
    then (e.g. every 500 annex rows), never more than a few hundred times in all."""
    report = progress or (lambda _fraction: None)
    report(0.0)
    header = snapshot["header"]
    margins = snapshot["margins_mm"]

    doc = Document()
    _styles(doc)
    _properties(doc, snapshot)
    section = doc.sections[0]
    _page(section, margins, landscape=False)
    _page_numbers(section)
    width = section.page_width - section.left_margin - section.right_margin

    _header_table(doc, header, width)
    _paragraph(doc, header["title"], size=16, bold=True, before=18, after=0)
    _paragraph(doc, header["subject"], size=14, bold=True, before=0, after=0)
    _paragraph(doc, SUBJECT_LINE, size=14, before=0, after=18)
    for part in snapshot["parts"]:
        _body(doc, part["heading"], bold=True)
        for paragraph in part["paragraphs"]:
            _body(doc, paragraph["text"], bold=bool(paragraph.get("heading")))
    _closing(doc, snapshot["recipients"], snapshot["signature"], width)
    report(0.1)
    streams: list[tuple[str, Iterable]] = []  # (marker, the rows written in its place)

    annex = snapshot.get("annex")
    if annex:
        annex_section = doc.add_section(WD_SECTION.NEW_PAGE)
        _page(annex_section, margins, landscape=True)
        annex_section.different_first_page_header_footer = False  # numbered from its 1st page
        width = annex_section.page_width - annex_section.left_margin - annex_section.right_margin
        _paragraph(doc, annex["title"], size=14, bold=True, before=0, after=12)
        if annex.get("note"):  # summed by tree level: where each unit's figures are
            _paragraph(doc, annex["note"], size=12, before=0, after=6)
        streams.append((_annex_table(doc, annex, width, len(streams)), annex["rows"]))
        _end_paragraph(doc)
    deadlines = snapshot.get("deadlines")
    if deadlines:  # the tasks with a deadline, unit by unit: a second annex
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, margins, landscape=True)
        section.different_first_page_header_footer = False
        width = section.page_width - section.left_margin - section.right_margin
        _paragraph(doc, deadlines["title"], size=14, bold=True, before=0, after=12)
        if deadlines.get("note"):
            _paragraph(doc, deadlines["note"], size=12, before=0, after=6)
        streams.append((_annex_table(doc, deadlines, width, len(streams)), deadlines["rows"]))
        _end_paragraph(doc)

    _save(doc, out, streams, lambda done: report(0.1 + 0.9 * done))
    report(1.0)


def _styles(doc) -> None:
    """Times New Roman everywhere (every script), 14 pt, single spacing; the annex styles."""
    styles = doc.styles
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _fonts(rpr_default.find(qn("w:rPr")))
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    _fonts(rpr)
    rpr.append(OxmlElement("w:lang", {qn("w:val"): "vi-VN", qn("w:eastAsia"): "vi-VN"}))
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    for name, align in (
        (ANNEX_TEXT_STYLE, WD_ALIGN_PARAGRAPH.LEFT),
        (ANNEX_NUMBER_STYLE, WD_ALIGN_PARAGRAPH.CENTER),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(12)
        style.paragraph_format.alignment = align
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(1)


def _fonts(rpr) -> None:
    """Set `w:rFonts` of `rpr` to Times New Roman for all four slots, dropping theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme") or attribute.endswith("theme"):
            del fonts.attrib[attribute]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FONT)


def _properties(doc, snapshot: dict) -> None:
    """Title, author and dates of the file from the snapshot (not from the clock)."""
    props = doc.core_properties
    props.title = clean(snapshot["header"]["subject"])[:255]
    props.author = props.last_modified_by = clean(snapshot["header"]["issuing_body"])[:255]
    props.comments = ""
    try:
        made = datetime.datetime.fromisoformat(snapshot["made_at"])
    except (KeyError, TypeError, ValueError):
        return
    props.created = props.modified = made.astimezone(datetime.UTC).replace(tzinfo=None)
    props.revision = 1


def _page(section, margins: dict, *, landscape: bool) -> None:
    """A4 (portrait or landscape) with the snapshot's margins in mm."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    )
    section.top_margin = Mm(margins["top"])
    section.bottom_margin = Mm(margins["bottom"])
    section.left_margin = Mm(margins["left"])
    section.right_margin = Mm(margins["right"])
    section.header_distance = section.footer_distance = Mm(10)


def _page_numbers(section) -> None:
    """A PAGE field at the top centre from page 2; the first page has an empty header."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple", {qn("w:instr"): " PAGE "})
    run = paragraph.add_run("1")
    run.font.size = Pt(14)
    paragraph._p.append(field)
    field.append(run._r)  # the placeholder run moves inside the field


def _borderless(table, widths) -> None:
    """No borders, fixed column `widths` (EMU)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{edge}", {qn("w:val"): "nil"}))
    tbl_pr.append(borders)
    _widths(table, widths)


def _widths(table, widths) -> None:
    """Fixed layout with `widths` (EMU) on the grid and on the cells of existing rows."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _line(cell, text, *, size, bold=False, italic=False, underline=False, first=False):
    """A centered line in a header/signature cell; `first` reuses the cell's empty paragraph."""
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _run(paragraph, text, *, size, bold=False, italic=False, underline=False):
    """Append a run of `text` (cleaned) in `size` pt to `paragraph`."""
    run = paragraph.add_run(clean(text))
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    run.font.underline = underline or None
    return run


def _header_table(doc, header: dict, width) -> None:
    """Left: parent body, issuing body, "*", number. Right: party name, place and date."""
    table = doc.add_table(rows=1, cols=2)
    left_width = int(width * 0.45)
    _borderless(table, [left_width, width - left_width])
    left, right = table.rows[0].cells
    _line(left, header["parent_body"], size=14, first=True)
    _line(left, header["issuing_body"], size=14, bold=True)
    _line(left, "*", size=14)
    _line(left, header["number"], size=14)
    _line(right, PARTY, size=15, bold=True, underline=True, first=True)
    place = _line(right, header["place_date"], size=14, italic=True)
    place.paragraph_format.space_before = Pt(12)


def _paragraph(doc, text, *, size, bold=False, before=0, after=0):
    """A centered paragraph (title, subject, annex title)."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _run(paragraph, text, size=size, bold=bold)
    return paragraph


def _end_paragraph(doc) -> None:
    """The body ends with a paragraph (as Word writes it), 1 pt high so it adds no page."""
    paragraph = _paragraph(doc, "", size=1)
    mark = OxmlElement("w:rPr")
    mark.append(OxmlElement("w:sz", {qn("w:val"): "2"}))
    paragraph._p.get_or_add_pPr().append(mark)


def _body(doc, text, *, bold=False):
    """A body paragraph: 14 pt, justified, first line indented 1.27 cm, 6 pt after."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.line_spacing = 1.15
    fmt.space_after = Pt(6)
    _run(paragraph, text, size=14, bold=bold)
    return paragraph


def _closing(doc, recipients: list, signature: dict, width) -> None:
    """Left: "Nơi nhận:" (14 pt, upright, the words underlined) and the recipients
    (12 pt). Right: the signature block."""
    table = doc.add_table(rows=1, cols=2)
    left_width = int(width * 0.45)
    _borderless(table, [left_width, width - left_width])
    left, right = table.rows[0].cells
    heading = left.paragraphs[0]
    heading.paragraph_format.space_before = Pt(12)
    _run(heading, RECIPIENTS, size=14, underline=True)
    _run(heading, ":", size=14)
    for recipient in recipients:
        _run(left.add_paragraph(), f"- {clean(recipient)}", size=12)

    on_behalf = signature.get("on_behalf") or ""
    first = _line(right, on_behalf, size=14, bold=True, first=True)
    first.paragraph_format.space_before = Pt(12)
    _line(right, signature.get("title") or "", size=14, bold=True)
    for _blank in range(4):
        _line(right, "", size=14)
    _line(right, signature.get("name") or "", size=14, bold=True)


def _annex_table(doc, annex: dict, width, number: int) -> str:
    """The annex table: a repeated bold header row, a marker row where `_save` writes the
    rows, the bold total row. Returns the marker's text."""
    columns = annex["columns"]
    table = doc.add_table(rows=0, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    _widths(table, _annex_widths(columns, width))
    tbl = table._tbl

    tr = _row(tbl, columns, bold=True, style=ANNEX_NUMBER_STYLE)
    tr_pr = etree.Element(qn("w:trPr"))
    etree.SubElement(tr_pr, qn("w:cantSplit"))
    etree.SubElement(tr_pr, qn("w:tblHeader"))
    tr.insert(0, tr_pr)
    for tc, col_width in zip(tr.iterchildren(_TC), table._tbl.tblGrid.gridCol_lst, strict=True):
        tc_pr = etree.Element(qn("w:tcPr"))
        etree.SubElement(
            tc_pr, qn("w:tcW"), {qn("w:w"): str(col_width.w.twips), qn("w:type"): "dxa"}
        )
        etree.SubElement(tc_pr, qn("w:vAlign"), {_VAL: "center"})
        tc.insert(0, tc_pr)

    marker = f"{ROWS_MARKER}{number}"
    _row(tbl, [marker])
    if annex.get("total"):
        _row(tbl, annex["total"], bold=True)
    return marker


def _save(doc, out: BinaryIO, streams: list[tuple[str, Iterable]], progress) -> None:
    """Save the document to `out`, each marker row replaced by its rows, written one at a
    time as they are read: the package is copied part by part, and `word/document.xml`
    is written in pieces around the markers."""
    laid_out = io.BytesIO()
    doc.save(laid_out)
    total = sum(len(rows) for _marker, rows in streams) or 1
    written = 0
    every = max(PROGRESS_ROWS, total // 200 + 1)
    scratch = etree.Element(_TBL, nsmap={"w": _W})  # each row is built here, then let go
    with (
        zipfile.ZipFile(laid_out) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            if part.filename != DOCUMENT_PART:
                target.writestr(part, source.read(part.filename))
                continue
            rest = source.read(part.filename).decode()
            with target.open(part, "w") as document:
                for marker, rows in streams:
                    at = rest.index(marker)
                    start, end = rest.rindex("<w:tr", 0, at), rest.index("</w:tr>", at) + 7
                    document.write(rest[:start].encode())
                    for values in rows:
                        tr = _row(scratch, values)
                        document.write(etree.tostring(tr).replace(_W_DECLARATION, b""))
                        scratch.remove(tr)
                        written += 1
                        if written % every == 0:
                            progress(written / total)
                    rest = rest[end:]
                document.write(rest.encode())


def _annex_widths(columns: list, width: int) -> list[int]:
    """A narrow first (STT) column, a wide second (name) column, the rest shared evenly."""
    count = len(columns)
    if count < 3:
        return [width // count] * (count - 1) + [width - width // count * (count - 1)]
    first = Mm(12)
    rest = int((width - first) * 0.7) // (count - 2)
    return [first, width - first - rest * (count - 2)] + [rest] * (count - 2)


def _row(tbl, values, *, bold=False, style=None):
    """Append a `w:tr` of `values` to `tbl`: text left-aligned, numbers centered."""
    tr = etree.SubElement(tbl, _TR)
    for value in values:
        text = cell_text(value)
        tc = etree.SubElement(tr, _TC)
        p = etree.SubElement(tc, _P)
        p_pr = etree.SubElement(p, _PPR)
        cell_style = style or (
            ANNEX_TEXT_STYLE if isinstance(value, str) and value else ANNEX_NUMBER_STYLE
        )
        etree.SubElement(p_pr, _PSTYLE, {_VAL: cell_style})
        if text:
            r = etree.SubElement(p, _R)
            if bold:
                etree.SubElement(etree.SubElement(r, _RPR), _B)
            t = etree.SubElement(r, _T)
            t.text = text
            if text[0] == " " or text[-1] == " ":
                t.set(_XML_SPACE, "preserve")
    return tr
