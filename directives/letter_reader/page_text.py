"""A letter's pages, as lines placed on them (a PDF's text layer, or what OCR read), turned
into the text the reader reads, in the shape `files.docx_text` gives a Word letter.

A Vietnamese letter sets its header in two columns (issuer, number and trích yếu on the
left; quốc hiệu, tiêu ngữ, place and date on the right) and its footer the same way (Nơi
nhận on the left, the signature on the right). Word keeps them in tables, whose cells
`docx_text` writes out left cell first, then right cell; here two columns are found
where lines stand side by side with a clear gap between them, and written out the same
way. The rest is one column: its lines are joined into paragraphs (a paragraph starts
where a line is indented, follows a line that stopped short, or leaves a blank), one
paragraph a line of text, as Word's are.
"""

import logging
import re
import statistics
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

# Two lines on the same row are two columns when this many font sizes apart; closer,
# they are one line that the PDF or the OCR happened to cut (a wide justified space).
COLUMN_GAP = 1.0
# A block of two columns holds at least this many lines: a single row of two pieces is
# a cut line, not a header.
MIN_BLOCK_LINES = 3
PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,3}[-–—\s]*$")


@dataclass(eq=False)  # two lines of the same words in the same place are still two
class Line:
    """A line of text on a page, in points from the page's top left corner; `parts` are
    its runs of text, each bold or not."""

    x0: float
    top: float
    x1: float
    bottom: float
    parts: list[tuple[str, bool]]
    size: float = 0.0  # the font size, or the line's height where unknown

    def __post_init__(self) -> None:
        self.size = self.size or (self.bottom - self.top)

    @property
    def text(self) -> str:
        return "".join(text for text, _bold in self.parts)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    def same_row(self, other: "Line") -> bool:
        overlap = min(self.bottom, other.bottom) - max(self.top, other.top)
        return overlap > 0.5 * min(self.height, other.height)

    def gap_to(self, other: "Line") -> float:
        """The horizontal space between two lines (negative if they overlap)."""
        return max(self.x0, other.x0) - min(self.x1, other.x1)


@dataclass
class _Columns:
    left: list[Line] = field(default_factory=list)
    right: list[Line] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return self.left + self.right


@dataclass
class _Paragraph:
    lines: list[Line]
    joiner: str = " "
    opens: bool = False  # its first line starts at the margin: it may go on a paragraph
    runs_on: bool = False  # its last line reaches the right margin: it may go on

    def text(self) -> str:
        return bold_marked(_joined(self.lines, self.joiner))


def bold_marked(parts: list[tuple[str, bool]]) -> str:
    """Text with its bold runs marked "**", as `files.docx_text` marks a Word run."""
    text = ""
    for chunk, bold in parts:
        core = chunk.strip()
        if bold and core:
            lead, trail = chunk[: len(chunk) - len(chunk.lstrip())], chunk[len(chunk.rstrip()) :]
            chunk = f"{lead}**{core}**{trail}"
        text += chunk
    return re.sub(r"\*\*([ \t]*)\*\*", r"\1", text).strip()


def _joined(lines: list[Line], joiner: str) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    for k, line in enumerate(lines):
        if k:
            parts.append((joiner, False))
        parts.extend(line.parts)
    return parts


def _reading_order(line: Line) -> tuple[float, float]:
    return (line.top, line.x0)


def page_text(pages: list[list[Line]]) -> str:
    """The pages' text: paragraphs apart by a blank line, a paragraph the page cut in two
    joined again. Never raises: on a layout it cannot follow, the lines top to bottom."""
    try:
        return _text(pages)
    except Exception:  # a reader of arbitrary files must not fail the page
        logger.exception("importer: page layout not followed")
        return "\n".join(line.text for lines in pages for line in sorted(lines, key=_reading_order))


def _text(pages: list[list[Line]]) -> str:
    paragraphs: list[_Paragraph] = []
    for lines in pages:
        found = _page_paragraphs(lines)
        if paragraphs and found and paragraphs[-1].runs_on and found[0].opens:
            last = paragraphs.pop()
            found[0] = _Paragraph(last.lines + found[0].lines, runs_on=found[0].runs_on)
        paragraphs += found
    return "\n\n".join(text for p in paragraphs if (text := p.text()))


def _page_paragraphs(lines: list[Line]) -> list[_Paragraph]:
    lines = sorted((line for line in lines if line.text.strip()), key=_reading_order)
    lines = _without_page_number(lines)
    if not lines:
        return []
    blocks = _blocks(lines)
    flow = [block for block in blocks if isinstance(block, Line)]
    margins = _margins(flow or lines)
    out: list[_Paragraph] = []
    run: list[Line] = []
    for block in [*blocks, None]:
        if isinstance(block, Line):
            run.append(block)
            continue
        out += _flow_paragraphs(run, margins)
        run = []
        if isinstance(block, _Columns):  # the left column, then the right
            for column in (block.left, block.right):
                out += [_Paragraph(lines, "\n") for lines in _column_paragraphs(column)]
    return out


def _without_page_number(lines: list[Line]) -> list[Line]:
    """A page's number, alone at its top or bottom, is not the letter's."""
    for end in (0, -1):
        if lines and PAGE_NUMBER.match(lines[end].text):
            row = [line for line in lines if line.same_row(lines[end])]
            if len(row) == 1:
                lines = lines[1:] if end == 0 else lines[:-1]
    return lines


def _blocks(lines: list[Line]) -> list["Line | _Columns"]:
    """The page top to bottom: lines of the single column, and blocks of two columns."""
    lines = _merge_cut_lines(lines)
    out: list[Line | _Columns] = []
    taken: set[int] = set()  # the lines already in a block, by identity
    for i, line in enumerate(lines):
        if id(line) in taken:
            continue
        block = _two_columns_from(lines, i, taken)
        if block is None:
            out.append(line)
        else:
            out.append(block)
            taken |= {id(o) for o in block.lines}
    return out


