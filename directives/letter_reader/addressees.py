"""Who a heading or an opening sentence addresses: "Đề nghị Ủy ban MTTQ …",
"Giao Đảng uỷ X chủ trì, phối hợp với Y, Z …", "Các tổ chức cơ sở đảng trực thuộc Huyện ủy"."""

import re

from .proposal import UnitRef
from .text import canon, plain

# Words a unit's name starts with (compared with canon(), so tone placement does not matter).
ORG_HEADS = [
    "ủy ban",
    "ubnd",
    "ubmttq",
    "hđnd",
    "hội đồng",
    "mặt trận",
    "mttq",
    "đảng ủy",
    "đảng bộ",
    "đảng đoàn",
    "ban cán sự",
    "cấp ủy",
    "chi bộ",
    "huyện ủy",
    "tỉnh ủy",
    "thành ủy",
    "quận ủy",
    "thị ủy",
    "ban",
    "văn phòng",
    "bộ",
    "sở",
    "phòng",
    "trung tâm",
    "công an",
    "quân sự",
    "bộ chỉ huy",
    "thanh tra",
    "tòa án",
    "viện",
    "cục",
    "chi cục",
    "tổng cục",
    "kho bạc",
    "ngân hàng",
    "bảo hiểm xã hội",
    "hội",
    "liên đoàn",
    "liên hiệp",
    "đoàn",
    "huyện đoàn",
    "tỉnh đoàn",
    "thành đoàn",
    "báo",
    "đài",
    "trường",
    "bệnh viện",
    "chính phủ",
    "quốc hội",
    "chính quyền",
    "công ty",
    "cty",
    "hợp tác xã",
    "tập đoàn",
    "tổng công ty",
    "vụ",  # of a ministry: Vụ Pháp chế (not "vụ việc": NOT_ORG)
    "thường trực",
    "btg",
    "vphu",
    "tccs",
]
PERSON_HEADS = [
    "chủ tịch",
    "phó thủ tướng",
    "phó bí thư",
    "phó giám đốc",
    "phó trưởng",
    "tổng giám đốc",
    "trưởng ban",
    "chủ nhiệm",
    "chánh án",
    "phó chủ tịch",
    "giám đốc",
    "thủ trưởng",
    "bí thư",
    "trưởng",
    "bộ trưởng",
    "thủ tướng",
    "người đứng đầu",
    "các đồng chí",
    "đồng chí",
    "chánh văn phòng",
    "tổng cục trưởng",
    "cục trưởng",
    "viện trưởng",
]
GROUP_NOUNS = [
    "cơ quan",
    "đơn vị",
    "tổ chức",
    "sở",
    "ban",
    "ngành",
    "địa phương",
    "xã",
    "phường",
    "huyện",
    "tỉnh",
    "hội",
    "đoàn thể",
    "cấp ủy",
    "chi bộ",
    "đảng bộ",
    "doanh nghiệp",
    "trường",
    "phòng",
    "ủy ban",
    "đồng chí",
    "thành viên",
    "bộ",
    "cá nhân",
    "hộ",
    "chủ đầu tư",
    "ủy viên",
    "lực lượng",
    "chủ rừng",
    "tập đoàn",
    "tổng công ty",
    "vụ",
]
NOT_ORG = [
    "ban hành",
    "phòng chống",
    "phòng ngừa",
    "phòng cháy",
    "đoàn kết",
    "hội nhập",
    "hội nghị",
    "hội thảo",
    "trường hợp",
    "báo cáo",
    "bộ quy tắc",
    "đài thọ",
    "viện dẫn",
    "bộ máy",
    "bộ tiêu chí",
    "bộ hồ sơ",
    "cục bộ",
    "hội đủ",
    "phòng họp",
    "vụ việc",
    "vụ án",
    "vụ mùa",
    "vụ đông",
    "vụ xuân",
    "vụ hè",
    "vụ thu",
]
PLURAL = {canon(w) for w in ("các", "những", "mọi", "toàn")}

