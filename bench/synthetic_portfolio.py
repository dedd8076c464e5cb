"""A synthetic portfolio for `make bench` (bench/portfolio.py): D directives (default 200)
of 50 tasks each, given to units of a tree of N units (default 5,000), in the configured
database.

- The tree: a province (Tỉnh ủy), 14 provincial bodies (UBND tỉnh, the boards, the
  departments), one district (Huyện ủy) per 110 units, and the grassroots units below the
  districts; two unit groups (the districts, the provincial bodies).
- The directives: issued from 2 January 2025 to a month before today, by the province (30%),
  UBND tỉnh (15%), three boards (20%) or ten districts (35%), of the types each issues, in
  eight fields; about 15% closed (reporting ended at a cutoff in 2026), the rest in force.
  Monthly periods from January 2026 (or the directive's issue) up to today.
- The tasks: 5 sections of 10; 20 reported each period, 20 with a deadline, 10 both,
  shuffled. A deadline is 1 to 15 months after the letter, as letters write it: a quarter,
  a month or a year (its last working day), or a date.
- Who: each section addresses 10 to 30 units (20 on average), so each task goes to as many:
  D × 50 × 20 = 200,000 assignments for 200 directives, the size of a province's
  directives in force over two years. A provincial directive goes mostly to the districts
  and the bodies (60%), the rest to grassroots units; a district's to its own grassroots
  units. One in ten district assignments of a task with a deadline is handed down to 2–4
  of its grassroots units (not counted).
- Periodic reports: for each past period, about 92% of the slots (a task reported until
  done only up to the period it was done in), mostly accepted or submitted, 10% late; in
  the period being reported now, 30% sent early and 8% drafts.
- Tasks with a deadline, per unit: 5% have a deadline of their own, 7% of those due by
  two months from now were granted an extension (Assignment.extended_to, with the granted
  request), 1% of the open ones have an extension pending. Once due: 60% done on time,
  16% late, 6% awaiting confirmation, 3% returned, 15% overdue with nothing sent (closed
  directives: 72%, 22%, 6% overdue). Not yet due: 22% done early, 6% awaiting, 4% a draft
  declaration, the rest within. Done: Assignment.done_on, with the accepted declaration (a
  report with no period) sent that day.

Built once per (D, N) in one transaction and reused (the directives' `place` names D and
N). On PostgreSQL the reports go in through COPY; elsewhere through bulk_create.
"""

import datetime
import random
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from bench.synthetic import analyze, insert, report_status
from directives.models import Addressee, Assignment, Directive, Role, Section, Task
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.periods.models import ReportingPeriod
from reports.periods.services import periods_generate
from units.models import Unit, UnitGroup, fold
from workdays import calendar as workdays

SECTIONS = 5
TASKS_PER_SECTION = 10
KINDS = ["ongoing"] * 20 + ["deadline"] * 20 + ["both"] * 10  # of each directive's 50
UNITS_PER_SECTION = (10, 30)
DISTRICT_SIZE = 110  # units per district in the tree
ISSUED_FROM = datetime.date(2025, 1, 2)
REPORTING_FROM = datetime.date(2026, 1, 1)  # the monthly periods of 2026
BODIES = [
    ("UBND tỉnh", "government", "UBND"),
    ("Ban Tuyên giáo Tỉnh ủy", "party_board", "BTGTU"),
    ("Ban Tổ chức Tỉnh ủy", "party_board", "BTCTU"),
    ("Ban Dân vận Tỉnh ủy", "party_board", "BDVTU"),
    ("Ban Nội chính Tỉnh ủy", "party_board", "BNCTU"),
    ("Ủy ban Kiểm tra Tỉnh ủy", "party_board", "UBKTTU"),
    ("Ủy ban MTTQ Việt Nam tỉnh", "front", "MTTQ"),
    ("Công an tỉnh", "police", "CAT"),
    ("Bộ Chỉ huy Quân sự tỉnh", "police", "BCHQS"),
    ("Sở Tài chính", "agency", "STC"),
    ("Sở Nội vụ", "agency", "SNV"),
    ("Sở Giáo dục và Đào tạo", "agency", "SGDĐT"),
    ("Sở Y tế", "agency", "SYT"),
    ("Tỉnh đoàn", "mass_org", "TĐTN"),
]
DocType = Directive.DocType
CODES = {
    DocType.CHI_THI: "CT",
    DocType.NGHI_QUYET: "NQ",
    DocType.KET_LUAN: "KL",
    DocType.KE_HOACH: "KH",
    DocType.THONG_BAO: "TB",
    DocType.CONG_VAN: "CV",
    DocType.QUYET_DINH: "QĐ",
    DocType.DE_AN: "ĐA",
}
TYPES_OF = {  # what each kind of issuer writes
    "province": ["chi_thi", "nghi_quyet", "ket_luan", "ke_hoach", "thong_bao", "cong_van"],
    "government": ["quyet_dinh", "ke_hoach", "cong_van", "de_an"],
    "board": ["ke_hoach", "cong_van", "thong_bao"],
    "district": ["chi_thi", "ke_hoach", "cong_van", "nghi_quyet"],
}
TOPICS = [
    "Xây dựng Đảng",
    "Tuyên giáo",
    "Dân vận",
    "Nội chính",
    "Kinh tế",
    "Văn hóa - Xã hội",
    "Quốc phòng - An ninh",
    "Chuyển đổi số",
]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def place(directives: int, units: int) -> str:
    """What marks the portfolio of this size (the directives' `place`)."""
    return f"Thử tải danh mục {directives}×{units}"


