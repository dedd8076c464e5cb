"""The corpus made measurable: a reading scored against its oracle, check by check.

Each header field is one check (number, date, type, issuer, subject, recipients); each
section has five (number, addressed, units, heading, task count, the count only where the
oracle gives one), each of its tasks three (kind, deadline, words), and the signer three
(name, title, authority). Sections are paired by number, in order: a section the reading
misses counts all its checks wrong, and so does a section it reads that is not in the
letter; a task missing or extra counts its three checks wrong.

    .venv/bin/python -m tests.directives.letter_reader.score [name …]

prints each document's score, its failed checks and the corpus total.
"""

import difflib
import os
import sys
from dataclasses import dataclass, field

SECTION_CHECKS = 4  # number, addressed, units, heading; the task count is added where given
TASK_CHECKS = 3  # kind, deadline, words


@dataclass
class Score:
    right: int = 0
    total: int = 0
    failed: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str, got, want) -> None:
        self.total += 1
        if ok:
            self.right += 1
        else:
            self.failed.append(f"{what}: read {got!r}, expected {want!r}")

    def wrong(self, checks: int, what: str) -> None:
        self.total += checks
        self.failed.append(f"{what} ({checks} checks)")


def score(proposal, want: dict) -> tuple[int, int, list[str]]:
    """(right, total, failed checks) of a reading (a letter_reader Proposal) against its
    entry in expected.json."""
    from .helpers import norm

    s = Score()
    s.check(proposal.number == want["number"], "number", proposal.number, want["number"])
    date = proposal.date.isoformat() if proposal.date else None
    s.check(date == want["date"], "date", date, want["date"])
    for field_, key in (
        ("doc_type", "doc_type_name"),
        ("issuer", "issuer"),
        ("subject", "subject"),
    ):
        got = getattr(proposal, field_)
        s.check(norm(got) == norm(want[key]), field_, got, want[key])
    got = [norm(r) for r in proposal.recipients]
    s.check(got == [norm(r) for r in want["recipients"]], "recipients", got, want["recipients"])
    _sections(s, proposal, want["sections"])
    signer = want["signer"]
    for part in ("name", "title", "authority"):
        got = getattr(proposal.signer, part)
        s.check(norm(got) == norm(signer[part]), f"signer {part}", got, signer[part])
    return s.right, s.total, s.failed


def _sections(s: Score, proposal, wanted: list[dict]) -> None:
    got = proposal.sections
    pairs = difflib.SequenceMatcher(
        a=[x.number for x in got], b=[w["number"] for w in wanted], autojunk=False
    )
    for op, a0, a1, b0, b1 in pairs.get_opcodes():
        if op == "equal":
            for section, expected in zip(got[a0:a1], wanted[b0:b1], strict=True):
                _section(s, proposal, section, expected)
            continue
        for expected in wanted[b0:b1]:
            checks = SECTION_CHECKS + (expected["task_count"] is not None)
            s.wrong(
                checks + TASK_CHECKS * len(expected["tasks"]),
                f"section {expected['number']!r} missing",
            )
        for section in got[a0:a1]:
            s.wrong(
                SECTION_CHECKS + 1 + TASK_CHECKS * len(section.items),
                f"section {section.number!r} read but not in the letter",
            )


def _section(s: Score, proposal, section, want: dict) -> None:
    from directives.letter_to_directive import item_text, task_guess

    from .helpers import norm

    where = f"section {want['number']!r}"
    s.check(True, f"{where} number", section.number, want["number"])
    s.check(
        section.addressed == want["addressed"],
        f"{where} addressed",
        section.addressed,
        want["addressed"],
    )
    units = [norm(u.name) for u in section.units]
    s.check(
        units == [norm(u) for u in want["units"]],
        f"{where} units",
        [u.name for u in section.units],
        want["units"],
    )
    s.check(
        norm(section.heading) == norm(want["heading"]),
        f"{where} heading",
        section.heading,
        want["heading"],
    )
    if want["task_count"] is not None:
        s.check(
            len(section.items) == want["task_count"],
            f"{where} task count",
            len(section.items),
            want["task_count"],
        )
    guesses = [task_guess(item_text(item), issued_on=proposal.date) for item in section.items]
    for k, (guess, task) in enumerate(zip(guesses, want["tasks"], strict=False), start=1):
        deadline = guess.deadline.isoformat() if guess.deadline else None
        s.check(guess.kind == task["kind"], f"{where} task {k} kind", guess.kind, task["kind"])
        s.check(
            deadline == task["deadline"], f"{where} task {k} deadline", deadline, task["deadline"]
        )
        s.check(
            norm(guess.deadline_words) == norm(task["words"]),
            f"{where} task {k} words",
            guess.deadline_words,
            task["words"],
        )
    for k in range(len(guesses) + 1, len(want["tasks"]) + 1):
        s.wrong(TASK_CHECKS, f"{where} task {k} missing")
    for k in range(len(want["tasks"]) + 1, len(guesses) + 1):
        s.wrong(TASK_CHECKS, f"{where} task {k} read but not in the letter")


def main(names: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    django.setup()
    from directives.letter_reader import read_text

    from .helpers import EXPECTED, read

    right = total = 0
    for name in names or sorted(EXPECTED):
        r, t, failed = score(read_text(read(name)), EXPECTED[name])
        right, total = right + r, total + t
        floor = EXPECTED[name].get("floor")
        mark = "" if floor is None else f"   floor {floor[0]}/{floor[1]}"
        print(f"{name}: {r}/{t}{mark}")
        for line in failed:
            print(f"    {line}")
    print(f"corpus: {right}/{total} ({100 * right / total:.1f}%)")


if __name__ == "__main__":
    main(sys.argv[1:])
