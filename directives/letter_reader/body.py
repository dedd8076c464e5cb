"""The letter's body: numbered sections, whom each addresses, and the tasks inside,
counted as EXPECTED.md counts them (lettered items, else bullets, else sub-numbers, else
inline (i), (ii), else paragraphs)."""

import re
from dataclasses import dataclass, field

from .addressees import LEAD_IN, LISTED, VERBS, addressees, is_org, listed_names
from .proposal import Section, Task, UnitRef
from .text import END_PUNCT, FOOTNOTE_MARK, Block, emphasis, is_caps, plain

SECTION = re.compile(
    r"^(?:(?P<roman>[IVXL]{1,5})\s*[.)]|(?P<dotted>\d{1,2}(?:\.\d{1,2}){1,3})\.?(?=\s|$|[^\d\w])"
    r"|(?P<arabic>\d{1,2})\s*(?P<close>[.)])(?!\d)|Điều\s+(?P<article>\d{1,3})\s*[.:]?)\s*"
)
LETTER = re.compile(r"^(?P<l>[a-zđ])\s*\)\s*")
BULLET = re.compile(r"^(?P<b>[-–—•●▪·+○◦])\s*")
SUB_BULLETS = "+○◦"
ENUM = re.compile(r"\(\s*(i{1,3}|iv|vi{0,3}|ix|x|\d{1,2})\s*\)")
LEADING_ENUM = re.compile(r"^\(\s*(i{1,3}|iv|vi{0,3}|ix|x|\d{1,2})\s*\)\s*")
# The labels of an item laid out as fields (compared plain).
FIELD = re.compile(
    r"^(?:(?P<content>noi dung(?: (?:thuc hien|cong viec|nhiem vu))?)"
    r"|(?P<lead>(?:co quan|don vi)(?: chu tri| thuc hien| thuc hien chinh)|chu tri)"
    r"|(?P<support>(?:co quan|don vi) phoi hop|phoi hop)"
    r"|(?P<time>thoi gian(?: thuc hien| hoan thanh)?|thoi han(?: hoan thanh)?))\s*:\s*"
)
# A paragraph that hands a task to someone: "Giao Bộ A …", "Đề nghị UBND tỉnh …" (plain).
HANDING = re.compile(r"(?:giao|de nghi|yeu cau)\s")
CLOSING = re.compile(
    r"^tren day|xin thong bao|thong bao (?:de|cho) .{0,120}(?:biet|thuc hien)"
    r"|(?:yeu cau|de nghi) (?:cac|toan the|moi) .{0,200}"
    r"(?:thuc hien|trien khai|nghiem tuc|chap hanh)"
    r"|\./\.\s*$|(?:trong |^)qua trinh (?:to chuc )?(?:thuc hien|trien khai).{0,60}"
    r"(?:kho khan|vuong mac)"
    # "Nhận được Công văn này, …": the letter's closing instruction, not its last task.
    r"|^nhan duoc (?:cong van|van ban|ke hoach|chi thi|thong bao|cong dien|ket luan) nay"
    # "(Kèm theo Báo cáo số …)": what is attached, not a task.
    r"|^\(?\s*kem theo "
)


@dataclass
class Node:
    """A numbered item and the paragraphs under it, before it is called section or task."""

    number: str
    level: int
    heading: str | None
    rest: str  # the first paragraph's text after the heading
    blocks: list[Block] = field(default_factory=list)
    section: Section | None = None
    given_below: bool = False  # addressed by its "Giao …" paragraphs (_addressed_below)
    fields: dict[str, str] = field(default_factory=dict)  # laid out as labelled fields
    line: int | None = None  # of the letter, where the item starts
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)


def section_start(text: str) -> re.Match | None:
    m = SECTION.match(text)
    if not m or (m.group("roman") and not re.match(r"^[IVXL]+\s*[.)]\s", text + " ")):
        return None
    return m


def read_body(body: list[Block], mode: str) -> tuple[list[str], list[Section], list[str]]:
    """(preamble paragraphs, sections, closing paragraphs)."""
    starts = [i for i, b in enumerate(body) if section_start(b.text)]
    if not starts:
        return _unnumbered([b.text for b in body])
    preamble = [b.text for b in body[: starts[0]]]
    end = len(body)
    for i in range(starts[-1] + 1, len(body)):
        kind = _kind(body[i].text)[0]
        if kind == "para" and CLOSING.search(plain(body[i].text)):
            end = i
            break
    closing = [b.text for b in body[end:]]
    closes = {section_start(body[i].text).group("close") for i in starts}  # type: ignore[union-attr]
    both_styles = closes >= {".", ")"}
    nodes: list[Node] = []
    for k, i in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else end
        if i >= end:
            break
        node = _node(body[i], mode, both_styles)
        node.blocks = body[i + 1 : min(stop, end)]
        nodes.append(node)
    return preamble, _sections(nodes), closing


