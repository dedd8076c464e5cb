"""Text as the letter reader reads it: one Unicode form, Markdown taken off, lines joined into
paragraphs ("blocks") the way the letter was printed."""

import itertools
import re
import statistics
import unicodedata
from dataclasses import dataclass

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t]")
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def normalize(text: str) -> str:
    """NFC, "\\n" line ends, plain spaces; control and invisible characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = INVISIBLE.sub(
        "", CONTROL.sub(lambda m: "\n" if m.group() in "\u2028\u2029" else "", text)
    )
    text = ODD_SPACES.sub(" ", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cs")
    return unicodedata.normalize("NFC", text)


def canon(text: str) -> str:
    """A comparison key: NFC lower case with each word's tone mark moved to its end, so
    "Hòa"/"Hoà", "Thủy"/"Thuỷ" and "Ủy"/"Uỷ" compare equal, whatever the Unicode form."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    words = []
    for word in decomposed.split():
        tones = "".join(c for c in word if c in TONE_MARKS)
        bare = "".join(c for c in word if c not in TONE_MARKS)
        words.append(bare + tones[:1])
    return unicodedata.normalize("NFC", " ".join(words))


def plain(text: str) -> str:
    """Lower case without diacritics, one character for one (positions stay valid)."""
    out = []
    for c in text:
        if c in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", c)[0].lower() if c.isalpha() else c
        out.append(base if len(base) == 1 else c)
    return "".join(out)


# Markdown ---------------------------------------------------------------------------------

STAR_RUN = re.compile(r"\*+|_{2,}|(?<![^\W_])_|_(?![^\W_])")
ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
FOOTNOTE_MARK = re.compile(r"(?<=[^\s\[])\[\^?\d{1,3}\]|\[\^\d{1,3}\]")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,40}>")
LITERAL_STAR = "\ue000"


def emphasis(raw: str) -> list[tuple[str, bool]]:
    """The line's characters with whether each is bold or italic ("**", "*", "__", "_")."""
    raw = ESCAPED.sub(lambda m: LITERAL_STAR if m.group(1) == "*" else m.group(1), raw)
    bold = italic = False
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in STAR_RUN.finditer(raw):
        out.extend((c, bold or italic) for c in raw[pos : m.start()])
        n = len(m.group())
        if n in (2, 3):
            bold = not bold
        if n % 2:
            italic = not italic
        pos = m.end()
    out.extend((c, bold or italic) for c in raw[pos:])
    return [("*" if c == LITERAL_STAR else c, e) for c, e in out]


def strip_markdown(line: str) -> str:
    """The words of one Markdown line: no emphasis, heading marks, table pipes, links,
    footnote markers or escapes; a "* " list item becomes "- "."""
    s = line.strip()
    s = re.sub(r"^#{1,6}\s*", "", s)
    s = re.sub(r"^>\s?", "", s)
    s = re.sub(r"^[*+](?=\s)", lambda m: "-" if m.group() == "*" else "+", s)
    s = LINK.sub(r"\1", HTML_TAG.sub(" ", s))
    s = FOOTNOTE_MARK.sub("", s)
    s = "".join(c for c, _ in emphasis(s))
    s = s.strip().strip("|").replace("|", " ")
    return " ".join(s.split())


def is_decor(clean: str) -> bool:
    """A rule, a row of stars or an empty table cell: nothing to read."""
    return not re.search(r"[^\W_]", clean)


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


# TVPL pages -----------------------------------------------------------------------------

TVPL_LABELS = {
    "so hieu": "number",
    "loai van ban": "doc_type",
    "noi ban hanh": "issuer",
    "nguoi ky": "signer",
    "ngay ban hanh": "date",
    "ngay hieu luc": None,
    "ngay cong bao": None,
    "so cong bao": None,
    "tinh trang": None,
}
TVPL_END = re.compile(
    r"^(van ban nay chua cap nhat noi dung|van ban lien quan$|noi dung sua doi, huong dan$)"
)
LETTER_MOTTO = re.compile(r"doc lap\s*-\s*tu do")
# The page's own title again, after the letter: "Công văn 11414/VPCP-CN năm 2025 …".
TVPL_TITLE = re.compile(
    r"^[a-z ]{3,40} (\d+[\w/.-]*[/-]\w[\w/.-]*) (nam \d{4}|ngay \d{1,2}/\d{1,2}/\d{4})"
)


