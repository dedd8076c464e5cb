"""What the units wrote, said once, as a secretary would write it up.

Two rules, both on sentences compared by their `key` (spaces, case, Unicode form, a
leading bullet and the closing punctuation set aside):

- `latest`: one unit's texts on one task, period after period. The last period's
  sentences are kept, and an earlier period's only if no later period repeats or
  supersedes them; a sentence supersedes an earlier one when the two differ in their
  figures alone ("đã tổ chức 5 hội nghị" after "đã tổ chức 3 hội nghị").
- `SaidOnce`: the sentences of every unit. One that several units said is written once
  with their names; each unit's own are written after its name.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.utils.translation import gettext as _

UNITS_NAMED = 30  # units named after a sentence they share; the rest are counted
_BULLET = re.compile(r"^(?:[-+]+\s+|[*•–—]+\s*)")  # "-15%" is a figure, "- 15" a bullet
_CLOSING = ".,;:!?…"
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_END = re.compile(r"[.!?…]+\s+")


class Sentence(NamedTuple):
    text: str  # as written, one space between words, no bullet, no closing punctuation
    key: str  # as compared
    shape: str  # the key with its figures set aside


def key(sentence: str) -> str:
    """The sentence as compared: NFC, one space between words, lower case, no bullet and
    no closing punctuation."""
    text = _BULLET.sub("", " ".join(unicodedata.normalize("NFC", sentence).split()))
    return text.casefold().rstrip(_CLOSING + " ")


def _sentence(text: str) -> Sentence | None:
    written = _BULLET.sub("", " ".join(text.split())).rstrip(_CLOSING + " ")
    if not written:
        return None
    compared = key(written)
    return Sentence(written, compared, _FIGURE.sub("#", compared))


def split(text: str) -> tuple[Sentence, ...]:
    """The sentences of `text`: one a line, and a line cut after ".", "!", "?" or "…"
    where the next word starts with a capital. Not after a word of two letters or less,
    nor one holding a dot ("TP. Hồ Chí Minh", "xã A. …", "v.v. …"): a sentence left whole
    is only compared whole."""
    found = []
    for line in text.splitlines():
        start = 0
        for end in _END.finditer(line):
            word = line[start : end.start()].rsplit(None, 1)[-1:] or [""]
            after = line[end.end() : end.end() + 1]
            if after.isupper() and len(word[0]) > 2 and "." not in word[0]:
                found.append(line[start : end.end()])
                start = end.end()
        found.append(line[start:])
    return tuple(s for s in map(_sentence, found) if s)


def latest(texts: list[str], read: dict[str, tuple] | None = None) -> list[Sentence]:
    """The sentences one unit wrote on one task, its `texts` given oldest first: the
    last's, and each earlier one's that no later text repeats or supersedes (same
    `shape`), in the order written. `read` keeps each text split once across calls
    (units copy their words from period to period, and from one another)."""
    read = {} if read is None else read
    written = [text for text in texts if text]
    if len(set(written)) == 1:  # the same text each period (most often): as it is
        text = written[0]
        if text not in read:
            read[text] = split(text)
        return list(read[text])
    later: set[str] = set()
    kept: list[tuple[Sentence, ...]] = []
    for text in reversed(texts):
        if not text:
            continue
        if text not in read:
            read[text] = split(text)
        own = tuple(s for s in read[text] if s.shape not in later)
        later.update(s.shape for s in own)
        kept.append(own)
    return [sentence for own in reversed(kept) for sentence in own]


def _names(names: list[str]) -> str:
    listed = ", ".join(names[:UNITS_NAMED])
    if len(names) > UNITS_NAMED:
        listed += " " + _("và %(count)s đơn vị khác") % {"count": len(names) - UNITS_NAMED}
    return listed


class SaidOnce:
    """The sentences of every unit, said once. They may come in any order: each with the
    unit's place in the listing and its own place among the unit's (sortable values),
    and the lines are written as if they had come unit after unit in order. What is kept
    is one entry a sentence and a unit, never a unit's texts."""

    def __init__(self):
        self.written: dict[str, Counter] = {}  # key -> how it was written, how often
        self.units: dict[str, dict] = {}  # key -> unit place -> the unit's name
        self.first: dict[str, tuple] = {}  # key -> where it was first said
        self.own: dict = {}  # unit place -> key -> where the unit first said it

    def add(self, unit, name: str, at: tuple, sentences: Iterable[Sentence]) -> None:
        """The sentences `name` (at place `unit`) said at place `at` among its own."""
        own = self.own.setdefault(unit, {})
        for index, sentence in enumerate(sentences):
            where = (unit, *at, index)
            self.written.setdefault(sentence.key, Counter())[sentence.text] += 1
            self.units.setdefault(sentence.key, {})[unit] = name
            if where < self.first.setdefault(sentence.key, where):
                self.first[sentence.key] = where
            if where[1:] < own.setdefault(sentence.key, where[1:]):
                own[sentence.key] = where[1:]

    def lines(self) -> list[str]:
        """First each sentence several units said, once, "- Sentence (Unit A, Unit B).",
        the most said first; then "- Unit: its own sentences." a unit. A sentence is
        written as most units wrote it, and closed by a full stop."""
        shared = sorted(
            (k for k in self.units if len(self.units[k]) > 1),
            key=lambda k: (-len(self.units[k]), self.first[k]),
        )
        lines = [
            f"- {_as_written(self.written[k])} "
            f"({_names([self.units[k][u] for u in sorted(self.units[k])])})."
            for k in shared
        ]
        for unit in sorted(self.own):
            keys = sorted(self.own[unit], key=self.own[unit].get)
            alone = [_as_written(self.written[k]) for k in keys if len(self.units[k]) == 1]
            if alone:
                lines.append(f"- {self.units[keys[0]][unit]}: {'. '.join(alone)}.")
        return lines


def _as_written(forms: Counter) -> str:
    """The form most often written, one not in capitals before one that is (the first
    written of those as good), its first letter a capital."""
    sentence = max(forms, key=lambda form: (forms[form], form != form.upper()))
    return sentence[:1].upper() + sentence[1:]