def _merge_cut_lines(lines: list[Line]) -> list[Line]:
    """Pieces of one line (on one row, a space or so apart) made one line again."""
    out: list[Line] = []
    for line in lines:
        near = next(
            (
                o
                for o in reversed(out[-4:])
                if o.same_row(line) and 0 <= o.gap_to(line) < COLUMN_GAP * max(o.size, line.size)
            ),
            None,
        )
        if near is None:
            out.append(line)
            continue
        first, second = sorted((near, line), key=lambda piece: piece.x0)
        out[out.index(near)] = Line(
            first.x0,
            min(first.top, second.top),
            max(first.x1, second.x1),
            max(first.bottom, second.bottom),
            [*first.parts, (" ", False), *second.parts],
            max(first.size, second.size),
        )
    return sorted(out, key=_reading_order)


def _pair_at(lines: list[Line], i: int, taken: set[int]) -> tuple[Line, Line] | None:
    """The line at i and one beside it, apart by a column's gap (left one first)."""
    line = lines[i]
    for other in lines[i + 1 : i + 6]:
        if other.top > line.bottom:
            break
        apart = line.gap_to(other) >= COLUMN_GAP * max(line.size, other.size)
        if id(other) not in taken and line.same_row(other) and apart:
            return (line, other) if line.x0 < other.x0 else (other, line)
    return None


def _two_columns_from(lines: list[Line], i: int, taken: set[int]) -> "_Columns | None":
    """The block of two columns starting with the line at i, if one does."""
    pair = _pair_at(lines, i, taken)
    if pair is None:
        return None
    block = _Columns([pair[0]], [pair[1]])
    for line in lines[i + 1 :]:
        if line is pair[0] or line is pair[1] or id(line) in taken:
            continue
        column = _column_for(block, line)
        if column is None:
            break
        column.append(line)
    if len(block.lines) < MIN_BLOCK_LINES:
        return None
    block.left.sort(key=lambda above: above.top)
    block.right.sort(key=lambda above: above.top)
    return block


def _column_for(block: _Columns, line: Line) -> list[Line] | None:
    """The column the line goes on, or None where the two columns end: a line across
    the gap between them, or one far below its column and not aligned with it."""
    gap_start = max(o.x1 for o in block.left)
    gap_end = min(o.x0 for o in block.right)
    fits_left, fits_right = line.x1 < gap_end, line.x0 > gap_start
    if fits_left and fits_right:
        left_centre = statistics.mean(o.centre for o in block.left)
        right_centre = statistics.mean(o.centre for o in block.right)
        fits_left = abs(line.centre - left_centre) <= abs(line.centre - right_centre)
        fits_right = not fits_left
    if not (fits_left or fits_right):
        return None
    column = block.left if fits_left else block.right
    below = line.top - max(o.bottom for o in column)
    if below <= 1.5 * line.height:
        return column
    # The signature leaves room for the signature and the seal: a name centred (or set
    # flush) under its title still belongs to the column.
    tolerance, needed = 0.6 * line.size, min(2, len(column))
    centred = sum(abs(line.centre - o.centre) < tolerance for o in column) >= needed
    flush = sum(abs(line.x0 - o.x0) < tolerance / 2 for o in column) >= needed
    aligned = centred or flush
    return column if aligned and below <= 8 * line.height else None


@dataclass
class _Margins:
    left: float
    right: float
    size: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def _margins(lines: list[Line]) -> _Margins:
    right = max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    wide = [line for line in lines if line.x1 - line.x0 > 0.6 * (right - left)]
    if wide:  # where the column's full lines start, a centred line left of them aside
        left = min(line.x0 for line in wide)
    return _Margins(left, right, statistics.median(line.size for line in lines))


def _flow_paragraphs(lines: list[Line], m: _Margins) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    for line in lines:
        starts = abs(line.x0 - m.left) < 0.8 * m.size
        full = line.x1 >= m.right - 3 * m.size
        if out and _goes_on(out[-1], line, m, starts):
            last = out[-1]
            last.lines.append(line)
            last.runs_on = full and starts
            continue
        centred = _centred(line, m)
        out.append(_Paragraph([line], "\n" if centred else " ", opens=starts, runs_on=full))
    return out


def _goes_on(paragraph: _Paragraph, line: Line, m: _Margins, starts: bool) -> bool:
    """The line goes on the paragraph: the one above reached the right margin and this
    one starts at the left margin, with no blank between them; or both are centred and
    set tight (a title over two lines)."""
    last = paragraph.lines[-1]
    below = line.top - last.bottom
    if below > 0.8 * max(line.height, last.height) or below < -0.5 * line.height:
        return False
    if paragraph.joiner == "\n":
        return _centred(line, m) and below < 0.4 * line.height
    return starts and last.x1 >= m.right - 3 * m.size


def _centred(line: Line, m: _Margins) -> bool:
    """Set in the middle, clear of both margins (a title, Kính gửi)."""
    clear = line.x0 > m.left + m.size and line.x1 < m.right - m.size
    return clear and abs(line.centre - m.centre) < m.size


def _column_paragraphs(column: list[Line]) -> list[list[Line]]:
    """A column's lines, a paragraph where a gap of more than half a line parts them."""
    out: list[list[Line]] = []
    for line in column:
        if out and line.top - out[-1][-1].bottom <= 0.5 * line.height:
            out[-1].append(line)
        else:
            out.append([line])
    return out
