"""The import review shows what each guess rests on: the line of the letter, and the least
sure guesses first (issue 18, item 4)."""

import re

import pytest
from django.urls import reverse

from units.models import Unit

from ..conftest import login
from ..factories import UnitFactory
from .letter_reader.helpers import read

pytestmark = pytest.mark.django_db


def _review(reviewer, letter: str):
    page = login(reviewer).post(reverse("directives:import"), {"text": letter})
    assert page.status_code == 200
    return page


def test_each_guess_points_at_the_line_it_was_read_from(reviewer):
    page = _review(reviewer, read("136-CV-HU.md"))

    lines = page.context["letter_lines"]  # as the page numbers them
    html = page.content.decode()
    checks = page.context["checks"]
    number = next(c for c in checks if c.text.startswith("Số và ký hiệu"))
    assert "136-CV/HU" in lines[number.line - 1]
    sections = [form["line"].value() for form, _m, _t in page.context["rows"]]
    assert [lines[n - 1].lstrip("# *")[:2] for n in sections] == ["1.", "2.", "3.", "4."]
    # the letter's lines are anchors, and each guess links to its own
    assert f'id="dong-{number.line}"' in html
    assert f'href="#dong-{sections[0]}"' in html


def test_the_least_sure_guesses_come_first(reviewer):
    UnitFactory(name="Ủy ban nhân dân huyện", kind=Unit.Kind.GOVERNMENT)
    letter = read("136-CV-HU.md").replace("Số 136-CV/HU", "Số")  # the number not read

    checks = _review(reviewer, letter).context["checks"]

    confidences = [c.confidence for c in checks]
    assert confidences == sorted(confidences)
    assert checks[0].text.startswith("Chưa đọc được: Số và ký hiệu")
    new_units = [c for c in checks if "chưa có trong danh mục" in c.text]
    known = [c for c in checks if "“Ủy ban nhân dân huyện” là Ủy ban nhân dân huyện" in c.text]
    assert new_units and known
    assert checks.index(new_units[0]) < checks.index(known[0])


def test_a_posted_review_keeps_its_evidence(reviewer):
    page = _review(reviewer, read("136-CV-HU.md"))
    header = page.context["header"]
    evidence = header["evidence"].value()
    assert re.fullmatch(r"(?:\w+:\d+ ?)+", evidence)
    data = {
        name: field.value() or ""
        for name, field in ((n, header[n]) for n in header.fields)
        if name not in ("number",)
    }
    data |= {"number": "", "issued_on": "25/08/2021", "muc-TOTAL_FORMS": "0",
             "muc-INITIAL_FORMS": "0"}  # fmt: skip

    again = login(reviewer).post(reverse("directives:import_save"), data)

    assert again.status_code == 200  # refused: no number
    assert again.context["header"].evidence_lines() == header.evidence_lines()


def test_the_date_is_shown_as_written_with_its_line(reviewer):
    page = _review(reviewer, read("136-CV-HU.md"))

    date = next(c for c in page.context["checks"] if c.text.startswith("Ngày ban hành"))
    assert date.text == "Ngày ban hành: 25/08/2021"
    assert "ngày 25 tháng 8 năm 2021" in page.context["letter_lines"][date.line - 1]