@dataclass
class _Tree:
    root: Unit
    bodies: list[Unit]
    districts: list[Unit]
    below: dict[int, list[int]]  # a district's id: its grassroots units' ids
    grassroots: list[int]


@dataclass
class _Letter:
    """What the reports of one directive depend on."""

    directive: Directive
    closed: bool
    periods: list[ReportingPeriod] = field(default_factory=list)


@transaction.atomic
def build(directives: int = 200, units: int = 5000, *, seed: int = 14, today=None) -> list:
    """The portfolio's directives (built the first time)."""
    marker = place(directives, units)
    existing = list(Directive.objects.filter(place=marker).order_by("pk"))
    if existing:
        return existing
    rng = random.Random(seed)
    today = today or timezone.localdate()
    exceptions = workdays.exceptions()
    label = f"{directives}×{units}"
    tree = _tree(units, label)
    letters = _directives(directives, marker, label, tree, rng, today)
    tasks = _tasks(letters, rng, exceptions)
    assignments = _assignments(letters, tasks, tree, rng, today)
    insert(ProgressReport, REPORT_COLUMNS, _periodic_reports(assignments, rng, today))
    insert(ProgressReport, REPORT_COLUMNS, _declarations(assignments))
    insert(ExtensionRequest, EXTENSION_COLUMNS, _extensions(assignments, rng, today))
    analyze(Unit, Directive, Section, Task, Assignment, ReportingPeriod, ProgressReport)
    analyze(ExtensionRequest)
    return [letter.directive for letter in letters]


def _units(names: list[tuple[str, str]], parent: Unit | None) -> list[Unit]:
    return Unit.objects.bulk_create(
        (Unit(name=n, kind=k, parent=parent, search_name=fold(n)) for n, k in names),
        batch_size=5000,
    )


