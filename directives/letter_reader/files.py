"""Uploaded letters: .md and .txt in whatever encoding Vietnamese offices save them, and .docx
(paragraphs and tables in document order, list numbering written out)."""

import io
import re
import zipfile
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from units.text import clean_text

if TYPE_CHECKING:
    from .proposal import Proposal

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 50 * 1024 * 1024
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class LetterError(ValueError):
    """A file that cannot be read as a letter; the message is for the user, in Vietnamese."""


def read_upload(name: str, data: bytes, max_bytes: int = MAX_BYTES) -> "Proposal":
    from . import read_text

    return read_text(upload_text(name, data, max_bytes))


def upload_text(name: str, data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """The text of an uploaded .docx, .md or .txt file, without what XML forbids (it is
    kept as the directive's letter)."""
    ext = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if ext not in ("docx", "md", "markdown", "txt"):
        raise LetterError(_("Chỉ đọc được tệp .docx, .md hoặc .txt."))
    if len(data) > max_bytes:
        raise LetterError(
            _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": f"{max_bytes / 1024 / 1024:g}"}
        )
    return clean_text(docx_text(data) if ext == "docx" else decode(data))


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
    text = ""
    for chunk, bold in parts:
        core = chunk.strip()
        if bold and core:
            lead, trail = chunk[: len(chunk) - len(chunk.lstrip())], chunk[len(chunk.rstrip()) :]
            chunk = f"{lead}**{core}**{trail}"
        text += chunk
    text = re.sub(r"\*\*([ \t]*)\*\*", r"\1", text).strip()
    return numbering.prefix(p) + text


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
        level = int(ilvl) if ilvl.isdigit() else 0
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
