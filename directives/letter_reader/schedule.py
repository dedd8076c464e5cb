"""How often the letter asks units to report ("… báo cáo kết quả về Ban Tuyên giáo trước
ngày 15 hằng tháng"): the schedule the review page proposes, and the sentence it rests on.
A letter usually says it in its closing instruction, else in its last section."""

import re
from dataclasses import dataclass

from .text import plain

# (pattern on plain text, Directive.Schedule value); the first that matches wins.
PERIODS = [
    (r"(?:hang|hàng) quy|moi quy|theo quy|dinh ky (?:hang |hàng )?quy", "quarterly"),
    (r"(?:6|sau) thang(?: mot lan)?|nua nam|dinh ky 6 thang", "half_yearly"),
    (r"(?:hang|hàng) nam|moi nam|dinh ky (?:hang |hàng )?nam", "yearly"),
    (r"(?:hang|hàng) thang|moi thang|dinh ky (?:hang |hàng )?thang", "monthly"),
]
REPORT = re.compile(r"\bbao cao\b")
SENTENCE = re.compile(r"(?<=[.;!?])\s+")


@dataclass(frozen=True)
class ScheduleGuess:
    schedule: str  # a Directive.Schedule value
    words: str  # the sentence it was read from, as printed


def reporting_schedule(closing: list[str], body: list[str]) -> ScheduleGuess | None:
    """The schedule of the first sentence that asks for a report with a period ("hằng
    tháng", "định kỳ hằng quý", "6 tháng"), looking at the closing first, then the body
    from its end; None when no sentence does."""
    for paragraph in [*closing, *reversed(body)]:
        for sentence in SENTENCE.split(paragraph):
            key = plain(sentence)
            if not REPORT.search(key):
                continue
            for pattern, schedule in PERIODS:
                if re.search(rf"\b(?:{pattern})\b", key):
                    return ScheduleGuess(schedule, " ".join(sentence.split()))
    return None