def _unnumbered(texts: list[str]) -> tuple[list[str], list[Section], list[str]]:
    """A letter with no numbered item ("… có ý kiến như sau:" / "Bộ X làm việc với …"):
    one section (numbered ""), its tasks the paragraphs after the lead-in that address
    someone; none when no paragraph does."""
    end = next((i for i, t in enumerate(texts) if CLOSING.search(plain(t))), len(texts))
    lead = max((i for i, t in enumerate(texts[:end]) if t.rstrip().endswith(":")), default=-1)
    tasks = [(t, addressees(t)) for t in texts[lead + 1 : end]]
    given = [(t, units) for t, units in tasks if units]
    if not given:
        return texts, [], []
    section = Section("", None)
    for _text, units in given:
        section.units += [u for u in units if u.name not in {x.name for x in section.units}]
    section.items = [Task(t) for t, _units in given]
    section.intro = [t for t, units in tasks if not units]
    return texts[: lead + 1], [section], texts[end:]


def _node(block: Block, mode: str, both_styles: bool) -> Node:
    m = section_start(block.text)
    assert m is not None
    if m.group("roman"):
        number, level = m.group("roman"), 0
    elif m.group("dotted"):
        number, level = m.group("dotted"), 1 + m.group("dotted").count(".")
    elif m.group("arabic"):
        number, level = m.group("arabic"), 1
        if both_styles and m.group("close") == ")":
            level = 4
    else:
        number, level = f"Điều {m.group('article')}", 1
    heading, rest = _heading(block, mode)
    return Node(number, level, heading, rest, line=block.line)


def _chars(raw: str) -> tuple[str, list[bool]]:
    """The paragraph's words with, for each character, whether it is emphasised."""
    lines = [
        re.sub(r"^\s*(?:#{1,6}\s*|>\s*)?\|?", "", line).rstrip("| ") for line in raw.split("\n")
    ]
    pairs = emphasis(FOOTNOTE_MARK.sub("", " ".join(lines)))
    text: list[str] = []
    flags: list[bool] = []
    for c, e in pairs:
        if c.isspace():
            if not text or text[-1] == " ":
                continue
            c = " "
        text.append(c)
        flags.append(e)
    return "".join(text), flags


def _heading(block: Block, mode: str) -> tuple[str | None, str]:
    """(heading, the rest of the paragraph) of a numbered paragraph."""
    text, flags = _chars(block.raw)
    m = section_start(text.lstrip())
    offset = len(text) - len(text.lstrip())
    if not m:
        return None, block.text
    pos = offset + m.end()
    while pos < len(text) and text[pos] == " ":
        pos += 1
    end = pos
    while end < len(text) and (flags[end] or text[end] == " "):
        end += 1
    heading = text[pos:end].strip()
    after = text[end:].strip()
    if heading and len(heading.split()) <= 60:
        return heading, after
    body = text[pos:].strip()
    if _slogan(body):
        return body, ""
    lines = [ln for ln in block.raw.split("\n") if ln.strip()]
    if len(lines) > 1:
        first = section_start(_chars(lines[0])[0].strip())
        head = _chars(lines[0])[0].strip()[first.end() :].strip() if first else ""
        nxt = _chars(lines[1])[0].strip()
        if (
            head
            and len(head.split()) <= 12
            and not head.endswith(END_PUNCT)
            and nxt[:1].isupper()
            and (is_org(_lead_in_off(head)) or is_caps(head))
            # Where lines wrap at the page's width, only a verb says the next line is
            # the task's ("1.2. Giao Công an Thành phố" / "Chỉ đạo Công an các phường …").
            and (mode == "blank" or bool(VERBS.match(" " + nxt[:1].lower() + nxt[1:])))
        ):
            return head, body[len(head) :].strip()
    colon = body.find(":")
    if colon > 0 and len(body[:colon].split()) <= 15 and is_org(_lead_in_off(body[:colon])):
        if LISTED.match(body[: colon + 1] + " X") and listed_names(body):
            # "… các tỉnh: A, B:" heads the item; "Các Bộ: A, B kịp thời …" opens its task
            second = body.find(":", colon + 1)
            if 0 < second - colon < 120 and listed_names(body[: second + 1]):
                return body[: second + 1], body[second + 1 :].strip()
            return None, body
        return body[: colon + 1], body[colon + 1 :].strip()
    if body and len(body.split()) <= 25 and (not body.endswith((".", ";")) or is_caps(body)):
        return body, ""
    return None, body


