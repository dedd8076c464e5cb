"""The 2025 reorganisation, as a demo: a plan of the province in force across 1/7/2025,
reported each quarter by the Party committees of Tuy Phước's communes, and the real
arrangement of those communes and of the province, applied on 1/7/2025.

The arrangement (reported by Báo Gia Lai and VietnamPlus in June–August 2025):

- Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về việc sắp xếp đơn vị hành
  chính cấp tỉnh: tỉnh Bình Định and tỉnh Gia Lai become tỉnh Gia Lai, its
  political–administrative centre at Quy Nhơn; the new authorities work from 1/7/2025,
  when the district level ends.
- Nghị quyết số 1664/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội về việc
  sắp xếp các đơn vị hành chính cấp xã của tỉnh Gia Lai năm 2025 (135 units: 110 xã, 25
  phường). Huyện Tuy Phước's thirteen become four communes (COMMUNES_2025):
  xã Tuy Phước ← thị trấn Tuy Phước, thị trấn Diêu Trì, xã Phước Lộc, Phước Thuận,
  Phước Nghĩa; xã Tuy Phước Đông ← Phước Sơn, Phước Hòa, Phước Thắng; xã Tuy Phước Tây ←
  Phước Thành, Phước An; xã Tuy Phước Bắc ← Phước Hiệp, Phước Hưng, Phước Quang.
- The Party followed: the Party committees of the new communes were established on
  1/7/2025 from those of the former communes, directly under the province's.

The plan itself (PLAN_NUMBER) is made up for the demo, as are its reports; it says so in
its text. `load_plan_2025` loads it with the first half year's reports (the visitor may
apply the arrangement at /quan-ly/sap-xep/); `apply_2025` applies the whole arrangement,
as `manage.py load_demo --sap-xep-2025` does.
"""

import datetime
import random
import zoneinfo

from directives.models import Addressee, Assignment, Directive, Role, Section, Task
from directives.services import directive_publish
from reorganisations import plans
from reorganisations.models import Reorganisation
from reorganisations.services import reorganisation_apply
from reports.filing import services
from reports.periods.services import periods_generate
from units.models import Unit

from . import data

D = datetime.date
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
EFFECTIVE = D(2025, 7, 1)
PROVINCE_ACT = ("Nghị quyết số 202/2025/QH15", D(2025, 6, 12))
COMMUNE_ACT = ("Nghị quyết số 1664/NQ-UBTVQH15", D(2025, 6, 16))
NEW_PROVINCE = "Đảng bộ tỉnh Gia Lai"
OLD_GIA_LAI = "Đảng bộ tỉnh Gia Lai (trước sắp xếp)"
COMMUNES_2025 = {
    "Đảng bộ xã Tuy Phước": [
        "thị trấn Tuy Phước", "thị trấn Diêu Trì", "xã Phước Lộc", "xã Phước Thuận",
        "xã Phước Nghĩa",
    ],
    "Đảng bộ xã Tuy Phước Đông": ["xã Phước Sơn", "xã Phước Hòa", "xã Phước Thắng"],
    "Đảng bộ xã Tuy Phước Tây": ["xã Phước Thành", "xã Phước An"],
    "Đảng bộ xã Tuy Phước Bắc": ["xã Phước Hiệp", "xã Phước Hưng", "xã Phước Quang"],
}  # fmt: skip

PLAN_NUMBER = "99-KH/TU"
PLAN_SUBJECT = "tuyên truyền việc sắp xếp tổ chức bộ máy và đơn vị hành chính năm 2025"
PLAN_BODY = (
    "(Văn bản minh họa của bản demo, không phải văn bản thật.)\n\n"
    "Các đảng bộ xã, thị trấn tuyên truyền chủ trương sắp xếp đơn vị hành chính, nắm tình "
    "hình dư luận và báo cáo kết quả hằng quý về Ban Tuyên giáo Tỉnh ủy."
)
PLAN_TASKS = [
    "Tuyên truyền chủ trương sắp xếp đơn vị hành chính đến cán bộ, đảng viên và nhân dân.",
    "Nắm tình hình tư tưởng, dư luận xã hội; kịp thời báo cáo vấn đề phát sinh.",
]
PLAN_DEADLINE_TASK = "Tổng kết công tác tuyên truyền năm 2025, hoàn thành trước ngày 15/12/2025."


