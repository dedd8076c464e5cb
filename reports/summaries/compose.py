"""A summary's draft: the first one written from the filed reports (the header from the
directive and its issuer, parts I–IV from the tally), then the secretary's edits, saved
with a version so two people editing one draft do not overwrite each other. Plain text,
one paragraph a line; a line like "1. …" is a sub-heading.

Dates in the text are written as official letters cite them ("ngày 25/8/2021").
"""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from directives.models import Directive
from reports.filing.models import ProgressReport
from reports.periods.models import ReportingPeriod
from reports.periods.selectors import periods_between

from .models import Summary
from .tally import Tally, tally

QUOTES_PER_PART = 200  # units quoted by name in a part; the rest are counted
MISSING_LISTED = 30
QUOTE_CHARS = 1500


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "j/n/Y")


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _percent(value: float | None) -> str:
    return formats.number_format(value or 0, 1)


def _cited(directive: Directive) -> str:
    """ "Công văn số 136-CV/HU ngày 25/8/2021 của Ban Thường vụ Huyện ủy" """
    text = _("%(type)s số %(number)s ngày %(date)s") % {
        "type": directive.get_doc_type_display(),
        "number": directive.number,
        "date": _date(directive.issued_on),
    }
    if directive.issuing_authority:
        text += " " + _("của %(authority)s") % {"authority": directive.issuing_authority}
    return text