def _slogan(text: str) -> bool:
    """A numbered slogan ("17. Quốc hội Việt Nam - cơ quan … cao nhất!"): a line to
    display, not a task, addressed to nobody."""
    return text.rstrip("*_ ").endswith("!")


def _lead_in_off(text: str) -> str:
    m = LEAD_IN.match(plain(text))
    return text[m.end() :] if m else text


def _sections(nodes: list[Node]) -> list[Section]:
    stack: list[Node] = []
    sections: list[Section] = []
    for node in nodes:
        while stack and stack[-1].level >= node.level:
            stack.pop()
        node.parent = stack[-1] if stack else None
        stack.append(node)
        units = addressees(node.heading) if node.heading else addressees(node.rest)
        if node.heading and _slogan(node.heading):
            units = []
        parent_section = node.parent.section if node.parent else None
        if parent_section is not None and parent_section.addressed and not units:
            node.parent.children.append(node)  # a sub-number of an addressed section: a task
            continue
        if not units:
            node.fields = _fields(node)
            units = _field_units(node.fields) or _addressed_below(node)
        number = node.number
        if node.parent and node.level == 1 and node.parent.level == 0:
            number = f"{node.parent.number}.{node.number}"
        node.section = Section(number, node.heading, units, level=node.level, line=node.line)
        sections.append(node.section)
    for node in nodes:
        if node.section is not None:
            _fill(node)
    return sections


def _addressed_below(node: Node) -> list[UnitRef]:
    """Who an item headed by a topic addresses in its paragraphs ("2. Về kiến nghị …:" /
    "Giao Bộ A, Bộ B nghiên cứu …"): everyone a paragraph gives a task to, in order; or,
    under "Về …" with one paragraph, whoever that paragraph opens with."""
    texts = [t for t in (node.rest, *(b.text for b in node.blocks)) if t]
    topic = node.heading and plain(node.heading).startswith("ve ")
    if topic and len(texts) == 1:
        return addressees(texts[0])
    units: list[UnitRef] = []
    for text in texts:
        if _gives(text):
            units += [u for u in addressees(text) if u.name not in {x.name for x in units}]
    node.given_below = bool(units)
    return units


def _fields(node: Node) -> dict[str, str]:
    """An item laid out as labelled fields, one a paragraph or bullet ("- Nội dung thực
    hiện: …", "- Cơ quan chủ trì: Sở A, Sở B.", "- Cơ quan phối hợp: …", "- Thời gian
    thực hiện: …"): {"content"|"lead"|"support"|"time": the field's text}."""
    fields: dict[str, str] = {}
    for text in (t for t in (node.rest, *(b.text for b in node.blocks)) if t):
        text = BULLET.sub("", text, count=1)
        m = FIELD.match(plain(text))
        if m:
            kind = next(k for k, v in m.groupdict().items() if v)
            fields.setdefault(kind, text[m.end() :].strip())
    return fields


def _field_units(fields: dict[str, str]) -> list[UnitRef]:
    """Who the fields name: each clause of the lead field ("Sở A chủ trì …; Sở B và các
    sở … chủ động …"), then the supporting one."""
    units: list[UnitRef] = []
    for kind in ("lead", "support") if fields.get("lead") else ():
        for clause in re.split(r";\s*", fields.get(kind, "")):
            for unit in addressees(clause):
                if unit.name not in {u.name for u in units}:
                    units.append(
                        UnitRef(unit.name, unit.is_group, "lead" if kind == "lead" else "support")
                    )
    return units


def _gives(text: str) -> bool:
    """A paragraph that gives a task: "Giao …" (a request, "Đề nghị …", assigns no item)."""
    return plain(text).startswith("giao ")


def _kind(text: str) -> tuple[str, re.Match | None]:
    for kind, pattern in (("letter", LETTER), ("bullet", BULLET)):
        m = pattern.match(text)
        if m:
            return kind, m
    return "para", None


