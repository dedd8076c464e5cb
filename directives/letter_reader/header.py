"""The letter's head: issuing body, number and symbol, place and date, type, subject,
Kính gửi, and the documents it is based on."""

import datetime
import re
from dataclasses import dataclass, field

from .addressees import org_case
from .text import canon, is_caps, is_decor, plain, strip_markdown

NUMBER = re.compile(
    # A symbol's parts may hold dots: 11554/VPCP-V.I (not a sentence's closing dot).
    r"\d{1,6}[A-Za-z]?(?:\s?/\s?\d{4})?\s?[-/]\s?[A-ZĐ][A-Za-zĐđ&]*(?:\.[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*"
    r"(?:\s?[-/]\s?[A-ZĐ0-9][A-Za-zĐđ0-9&]*(?:\.[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*){0,3}"
)
NUMBER_LINE = re.compile(
    r"^(?:số|so)\s*(?:và ký hiệu|hiệu)?\s*[:.]?\s*(" + NUMBER.pattern + ")", re.I
)
DATE = re.compile(
    r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})|ngay\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
)
PLACE_DATE = re.compile(r"^(.{2,40}?),\s*ngay\b")

TYPE_CODES = {
    "CV": "Công văn",
    "CT": "Chỉ thị",
    "KH": "Kế hoạch",
    "TB": "Thông báo",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "ĐA": "Đề án",
    "BC": "Báo cáo",
    "HD": "Hướng dẫn",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "QYĐ": "Quy định",
    "QY": "Quy định",
    "CTR": "Chương trình",
    "TTR": "Tờ trình",
    "TT": "Thông tư",
    "NĐ": "Nghị định",
    "CĐ": "Công điện",
    "PA": "Phương án",
    "BB": "Biên bản",
    "GM": "Giấy mời",
    "TTRA": "Thông tri",
}
TYPE_NAMES = sorted(
    {
        *TYPE_CODES.values(),
        "Thông báo kết luận",
        "Kết luận",
        "Quy định",
        "Thông tri",
        "Lời kêu gọi",
    },
    key=len,
    reverse=True,
)
MOTTOS = [
    plain("cộng hòa xã hội chủ nghĩa việt nam độc lập tự do hạnh phúc").split(),
    plain("đảng cộng sản việt nam").split(),
]
ISSUER_HEADS = [
    plain(h).split()
    for h in (
        "ủy ban",
        "ubnd",
        "hội đồng",
        "hđnd",
        "huyện ủy",
        "tỉnh ủy",
        "thành ủy",
        "quận ủy",
        "thị ủy",
        "đảng ủy",
        "đảng bộ",
        "đảng đoàn",
        "ban",
        "văn phòng",
        "bộ",
        "sở",
        "phòng",
        "chi bộ",
        "công an",
        "mặt trận",
        "tổng cục",
        "cục",
        "chi cục",
        "viện",
        "tòa án",
        "thanh tra",
        "trường",
        "trung tâm",
        "liên đoàn",
        "hội",
        "huyện đoàn",
        "tỉnh đoàn",
        "đoàn",
        "chính phủ",
        "quốc hội",
        "bch",
        "ban chấp hành",
        "kho bạc",
        "bảo hiểm",
    )
]
BASIS = re.compile(r"^(?:căn cứ|thực hiện|xét|theo|tiếp theo)\b", re.I)
DOC_WORDS = (
    r"(?:Luật|Bộ luật|Hiến pháp|Nghị quyết|Nghị định|Quyết định|Chỉ thị|Kết luận|Công văn|"
    r"văn bản|Văn bản|Kế hoạch|Thông báo|Thông tư|Hướng dẫn|Quy định|Quy chế|Chương trình|"
    r"Đề án|Báo cáo|Công điện|Điều lệ|Pháp lệnh|ý kiến chỉ đạo|Ý kiến chỉ đạo)"
)


@dataclass
class Header:
    number: str | None = None
    doc_type: str | None = None
    doc_type_code: str | None = None
    date: datetime.date | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    subject: str | None = None
    recipients: list[str] = field(default_factory=list)
    end: int = 0  # the first line after the head
    lines: dict[str, int] = field(default_factory=dict)  # where each field was read


def _is_motto(clean: str) -> bool:
    words = re.sub(r"[^\w\s]", " ", plain(clean)).split()
    if not words:
        return False
    for motto in MOTTOS:
        n = len(words)
        if any(motto[i : i + n] == words for i in range(len(motto) - n + 1)):
            return True
    return False


def _starts_body(clean: str) -> bool:
    words = re.sub(r"[^\w\s]", " ", plain(clean)).split()
    return any(words[: len(h)] == h for h in ISSUER_HEADS)


def _type_of_title(clean: str) -> str | None:
    key = canon(clean)
    for name in TYPE_NAMES:
        if key == canon(name) or key.startswith(canon(name) + " "):
            return name
    return None


