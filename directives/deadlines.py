"""A task's kind and deadline, read from its own words as a letter writes them.

"thường xuyên" is an ongoing task, reported each period. "trước ngày 30/6/2026",
"chậm nhất ngày 15/12", "trước ngày 30 tháng 11 năm 2025" or "hoàn thành trong quý
III/2026" set a deadline: a date as written (a day without a year is the next such day
from the letter's date), or a named span (a quarter, a month, a half-year, a year)
resolved to its last working day. A task that says both is reported each period until
it is done. What is read is a guess for the reviewer to confirm, like the letter
reader's other guesses.
"""

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

from workdays.calendar import Exceptions, last_working_day

ONGOING, DEADLINE, BOTH = "ongoing", "deadline", "both"

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# The words that make a date a deadline, right before it ("trước ngày 30/6", "chậm nhất
# là ngày 15/12"): a date without them ("ngày 30/6 vừa qua") is not one.
_CUE = (
    r"(?:trước|chậm nhất(?: là)?|hạn chót(?: là)?|hoàn thành|xong|kết thúc|trong"
    r"|(?<!tính )đến hết)"  # not "tính đến hết ngày …": figures as of that day
)
_YEAR = r"(?:/|\s*năm\s+)(\d{4})"
# A day as figures ("30/6/2026", "5-1") or in words ("ngày 30 tháng 11 năm 2025").
_FIGURES = r"(?:ngày\s+)?(\d{1,2})\s*[/-]\s*(\d{1,2})(?:\s*[/-]\s*(\d{4}))?"
_WORDS = rf"ngày\s+(\d{{1,2}})\s+tháng\s+(\d{{1,2}})(?:{_YEAR})?"
_DATE = re.compile(rf"{_CUE}\s+(?:{_FIGURES}|{_WORDS})", re.IGNORECASE)
_QUARTER = re.compile(rf"quý\s+(iv|iii|ii|i|[1-4])\s*{_YEAR}", re.IGNORECASE)
_HALF = re.compile(r"6\s+tháng\s+(đầu|cuối)\s+năm\s+(\d{4})", re.IGNORECASE)
# "tháng 11 năm 2025" right after a day ("ngày 13 tháng 11 năm 2025") is that day, not
# the month (the text is read with single spaces).
_MONTH = re.compile(rf"(?<!\d )tháng\s+(\d{{1,2}})\s*{_YEAR}", re.IGNORECASE)
# A month named with no cue before it is the period a report covers ("kết quả … tháng
# 11/2025") or a span cited ("từ nay đến tháng 6/2027"), not a deadline.
_MONTH_CUE = re.compile(rf"(?:{_CUE}|vào)\s+(?:cuối\s+|hết\s+)?$", re.IGNORECASE)
_YEAR_ONLY = re.compile(
    rf"(?:{_CUE}\s+(?:trong\s+)?|(?<=hoàn thành )[^.;]{{0,80}}?\bvào\s+)năm\s+(\d{{4}})",
    re.IGNORECASE,
)
# "ngày 15 đến ngày 31 tháng 12 năm 2025": the span's last day.
_RANGE = re.compile(
    rf"ngày\s+\d{{1,2}}\s+đến\s+(?:ngày\s+)?(\d{{1,2}})\s+tháng\s+(\d{{1,2}})(?:{_YEAR})?",
    re.IGNORECASE,
)
_ONGOING = re.compile(r"(?<!chi )thường\s+xuyên", re.IGNORECASE)  # not "kinh phí chi …"


@dataclass(frozen=True)
class Deadline:
    kind: str  # ONGOING, DEADLINE or BOTH (directives.models.Task.Kind)
    date: datetime.date | None
    words: str  # the words the deadline was read from: "quý III/2026"


def _span_end(match: re.Match, pattern: re.Pattern) -> datetime.date | None:
    if pattern is _QUARTER:
        quarter = ROMAN.get(match[1].lower()) or int(match[1])
        month, year = 3 * quarter, int(match[2])
    elif pattern is _HALF:
        month, year = (6 if match[1].lower() == "đầu" else 12), int(match[2])
    elif pattern is _MONTH:
        month, year = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return None
    else:
        month, year = 12, int(match[1])
    if year < datetime.MINYEAR:  # "năm 0000"
        return None
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _written_date(groups: tuple, issued_on: datetime.date) -> datetime.date | None:
    """A date from _DATE's groups (day, month, year as figures, then as words)."""
    day, month, year = groups[:3] if groups[0] else groups[3:]
    if year:
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            return None
    # No year: the next such day from the letter's date ("trước ngày 15/12" written in
    # December is next year's; "29/2" the next leap year's).
    for year in range(issued_on.year, issued_on.year + 8):
        try:
            date = datetime.date(year, int(month), int(day))
        except ValueError:
            continue
        if date >= issued_on:
            return date
    return None


def read_deadline(
    text: str, *, issued_on: datetime.date, exceptions: Exceptions | None = None
) -> Deadline:
    """The task's kind and deadline as its words give them; an ongoing task with no date
    when they give none. Of several deadlines the first written is taken."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    found: list[tuple[int, datetime.date, str]] = []
    for pattern in (_DATE, _RANGE):
        for match in pattern.finditer(text):
            groups = match.groups() if pattern is _DATE else (*match.groups(), None, None, None)
            if date := _written_date(groups, issued_on):
                found.append((match.start(), date, match[0]))
    for pattern in (_QUARTER, _HALF, _MONTH, _YEAR_ONLY):
        for match in pattern.finditer(text):
            if pattern is _MONTH and not _MONTH_CUE.search(
                text[max(0, match.start() - 20) : match.start()]
            ):
                continue
            if end := _span_end(match, pattern):
                words = match[0]
                if pattern is _YEAR_ONLY:  # the words from "trong" or "vào": "trong năm 2025"
                    words = re.sub(r"^.*?\b(?=(?:trong|vào) năm)", "", words, flags=re.I)
                found.append((match.start(), last_working_day(end, exceptions), words))
    ongoing = bool(_ONGOING.search(text))
    if not found:
        return Deadline(ONGOING, None, "thường xuyên" if ongoing else "")
    _at, date, words = min(found)
    return Deadline(BOTH if ongoing else DEADLINE, date, words.strip())
