"""Cells of every XLSX the app writes: a text stays text, never a formula, and holds
nothing XML forbids (text stored before input was cleaned would stop the whole file)."""

from openpyxl.cell import WriteOnlyCell

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