def type_code(number: str) -> str | None:
    """ "136-CV/HU" → "CV", "09/CT-UBND" → "CT", "11414/VPCP-CN" → None (no type code)."""
    m = re.match(r"\d+[A-Za-z]?(?:/\d{4})?([-/])([^-/]+)", number)
    if not m:
        return None
    code = m.group(2).upper()
    if m.group(1) == "-" or code in TYPE_CODES:
        return code if code in TYPE_CODES else None
    return None


def read_header(lines: list[str], end: int, meta: dict[str, str]) -> Header:
    """Read the head from lines[:end]; `end` of the result is the first line after it."""
    h = Header()
    clean = [strip_markdown(line) for line in lines[:end]]
    used: set[int] = set()
    stop = end  # where the issuing body's lines end

    for i, c in enumerate(clean):
        m = NUMBER_LINE.match(c)
        if m and h.number is None:
            h.number = re.sub(r"\s", "", m.group(1))
            h.lines["number"] = i
            used.add(i)
            stop = min(stop, i)
    _read_date(h, clean, used)
    stop = min([stop, *used]) if used else stop
    title = _read_title(h, clean, used)
    if title is not None:
        stop = min(stop, title)
    vv = _read_vv(h, clean, used)
    if vv is not None:
        stop = min(stop, vv)
    kg = _read_recipients(h, clean, used)
    if kg is not None:
        stop = min(stop, kg)
    _read_issuer(h, clean[:stop], used)

    if h.number is None and meta.get("number"):
        h.number = meta["number"]
    h.doc_type_code = type_code(h.number) if h.number else None
    if h.doc_type is None and h.doc_type_code:
        h.doc_type = TYPE_CODES[h.doc_type_code]
    if h.doc_type is None and meta.get("doc_type"):
        h.doc_type = meta["doc_type"]
    if h.doc_type is None and h.subject and re.match(r"v/v\b", h.subject, re.I):
        h.doc_type = "Công văn"
    if h.date is None and meta.get("date"):
        m = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", meta["date"])
        h.date = _date(*m.groups()) if m else None
    if h.issuer is None and meta.get("issuer"):
        h.issuer = meta["issuer"]
    h.end = max(used) + 1 if used else 0
    return h


