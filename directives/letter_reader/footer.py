"""The letter's foot: Nơi nhận and the signature block."""

import re

from .proposal import Signer
from .text import is_caps, is_decor, plain, strip_markdown

AUTHORITY = re.compile(r"^(?:T/M|T\.M\.?|TM\.|TM(?=\s)|KT\.|KT(?=\s)|K/T|TL\.|T/L|TUQ\.|Q\.)\s*\S")
BULLET = re.compile(r"^[-–•+*]\s*")
FOOTNOTE = re.compile(r"^\[\^?\d{1,3}\]")


def is_name(text: str) -> bool:
    """ "Nguyễn Đình Thuận", "Lâm Thị Phương Thanh": a person's name on a line of its own."""
    words = text.split()
    return (
        2 <= len(words) <= 6
        and all(w[:1].isupper() and w.isalpha() for w in words)
        and not (is_caps(text) and len(words) > 4)
    )


def is_label(clean: str) -> bool:
    return bool(re.match(r"noi nhan\b", plain(clean)))


def footer_start(clean: list[str], after: int) -> int:
    """Where Nơi nhận or the signature begins (len(clean) when neither is found)."""
    for i in range(after, len(clean)):
        c = clean[i]
        if is_label(c) or (AUTHORITY.match(c) and is_caps(c)):
            return i
    filled = [i for i in range(after, len(clean)) if clean[i] and not is_decor(clean[i])]
    if filled and is_name(clean[filled[-1]]):
        i = filled[-1]
        while i - 1 >= after and clean[i - 1] and is_caps(clean[i - 1]) and len(clean[i - 1]) < 60:
            i -= 1
        return i
    return len(clean)


def read_footer(lines: list[str]) -> tuple[list[str], Signer]:
    clean = [strip_markdown(line) for line in lines]
    cc: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(clean):
        c = clean[i]
        if FOOTNOTE.match(c):
            break
        if is_label(c):
            i = _read_cc(clean, i, cc)
            continue
        if c and not is_decor(c) and not c.startswith("("):
            rest.append(c)
        i += 1
    return cc, _signer(rest)


def _read_cc(clean: list[str], i: int, cc: list[str]) -> int:
    inline = re.sub(r"^noi nhan\s*:?", "", plain(clean[i]))
    tail = clean[i][len(clean[i]) - len(inline) :].strip()
    entries = [BULLET.sub("", tail)] if tail else []
    i += 1
    while i < len(clean):
        c = clean[i]
        if not c or is_decor(c):
            if entries:
                break
            i += 1
            continue
        if AUTHORITY.match(c) or FOOTNOTE.match(c) or (is_caps(c) and not BULLET.match(c)):
            break
        if BULLET.match(c):
            entries.append(BULLET.sub("", c))
        elif entries and not (entries[-1].endswith(".") and is_name(c)):
            entries[-1] += " " + c
        elif not entries:
            entries.append(c)
        else:
            break
        i += 1
    cc.extend(e.strip(" ,;.") for e in entries if e.strip(" ,;."))
    return i


def _signer(lines: list[str]) -> Signer:
    """Authority ("KT. CHỦ TỊCH"), title ("PHÓ CHỦ TỊCH") and name, in that order."""
    signer = Signer()
    start = next((k for k, c in enumerate(lines) if AUTHORITY.match(c) and is_caps(c)), None)
    caps: list[str] = []
    for c in lines[start or 0 :]:
        if is_caps(c) and len(c) < 80:
            if caps and len(c.split()) == 1:
                caps[-1] += " " + c  # a word wrapped: "T/M BỘ CHÍNH" / "TRỊ"; no title is one word
            else:
                caps.append(c)
        elif is_name(c):
            signer.name = c
            break
        elif start is None:
            caps = []
    if start is not None and caps:
        signer.authority = " ".join(caps[:-1] if len(caps) > 1 else caps)
        signer.title = caps[-1] if len(caps) > 1 else None
    elif caps:
        signer.title = " ".join(caps)
    return signer
