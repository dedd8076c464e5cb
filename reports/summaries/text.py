"""Text as every renderer writes it: without the characters a document may not hold, and
rates the Vietnamese way ("87,5"; "–" where nothing was due); and the words of the layout
(Hướng dẫn 36-HD/VPTW) the renderers share."""

import re

from units.text import TURNING

NO_VALUE = "–"  # a rate that cannot be computed (nothing was due)
SUBJECT_LINE = "-----"  # the short line under the trích yếu

# Characters XML 1.0 forbids (a DOCX or XLSX holding one does not open; WeasyPrint prints
# them as blank boxes), the control characters it allows but nobody means (DEL, C1), and
# the direction controls (units.text.TURNING), for a text stored before they were dropped.
_NOT_XML = re.compile(
    f"[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[{TURNING}]"
)


def clean(text) -> str:
    """`text` as a string without control characters (but tab, newline, carriage return)."""
    return _NOT_XML.sub("", str(text))


def rate(value) -> str:
    """87.5 as "87,5" (one decimal, decimal comma); None as "–"; text as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1f}".replace(".", ",")
    return NO_VALUE if value is None else str(value)