LEAD_IN = re.compile(
    r"^(?:giao cho|giao|kinh de nghi|de nghi|yeu cau|doi voi|trach nhiem cua|nhiem vu cua)\s+"
)
VERBS = re.compile(
    r"\s(?:có trách nhiệm|chịu trách nhiệm|chủ trì|phối hợp|chỉ đạo|lãnh đạo|thực hiện|"
    r"triển khai|tăng cường|tiếp tục|khẩn trương|rà soát|xây dựng|tham mưu|nghiên cứu|"
    r"hướng dẫn|theo dõi|đôn đốc|kiểm tra|phải|cần|quan tâm|nâng cao|đẩy mạnh|căn cứ|bố trí|"
    r"ban hành|báo cáo|chủ động|tập trung|quán triệt|tuyên truyền|vận động|bảo đảm|đảm bảo|"
    r"ưu tiên|xem xét|tổ chức thực hiện|tổ chức triển khai|phát huy|thường xuyên|kịp thời|"
    r"sớm|giám sát|hoàn thành|cung cấp|phổ biến|là cơ quan|làm đầu mối|được giao|"
    r"hoàn thiện|tổng hợp|cân đối|đề xuất|chuẩn bị|khảo sát|làm việc|để|đánh giá|nghiêm túc|"
    r"tích cực|quyết liệt|"
    r"tổ chức(?= (?:thanh tra|thực hiện|triển khai|kiểm tra|tuyên truyền|rà soát|xây dựng|lập|"
    r"thẩm định|quán triệt|phổ biến|đánh giá|sơ kết|tổng kết|các|trực|tập huấn|hội nghị)))\b"
)
# What the issuer says in its own name (a kết luận, a thông báo): "Ban Thường vụ cơ bản
# nhất trí với Tờ trình …" assigns nothing; "Ban Thường vụ giao Ban Tuyên giáo …" assigns
# to whoever follows "giao".
STATES = re.compile(
    r"\s(?:cơ bản\s+)?(?:nhất trí|thống nhất|ghi nhận|đánh giá cao|biểu dương|hoan nghênh|"
    r"cảm ơn|chia sẻ)\b"
)
HANDS_ON = re.compile(
    r"\sgiao(?! (?:thông|dịch|lưu|tiếp|nhận|thương|ban|khoán|hữu|quyền)\b)(?: cho)?\s+"
)
# The bodies that speak in a kết luận or a thông báo (a unit that "giao" to another is
# still the one addressed: "Ủy ban nhân dân các xã giao công an xã …").
ISSUING = [canon(h) for h in ("ban thường vụ", "bộ chính trị", "ban bí thư", "thường trực",
                              "ban chấp hành", "thủ tướng", "chính phủ")]  # fmt: skip
# An opening clause before the addressee: "Căn cứ kế hoạch này, Sở A …" (compared plain).
OPENING = re.compile(
    r"^(?:can cu|tren co so|theo|trong pham vi|thuc hien|de|nham|sau khi|ngay sau khi|"
    r"tu nay|truoc mat|tren tinh than)\s"
)
# Who supports: "… chủ trì, phối hợp (chặt chẽ) với Y", "(chủ trì), phối hợp với Y".
SUPPORT = re.compile(
    r"^(?:(?:\(|[^.;:]{0,80}?\s)?chủ trì\)?,?\s*(?:và\s+)?)?phối hợp(?:\s+chặt chẽ)?\s+"
    r"(?:với|cùng)\s+"
)
# "… chủ trì, Y và Z phối hợp": the partners named before their verb.
PARTNERS_FIRST = re.compile(r"^\(?chủ trì\)?,?\s+(?P<partners>.+?)\s+phối hợp\b")
# "các cơ quan tham mưu, giúp việc …": a kind of body, not the verb "tham mưu".
MODIFIER = re.compile(r"(?:cơ quan|đơn vị|bộ phận)$")
QUALIFIER = re.compile(r",?\s+(?:nhất là|đặc biệt là|trong đó|gồm|bao gồm|theo)\s|\s*\(")
SEPARATOR = re.compile(r"\s*(?:,|;|\s(?:và|cùng)\s)\s*")


def _words(text: str) -> str:
    return canon(re.sub(r"[^\w\s&-]", " ", text))


def _starts(key: str, heads: list[str]) -> bool:
    return any(key == h or key.startswith(h + " ") for h in heads)