def _fill(node: Node) -> None:
    """Count the node's tasks by the first rule that applies."""
    section = node.section
    assert section is not None
    entries = ([Block(node.rest, node.rest, 0)] if node.rest else []) + node.blocks
    kinds = [_kind(b.text) for b in entries]
    if node.fields.get("lead"):  # one task, laid out as labelled fields
        section.items = [Task(node.fields.get("content") or section.heading or "")]
        section.intro = []
    elif any(k == "letter" for k, _ in kinds):
        section.items, section.intro = _items(entries, kinds, {"letter"})
    elif any(k == "bullet" for k, _ in kinds):
        bullets = [(b, m) for b, (k, m) in zip(entries, kinds, strict=True) if k == "bullet"]
        dashes = [b for b, m in bullets if m.group("b") not in SUB_BULLETS]
        level = dashes or [b for b, _ in bullets]
        indent = min(b.indent for b in level)
        top = {id(b) for b in level if b.indent <= indent + 1}
        section.items, section.intro = _items(entries, kinds, {"bullet"}, top)
    elif node.children:
        section.intro = [b.text for b in entries]
        section.items = [_child_task(c) for c in node.children]
    elif node.given_below:  # the paragraphs that give a task; the rest is what led to them
        section.items = [Task(b.text) for b in entries if _gives(b.text)]
        section.intro = [b.text for b in entries if not _gives(b.text)]
    else:
        section.items, section.intro = _paragraphs([b.text for b in entries])
    own = {u.name for u in section.units}
    for task in section.items:
        if HANDING.match(plain(task.text)):
            units = addressees(task.text)
            task.units = units if {u.name for u in units} != own else []


def _items(entries, kinds, counted: set[str], top: set[int] | None = None):
    items: list[Task] = []
    intro: list[str] = []
    for block, (kind, m) in zip(entries, kinds, strict=True):
        is_item = kind in counted and (top is None or id(block) in top)
        text = block.text[m.end() :].strip() if m else block.text
        if is_item:
            label = m.group("l") if kind == "letter" else m.group("b")
            items.append(Task(text, label))
        elif not items:
            intro.append(block.text)
        elif kind == "para":
            items[-1].text += "\n" + text
        else:
            items[-1].subtasks.append(text)
    return items, intro


def _paragraphs(texts: list[str]) -> tuple[list[Task], list[str]]:
    intro: list[str] = []
    while len(texts) > 1 and texts[0].endswith(":"):
        intro.append(texts.pop(0))
    first, enumerated = _enumerated(texts)
    if enumerated:
        return enumerated, intro + texts[:first]
    for i, text in enumerate(texts):
        enums = list(ENUM.finditer(text))
        if len(enums) >= 2 and enums[0].group(1) in ("i", "1") and enums[1].group(1) in ("ii", "2"):
            head = text[: enums[0].start()].strip()
            parts = [
                Task(
                    text[m.end() : (enums[k + 1].start() if k + 1 < len(enums) else None)].strip(),
                    f"({m.group(1)})",
                )
                for k, m in enumerate(enums)
            ]
            return parts, intro + [t for t in texts[:i]] + ([head] if head else [])
    return [Task(t) for t in texts], intro


def _enumerated(texts: list[str]) -> tuple[int, list[Task]]:
    """Paragraphs opening "(1) …", "(2) …": one task each, a paragraph after the last going
    on with it; and where the first is (the paragraphs before it lead in)."""
    starts = [i for i, t in enumerate(texts) if LEADING_ENUM.match(t)]
    numbers = [LEADING_ENUM.match(texts[i]).group(1) for i in starts]  # type: ignore[union-attr]
    if len(starts) < 2 or numbers[:2] not in (["1", "2"], ["i", "ii"]):
        return 0, []
    tasks: list[Task] = []
    for text in texts[starts[0] :]:
        if m := LEADING_ENUM.match(text):
            tasks.append(Task(text[m.end() :].strip(), f"({m.group(1)})"))
        else:
            tasks[-1].text += "\n" + text
    return starts[0], tasks


def _child_task(node: Node) -> Task:
    text = " ".join(x for x in (node.heading, node.rest) if x)
    subs = [b.text for b in node.blocks]
    if not text and subs:
        text = subs.pop(0)
    return Task(text, node.number, subs)