def _page_ends(line: str, own_number: str) -> bool:
    """Where a TVPL page goes on after the letter. A title line ends it only when it names
    the letter's own number (a letter cites other documents the same way: "Xem thêm tại
    Kế hoạch 45/KH-UBND ngày 02/3/2026."); with no number known, only a line that reads
    as a title, not as a sentence (no closing punctuation)."""
    if TVPL_END.search(line):
        return True
    title = TVPL_TITLE.search(line)
    if title is None:
        return False
    if own_number:
        return title.group(1) == own_number
    return not line.rstrip().endswith((".", ",", ":", ";", ")"))


def cut_tvpl(lines: list[str]) -> tuple[list[str], dict[str, str], int]:
    """The letter inside a thuvienphapluat.vn page, the page's metadata table, and the
    line the letter starts on (and, in any text, a bold name wrapped over two lines made
    one again)."""
    lines = join_wrapped_emphasis(lines)
    clean = [plain(strip_markdown(line)) for line in lines]
    joined = " ".join(clean[:80])
    if "thu vien phap luat" not in joined and "so hieu:" not in joined:
        return lines, {}, 0
    meta: dict[str, str] = {}
    start = 0
    for i, c in enumerate(clean[:150]):
        label = c.rstrip(":").strip()
        if c.endswith(":") and label in TVPL_LABELS:
            j = i + 1
            while j < len(clean) and is_decor(clean[j]):
                j += 1
            if j < len(lines) and TVPL_LABELS[label]:
                meta[TVPL_LABELS[label]] = strip_markdown(lines[j])
            start = j + 1
    # The page may summarise the letter between its table and the letter, ending "Xem chi
    # tiết tại Công điện <its own number> …": the letter starts after it, and the page
    # goes on after the letter only once the letter's own header has been read.
    header = next(
        (i for i in range(start, min(start + 300, len(clean))) if LETTER_MOTTO.search(clean[i])),
        start,
    )
    for i in range(start, header):
        if clean[i].startswith("xem chi tiet tai "):
            start = i + 1
    end = len(lines)
    own_number = plain(meta.get("number", "")).strip()
    for i in range(max(start, header), len(lines)):
        if _page_ends(clean[i], own_number):
            end = i
            break
    return lines[start:end], meta, start


# Blocks ---------------------------------------------------------------------------------

MARKER = re.compile(
    r"^(?:(?:[IVXL]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)](?!\d)|\d{1,2}(?:\.\d{1,2}){1,3}(?=\s)"
    r"|[a-zđ]\s*\)|\(\s*(?:[a-zđ]|\d{1,2}|[ivx]{1,4})\s*\)|Điều\s+\d+\b|[-–—•●▪+○◦·](?=\s|$))"
)
END_PUNCT = tuple(".:;!?…")


@dataclass
class Block:
    """A paragraph: its Markdown lines, its words, and the line it starts on."""

    raw: str
    text: str
    line: int
    indent: int = 0


def join_wrapped_emphasis(lines: list[str]) -> list[str]:
    """A bold name a page converter wrapped after its first word or two ("**VĂN" /
    "PHÒNG CHÍNH PHỦ**", "**Phạm" / "Mạnh Cường**") on one line again; the line it came
    from left empty, so every other line keeps its number."""
    out = list(lines)
    for i in range(len(out) - 1):
        here, after = out[i].strip(), out[i + 1].strip()
        if (
            here.startswith("**")
            and here.count("**") == 1
            and 0 < len(here[2:].split()) <= 2
            and after.count("**") == 1
            and after.rstrip().endswith("**")
            and not after.startswith("**")
        ):
            out[i], out[i + 1] = f"{here} {after}", ""
    return out


