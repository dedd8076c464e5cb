"""The corpus the importer tests read, and how they compare its strings."""

import json
import re
from pathlib import Path

from demo.data import LETTER
from directives.letter_reader.text import canon

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
SEED = LETTER  # the demo's letter is one of the corpus
DOCUMENTS = sorted([SEED, *(p for p in CORPUS.glob("*.md") if p.name != "EXPECTED.md")])


def norm(text: str | None) -> str | None:
    """Words only, compared whatever the punctuation, case, Unicode form or tone placement."""
    if text is None:
        return None
    return " ".join(canon(re.sub(r"[^\w\s]", " ", text)).split())


def read(name: str) -> str:
    path = SEED if name == SEED.name else CORPUS / name
    return path.read_text(encoding="utf-8")
