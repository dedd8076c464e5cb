"""The corpus the importer tests read, and how they compare its strings."""

import json
import re
from pathlib import Path

from directives.importer.text import canon

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
SEED = CORPUS / "136-CV-HU.md"
DOCUMENTS = sorted(CORPUS.glob("*.md"))
DOCUMENTS = [p for p in DOCUMENTS if p.name != "EXPECTED.md"]


def norm(text: str | None) -> str | None:
    """Words only, compared whatever the punctuation, case, Unicode form or tone placement."""
    if text is None:
        return None
    return " ".join(canon(re.sub(r"[^\w\s]", " ", text)).split())


def read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")