_ORG = sorted({canon(h) for h in ORG_HEADS}, key=len, reverse=True)
_PERSON = sorted({canon(h) for h in PERSON_HEADS}, key=len, reverse=True)
_GROUP = sorted({canon(h) for h in GROUP_NOUNS}, key=len, reverse=True)
_NOT = [canon(h) for h in NOT_ORG]
_PERSON_SET = set(_PERSON)
_COMRADE = {canon("đồng chí"), canon("các đồng chí")}


def is_org(text: str, persons: bool = True) -> bool:
    """Does the text start with a unit's (or, with persons, a post holder's) name?"""
    key = _words(text)
    if not key or _starts(key, _NOT):
        return False
    first, _, rest = key.partition(" ")
    if first in PLURAL:
        return _starts(rest, _GROUP) or _starts(rest, _ORG)
    return _starts(key, _ORG) or (persons and _starts(key, _PERSON))


def is_group(name: str) -> bool:
    key = _words(name)
    return (
        key.split(" ", 1)[0] in PLURAL
        or f" {canon('các')} " in f" {key} "
        or bool(re.search(r",\s+[a-zà-ỹđ]", name))
    )


def _cut(text: str) -> tuple[str, str]:
    """The name at the start of the text, and what follows it (the verb onwards)."""
    end = len(text)
    colon = text.find(":")
    if colon >= 0:
        end = colon
    for pattern in (VERBS, HANDS_ON, QUALIFIER):
        m = pattern.search(text, 0, end)
        while m and pattern is VERBS and _modifies(text, m):
            m = pattern.search(text, m.end(), end)
        if m and m.start() > 0:
            end = m.start()
    return text[:end].strip(" ,;.:-"), text[end:].strip()


def _modifies(text: str, verb: re.Match) -> bool:
    """The verb is part of the name: "các cơ quan tham mưu, giúp việc" (a kind of body);
    "Cục Kết cấu hạ tầng xây dựng tham mưu …", "Cục Quản lý đầu tư xây dựng" ("xây dựng"
    ending the text or right before the sentence's own verb)."""
    after = text[verb.end() :]
    if verb.group(0).strip() == "xây dựng" and (
        not after.strip() or VERBS.match(" " + after.lstrip())
    ):
        return True
    return (
        verb.group(0).strip() == "tham mưu"
        and bool(MODIFIER.search(text[: verb.start()]))
        and after.startswith((",", " giúp việc"))
    )


def _opening_off(text: str) -> str:
    """The text after an opening clause ("Căn cứ kế hoạch này, Sở A …", "Theo chức năng,
    nhiệm vụ, Sở A …") when a unit follows it; else the text."""
    if not OPENING.match(plain(text)):
        return text
    for comma in re.finditer(r",\s+", text[:200]):
        rest = text[comma.end() :]
        lead = LEAD_IN.match(plain(rest))
        rest = rest[lead.end() :] if lead else rest
        if is_org(rest):
            return rest
    return text


def _person_head(name: str) -> int:
    """How many words of `name` are a person's title ("Phó Thủ tướng": 3), or 0."""
    words = name.split()
    for n in range(min(4, len(words)), 0, -1):
        if canon(" ".join(words[:n])) in _PERSON_SET:
            return n
    return 0


def _is_name(words: list[str]) -> bool:
    """A person's name: two to four capitalised words that name no unit."""
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() and w[1:] == w[1:].lower() and w.isalpha() for w in words)
        and not is_org(" ".join(words))
    )


def _office(name: str) -> str:
    """A named office-holder as their office: "Phó Thủ tướng Nguyễn Văn An" → "Phó Thủ
    tướng"; "Đồng chí Trần Văn Bình, Phó Chủ tịch UBND tỉnh" → "Phó Chủ tịch UBND tỉnh".
    No unit record holds a person (the scope line)."""
    head = _person_head(name)
    words = name.split()
    if canon(" ".join(words[:head])) in _COMRADE and _person_head(" ".join(words[head:])):
        return " ".join(words[head:])  # "Đồng chí Phó Giám đốc …": the office
    for n in range(min(4, len(words) - head), 1, -1) if head else ():
        end = head + n
        person = [w.removesuffix(",") for w in words[head:end]]
        if not _is_name(person):
            continue
        if words[end - 1].endswith(",") and end < len(words):
            if canon(" ".join(words[:head])) in _COMRADE:
                return " ".join(words[end:])  # "Đồng chí X, Phó Chủ tịch …": the office
            return " ".join(words[:head]) + ", " + " ".join(words[end:])
        if end == len(words) or not words[end][:1].isupper():
            return " ".join(words[:head] + words[end:])
    return name