def _lower_first(text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    return text[:1].lower() + text[1:]


def _situation(data: Tally) -> str:
    directive, total = data.directive, data.total
    lines = [
        _(
            "Thực hiện %(cited)s về %(subject)s, các cơ quan, đơn vị được giao nhiệm vụ "
            "đã triển khai thực hiện và báo cáo định kỳ theo yêu cầu."
        )
        % {"cited": _cited(directive), "subject": _lower_first(directive.subject)},
        _(
            "Trong %(periods)s, có %(received)s/%(expected)s báo cáo phải nộp đã được gửi "
            "(đạt %(completeness)s%%), trong đó %(on_time)s báo cáo gửi đúng hạn "
            "(đạt %(timeliness)s%%); %(accepted)s báo cáo đã được tiếp nhận."
        )
        % {
            # Mid-sentence, "Tháng 9/2021" is "tháng 9/2021".
            "periods": _("kỳ %(label)s") % {"label": _lower_first(data.periods[0].label)}
            if len(data.periods) == 1
            else _("các kỳ từ %(first)s đến %(last)s")
            % {
                "first": _lower_first(data.periods[0].label),
                "last": _lower_first(data.periods[-1].label),
            },
            "received": total.received,
            "expected": total.expected,
            "completeness": _percent(total.completeness),
            "on_time": total.on_time,
            "timeliness": _percent(total.timeliness),
            "accepted": total.accepted,
        },
    ]
    owing = sorted(
        (u for u in data.units.values() if u.figures.missing),
        key=lambda u: (-u.figures.missing, u.name),
    )
    if owing:
        listed = ", ".join(
            _("%(unit)s (thiếu %(count)s)") % {"unit": u.name, "count": u.figures.missing}
            for u in owing[:MISSING_LISTED]
        )
        more = len(owing) - MISSING_LISTED
        if more > 0:
            listed += " " + _("và %(count)s đơn vị khác") % {"count": more}
        lines.append(_("Các đơn vị còn thiếu báo cáo: %(units)s.") % {"units": listed})
    else:
        lines.append(_("Tất cả các đơn vị đã gửi đủ báo cáo."))
    deadlines = data.deadlines_total
    if deadlines.assigned:
        lines.append(
            _("Về các nhiệm vụ có thời hạn: %(figures)s.") % {"figures": deadlines.in_words()}
        )
    return "\n".join(lines)


def _quotes(data: Tally, texts_of, assignments) -> list[str]:
    """ "- Unit: what it wrote", one line a unit, its tasks' texts joined."""
    by_unit: dict[int, list[str]] = defaultdict(list)
    for slot in assignments:
        words = data.words.get(slot.pk)
        text = _quote(texts_of(words)) if words else ""
        if text and text not in by_unit[slot.unit_id]:
            by_unit[slot.unit_id].append(text)
    lines = [
        f"- {data.units[unit_id].name}: {' '.join(texts)}"
        for unit_id, texts in by_unit.items()
        if texts and unit_id in data.units
    ]
    if len(lines) > QUOTES_PER_PART:
        more = len(lines) - QUOTES_PER_PART
        lines = lines[:QUOTES_PER_PART]
        lines.append(
            _("- Và %(count)s đơn vị khác (xem báo cáo của từng đơn vị).") % {"count": more}
        )
    return lines


def _figure(value) -> str:
    return formats.number_format(value, 0 if value == int(value) else 2, force_grouping=True)


def _results(data: Tally) -> str:
    lines = []
    sections = {}
    for task in data.tasks:
        sections.setdefault(task.section_id, task.section)
    for section in sections.values():
        lines.append(f"{section.number}. {' '.join(section.heading.split())}")
        task_ids = {t.pk for t in data.tasks if t.section_id == section.pk}
        assignments = [slot for slot in data.assignments if slot.task_id in task_ids]
        quotes = _quotes(data, lambda w: w.achievements, assignments)
        lines += quotes or [_("- Chưa có đơn vị báo cáo kết quả.")]
        for total in data.indicators:
            if total.indicator.task_id in task_ids:
                lines.append(
                    _("- Chỉ tiêu “%(name)s”: %(value)s %(unit)s (%(how)s; %(count)s đơn vị).")
                    % {
                        "name": total.indicator.name,
                        "value": _figure(total.value),
                        "unit": total.indicator.unit_of_measure,
                        "how": total.indicator.get_aggregation_display().lower(),
                        "count": total.units,
                    }
                )
    return "\n".join(lines)


def _texts(data: Tally) -> dict[str, str]:
    difficulties = _quotes(data, lambda w: w.difficulties, data.assignments)
    proposals = _quotes(data, lambda w: w.proposals, data.assignments)
    return {
        "situation": _situation(data),
        "results": _results(data),
        "difficulties": "\n".join(difficulties) or _("Các đơn vị chưa nêu khó khăn, vướng mắc."),
        "proposals": "\n".join(proposals) or _("Các đơn vị chưa có kiến nghị, đề xuất."),
    }


def summary_compose(
    *,
    directive: Directive,
    period_from: ReportingPeriod,
    period_to: ReportingPeriod,
    by=None,
    today: datetime.date | None = None,
) -> Summary:
    """A new draft (not saved) over the periods from `period_from` to `period_to`."""
    today = today or timezone.localdate()
    if period_to.start < period_from.start:
        period_from, period_to = period_to, period_from
    issuer = directive.issuer
    symbol = directive.number.rpartition("/")[2]
    summary = Summary(
        directive=directive,
        period_from=period_from,
        period_to=period_to,
        parent_body=issuer.parent.name.upper() if issuer.parent_id else "",
        issuing_body=issuer.name.upper(),
        number=f"-BC/{symbol}" if symbol else "-BC",
        place=directive.place,
        dated=today,
        subject=_("Kết quả thực hiện %(cited)s") % {"cited": _cited(directive)},
        recipients="\n".join(
            ([_("%(body)s (b/c),") % {"body": issuer.parent.name}] if issuer.parent_id else [])
            + [_("Lưu Văn phòng.")]
        ),
        signer_on_behalf=directive.signer_on_behalf,
        signer_title=directive.signer_title,
        signer_name=directive.signer_name,
        created_by=by,
        updated_by=by,
    )
    summary_recompose(summary, today=today)
    return summary


def summary_recompose(summary: Summary, *, today: datetime.date | None = None) -> Summary:
    """Write parts I–IV again from the reports as they stand now (not saved)."""
    directive = summary.directive
    periods = periods_between(directive, summary.period_from, summary.period_to)
    for name, text in _texts(tally(directive=directive, periods=periods, today=today)).items():
        setattr(summary, name, text)
    summary.composed_at = timezone.now()
    return summary


@transaction.atomic
def summary_save(*, summary: Summary, edited_from: int, by) -> Summary:
    """Save the secretary's edit, made on version `edited_from` of the draft; if someone
    saved since, nothing is written and ValidationError(code="stale") says who."""
    current = (
        Summary.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=summary.pk)
    )
    if current.version != edited_from:
        who = current.updated_by
        raise ValidationError(
            _(
                "Bản nháp vừa được %(who)s lưu lúc %(when)s, sau khi bạn mở trang. Nội dung "
                "bạn sửa vẫn còn dưới đây; hãy đối chiếu với bản đã lưu rồi lưu lại."
            )
            % {
                "who": (who.get_full_name() or who.username) if who else _("người khác"),
                "when": f"{timezone.localtime(current.updated_at):%H:%M %d/%m/%Y}",
            },
            code="stale",
        )
    summary.version = current.version + 1
    summary.updated_by = by
    summary.save()
    return summary


def reports_changed_since(summary: Summary) -> int:
    """Reports of the summary's periods sent or changed since parts I–IV were written."""
    periods = periods_between(summary.directive, summary.period_from, summary.period_to)
    return ProgressReport.objects.filter(
        period__in=periods, submitted_at__isnull=False, updated_at__gt=summary.composed_at
    ).count()