def load_plan_2025(units: dict[str, Unit], reviewer) -> Directive:
    """The province's plan, to the communes' Party committees, reported each quarter of
    2025, with the first half year's reports filed (loading twice changes nothing)."""
    directive, _ = Directive.objects.update_or_create(
        number=PLAN_NUMBER,
        defaults={
            "doc_type": Directive.DocType.KE_HOACH,
            "issued_on": D(2025, 1, 6),
            "place": "Quy Nhơn",
            "issuer": units[data.PROVINCE],
            "issuing_authority": "Ban Thường vụ Tỉnh ủy",
            "signer_on_behalf": "T/M BAN THƯỜNG VỤ",
            "signer_title": "PHÓ BÍ THƯ",
            "signer_name": "(minh họa)",
            "subject": PLAN_SUBJECT,
            "recipients": ["Các đảng bộ xã, thị trấn huyện Tuy Phước"],
            "cc": ["Lưu VT"],
            "body": PLAN_BODY,
            "schedule": Directive.Schedule.QUARTERLY,
            "lock_days": 0,
            "reporting_starts_on": D(2025, 1, 1),
            "reporting_ends_on": D(2025, 12, 31),
        },
    )
    section, _ = Section.objects.update_or_create(
        directive=directive, number="1", defaults={"order": 1, "heading": "Nhiệm vụ"}
    )
    for order, text in enumerate(PLAN_TASKS, start=1):
        Task.objects.update_or_create(section=section, order=order, defaults={"text": text})
    Task.objects.update_or_create(
        section=section,
        order=len(PLAN_TASKS) + 1,
        defaults={
            "text": PLAN_DEADLINE_TASK,
            "kind": Task.Kind.DEADLINE,
            "deadline": D(2025, 12, 15),
        },
    )
    Unit.objects.get_or_create(name=OLD_GIA_LAI, defaults={"kind": Unit.Kind.PARTY_COMMITTEE})
    for commune in data.COMMUNES:
        unit = units[f"Đảng bộ {commune}"]
        Addressee.objects.get_or_create(section=section, unit=unit, defaults={"role": Role.LEAD})
    directive_publish(directive=directive)
    periods_generate(directive=directive)
    _file_first_half(directive, reviewer)
    return directive


def _file_first_half(directive: Directive, reviewer) -> None:
    """Q1 and Q2/2025 (every period wholly before the act): most communes report, a few
    late, some not at all; the reviewer accepts most."""
    rng = random.Random(2025)
    before = directive.periods.filter(cutoff__lt=EFFECTIVE).order_by("start")
    communes = [f"Đảng bộ {c}" for c in data.COMMUNES]
    assignments = (
        Assignment.objects.filter(task__section__directive=directive, unit__name__in=communes)
        .exclude(task__kind=Task.Kind.DEADLINE)
        .select_related("unit", "task")
        .order_by("pk")
    )
    for period in before:
        for assignment in assignments:
            # Every number drawn first, so that a second load walks the same sequence.
            roll, days, meetings = rng.random(), rng.randint(0, 4), rng.randint(2, 9)
            if roll < 0.1 or assignment.reports.filter(period=period).exists():
                continue
            late = roll > 0.85
            sent = datetime.datetime.combine(
                period.due + datetime.timedelta(days=days + 1 if late else -days),
                datetime.time(9),
                tzinfo=VN,
            )
            words = {
                "achievements": f"Tổ chức {meetings} buổi tuyên truyền về sắp xếp đơn vị hành "
                "chính tại các thôn, khu phố.",
                "percent_done": 25 * (1 + (period.cutoff.month - 1) // 3),
            }
            report = services.report_save_draft(
                assignment=assignment, period=period, by=None, data=words, at=sent
            )
            services.report_submit(report=report, by=None, at=sent)
            if roll < 0.7:
                later = sent + datetime.timedelta(days=2)
                services.report_accept(report=report, by=reviewer, at=later)


def province_plan() -> plans.Plan:
    """The two provinces' Party committees into the new tỉnh Gia Lai's: the units below
    the Bình Định committee (Huyện ủy Tuy Phước among them) follow it."""
    units = {u.name: u for u in Unit.objects.filter(valid_to__isnull=True)}
    basis, day = PROVINCE_ACT
    new = plans.NewUnit(NEW_PROVINCE, kind=Unit.Kind.PARTY_COMMITTEE, parent=None)
    return plans.merge(
        sources=[units[data.PROVINCE], units[OLD_GIA_LAI]],
        new=new,
        basis=basis,
        basis_date=day,
        effective=EFFECTIVE,
    )


def commune_plans(province: Unit) -> list[plans.Plan]:
    """Each new commune's Party committee from its former ones, directly under the new
    province's (the district level ends)."""
    units = {u.name: u for u in Unit.objects.filter(valid_to__isnull=True)}
    basis, day = COMMUNE_ACT
    act = {"basis": basis, "basis_date": day, "effective": EFFECTIVE}
    return [
        plans.merge(
            sources=[units[f"Đảng bộ {old}"] for old in olds],
            new=plans.NewUnit(name, kind=Unit.Kind.GRASSROOTS_PARTY, parent=province),
            **act,
        )
        for name, olds in COMMUNES_2025.items()
    ]


def apply_2025(by) -> list[Reorganisation]:
    """Apply the arrangement once (again: nothing), as `by` (a reviewer): the province's
    act first, as the communes' new parent is the unit it opens."""
    if Reorganisation.objects.filter(basis=COMMUNE_ACT[0], undone_at__isnull=True).exists():
        return []
    done = [reorganisation_apply(by=by, plan=province_plan())]
    province = done[0].results.get()
    done += [reorganisation_apply(by=by, plan=plan) for plan in commune_plans(province)]
    return done
