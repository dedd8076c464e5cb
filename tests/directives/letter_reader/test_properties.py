"""read_text never raises: random text, cut or shuffled letters, odd Unicode."""

import json
import random
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives.letter_reader import Proposal, read_text
from directives.letter_reader.proposal import JSON_KEYS

from .helpers import DOCUMENTS

TEXTS = [p.read_text(encoding="utf-8") for p in DOCUMENTS]
PIECES = [
    "1.",
    "2.",
    "I.",
    "II.",
    "4.1.",
    "a)",
    "đ)",
    "(i)",
    "- ",
    "+ ",
    "• ",
    "**",
    "*",
    "_",
    "#",
    "|",
    "\\*",
    "[1]",
    "Số: 09/CT-UBND",
    "Kính gửi:",
    "Nơi nhận:",
    "T/M BAN THƯỜNG VỤ",
    "KT. CHỦ TỊCH",
    "V/v",
    "ngày 18",
    "tháng 11 năm 2025",
    "Ủy ban nhân dân",
    "Uỷ ban",
    "Giao",
    "Đề nghị",
    "các",
    "và",
    ",",
    ":",
    ".",
    "./.",
    "\n",
    "\n\n",
    " ",
    "Hoà",
    "Thuỷ",
    "Nguyễn Văn A",
    "Trên đây",
]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text: str) -> None:
    p = read_text(text)
    assert isinstance(p, Proposal)
    data = p.as_json()
    assert tuple(data) == JSON_KEYS
    json.dumps(data, ensure_ascii=False)
    for section in data["sections"]:
        assert tuple(section) == ("number", "heading", "units", "tasks")
    assert all(isinstance(w, str) for w in p.warnings)
    # the reader copes by itself; the safety net in read_text is not what saves it
    assert not any(w.startswith("Không đọc hết") for w in p.warnings), p.warnings


@SETTINGS
@given(st.text())
def test_random_unicode(text):
    check(text)


@SETTINGS
@given(st.lists(st.sampled_from(PIECES), max_size=80).map("".join))
def test_random_letter_pieces(text):
    check(text)
    check(unicodedata.normalize("NFD", text))


@SETTINGS
@given(st.sampled_from(TEXTS), st.integers(0, 30000), st.integers(0, 30000))
def test_truncated_letters(text, a, b):
    check(text[min(a, b) : max(a, b)])


@SETTINGS
@given(st.sampled_from(TEXTS), st.randoms(use_true_random=False), st.booleans())
def test_shuffled_lines_or_paragraphs(text, rnd: random.Random, by_paragraph):
    parts = text.split("\n\n" if by_paragraph else "\n")
    rnd.shuffle(parts)
    check(("\n\n" if by_paragraph else "\n").join(parts))


@SETTINGS
@given(
    st.sampled_from(TEXTS), st.lists(st.tuples(st.integers(0, 30000), st.characters()), max_size=20)
)
def test_letters_with_stray_characters(text, inserts):
    chars = list(unicodedata.normalize("NFD", text))
    for position, char in inserts:
        chars.insert(position % (len(chars) + 1), char)
    check("".join(chars))
