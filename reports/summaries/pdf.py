"""The summary report as a PDF, rendered from a snapshot alone.

The report is laid out as the DOCX is (Party format, Hướng dẫn 36-HD/VPTW): the HTML
template `reports/exports/summary_pdf.html` is rendered by Django (autoescaped: the
texts are user input), then printed by WeasyPrint with system fonts and no resource
fetched from anywhere. Figures are written out here, the Vietnamese way ("1.234",
"87,5"), not by template filters that follow the locale settings.

WeasyPrint's layout takes memory in proportion to the rows it lays out at once (some
175 KB a row), so the annex is printed in slices of ANNEX_ROWS rows, each a document of
its own, and the pieces are joined with pypdf. A slice's last page is dropped and its
rows printed again at the top of the next slice, so that no page at a join is part-empty.
The rows are read once, in order (they may be a stream: `frozen.Rows`), and only the
slice being printed is held.
"""

import gc
import io
import re
from collections.abc import Callable
from contextlib import contextmanager
from itertools import islice
from typing import BinaryIO

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher

from .text import NO_VALUE, SUBJECT_LINE, clean, rate

TEMPLATE = "reports/exports/summary_pdf.html"
STT_WIDTH = 5.0  # % of the annex table's width
NAME_WIDTH = 30.0
ANNEX_ROWS = 300  # rows laid out at once: WeasyPrint's memory grows with them
REPORT_SHARE = 0.1  # of the progress: the report, before the annex
ROW_ID = re.compile(r"r(\d+)")  # a row's id in the annex table: "r12" is rows[12]


def _clean(value):
    """Texts (in lists and dicts too) cleaned (text.clean); anything else as it is."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def _number(value) -> str:
    """1234 as "1.234", 3.5 as "3,5", 12.0 as "12"; None as "–"; text as it is."""
    if value is None:
        return NO_VALUE
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return text.translate(str.maketrans({",": ".", ".": ","}))


def _cells(row: list, kinds: list[str]) -> list[str]:
    """A row of the annex as the table shows it."""
    shown = {"rate": rate, "number": _number, "ordinal": str}
    return [shown[kinds[i]](value) if value != "" else "" for i, value in enumerate(row)]


def _kind(column: str) -> str:
    """How a column's figures are written: "STT" 1234 plain, rates "87,5", counts "1.234"."""
    if column.strip().upper() == "STT":
        return "ordinal"
    return "rate" if "%" in column else "number"


def _widths(count: int) -> list[str]:
    """Column widths in %: STT narrow, the unit name wide, the figures share the rest."""
    if count < 3:
        return [f"{100 / max(count, 1):.2f}%"] * count
    rest = (100 - STT_WIDTH - NAME_WIDTH) / (count - 2)
    return [f"{STT_WIDTH:.2f}%", f"{NAME_WIDTH:.2f}%", *[f"{rest:.2f}%"] * (count - 2)]


def _annex_of(number: str) -> str:
    """The annex's reference to the report: "(Kèm theo Báo cáo số 45-BC/HU)"."""
    number = number.strip()
    if number[:3].lower() == "số ":
        number = "số " + number[3:]
    if not number:
        return _("(Kèm theo Báo cáo)")
    return _("(Kèm theo Báo cáo %(number)s)") % {"number": number}


def _margin(value) -> str:
    return f"{float(value):g}mm"


def _context(snapshot: dict) -> dict:
    """What the template shows, the figures written out (an annex's rows slice by slice);
    the texts are user input, cleaned of what HTML cannot hold."""
    header = _clean(snapshot["header"])
    margins = snapshot.get("margins_mm") or {}
    return {
        "header": header,
        "subject_line": SUBJECT_LINE,
        "parts": _clean(snapshot["parts"]),
        "recipients": _clean(snapshot.get("recipients") or []),
        "signature": _clean(snapshot.get("signature") or {}),
        "margins": {
            side: _margin(margins.get(side, default))
            for side, default in (("top", 20), ("bottom", 20), ("left", 30), ("right", 15))
        },
        "annex": _table(snapshot["annex"], header, _clean(snapshot.get("periods", ""))),
        # The tasks with a deadline, unit by unit: a second annex, printed the same way.
        "deadlines": _table(snapshot["deadlines"], header, "")
        if snapshot.get("deadlines")
        else None,
    }


def _table(table: dict, header: dict, periods: str) -> dict:
    """An annex as the template prints it: its figures written out, but for its rows,
    which are written out slice by slice (`_written`)."""
    columns = [str(c) for c in _clean(table["columns"])]
    kinds = [_kind(c) for c in columns]
    return {
        "title": clean(table["title"]),
        "note": clean(table.get("note", "")),
        "of": _annex_of(header.get("number", "")),
        "periods": periods,
        "columns": list(zip(columns, _widths(len(columns)), strict=True)),
        "kinds": kinds,
        "rows": table["rows"],
        "total": _cells(_clean(table["total"]), kinds) if table.get("total") else None,
    }