def _tree(units: int, label: str) -> _Tree:
    root = Unit.objects.create(name=f"Tỉnh ủy thử tải {label}", kind="party_committee")
    bodies = _units([(f"{n} thử tải {label}", k) for n, k, _code in BODIES], root)
    count = max(1, units // DISTRICT_SIZE)
    districts = _units(
        [(f"Huyện ủy thử tải {d + 1} ({label})", "party_committee") for d in range(count)], root
    )
    rest = max(0, units - 1 - len(bodies) - count)
    grassroots = []
    for d, district in enumerate(districts):
        share = rest // count + (d < rest % count)
        names = [(f"Đảng bộ xã {i + 1}, huyện {d + 1} ({label})", "grassroots_party")
                 for i in range(share)]  # fmt: skip
        grassroots.append(_units(names, district))
    districts_group = UnitGroup.objects.create(name=f"Các huyện ủy thử tải {label}")
    districts_group.members.add(*districts)
    bodies_group = UnitGroup.objects.create(name=f"Các ban, sở, ngành tỉnh thử tải {label}")
    bodies_group.members.add(*bodies)
    return _Tree(
        root,
        bodies,
        districts,
        {d.pk: [u.pk for u in below] for d, below in zip(districts, grassroots, strict=True)},
        [u.pk for below in grassroots for u in below],
    )


def _issuer(tree: _Tree, rng: random.Random) -> tuple[Unit, str, str]:
    """Who issues a directive: (the unit, what kind of issuer, its code in the number)."""
    roll = rng.random()
    if roll < 0.30:
        return tree.root, "province", "TU"
    if roll < 0.45:
        return tree.bodies[0], "government", "UBND"
    if roll < 0.65:
        board = rng.randint(1, min(3, len(tree.bodies) - 1))
        return tree.bodies[board], "board", BODIES[board][2]
    district = rng.randrange(min(10, len(tree.districts)))
    return tree.districts[district], "district", f"HU{district + 1}"


def _directives(count: int, marker: str, label: str, tree: _Tree, rng, today) -> list[_Letter]:
    last_issue = today - datetime.timedelta(days=30)
    letters = []
    for seq in range(1, count + 1):
        issuer, kind, code = _issuer(tree, rng)
        doc_type = rng.choice(TYPES_OF[kind])
        issued = ISSUED_FROM + datetime.timedelta(rng.randint(0, (last_issue - ISSUED_FROM).days))
        topic = rng.choice(TOPICS)
        # Some ended: reporting stopped at a cutoff in 2026, at least six months after.
        ends = [
            datetime.date(REPORTING_FROM.year, m, 14)
            for m in range(2, 11)
            if datetime.date(REPORTING_FROM.year, m, 14) >= issued + datetime.timedelta(180)
            and datetime.date(REPORTING_FROM.year, m, 14) < today
        ]
        closed = bool(ends) and rng.random() < 0.2
        directive = Directive(
            number=f"{seq}-{CODES[doc_type]}/{code}-{label.replace('×', 'x')}",
            doc_type=doc_type,
            issued_on=issued,
            place=marker,
            issuer=issuer,
            issuing_authority=f"Ban Thường vụ {issuer.name}" if kind != "government" else "",
            subject=f"{DocType(doc_type).label} về tăng cường công tác {topic.lower()} "
            f"giai đoạn {issued.year}–{issued.year + 2} (thử tải)",
            status=Directive.Status.CLOSED if closed else Directive.Status.ACTIVE,
            schedule=Directive.Schedule.MONTHLY,
            reporting_starts_on=max(REPORTING_FROM, issued + datetime.timedelta(1)),
            reporting_ends_on=rng.choice(ends) if closed else None,
            topic=topic,
        )
        letters.append(_Letter(directive, closed))
    Directive.objects.bulk_create([letter.directive for letter in letters])
    for letter in letters:
        periods_generate(directive=letter.directive, until=today)
        letter.periods = list(letter.directive.periods.order_by("start"))
    return letters


def _deadline(issued: datetime.date, rng, exceptions) -> tuple[datetime.date, str]:
    """A task's deadline 1 to 15 months after the letter, and the letter's words."""
    target = issued + relativedelta(months=rng.randint(1, 15), days=rng.randint(0, 27))
    style = rng.random()
    if style < 0.35:
        quarter = (target.month - 1) // 3 + 1
        end = datetime.date(target.year, 3 * quarter, 1) + relativedelta(months=1, days=-1)
        words = f"trong quý {ROMAN[quarter]}/{target.year}"
    elif style < 0.65:
        end = target.replace(day=1) + relativedelta(months=1, days=-1)
        words = f"trong tháng {target.month}/{target.year}"
    elif style < 0.95:
        return target, f"trước ngày {target:%d/%m/%Y}"
    else:
        end, words = datetime.date(target.year, 12, 31), f"trong năm {target.year}"
    return workdays.last_working_day(end, exceptions), words


def _tasks(letters: list[_Letter], rng, exceptions) -> dict[int, list[Task]]:
    """Each section's tasks, by section id (the sections are made here)."""
    sections = []
    for letter in letters:
        sections += [
            Section(directive=letter.directive, number=str(s), order=s, heading=f"Mục {s}")
            for s in range(1, SECTIONS + 1)
        ]
    Section.objects.bulk_create(sections)
    by_directive = {letter.directive.pk: letter for letter in letters}
    tasks = []
    for at, section in enumerate(sections):
        if at % SECTIONS == 0:
            kinds = rng.sample(KINDS, len(KINDS))
        issued = by_directive[section.directive_id].directive.issued_on
        for t in range(1, TASKS_PER_SECTION + 1):
            kind = kinds[(at % SECTIONS) * TASKS_PER_SECTION + t - 1]
            deadline, words = (None, "")
            if kind != Task.Kind.ONGOING:
                deadline, words = _deadline(issued, rng, exceptions)
            text = f"Nhiệm vụ {section.number}.{t} thử tải" + (
                f", hoàn thành {words}" if words else ""
            )
            tasks.append(
                Task(
                    section=section,
                    order=t,
                    text=text + ".",
                    kind=kind,
                    deadline=deadline,
                    deadline_words=words,
                )
            )
    Task.objects.bulk_create(tasks, batch_size=5000)
    by_section: dict[int, list[Task]] = {}
    for task in tasks:
        by_section.setdefault(task.section_id, []).append(task)
    return by_section


@dataclass
class _Given:
    """An assignment, as the reports are made from it."""

    pk: int
    letter: _Letter
    kind: str
    due_by: datetime.date | None
    extended_to: datetime.date | None
    done_on: datetime.date | None
    declared: tuple[str, datetime.date | None] | None  # the declaration: (status, sent on)
    pending_extension: bool


def _addressed(letter: _Letter, tree: _Tree, rng) -> list[int]:
    """The units one section addresses."""
    issuer = letter.directive.issuer
    wanted = rng.randint(*UNITS_PER_SECTION)
    if issuer.pk in tree.below:  # a district: its own grassroots units
        below = tree.below[issuer.pk]
        return rng.sample(below, min(wanted, len(below)))
    upper = [u.pk for u in (*tree.bodies, *tree.districts) if u.pk != issuer.pk]
    chosen = rng.sample(upper, min(len(upper), round(0.6 * wanted)))
    return chosen + rng.sample(tree.grassroots, min(len(tree.grassroots), wanted - len(chosen)))


def _outcome(due: datetime.date, letter: _Letter, rng, today):
    """A task with a deadline, for one unit: (done on, its declaration (status, sent on))."""
    issued = letter.directive.issued_on
    start = issued + datetime.timedelta(7)  # nothing is done in the letter's first week
    roll = rng.random()

    def between(first, last):
        first = min(first, last)
        return first + datetime.timedelta(rng.randint(0, (last - first).days))

    if due < today:
        if letter.closed:
            on_time, late, awaiting, returned = 0.72, 0.94, 0.94, 0.94
        else:
            on_time, late, awaiting, returned = 0.60, 0.76, 0.82, 0.85
        if roll < on_time:
            done = between(max(start, due - datetime.timedelta(40)), due)
        elif roll < late:
            done = min(today, due + datetime.timedelta(rng.randint(1, 75)))
        elif roll < awaiting:
            return None, ("submitted", between(max(start, today - datetime.timedelta(25)), today))
        elif roll < returned:
            return None, ("returned", between(max(start, today - datetime.timedelta(40)), today))
        else:
            return None, None
        return done, ("accepted", done)
    if roll < 0.22:
        done = between(max(start, today - datetime.timedelta(150)), today)
        return done, ("accepted", done)
    if roll < 0.28:
        return None, ("submitted", between(max(start, today - datetime.timedelta(25)), today))
    if roll < 0.32:
        return None, ("draft", None)
    return None, None


def _assignments(letters, tasks, tree: _Tree, rng, today) -> list[_Given]:
    given: list[_Given] = []
    by_directive = {letter.directive.pk: letter for letter in letters}
    sections = Section.objects.filter(directive__in=[letter.directive for letter in letters])
    addressees, made, handed_down = [], [], []

    def save() -> None:
        Assignment.objects.bulk_create([assignment for assignment, _fact in made])
        for assignment, fact in made:
            fact.pk = assignment.pk
            if fact.due_by and assignment.unit_id in tree.below and rng.random() < 0.1:
                handed_down.extend(_hand_down(assignment, fact, tree, rng))
            given.append(fact)
        made.clear()

    for section in sections.order_by("pk"):
        letter = by_directive[section.directive_id]
        units = _addressed(letter, tree, rng)
        roles = {u: Role.SUPPORT if rng.random() < 0.2 else Role.LEAD for u in units}
        addressees += [Addressee(section=section, unit_id=u, role=r) for u, r in roles.items()]
        for task in tasks[section.pk]:
            for unit in units:
                assignment = Assignment(task=task, unit_id=unit, role=roles[unit])
                fact = _Given(0, letter, task.kind, None, None, None, None, False)
                if task.kind != Task.Kind.ONGOING:
                    _deadline_facts(assignment, fact, task, letter, rng, today)
                made.append((assignment, fact))
        if len(made) >= 5000:
            save()
    save()
    Addressee.objects.bulk_create(addressees, batch_size=5000)
    Assignment.objects.bulk_create(handed_down, batch_size=5000)
    return given


def _hand_down(assignment: Assignment, fact: _Given, tree: _Tree, rng):
    """A district hands a task with a deadline down to 2-4 of its grassroots units, each
    with an earlier deadline of its own."""
    below = tree.below[assignment.unit_id]
    issued = fact.letter.directive.issued_on
    for unit in rng.sample(below, min(len(below), rng.randint(2, 4))):
        own = max(
            issued + datetime.timedelta(10), fact.due_by - datetime.timedelta(rng.randint(7, 30))
        )
        yield Assignment(
            task_id=assignment.task_id,
            unit_id=unit,
            parent=assignment,
            deadline=own,
            done_on=fact.done_on and min(fact.done_on, own),
        )


def _deadline_facts(assignment: Assignment, fact: _Given, task: Task, letter, rng, today):
    """A unit's own deadline, an extension, and how far it has got."""
    issued = letter.directive.issued_on
    due_by = task.deadline
    if rng.random() < 0.05:
        shift = rng.choice((-1, 1)) * rng.randint(15, 45)
        assignment.deadline = max(
            issued + datetime.timedelta(15), due_by + datetime.timedelta(shift)
        )
        due_by = assignment.deadline
    due = due_by
    if due_by < today + datetime.timedelta(60) and rng.random() < 0.07:
        assignment.extended_to = due = due_by + datetime.timedelta(rng.randint(15, 90))
    done_on, declared = _outcome(due, letter, rng, today)
    assignment.done_on = done_on
    fact.due_by, fact.extended_to, fact.done_on, fact.declared = (
        due_by,
        assignment.extended_to,
        done_on,
        declared,
    )
    fact.pending_extension = done_on is None and not assignment.extended_to and rng.random() < 0.01


REPORT_COLUMNS = (
    "assignment_id", "period_id", "assessment", "percent_done", "achievements",
    "difficulties", "proposals", "status", "version", "submitted_at", "created_at",
    "updated_at",
)  # fmt: skip


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), timezone.get_default_timezone())


