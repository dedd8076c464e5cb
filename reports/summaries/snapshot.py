"""Freezing a summary into a snapshot (its shape: the docstring of this package).

Two steps: `draft_snapshot` copies the secretary's text when the export is asked for
(cheap, in the request); `add_figures` adds the tables when the export runs, their rows
kept as `frozen` says. The renderers read nothing else, so a made export never changes.
"""

import datetime
import re
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.figures.engine import DeadlineFigures, Figures
from reports.filing.slots import STATUS_LABELS
from reports.periods.models import ReportingPeriod
from reports.periods.selectors import period_range_label, periods_between

from . import frozen, levels
from .models import Summary, has_number
from .tally import tally

SNAPSHOT_VERSION = 1
SUB_HEADING = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*)\.\s")


def place_date(place: str, day: datetime.date) -> str:
    """ "Tuy Phước, ngày 05 tháng 01 năm 2022": days before the 10th and the months
    January and February written with two digits, as the Party's rules ask."""
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
    }


def number_line(number: str) -> str:
    """ "Số 45-BC/HU"; a number not given yet ("-BC/HU") leaves room to write it in."""
    number = number.strip()
    return _("Số %(number)s") % {"number": number if has_number(number) else "     " + number}


def paragraphs(text: str) -> list[dict]:
    """One paragraph a non-blank line; "1. …", "2.1. …" or "II. …" is a sub-heading."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [{"text": line, "heading": bool(SUB_HEADING.match(line))} for line in lines if line]


def parts(summary: Summary) -> list[dict]:
    return [
        {"heading": heading, "paragraphs": paragraphs(getattr(summary, name))}
        for heading, name in (
            (_("I. TÌNH HÌNH TRIỂN KHAI"), "situation"),
            (_("II. KẾT QUẢ THỰC HIỆN"), "results"),
            (_("III. KHÓ KHĂN, VƯỚNG MẮC"), "difficulties"),
            (_("IV. KIẾN NGHỊ, ĐỀ XUẤT"), "proposals"),
        )
    ]


def draft_snapshot(summary: Summary) -> dict:
    """The summary's text as it stands now, and the periods it covers."""
    directive = summary.directive
    periods = periods_between(directive, summary.period_from, summary.period_to)
    return {
        "version": SNAPSHOT_VERSION,
        "directive": {"number": directive.number, "subject": directive.subject},
        "period_ids": [p.pk for p in periods],
        "periods": period_range_label(periods),
        "header": {
            "parent_body": summary.parent_body,
            "issuing_body": summary.issuing_body,
            "number": number_line(summary.number),
            "place_date": place_date(summary.place, summary.dated),
            "title": summary.title,
            "subject": " ".join(summary.subject.split()),
        },
        "parts": parts(summary),
        "annex_by": summary.annex_by,
        "recipients": [line.strip() for line in summary.recipients.splitlines() if line.strip()],
        "signature": {
            "on_behalf": summary.signer_on_behalf,
            "title": summary.signer_title,
            "name": summary.signer_name,
        },
        "margins_mm": {
            "top": summary.margin_top,
            "bottom": summary.margin_bottom,
            "left": summary.margin_left,
            "right": summary.margin_right,
        },
    }


def legend() -> dict[str, str]:
    """What each matrix cell's code means: every status a slot shows to the body above
    (never a draft: reports.filing.slots)."""
    return {code: str(label) for code, label in STATUS_LABELS.items() if code != "draft"}


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _annex_row(number, name: str, figures) -> list:
    return [
        number,
        name,
        figures.expected,
        figures.received,
        figures.on_time,
        figures.accepted,
        figures.missing,
        _rate(figures.completeness),
        _rate(figures.timeliness),
    ]


def deadline_columns() -> list[str]:
    """The columns of a table of tasks with a deadline, in the Government Office's terms."""
    return [
        _("STT"),
        _("Đơn vị"),
        _("Được giao"),
        _("Hoàn thành đúng hạn"),
        _("Hoàn thành quá hạn"),
        _("Chưa hoàn thành, trong hạn"),
        _("Chưa hoàn thành, quá hạn"),
        _("Chờ xác nhận"),
        _("Tỷ lệ đúng hạn (%)"),
    ]


def deadline_row(number, name: str, figures) -> list:
    return [
        number,
        name,
        figures.assigned,
        figures.done_on_time,
        figures.done_late,
        figures.open_within,
        figures.open_overdue,
        figures.awaiting,
        _rate(figures.on_time_share),
    ]


