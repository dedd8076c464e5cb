"""Uploaded letters: .md and .txt in whatever encoding Vietnamese offices save them, .docx
(paragraphs and tables in document order, list numbering written out), PDF (its text
layer; pages without one, and JPG and PNG images, by OCR), and the digital signatures on
a PDF. `read_file` gives the text with what else the file held; `upload_text` the text."""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from units.text import clean_text, whole_number

from .page_text import bold_marked, page_text

if TYPE_CHECKING:
    from .proposal import Proposal
    from .signature import SignatureFacts

MAX_BYTES = 5 * 1024 * 1024
MAX_SCAN_BYTES = 20 * 1024 * 1024  # a PDF or an image: scans are large
MAX_UNZIPPED = 50 * 1024 * 1024
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "markdown": "text/markdown",
    "txt": "text/plain",
}
SCAN_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
# For the file picker only (a hint to the browser); the content decides.
ACCEPT = ".docx,.md,.txt,.pdf,.jpg,.jpeg,.png"


class LetterError(ValueError):
    """A file that cannot be read as a letter; the message is for the user, in Vietnamese."""


@dataclass
class FileReading:
    """What an uploaded file gave: its text, and for a scan or a photo the pages read by
    OCR (JPEG images to show beside the reading); for a signed PDF, its signatures."""

    text: str
    content_type: str
    ocr: bool = False
    pages: list[bytes] = field(default_factory=list)
    signatures: list["SignatureFacts"] = field(default_factory=list)


def read_upload(name: str, data: bytes, max_bytes: int | None = None) -> "Proposal":
    from . import read_text

    return read_text(upload_text(name, data, max_bytes))


def upload_text(name: str, data: bytes, max_bytes: int | None = None) -> str:
    """The text of an uploaded file, without what XML forbids (it is kept as the
    directive's letter)."""
    return read_file(name, data, max_bytes).text


def extension(name: str) -> str:
    return name.lower().rsplit(".", 1)[-1] if "." in name else ""


def max_bytes_for(name: str) -> int:
    return MAX_SCAN_BYTES if extension(name) in SCAN_EXTENSIONS else MAX_BYTES


