"""Every corpus letter reads to the structure expected.json gives (see corpus/EXPECTED.md).

A letter read perfectly stays so, aspect by aspect. A letter not yet read perfectly carries
in expected.json a short "note" (why) and a "floor" [right, total] (score.py): its score may
not fall below the floor, and once it rises the floor must be raised with it (a ratchet).
"""

import pytest

from directives.letter_reader import read_text
from directives.letter_to_directive import item_text, task_guess

from .helpers import EXPECTED, norm, read
from .score import score

PERFECT = sorted(name for name in EXPECTED if "floor" not in EXPECTED[name])
perfect = pytest.mark.parametrize("name", PERFECT)


@pytest.fixture(scope="module")
def readings():
    return {name: read_text(read(name)) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_score_keeps_to_the_floor(readings, name):
    right, total, failed = score(readings[name], EXPECTED[name])
    want = EXPECTED[name]
    if "floor" not in want:
        assert right == total, f"{name} is no longer read perfectly:\n" + "\n".join(failed)
        return
    assert want.get("note"), f"{name} has a floor but no note saying why"
    floor_right, floor_total = want["floor"]
    assert right >= floor_right and total - right <= floor_total - floor_right, (
        f"{name} scores {right}/{total}, below its floor {floor_right}/{floor_total}:\n"
        + "\n".join(failed)
    )
    assert right < total, f"{name} is read perfectly now: remove its note and floor"
    assert [right, total] == want["floor"], (
        f"{name} scores {right}/{total}, above its floor {floor_right}/{floor_total}: "
        f'raise it to "floor": [{right}, {total}]'
    )


@perfect
def test_header(readings, name):
    p, want = readings[name], EXPECTED[name]
    assert p.number == want["number"]
    assert p.date.isoformat() == want["date"]
    assert norm(p.doc_type) == norm(want["doc_type_name"])
    assert norm(p.issuer) == norm(want["issuer"])
    assert norm(p.subject) == norm(want["subject"])
    assert [norm(r) for r in p.recipients] == [norm(r) for r in want["recipients"]]
    assert p.warnings == []


@perfect
def test_sections(readings, name):
    p, want = readings[name], EXPECTED[name]
    assert [s.number for s in p.sections] == [s["number"] for s in want["sections"]]
    for got, expected in zip(p.sections, want["sections"], strict=True):
        where = f"section {got.number}"
        assert got.addressed == expected["addressed"], where
        assert [norm(u.name) for u in got.units] == [norm(u) for u in expected["units"]], where
        assert norm(got.heading) == norm(expected["heading"]), where
        if expected["task_count"] is not None:
            assert len(got.items) == expected["task_count"], where


@perfect
def test_task_kinds_and_deadlines(readings, name):
    """Each item's kind and deadline as the page proposes them, against a human reading."""
    p, want = readings[name], EXPECTED[name]
    for got, expected in zip(p.sections, want["sections"], strict=True):
        guesses = [task_guess(item_text(item), issued_on=p.date) for item in got.items]
        assert [
            (g.kind, g.deadline.isoformat() if g.deadline else None, norm(g.deadline_words))
            for g in guesses
        ] == [(t["kind"], t["deadline"], norm(t["words"])) for t in expected["tasks"]], (
            f"section {got.number}"
        )


@perfect
def test_signer(readings, name):
    p, want = readings[name], EXPECTED[name]["signer"]
    assert norm(p.signer.name) == norm(want["name"])
    assert norm(p.signer.title) == norm(want["title"])
    assert norm(p.signer.authority) == norm(want["authority"])
