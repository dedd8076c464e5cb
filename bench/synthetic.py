"""A synthetic directive at scale, for `make bench`: N units in a two-level tree and one
group, 9 tasks, 12 monthly periods of 2025, and a report for most (unit, task, period).

Built once per N and reused (the directive number names N). On PostgreSQL the reports
go in through COPY; elsewhere through bulk_create.
"""

import datetime
import random
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from directives.models import Addressee, Assignment, Directive, Section, Task
from directives.services import assignments_sync
from reports.figures.kept import recount
from reports.figures.models import KeptTotals
from reports.filing.models import ProgressReport
from reports.periods.services import periods_generate
from units.models import Unit, UnitGroup, fold

TASKS_PER_SECTION = 3
SECTIONS = 3
DISTRICT_SIZE = 100  # units per district in the tree


def report_status(roll: float) -> str:
    """A filed report's status, by a random roll in [0.08, 1): a few drafts and returns,
    a fifth waiting for review, most accepted."""
    if roll < 0.10:
        return "draft"
    if roll < 0.13:
        return "returned"
    return "submitted" if roll < 0.35 else "accepted"


def number(units: int) -> str:
    return f"BENCH-{units}/TU"


@transaction.atomic
def build(units: int, *, seed: int = 9) -> Directive:
    existing = Directive.objects.filter(number=number(units)).first()
    if existing:
        if existing.periods.filter(figures_kept=False).exists():
            recount(directive_ids=[existing.pk])  # built before the totals were kept
            analyze(KeptTotals)
        return existing
    rng = random.Random(seed)
    province = Unit.objects.create(name=f"Tỉnh ủy thử tải {units}", kind="party_committee")
    districts = Unit.objects.bulk_create(
        Unit(
            name=f"Huyện ủy thử tải {units}-{d}",
            kind="party_committee",
            parent=province,
            search_name=fold(f"Huyện ủy thử tải {units}-{d}"),
        )
        for d in range(units // DISTRICT_SIZE + 1)
    )
    grassroots = Unit.objects.bulk_create(
        (
            Unit(
                name=f"Đảng bộ xã Phước {i} ({units})",
                kind="grassroots_party",
                parent=districts[i // DISTRICT_SIZE],
                search_name=fold(f"Đảng bộ xã Phước {i} ({units})"),
            )
            for i in range(units)
        ),
        batch_size=5000,
    )
    group = UnitGroup.objects.create(name=f"Các tổ chức cơ sở đảng thử tải {units}")
    group.members.add(*grassroots)
    directive = Directive.objects.create(
        number=number(units),
        issued_on=datetime.date(2024, 12, 20),
        place="Thử tải",
        issuer=province,
        subject=f"Chỉ thị thử tải với {units} đơn vị",
        signer_on_behalf="T/M BAN THƯỜNG VỤ",
        signer_title="PHÓ BÍ THƯ",
        signer_name="Người Ký Thử",
        status=Directive.Status.ACTIVE,
        schedule=Directive.Schedule.MONTHLY,
        lock_days=0,
        reporting_ends_on=datetime.date(2025, 12, 31),
    )
    for s in range(1, SECTIONS + 1):
        section = Section.objects.create(
            directive=directive, number=str(s), order=s, heading=f"Mục {s}"
        )
        Addressee.objects.create(section=section, group=group)
        for t in range(1, TASKS_PER_SECTION + 1):
            Task.objects.create(section=section, order=t, text=f"Nhiệm vụ {s}.{t} thử tải.")
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2025, 12, 31))
    _reports(directive, rng)
    recount(directive_ids=[directive.pk])  # the reports went in by COPY, past the signals
    # Statistics, as autovacuum would have them on a database in use: without them the
    # planner takes 50,000 units for nine.
    analyze(Unit, UnitGroup.members.through, Assignment, KeptTotals)
    return directive


def _reports(directive: Directive, rng: random.Random) -> None:
    periods = list(directive.periods.order_by("start"))
    assignment_ids = list(
        Assignment.objects.filter(task__section__directive=directive).values_list("pk", flat=True)
    )
    tz = timezone.get_current_timezone()
    now = timezone.now()
    columns = (
        "assignment_id", "period_id", "assessment", "percent_done", "achievements",
        "difficulties", "proposals", "status", "version", "submitted_at", "created_at",
        "updated_at",
    )  # fmt: skip

    def rows():
        for index, period in enumerate(periods):
            for assignment_id in assignment_ids:
                roll = rng.random()
                if roll < 0.08:
                    continue  # never filed
                status = report_status(roll)
                late_days = rng.randint(1, 9) if roll > 0.9 else -rng.randint(0, 4)
                sent = datetime.datetime.combine(
                    period.due + datetime.timedelta(days=late_days), datetime.time(9), tz
                )
                percent = min(100, 8 * (index + 1) + rng.randint(-10, 15))
                yield (
                    assignment_id, period.pk,
                    "done" if percent >= 100 else "in_progress", max(percent, 0),
                    "Đã triển khai.", "", "", status, 1,
                    None if status == "draft" else sent, now, now,
                )  # fmt: skip

    insert(ProgressReport, columns, rows())
    analyze(ProgressReport)


def insert(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Rows of `columns` into the model's table: through COPY on PostgreSQL, elsewhere
    through bulk_create, 10,000 at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) == 10_000:
            model.objects.bulk_create(batch)
            batch.clear()
    model.objects.bulk_create(batch)


def analyze(*models) -> None:
    """Fresh planner statistics for these tables on PostgreSQL, as autovacuum soon would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