def _date(day: str, month: str, year: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _read_date(h: Header, clean: list[str], used: set[int]) -> None:
    for i, c in enumerate(clean):
        p = plain(c)
        m = PLACE_DATE.match(p)
        if not m or not re.search(r"\d", " ".join(clean[i : i + 3])):
            continue
        joined = plain(" ".join(clean[i : i + 3]))
        d = DATE.search(joined, m.end() - 4)
        if not d or d.start() > m.end() + 4:
            continue
        groups = [g for g in d.groups() if g]
        h.date = _date(*groups)
        h.lines["date"] = i
        h.place = c[: m.end(1)].split(",")[-1].strip(" *_") or None
        span, length = i, 0
        for j in range(i, min(i + 3, len(clean))):
            span, length = j, length + len(clean[j]) + 1
            if length >= d.end():
                break
        used.update(range(i, span + 1))
        return


def _read_title(h: Header, clean: list[str], used: set[int]) -> int | None:
    for i, c in enumerate(clean):
        if not is_caps(c) or _is_motto(c):
            continue
        name = _type_of_title(c)
        if not name:
            continue
        h.doc_type = name
        h.lines["doc_type"] = h.lines["subject"] = i
        used.add(i)
        words = [c[len(name) :].strip()] if c[len(name) :].strip() else []
        j = i + 1
        while j < len(clean) and (not clean[j] or is_decor(clean[j])) and not words and j < i + 3:
            j += 1
        first = j
        while j < len(clean) and clean[j] and not is_decor(clean[j]) and j < first + 6:
            c2 = clean[j]
            lead = j == first and re.match(r"(?:về|v/v)\b", c2, re.I)
            # one capital letter wrapped before the rest: "Ý" / "KIẾN CHỈ ĐẠO …"
            wrapped = c2.isupper() and j + 1 < len(clean) and is_caps(clean[j + 1])
            in_caps = words and (is_caps(words[0]) or words[0].isupper())
            if not (is_caps(c2) or lead or wrapped or (words and not in_caps)):
                break
            if re.match(r"(?:căn cứ|kính gửi)\b", c2, re.I):
                break
            words.append(c2)
            used.add(j)
            j += 1
        if words:
            h.subject = " ".join(words)
        return i
    return None


def _read_vv(h: Header, clean: list[str], used: set[int]) -> int | None:
    for i, c in enumerate(clean):
        if not re.match(r"(?:v/v|về việc)\b", c, re.I) or h.subject:
            continue
        words = [c]
        used.add(i)
        h.lines["subject"] = i
        j = i + 1
        while j < len(clean) and j < i + 6 and clean[j] and not is_decor(clean[j]):
            c2 = clean[j]
            if is_caps(c2) or PLACE_DATE.match(plain(c2)) or re.match(r"kinh gui", plain(c2)):
                break
            if words[-1].endswith((".", ";")) and not c2[:1].islower():
                break
            words.append(c2)
            used.add(j)
            j += 1
        h.subject = re.sub(r"^v/v\b", "V/v", " ".join(words), flags=re.I)
        return i
    return None


# Who a letter is sent to: "Kính gửi: …", or a công điện's "THỦ TƯỚNG CHÍNH PHỦ điện:"
# followed by its list.
RECIPIENTS_LEAD = re.compile(r"kinh gui\s*:?|(?P<sender>.{2,80})\bdien\s*:\s*$")


def _wraps_on(line: str) -> bool:
    """A recipient's name going on to the next line ("… trực thuộc" / "Trung ương."), not
    the letter's first paragraph right under an inline "Kính gửi: X" with no blank line."""
    words = line.split()
    return line[:1].islower() or (len(words) <= 6 and line.endswith((",", ";", ".")))


def _read_recipients(h: Header, clean: list[str], used: set[int]) -> int | None:
    for i, c in enumerate(clean):
        m = RECIPIENTS_LEAD.match(plain(c))
        if not m or (m.group("sender") and not is_caps(c[: m.end("sender")])):
            continue  # "… cung cấp điện:" is no công điện's sender
        used.add(i)
        h.lines["recipients"] = i
        entries: list[str] = []
        inline = c[m.end() :].strip()
        if inline:
            entries.append(re.sub(r"^[-–•+]\s*", "", inline))
        j = i + 1
        while j < len(clean):
            c2 = clean[j]
            if not c2 or is_decor(c2):
                if entries and (j + 1 >= len(clean) or not re.match(r"[-–•+]\s", clean[j + 1])):
                    break
                j += 1
                continue
            bullet = re.match(r"[-–•+]\s*", c2)
            if bullet:
                entries.append(c2[bullet.end() :])
            elif entries and not entries[-1].endswith((",", ";", ".")) and _wraps_on(c2):
                entries[-1] += " " + c2
            elif (
                len(c2.split()) <= 15
                and c2.endswith((",", ";", "."))
                and (not entries or not entries[-1].endswith("."))
            ):
                entries.append(c2)
            else:
                break
            used.add(j)
            j += 1
        h.recipients = [e.strip(" ,;.") for e in entries if e.strip(" ,;.")]
        return i
    return None


def _read_issuer(h: Header, clean: list[str], used: set[int]) -> None:
    bodies: list[list[str]] = []
    starts: list[int] = []
    for i, c in enumerate(clean):
        if not c or is_decor(c) or not is_caps(c) or _is_motto(c):
            if c and is_caps(c) and _is_motto(c):
                used.add(i)
            continue
        if NUMBER_LINE.match(c) or len(c.split()) > 12:
            continue
        used.add(i)
        if _starts_body(c) or not bodies:
            bodies.append([c])
            starts.append(i)
        else:
            bodies[-1].append(c)
    names = [org_case(" ".join(b)) for b in bodies]
    if not names:
        return
    h.issuer = names[-1]
    h.lines["issuer"] = starts[-1]
    h.parent_issuer = names[-2] if len(names) > 1 else None
    parent = plain(h.parent_issuer or "")
    if len(h.issuer.split()) <= 3 and "trung uong" in parent:
        h.issuer += " Trung ương Đảng" if plain(h.issuer) == "van phong" else " Trung ương"
    elif len(h.issuer.split()) <= 3 and re.match(r"(huyen|tinh|thanh|quan|dang) uy", parent):
        h.issuer += " " + (h.parent_issuer or "")


def based_on(paragraphs: list[str]) -> list[str]:
    """The documents a preamble cites: "Thực hiện Công văn số 251-CV/BTGTU ngày 12/8/2021
    của Ban Tuyên giáo Tỉnh ủy về việc …" → "Công văn số 251-CV/BTGTU … Tỉnh ủy"."""
    found: list[str] = []
    for p in paragraphs:
        if not BASIS.match(p):
            continue
        for part in p.split(";"):
            m = re.search(DOC_WORDS + r"\s", part)
            if not m:
                continue
            tail = part[m.start() :]
            end = len(tail)
            for stop in (r"\s+về\s", r"\s+V/v\s", r",\s+(?!\d)", r"\.\s", r"\.$"):
                s = re.search(stop, tail)
                if s and s.start() < end:
                    end = s.start()
            ref = tail[:end].strip(" ,;.")
            if (NUMBER.search(ref) or re.search(r"\d{4}", ref)) and ref not in found:
                found.append(ref)
    return found