def _periodic_reports(assignments: list[_Given], rng, today):
    """Each slot's progress report: most of the past ones, a few of the period now."""
    now = timezone.now()
    for fact in assignments:
        if fact.kind == Task.Kind.DEADLINE:
            continue
        for index, period in enumerate(fact.letter.periods):
            if fact.done_on is not None and fact.done_on < period.start:
                break  # reported until done (directives.models.reports_in)
            roll = rng.random()
            percent = max(0, min(100, 8 * (index + 1) + rng.randint(-10, 15)))
            if period.due < today:
                if roll < 0.08:
                    continue  # never filed
                status = report_status(roll)
                late = rng.randint(1, 9) if roll > 0.9 else -rng.randint(0, 4)
                sent = _at(
                    min(today - datetime.timedelta(1), period.due + datetime.timedelta(late))
                )
            else:  # the period being reported now: a few early ones
                if roll >= 0.38:
                    continue
                status = "draft" if roll < 0.08 else "submitted"
                sent = _at(max(period.start, today - datetime.timedelta(rng.randint(1, 6))))
            yield (
                fact.pk, period.pk, "done" if percent >= 100 else "in_progress", percent,
                "Đã triển khai.", "", "", status, 1,
                None if status == "draft" else sent, now, now,
            )  # fmt: skip


