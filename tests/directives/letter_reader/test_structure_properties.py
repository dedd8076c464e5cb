"""Properties of a letter's structure (issue 18): what a page converter or a secretary
changes without changing the letter — its lines re-wrapped at any width, the web page
around it, the order of its sections — changes nothing the reader reads."""

import random
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from directives.letter_reader import read_text

from .helpers import read

SEED = read("136-CV-HU.md")


def _shape(text: str):
    p = read_text(text)
    return (
        p.number,
        p.date,
        [(s.number, sorted(u.name for u in s.units), len(s.items)) for s in p.sections],
    )


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split("\n")) for block in text.split("\n\n")]


def _rewrap(text: str, width: int) -> str:
    """Every paragraph of a letter set with blank lines between them wrapped at `width`."""
    out = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        if len(lines) == 1 and len(lines[0]) > width and not lines[0].startswith(("#", "|")):
            lines = textwrap.wrap(lines[0], width, break_long_words=False) or [""]
        out.append("\n".join(lines))
    return "\n\n".join(out)


@settings(max_examples=20, deadline=None)
@given(width=st.integers(40, 120))
def test_lines_rewrapped_at_any_width_read_the_same(width):
    assert _shape(_rewrap(SEED, width)) == _shape(SEED)


TVPL_TOP = """THƯ VIỆN PHÁP LUẬT
Đang tải văn bản...
**Số hiệu:**
|
{number}
|
**Loại văn bản:**
|
Công văn
|
**Nơi ban hành:**
|
Huyện ủy Tuy Phước
|
**Ngày ban hành:**
|
25/08/2021
|
**Tình trạng:**
|
Đã biết
|
"""
TVPL_BOTTOM = """
Công văn {number} năm 2021 tăng cường công tác chỉ đạo do Huyện ủy Tuy Phước ban hành
## Văn bản liên quan
- Kế hoạch 12/KH-UBND Ban hành: 01/02/2021
**Kính gửi:** Quý Thành viên,
- Bạn vừa bị Đăng xuất khỏi Tài khoản .
"""


@settings(max_examples=10, deadline=None)
@given(bottom=st.booleans(), top=st.booleans())
def test_the_web_page_around_the_letter_changes_nothing(bottom, top):
    page = (TVPL_TOP if top else "") + SEED + (TVPL_BOTTOM if bottom else "")

    assert _shape(page.format(number="136-CV/HU") if top or bottom else page) == _shape(SEED)


@settings(max_examples=20, deadline=None)
@given(seed=st.randoms(use_true_random=False))
def test_sections_in_another_order_read_the_same(seed: random.Random):
    """The seed's four numbered items moved around: each is read as before."""
    head, _sep, rest = SEED.partition("## **1.")
    rest = "## **1." + rest
    closing_at = rest.index("Ban Thường vụ Huyện ủy yêu cầu")
    body, closing = rest[:closing_at], rest[closing_at:]
    starts = [i for i in range(len(body)) if body.startswith(("## **", "### **"), i)
              and (i == 0 or body[i - 1] == "\n")]  # fmt: skip
    items = [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    assert len(items) == 4
    shuffled = items[:]
    seed.shuffle(shuffled)

    before = {s[0]: s for s in _shape(SEED)[2]}
    after = {s[0]: s for s in _shape(head + "".join(shuffled) + closing)[2]}

    assert after == before
