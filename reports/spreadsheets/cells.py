"""Cells of every XLSX the app writes: a text stays text, never a formula, and holds
nothing XML forbids (text stored before input was cleaned would stop the whole file)."""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES

from units.text import clean_text

# Text a spreadsheet program would read as a formula if the cell were typed again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A value written into CSV: a text a spreadsheet would read as a formula is kept
    as text by a leading apostrophe (the CSV cannot mark it otherwise)."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def text_cell(ws, value, **style) -> WriteOnlyCell:
    if isinstance(value, str):
        value = clean_text(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # Always text: openpyxl would make "=…" a formula and "#N/A" an error value.
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            # Shown and kept as text even if the user edits the cell in Excel.
            cell.quotePrefix = True
    for name, attribute in style.items():
        setattr(cell, name, attribute)
    return cell


def row_value(ws, value):
    """A value of a write-only row without a style, as cheaply as it can be written: a
    text that openpyxl would keep as text (no formula start, no error code) and anything
    that is not text go in as they are; any other text as `text_cell` writes it. A
    workbook of 600,000 rows spends most of its time making cells."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_START) or value in ERROR_CODES:
            return text_cell(ws, value)
    return value