def layout(lines: list[str]) -> str:
    """How paragraphs are separated: "blank" (blank lines), "line" (one paragraph a line)
    or "wrapped" (no blank lines; every newline a soft wrap, as on a TVPL page)."""
    filled = [line for line in lines if line.strip()]
    if not filled:
        return "blank"
    blanks = sum(1 for a, b in itertools.pairwise(lines) if not b.strip() and a.strip())
    if blanks >= 0.15 * len(filled):
        return "blank"
    long = [len(line) for line in filled if len(line) > 20]
    if long and statistics.median(long) > 110:
        return "line"
    return "wrapped"


def blocks(lines: list[str], first_line: int = 0, mode: str = "blank") -> list[Block]:
    """Join lines into paragraphs. A paragraph also starts at a numbering mark or bullet;
    a paragraph broken by a stray blank line mid-sentence is joined again."""
    out: list[Block] = []
    raw: list[str] = []
    text: list[str] = []
    start = indent = 0
    only_blank = False  # since the last paragraph, nothing but blank lines
    full = _full_width(lines) if mode == "wrapped" else None

    def flush() -> None:
        if text:
            out.append(Block("\n".join(raw), " ".join(text), start, indent))
        raw.clear()
        text.clear()

    for i, line in enumerate(lines):
        clean = strip_markdown(line)
        if not clean or is_decor(clean):
            only_blank = (only_blank or bool(text)) and not line.strip()
            flush()
            continue
        marked = bool(MARKER.match(clean))
        if marked and text and mode != "line" and _wrapped_at_dash(raw[-1], clean):
            marked = False  # "… Phòng Văn hóa" / "- Thông tin huyện …": a name wrapped
        if text:
            new = marked or mode == "line"
            if not new and mode == "wrapped":
                prev = text[-1]
                new = prev.endswith(END_PUNCT) and (clean[0].isupper() or not clean[0].isalpha())
                # A page wraps at its width: a paragraph's first line is indented, shorter;
                # a full line after a full line ending a sentence goes on with it.
                if new and full and len(raw[-1].strip()) >= full and len(line.strip()) >= full:
                    new = False
                new = new or _whole_emphasis(raw[-1])
        elif only_blank and out and not marked and not gap_is_real(out[-1], clean):
            # a paragraph broken by a stray blank line: "… thù địch," / "phản động …"
            last = out.pop()
            raw[:], text[:] = [last.raw], [last.text]
            start, indent = last.line, last.indent
            new = False
        else:
            new = True
        if new:
            flush()
            start, indent = first_line + i, len(line) - len(line.lstrip())
        raw.append(line)
        text.append(clean)
        only_blank = False
    flush()
    return out


def _wrapped_at_dash(previous: str, clean: str) -> bool:
    """Where a newline may be a soft wrap, a line opening "- " right under a
    long line that ends mid-phrase (no punctuation, not itself an item) goes on with it:
    a name like "Văn hóa - Thông tin" wrapped at its dash."""
    before = strip_markdown(previous).rstrip()
    return (
        clean[:1] in "-–"
        and len(before) >= 30
        and before[-1:].isalnum()
        and not MARKER.match(before)
    )


def _full_width(lines: list[str]) -> int | None:
    """The length of a full line on a page wrapped at its width (nine in ten of its long
    lines are shorter), less a little for the word that did not fit; None for a page too
    short to tell."""
    long = sorted(len(line.strip()) for line in lines if len(line.strip()) > 40)
    if len(long) < 10:
        return None
    return int(long[int(0.9 * (len(long) - 1))] * 0.85)


def gap_is_real(previous: Block, clean: str) -> bool:
    return previous.text.endswith(END_PUNCT) or not clean[:1].islower() or is_caps(previous.text)


def _whole_emphasis(raw_line: str) -> bool:
    """A line printed entirely bold or italic, or a Markdown heading: it ends a paragraph."""
    s = raw_line.strip()
    if s.startswith("#"):
        return True
    if s[:1] not in ("*", "_") or s[-1:] not in ("*", "_"):
        return False
    flags = [e for c, e in emphasis(s) if not c.isspace()]
    return bool(flags) and all(flags) and len(s) < 200
