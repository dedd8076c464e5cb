"""A summary across directives: "Báo cáo kết quả thực hiện các nhiệm vụ được giao, quý
IV/2026", the tasks with a deadline due in a year or a quarter of every directive of a
slice (reports.figures.portfolio.Slice), in the Government Office's terms. It is a
snapshot of the same shape as a directive's summary (this package's docstring), so the
three renderers print it: the figures in words, each directive's, the tasks overdue, and
an annex of the directives.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.figures import engine
from reports.figures.engine import DeadlineFigures
from reports.figures.portfolio import Slice

from .compose import cited
from .snapshot import SNAPSHOT_VERSION, deadline_columns, deadline_row, place_date

OVERDUE_LISTED = 50


def span_label(slice: Slice) -> str:
    """ "quý IV/2026", "năm 2026", or "" (every due date)."""
    if not slice.year:
        return ""
    if slice.quarter:
        roman = {1: "I", 2: "II", 3: "III", 4: "IV"}[slice.quarter]
        return _("quý %(q)s/%(y)s") % {"q": roman, "y": slice.year}
    return _("năm %(y)s") % {"y": slice.year}


def portfolio_snapshot(*, slice: Slice, today: datetime.date | None = None) -> dict:
    """The summary of the slice's tasks with a deadline, as they stand `today`."""
    today = today or timezone.localdate()
    span = span_label(slice)
    directives = {d.pk: d for d in slice.directives().select_related("issuer")}
    per_directive = slice.count(by=("directive",), today=today)
    total = DeadlineFigures()
    for figures in per_directive.values():
        total.add(figures)
    listed = sorted(
        (directives[d] for (d,) in per_directive if d in directives),
        key=lambda d: (d.issued_on, d.number),
    )
    overdue = (
        engine.deadline_list(
            "open_overdue",
            assignments=slice.assignments(),
            due_between=slice.due_between,
            today=today,
        )
        .select_related("unit", "task__section__directive")
        .order_by("effective_due", "unit__name", "pk")
    )
    overdue_count = overdue.count()
    # In lower case after "BÁO CÁO", as a directive's summary (compose).
    subject = _("kết quả thực hiện các nhiệm vụ được giao") + (f", {span}" if span else "")
    issuer = slice.issuer.name.upper() if slice.issuer else ""
    return {
        "version": SNAPSHOT_VERSION,
        "made_at": timezone.localtime().isoformat(timespec="seconds"),
        "directive": {},
        "period_ids": [],
        "periods": span,
        "header": {
            "parent_body": "",
            "issuing_body": issuer,
            "number": _("Số     "),
            "place_date": place_date("", today).removeprefix(", "),
            "title": _("BÁO CÁO"),
            "subject": subject,
        },
        "parts": [
            {
                "heading": _("I. TÌNH HÌNH CHUNG"),
                "paragraphs": [
                    {
                        "text": _(
                            "Tính đến ngày %(day)s, %(count)s văn bản chỉ đạo có nhiệm vụ có "
                            "thời hạn%(span)s: %(figures)s."
                        )
                        % {
                            "day": f"{today:%d/%m/%Y}",
                            "count": len(listed),
                            "span": _(" đến hạn trong %(span)s") % {"span": span} if span else "",
                            "figures": total.in_words(),
                        },
                        "heading": False,
                    }
                ],
            },
            {
                "heading": _("II. KẾT QUẢ THEO TỪNG VĂN BẢN"),
                "paragraphs": [
                    {
                        "text": f"- {cited(d, by=d.issuer.name)}: "
                        f"{per_directive[(d.pk,)].in_words()}.",
                        "heading": False,
                    }
                    for d in listed
                ],
            },
            {
                "heading": _("III. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH"),
                "paragraphs": [
                    {
                        "text": _(
                            "- %(unit)s: nhiệm vụ %(code)s (%(number)s), hạn %(due)s, quá hạn "
                            "%(days)s ngày."
                        )
                        % {
                            "unit": a.unit.name,
                            "code": a.task.code,
                            "number": a.task.section.directive.number,
                            "due": f"{a.effective_due:%d/%m/%Y}",
                            "days": (today - a.effective_due).days,
                        },
                        "heading": False,
                    }
                    for a in overdue[:OVERDUE_LISTED]
                ]
                + (
                    [
                        {
                            "text": _("… và %(count)s nhiệm vụ khác.")
                            % {"count": overdue_count - OVERDUE_LISTED},
                            "heading": False,
                        }
                    ]
                    if overdue_count > OVERDUE_LISTED
                    else []
                )
                or [{"text": _("Không có nhiệm vụ nào quá hạn."), "heading": False}],
            },
        ],
        "recipients": [],
        "signature": {"on_behalf": "", "title": "", "name": ""},
        "margins_mm": {"top": 20, "bottom": 20, "left": 30, "right": 15},
        "annex": {
            "title": _("PHỤ LỤC: NHIỆM VỤ CÓ THỜI HẠN THEO VĂN BẢN")
            + (f" ({span.upper()})" if span else ""),
            "columns": [_("STT"), _("Văn bản"), *deadline_columns()[2:]],
            "rows": [
                deadline_row(i, f"{d.number} ({d.issuer.name})", per_directive[(d.pk,)])
                for i, d in enumerate(listed, start=1)
            ],
            "total": deadline_row("", _("Tổng cộng"), total),
        },
        "matrix": {"columns": [], "tasks": [], "legend": {}, "rows": []},
        "indicators": {"columns": [], "rows": []},
    }