def _share_head(names: list[str]) -> list[str]:
    """ "người đứng đầu các phòng, các trường": the bare group shares the title before it."""
    out: list[str] = []
    for name in names:
        previous = out[-1] if out else ""
        head = _person_head(previous)
        plural = _words(name).split(" ", 1)[0] in PLURAL
        if plural and head and _words(previous).split()[head : head + 1] == [canon("các")]:
            name = " ".join(previous.split()[:head]) + " " + name
        out.append(name)
    return out


def split_units(phrase: str) -> list[str]:
    """ "Đảng uỷ Bộ Tư pháp, Uỷ ban nhân dân các tỉnh, thành phố" → two names; a comma or
    "và" splits only before another unit ("Báo và Phát thanh, Truyền hình" stays one)."""
    names: list[str] = []
    start = 0
    for m in SEPARATOR.finditer(phrase):
        following = phrase[m.end() :]
        current = phrase[start : m.start()]
        if not current or not following:
            continue
        before_group = _words(following).split(" ", 1)[0] in PLURAL
        if ";" in m.group(0) and _person_head(following):
            pass  # after ";", a person's title starts another addressee too
        elif not (following[0].isupper() or before_group) or not is_org(following, persons=False):
            continue
        if " và " in m.group(0) + " " and _words(current).startswith(canon("văn phòng")):
            continue
        names.append(current)
        start = m.end()
    names.append(phrase[start:])
    return [n.strip(" ,;.:") for n in names if n.strip(" ,;.:")]


def _speaker_end(text: str) -> int | None:
    """Where the speaker's name ends, when the text opens with the issuer speaking (a
    statement, or handing a task on), before any verb of an assignment."""
    first_verb = VERBS.search(text)
    limit = first_verb.start() if first_verb else len(text)
    m = STATES.search(text, 0, 120)
    if m and 0 < m.start() <= limit:  # "đánh giá cao" is a statement, "đánh giá" a verb
        return m.start()
    m = HANDS_ON.search(text, 0, min(limit + 1, 120))
    if m and m.start() > 0 and _starts(_words(text[: m.start()]), ISSUING):
        return m.start()
    return None


def addressees(text: str | None) -> list[UnitRef]:
    """The units a heading or an opening sentence addresses, lead first."""
    if not text:
        return []
    text = " ".join(text.split())
    m = LEAD_IN.match(plain(text))
    if m:
        text = text[m.end() :]
    if not is_org(text):
        text = _opening_off(text)
        if not is_org(text):
            return []
    speaking = _speaker_end(text)
    if speaking is not None:
        said = text[speaking:]
        handed = HANDS_ON.match(said)
        return addressees(said[handed.end() :]) if handed else []
    listed = listed_names(text)
    if listed:
        return [UnitRef(name) for name in listed]
    lead, rest = _cut(text)
    units = [UnitRef(n, is_group(n)) for n in _names(lead)]
    support = ""
    if m := SUPPORT.match(rest):
        support = _cut(rest[m.end() :])[0]
    elif (m := PARTNERS_FIRST.match(rest)) and is_org(m.group("partners")):
        support = m.group("partners")
    units += [UnitRef(n, is_group(n), "support") for n in _names(support) if is_org(n)]
    return units


# "Chủ tịch Ủy ban nhân dân các tỉnh: Khánh Hòa, Đắk Lắk", "Các Bộ: Quốc phòng, Tài chính".
LISTED = re.compile(
    r"^(?P<before>[^,;:]*?)(?:[Cc]ác)\s+(?P<noun>[Bb]ộ|[Ss]ở|tỉnh|thành phố|huyện|xã|phường)"
    r"\s*:\s*(?P<names>.+)$"
)


def listed_names(text: str) -> list[str]:
    """A plural noun with its members named after a colon, one addressee each: "Chủ tịch
    Ủy ban nhân dân tỉnh Khánh Hòa", "Bộ Quốc phòng" …; [] when the text is not one."""
    m = LISTED.match(text)
    if not m or " và " in m.group("before"):  # several heads: left as printed
        return []
    listed = re.split(r"\s*(?:,|;|\svà\s)\s*", _cut(m.group("names"))[0])
    if len(listed) < 2 or not all(n[:1].isupper() and len(n.split()) <= 5 for n in listed):
        return []
    noun = m.group("noun")
    noun = noun[:1].upper() + noun[1:] if not m.group("before") else noun
    return [f"{m.group('before')}{noun} {name}" for name in listed]


