"""The summary report as a PDF, rendered from a snapshot alone.

The report is laid out as the DOCX is (Party format, Hướng dẫn 36-HD/VPTW): the HTML
template `reports/exports/summary_pdf.html` is rendered by Django (autoescaped: the
texts are user input), then printed by WeasyPrint with system fonts and no resource
fetched from anywhere. Figures are written out here, the Vietnamese way ("1.234",
"87,5"), not by template filters that follow the locale settings.
"""

from collections.abc import Callable
from typing import BinaryIO

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

TEMPLATE = "reports/exports/summary_pdf.html"
NO_VALUE = "–"  # a rate that cannot be computed (nothing was due)
STT_WIDTH = 5.0  # % of the annex table's width
NAME_WIDTH = 30.0


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


def _rate(value) -> str:
    """87.5 as "87,5" (one decimal, decimal comma); None as "–"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1f}".replace(".", ",")
    return NO_VALUE if value is None else str(value)


def _cells(row: list, kinds: list[str]) -> list[str]:
    """A row of the annex as the table shows it."""
    shown = {"rate": _rate, "number": _number, "ordinal": str}
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
    return f"(Kèm theo Báo cáo {number})" if number else "(Kèm theo Báo cáo)"


def _margin(value) -> str:
    return f"{float(value):g}mm"


def summary_html(snapshot: dict) -> str:
    """The report as the HTML document WeasyPrint prints."""
    annex = snapshot["annex"]
    columns = [str(c) for c in annex["columns"]]
    kinds = [_kind(c) for c in columns]
    margins = snapshot.get("margins_mm") or {}
    context = {
        "header": snapshot["header"],
        "parts": snapshot["parts"],
        "recipients": snapshot.get("recipients") or [],
        "signature": snapshot.get("signature") or {},
        "margins": {
            side: _margin(margins.get(side, default))
            for side, default in (("top", 20), ("bottom", 20), ("left", 30), ("right", 15))
        },
        "annex": {
            "title": annex["title"],
            "of": _annex_of(snapshot["header"].get("number", "")),
            "periods": snapshot.get("periods", ""),
            "columns": list(zip(columns, _widths(len(columns)), strict=True)),
            "rows": [_cells(row, kinds) for row in annex["rows"]],
            "total": _cells(annex["total"], kinds) if annex.get("total") else None,
        },
    }
    return render_to_string(TEMPLATE, context)


def summary_pdf(
    snapshot: dict, out: BinaryIO, progress: Callable[[float], None] | None = None
) -> None:
    """Write the snapshot's summary report to `out` as a PDF (A4, annex in landscape)."""
    html = summary_html(snapshot)
    if progress is not None:
        progress(0.1)
    # No protocol allowed: the document loads nothing (fonts come from the system).
    fetcher = URLFetcher(allowed_protocols=())
    HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(out)
    if progress is not None:
        progress(1.0)