def _declarations(assignments: list[_Given]):
    """The declarations that a task with a deadline is done (reports with no period)."""
    now = timezone.now()
    for fact in assignments:
        if fact.declared is None:
            continue
        status, sent_on = fact.declared
        yield (
            fact.pk, None, "done", 100, "Đã hoàn thành nhiệm vụ.", "", "", status, 1,
            None if sent_on is None else _at(sent_on, 10), now, now,
        )  # fmt: skip


EXTENSION_COLUMNS = (
    "assignment_id", "period_id", "new_due", "reason", "requested_at", "status",
    "decided_at", "decision_note",
)  # fmt: skip


def _extensions(assignments: list[_Given], rng, today):
    """The granted request behind each extended deadline, and the pending ones."""
    for fact in assignments:
        if fact.extended_to:
            asked = min(today, fact.due_by) - datetime.timedelta(rng.randint(3, 20))
            yield (
                fact.pk, None, fact.extended_to, "Cần thêm thời gian.", _at(asked, 8),
                "granted", _at(asked + datetime.timedelta(2), 15), "Đồng ý.",
            )  # fmt: skip
        elif fact.pending_extension:
            asked = today - datetime.timedelta(rng.randint(1, 10))
            yield (
                fact.pk, None, max(today, fact.due_by) + datetime.timedelta(30),
                "Cần thêm thời gian.", _at(asked, 8), "pending", None, "",
            )  # fmt: skip