def add_figures(
    snapshot: dict,
    *,
    directive,
    today: datetime.date | None = None,
    progress: Callable[[float], None] | None = None,
    format: str = "xlsx",
    keeper: frozen.Inline | frozen.Stream | None = None,
) -> dict:
    """The tables, as the reports stand now, added to a draft snapshot for an export in
    `format`: a workbook's has the matrix and every unit; a document's (DOCX, PDF) has no
    matrix, and its annexes list the units as the secretary chose (`levels.annex`). The
    tables' rows go where `keeper` puts them (`frozen`; by default in the snapshot), each
    made as it is written."""
    keeper = keeper or frozen.Inline()
    report = progress or (lambda _fraction: None)
    periods = list(
        ReportingPeriod.objects.filter(directive=directive, pk__in=snapshot["period_ids"])
    )
    periods.sort(key=lambda p: p.start)
    workbook = format == "xlsx"
    data = tally(directive=directive, periods=periods, today=today, words=False)
    report(0.2)
    snapshot["made_at"] = timezone.localtime().isoformat(timespec="seconds")
    snapshot["matrix"] = {
        "columns": [_("Kỳ báo cáo"), _("Đơn vị"), *[t.code for t in data.tasks]],
        "tasks": [{"code": t.code, "name": " ".join(t.text.split())} for t in data.tasks],
        "legend": legend(),
        "rows": keeper.keep(data.matrix(lambda done: report(0.2 + 0.7 * done)) if workbook else ()),
    }
    # A document's annexes as the secretary chose (levels.annex); a workbook's, every unit.
    by = levels.By.UNIT if workbook else snapshot.get("annex_by", levels.By.AUTO)
    names = {pk: u.name for pk, u in data.units.items()}
    counted = {pk: u.figures for pk, u in data.units.items() if u.figures.expected}
    rows, note = levels.annex(counted, names, by=by, directive=directive, empty=Figures)
    title = (
        _("PHỤ LỤC: TÌNH HÌNH GỬI BÁO CÁO THEO ĐƠN VỊ TRỰC THUỘC (%(periods)s)")
        if note
        else _("PHỤ LỤC: TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ (%(periods)s)")
    )
    snapshot["annex"] = {
        "title": title % {"periods": snapshot["periods"]},
        "columns": [
            _("STT"),
            _("Đơn vị"),
            _("Phải nộp"),
            _("Đã nộp"),
            _("Đúng hạn"),
            _("Đã tiếp nhận"),
            _("Chưa nộp"),
            _("Tỷ lệ đầy đủ (%)"),
            _("Tỷ lệ đúng hạn (%)"),
        ],
        "rows": keeper.keep(
            _annex_row(i, name, figures) for i, (name, figures) in enumerate(rows, 1)
        ),
        "total": _annex_row("", _("Tổng cộng"), data.total),
    }
    if note:
        snapshot["annex"]["note"] = note
    if data.deadlines_total.assigned:
        held = {pk: data.deadlines[pk] for pk in data.units if pk in data.deadlines}
        rows, note = levels.annex(held, names, by=by, directive=directive, empty=DeadlineFigures)
        snapshot["deadlines"] = {
            "title": _("PHỤ LỤC: NHIỆM VỤ CÓ THỜI HẠN (đến ngày %(day)s)")
            % {"day": f"{timezone.localdate():%d/%m/%Y}"},
            "sentence": data.deadlines_total.in_words(),
            "columns": deadline_columns(),
            "rows": keeper.keep(
                deadline_row(i, name, figures) for i, (name, figures) in enumerate(rows, 1)
            ),
            "total": deadline_row("", _("Tổng cộng"), data.deadlines_total),
        }
        if note:
            snapshot["deadlines"]["note"] = note
    snapshot["indicators"] = {
        "columns": [
            _("Nhiệm vụ"),
            _("Chỉ tiêu"),
            _("Đơn vị tính"),
            _("Cách tổng hợp"),
            _("Kết quả"),
            _("Số đơn vị"),
        ],
        "rows": [
            [
                t.indicator.task.code,
                t.indicator.name,
                t.indicator.unit_of_measure,
                str(t.indicator.get_aggregation_display()),
                float(t.value),
                t.units,
            ]
            for t in data.indicators
        ],
    }
    report(1.0)
    return snapshot