def _names(phrase: str) -> list[str]:
    """The names in a phrase, each an office rather than a person: "Đồng chí Trần Văn Bình,
    Phó Chủ tịch UBND tỉnh" is one addressee, the office."""
    names = _share_head(split_units(phrase)) if phrase else []
    offices = [_office(name) for name in names]
    return [
        office
        for i, (name, office) in enumerate(zip(names, offices, strict=True))
        if not (canon(office) in _COMRADE and office != name and i + 1 < len(names))
    ]


# Names printed in capitals -------------------------------------------------------------

ABBREVIATIONS = {"UBND", "HĐND", "MTTQ", "BCH", "BTV", "VN", "TW", "TP", "HCM", "CP", "QĐND"}
FIXED = {
    "trung ương": "Trung ương",
    "chính phủ": "Chính phủ",
    "quốc hội": "Quốc hội",
    "việt nam": "Việt Nam",
    "tổ quốc": "Tổ quốc",
    "cộng sản": "Cộng sản",
    "ban chấp hành": "Ban Chấp hành",
}
LEVELS = ("tỉnh", "huyện", "xã", "phường", "quận", "thị xã", "thị trấn", "thành phố")


def org_case(caps: str) -> str:
    """ "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ" → "Ủy ban nhân dân thành phố Cần Thơ"."""
    if not caps or not any(c.isalpha() for c in caps) or caps.upper() != caps:
        return caps
    words = caps.split()
    low = [w if w in ABBREVIATIONS else w.lower() for w in words]
    title_from = len(low)
    for i, w in enumerate(low):
        pair = " ".join(low[i : i + 2])
        if (
            i + 1 < len(low)
            and canon(low[i + 1]) == canon("ủy")
            and w in ("huyện", "tỉnh", "thành")
        ):
            title_from = min(title_from, i + 2)
            low[i] = w[:1].upper() + w[1:]  # Huyện ủy, Tỉnh ủy
        elif (pair in LEVELS and i + 2 < len(low)) or (w in LEVELS and i + 1 < len(low)):
            title_from = min(title_from, i + (2 if pair in LEVELS else 1))
        elif i == 0 and len(low) > 1 and w in ("bộ", "sở", "ban", "cục", "viện"):
            low[1] = low[1][:1].upper() + low[1][1:]
        elif (
            i == 1
            and w == "ban"
            and canon(low[0]) == canon("ủy")
            and len(low) > 2
            and low[2] != "nhân"
        ):
            low[2] = low[2][:1].upper() + low[2][1:]  # Ủy ban Kiểm tra, not Ủy ban nhân dân
    for i in range(title_from, len(low)):
        low[i] = low[i][:1].upper() + low[i][1:]
    out = " ".join(low)
    for k, v in FIXED.items():
        out = re.sub(rf"(?<!\w){k}(?!\w)", v, out)
    out = re.sub(r"(?<!\w)đảng(?!\w)(?! (?:bộ|ủy|uỷ|đoàn|viên))", "Đảng", out)
    return out[:1].upper() + out[1:]


DIRECTS = re.compile(
    r"^(?:chỉ đạo|giao)\s+(?:các\s+)?(?:cơ quan|đơn vị|ngành)[^:]{0,60}:\s*", re.IGNORECASE
)
DIRECTED_END = re.compile(r"\s+(?:thực hiện|triển khai|tham mưu|phối hợp|tổ chức)\b")


def directed(intro: str) -> list[str]:
    """The units a section's lead is told to direct, named in its opening sentence:
    "Chỉ đạo cơ quan chức năng: Phòng …, Công an huyện thực hiện …" → the two. They
    support the section's tasks (the oracle's `units` keeps only who is addressed)."""
    text = " ".join(intro.split())
    m = DIRECTS.match(text)
    if not m:
        return []
    listed = DIRECTED_END.split(text[m.end() :], maxsplit=1)[0]
    return [name for name in split_units(listed) if is_org(name, persons=False)]