def read_file(name: str, data: bytes, max_bytes: int | None = None) -> FileReading:
    """The file read as a letter. Raises LetterError, with a message for the user, for a
    file it cannot read."""
    ext = extension(name)
    if ext not in TEXT_TYPES and ext not in SCAN_EXTENSIONS:
        raise LetterError(_("Chỉ đọc được tệp .docx, .md, .txt, .pdf, .jpg hoặc .png."))
    limit = max_bytes or max_bytes_for(name)
    if len(data) > limit:
        raise LetterError(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"})
    if ext == "pdf":
        reading = _pdf(data)
    elif ext in SCAN_EXTENSIONS:
        reading = _image(data)
    else:
        text = docx_text(data) if ext == "docx" else decode(data)
        reading = FileReading(text, TEXT_TYPES[ext])
    reading.text = clean_text(unicodedata.normalize("NFC", reading.text))
    if reading.ocr and not reading.text.strip():
        raise LetterError(
            _(
                "Không đọc được chữ nào trong tệp: bản quét, ảnh trắng hoặc quá mờ. "
                "Hãy quét lại rõ hơn hoặc dán toàn văn."
            )
        )
    return reading


def _pdf(data: bytes) -> FileReading:
    from . import ocr
    from .pdf import page_images, pdf_lines
    from .signature import signatures

    pages = pdf_lines(data)
    scanned = [i for i, lines in enumerate(pages) if lines is None]
    if len(scanned) > ocr.MAX_PAGES:
        raise ocr.too_many_pages(len(scanned))
    previews, until = [], ocr.deadline()
    for index, (image, dpi) in zip(scanned, page_images(data, scanned, ocr.DPI), strict=True):
        pages[index] = ocr.ocr_lines(image, dpi, until)
        previews.append(ocr.preview(image))
    text = page_text([lines or [] for lines in pages])
    return FileReading(text, "application/pdf", bool(scanned), previews, signatures(data))


def _image(data: bytes) -> FileReading:
    from . import ocr

    image, dpi = ocr.open_image(data)
    text = page_text([ocr.ocr_lines(image, dpi)])
    return FileReading(text, ocr.content_type(data), True, [ocr.preview(image)])


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


def docx_text(data: bytes) -> str:
    broken = _("Tệp .docx bị hỏng hoặc không phải văn bản Word.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "word/document.xml" not in names:
                raise LetterError(broken)
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise LetterError(_("Tệp .docx giải nén ra quá lớn; có thể tệp bị hỏng."))
            archive.testzip()
        import docx

        document = docx.Document(io.BytesIO(data))
        return "\n\n".join(_paragraphs(document))
    except LetterError:
        raise
    except Exception as exc:  # zipfile, lxml and python-docx each raise their own kinds
        raise LetterError(broken) from exc


def _paragraphs(document) -> list[str]:
    numbering = _Numbering(document)
    out: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == W + "p":
            out.append(_paragraph(element, numbering))
        elif element.tag == W + "tbl":
            for cell in element.iter(W + "tc"):
                out.extend(_paragraph(p, numbering) for p in cell.iterchildren(W + "p"))
                out.append("")
    return [p for p in out if p.strip()] or [""]


def _paragraph(p, numbering: "_Numbering") -> str:
    """Text with bold runs marked "**" (headings are often told by bold alone)."""
    parts: list[tuple[str, bool]] = []
    for run in p.iter(W + "r"):
        text = "".join(
            t.text or "" if t.tag == W + "t" else "\n" if t.tag in (W + "br", W + "cr") else "\t"
            for t in run
            if t.tag in (W + "t", W + "br", W + "cr", W + "tab")
        )
        rpr = run.find(W + "rPr")
        b = rpr.find(W + "b") if rpr is not None else None
        bold = b is not None and b.get(W + "val", "true") not in ("0", "false")
        if text:
            parts.append((text, bold))
    return numbering.prefix(p) + bold_marked(parts)


class _Numbering:
    """Automatic list numbering written out as text ("1.", "a)", "-")."""

    def __init__(self, document) -> None:
        self.formats: dict[tuple[str, str], tuple[str, str]] = {}
        self.counters: dict[tuple[str, int], int] = {}
        self.style_numbering = {}  # list styles ("List Number") carry their numbering
        for style in document.styles.element.iter(W + "style"):
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                self.style_numbering[style.get(W + "styleId")] = numpr
        try:
            root = document.part.numbering_part.element
        except Exception:
            return
        abstract = {}
        for a in root.iter(W + "abstractNum"):
            levels = {}
            for lvl in a.iter(W + "lvl"):
                fmt = lvl.find(W + "numFmt")
                txt = lvl.find(W + "lvlText")
                levels[lvl.get(W + "ilvl")] = (
                    fmt.get(W + "val") if fmt is not None else "decimal",
                    txt.get(W + "val") if txt is not None else "%1.",
                )
            abstract[a.get(W + "abstractNumId")] = levels
        for num in root.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            levels = abstract.get(ref.get(W + "val") if ref is not None else None, {})
            for ilvl, value in levels.items():
                self.formats[(num.get(W + "numId"), ilvl)] = value

    def prefix(self, p) -> str:
        ppr = p.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        style = ppr.find(W + "pStyle") if ppr is not None else None
        if numpr is None and style is not None:
            numpr = self.style_numbering.get(style.get(W + "val"))
        if numpr is None:
            return ""
        num = numpr.find(W + "numId")
        lvl = numpr.find(W + "ilvl")
        num_id = num.get(W + "val") if num is not None else None
        ilvl = lvl.get(W + "val") if lvl is not None else "0"
        fmt, text = self.formats.get((num_id, ilvl), ("bullet", ""))
        if fmt == "bullet":
            return "- "
        level = whole_number(ilvl) or 0
        key = (num_id, level)
        self.counters[key] = self.counters.get(key, 0) + 1
        for k in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[k]
        values = [self.counters.get((num_id, i), 1) for i in range(level + 1)]
        return re.sub(r"%(\d)", lambda m: _format(values, int(m.group(1)) - 1, fmt), text) + " "


def _format(values: list[int], index: int, fmt: str) -> str:
    n = values[index] if 0 <= index < len(values) else 1
    if fmt == "lowerLetter":
        return "abcdđeghiklmnopqrstuvxy"[(n - 1) % 23]
    if fmt in ("upperRoman", "lowerRoman"):
        roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
        r = roman[(n - 1) % 12]
        return r if fmt == "upperRoman" else r.lower()
    if fmt == "upperLetter":
        return "ABCDĐEGHIKLMNOPQRSTUVXY"[(n - 1) % 23]
    return str(n)
