"""Text as it enters the system, whoever sends it (a form, the API, a spreadsheet, a
letter): `clean_text` drops what no document may hold; `is_blank` says whether a text
says anything at all; `whole_number` reads a number from a link or a form. The bottom of
the house, so every app may use them."""

import re
import unicodedata

# What XML 1.0 forbids (its Char production): C0 controls but tab, newline and carriage
# return, lone surrogates, U+FFFE and U+FFFF. A DOCX or XLSX holding one does not open,
# and openpyxl refuses to write it at all.
_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
# The controls that turn the direction of the text after them (embeddings, overrides,
# isolates): one left open in a unit's text reversed what followed it in a summary, the
# other units' names too. Right-to-left letters themselves are kept.
TURNING = "\u202a-\u202e\u2066-\u2069"
_NOT_KEPT = re.compile(f"[{_NOT_XML}{TURNING}]")

# Shown as nothing though Unicode does not call them spaces or format characters: the
# combining grapheme joiner, the Hangul and Khmer fillers, the braille blank, variation
# selectors.
_ALSO_INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)
# Spaces (Z*), controls (Cc), format characters such as U+200B, U+2060, U+FEFF (Cf),
# lone surrogates (Cs): none of them is something written.
_INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs"}


def clean_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids and the direction controls
    (TURNING); nothing else is touched."""
    return _NOT_KEPT.sub("", text)


def clean_data(value, *, max_depth: int):
    """Every string in a parsed JSON value (keys too) cleaned by `clean_text`. Raises
    TooDeep for arrays and objects nested more than `max_depth` deep."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | dict) and max_depth < 1:
        raise TooDeep
    if isinstance(value, list):
        return [clean_data(item, max_depth=max_depth - 1) for item in value]
    if isinstance(value, dict):
        return {
            clean_text(key): clean_data(item, max_depth=max_depth - 1)
            for key, item in value.items()
        }
    return value


class TooDeep(ValueError):
    """A value nested deeper than anyone sends on purpose."""


def is_blank(text: str | None) -> bool:
    """Whether `text` is empty to a reader: nothing but spaces (U+00A0 and the like),
    zero-width and other invisible characters."""
    return not any(
        not char.isspace()
        and unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        and not _ALSO_INVISIBLE.match(char)
        for char in text or ""
    )


BIGGEST_ID = 2**63 - 1  # PostgreSQL's bigint: a larger id is an error, not "no such row"


def whole_number(text, *, most: int = BIGGEST_ID) -> int | None:
    """`text` (an id in a link, a year, a line number) as a whole number from 0 to
    `most`, or None. ASCII digits only: str.isdigit() also says yes to "²" and "١",
    which int() or the database then refuse."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= most else None