def _written(table: dict, rows: list[tuple[int, list]]) -> list[tuple[str, list[str]]]:
    """(id, cells) of these (index, row) of the annex, as the table prints them."""
    return [(f"r{index}", _cells(_clean(row), table["kinds"])) for index, row in rows]


def _html(context: dict, report: bool, rows: list | None, first_page: int = 1) -> str:
    """The report (if `report`) and these (index, row) of the annex (none if None) as one
    document.

    The annex's title comes with its first row, the total with its last; pages with no
    report are numbered from `first_page`.
    """
    annex = context["annex"]
    piece = {**context, "report": report, "first_page": str(first_page), "annex": None}
    if rows is not None:
        count = len(annex["rows"])
        piece["annex"] = {
            **annex,
            "head": not rows or rows[0][0] == 0,
            "rows": _written(annex, rows),
            "total": annex["total"] if not rows or rows[-1][0] == count - 1 else None,
        }
    return render_to_string(TEMPLATE, piece)


def summary_html(snapshot: dict) -> str:
    """The whole report, annex included, as one HTML document (the PDF is printed from
    the same template, in pieces: see `summary_pdf`)."""
    context = _context(snapshot)
    return _html(context, report=True, rows=list(enumerate(context["annex"]["rows"])))


def _render(html: str) -> Document:
    """The HTML laid out in pages by WeasyPrint."""
    # No protocol allowed: the document loads nothing (fonts come from the system).
    fetcher = URLFetcher(allowed_protocols=())
    return HTML(string=html, base_url=None, url_fetcher=fetcher).render()


@contextmanager
def _collected():
    """Python's cycle collector off for a piece, then one collection for all its garbage.

    WeasyPrint makes and keeps boxes by the hundred thousand: the collector, run again and
    again over them as they pile up, would take a third of the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    gc.collect()


def _pdf(document: Document, pages: list) -> io.BytesIO:
    """These pages of the document as a PDF (the rows' ids not made named destinations)."""
    for page in pages:
        page.anchors.clear()
    return io.BytesIO(document.copy(pages).write_pdf())


def _print_report(context: dict) -> PdfWriter:
    """The report (no annex) as a PDF, its title and language kept, to add the annex to."""
    document = _render(_html(context, report=True, rows=None))
    return PdfWriter(clone_from=_pdf(document, document.pages))


def _print_slice(writer: PdfWriter, context: dict, rows: list[tuple[int, list]]) -> int:
    """Add these (index, row) of the annex (at most ANNEX_ROWS) to the PDF, the pages
    numbered on; return how many of them were printed.

    Unless the slice ends the annex, its last page is left out and the rows on it are
    carried over to the next slice; but kept if it holds the slice's first row (else the
    next slice would start where this one did).
    """
    count = len(context["annex"]["rows"])
    document = _render(_html(context, report=False, rows=rows, first_page=len(writer.pages) + 1))
    pages, printed = document.pages, len(rows)
    if rows and rows[-1][0] < count - 1:
        start = rows[0][0]
        on_last = [int(m[1]) for name in pages[-1].anchors if (m := ROW_ID.fullmatch(name))]
        carried = min(on_last, default=start)
        if carried > start:
            pages, printed = pages[:-1], carried - start
    writer.append(_pdf(document, pages))
    return printed


def summary_pdf(
    snapshot: dict, out: BinaryIO, progress: Callable[[float], None] | None = None
) -> None:
    """Write the snapshot's summary report to `out` as a PDF (A4, annex in landscape).

    The report, then the annex slice by slice, each piece rendered, added to the PDF and
    let go before the next.
    """
    context = _context(snapshot)
    with _collected():
        writer = _print_report(context)
    if progress is not None:
        progress(REPORT_SHARE)
    tables = [context["annex"], *([context["deadlines"]] if context["deadlines"] else [])]
    share = (1 - REPORT_SHARE) / len(tables)
    for index, table in enumerate(tables):
        piece = {**context, "annex": table}
        count = len(table["rows"])
        unread = iter(enumerate(table["rows"]))
        window: list[tuple[int, list]] = []  # read, not printed yet
        start = 0  # the first row not printed yet
        while True:  # at least once: the annex's title and table head, even with no row
            window.extend(islice(unread, ANNEX_ROWS - len(window)))
            with _collected():
                printed = _print_slice(writer, piece, window)
            del window[:printed]
            start += printed
            if progress is not None:
                progress(REPORT_SHARE + share * (index + (start / count if count else 1)))
            if start >= count:
                break
    writer.write(out)
