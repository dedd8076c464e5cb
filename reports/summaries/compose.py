"""A summary's draft: the first one written from the filed reports (the header, the
recipients and the signer from the directive and its issuer, parts I–IV from the tally),
then the secretary's edits, saved with a version so two people editing one draft do not
overwrite each other. Plain text, one paragraph a line; a line like "1. …" is a
sub-heading. What units wrote is said once (`sentences`).

Dates in the text are written as official letters cite them ("ngày 25/8/2021").
"""

import datetime
import re

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

QUOTES_PER_PART = 200  # lines quoted in a part; the rest are counted
MISSING_LISTED = 30
QUOTE_CHARS = 1500
_FOR_INFORMATION = re.compile(r"\(\s*(?:để\s+)?b/c\s*\)", re.IGNORECASE)  # "(b/c)": báo cáo
_ARCHIVE = re.compile(r"^lưu\b", re.IGNORECASE)  # "Lưu VPHU"
_ABOUT = re.compile(r"^v/v\s+", re.IGNORECASE)  # "V/v …" (về việc), as trích yếu start


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "j/n/Y")


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _percent(value: float | None) -> str:
    return formats.number_format(value or 0, 1)


def cited(directive: Directive, *, by: str | None = None) -> str:
    """ "Công văn số 136-CV/HU, ngày 25/8/2021 của Ban Thường vụ Huyện ủy": of `by`, else
    the directive's issuing authority."""
    text = _("%(type)s số %(number)s, ngày %(date)s") % {
        "type": directive.get_doc_type_display(),
        "number": directive.number,
        "date": _date(directive.issued_on),
    }
    by = by or directive.issuing_authority
    if by:
        text += " " + _("của %(authority)s") % {"authority": by}
    return text


def _lower_first(text: str) -> str:
    """ "Tháng 9/2021" as it reads mid-sentence: "tháng 9/2021"."""
    text = " ".join(text.split()).rstrip(".")
    return text[:1].lower() + text[1:]


def _about(subject: str) -> str:
    """The directive's trích yếu after "về": "V/v triển khai …" reads "việc triển khai …"."""
    return _ABOUT.sub(_("việc") + " ", _lower_first(subject))


def recipients(directive: Directive) -> str:
    """Nơi nhận of a report on the directive: the offices its own Nơi nhận reports to
    ("… (b/c)"), then its archive line ("Lưu VPHU"; else "Lưu Văn phòng"). Never the
    header's parent body: a level is not an office that receives documents."""
    lines = [" ".join(str(line).split()).strip("-–+•,.; ") for line in directive.cc or []]
    above = [line for line in lines if _FOR_INFORMATION.search(line)]
    archive = next((line for line in lines if _ARCHIVE.match(line)), _("Lưu Văn phòng"))
    return ",\n".join([*above, archive]) + "."


def _units_reported(data: Tally) -> str:
    """ "22/62 đơn vị đã báo cáo, đạt 35,5%": the units given reports to send in the
    periods, and those that sent every one (the tally's figures, unit by unit)."""
    given = [u.figures for u in data.units.values() if u.figures.expected]
    done = sum(1 for figures in given if not figures.missing)
    text = (
        _("%(done)s/%(given)s đơn vị đã báo cáo, đạt %(rate)s%%")
        if len(data.periods) == 1
        else _("%(done)s/%(given)s đơn vị đã báo cáo đủ các kỳ, đạt %(rate)s%%")
    )
    return text % {
        "done": done,
        "given": len(given),
        "rate": _percent(100 * done / len(given) if given else None),
    }


def _situation(data: Tally) -> str:
    directive, total = data.directive, data.total
    lines = [
        _(
            "Thực hiện %(cited)s về %(subject)s, các cơ quan, đơn vị được giao nhiệm vụ "
            "đã triển khai thực hiện và báo cáo định kỳ theo yêu cầu."
        )
        % {"cited": cited(directive), "subject": _about(directive.subject)},
        _(
            "Trong %(periods)s, %(units)s; có %(received)s/%(expected)s báo cáo phải nộp "
            "đã được gửi (đạt %(completeness)s%%), trong đó %(on_time)s báo cáo gửi đúng "
            "hạn (đạt %(timeliness)s%%); %(accepted)s báo cáo đã được tiếp nhận."
        )
        % {
            # Mid-sentence, "Tháng 9/2021" is "tháng 9/2021".
            "periods": _("kỳ %(label)s") % {"label": data.periods[0].in_sentence}
            if len(data.periods) == 1
            else _("các kỳ từ %(first)s đến %(last)s")
            % {
                "first": data.periods[0].in_sentence,
                "last": data.periods[-1].in_sentence,
            },
            "units": _units_reported(data),
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


def _quotes(data: Tally, field: str, section_id: int | None = None) -> list[str]:
    """What the units wrote in `field` ("achievements": on the section's tasks), said
    once (`Tally.said`), at most QUOTES_PER_PART lines and the count of the rest."""
    said = data.said.get((field, section_id))
    lines = [_quote(line) for line in said.lines()] if said else []
    if len(lines) > QUOTES_PER_PART:
        more = len(lines) - QUOTES_PER_PART
        lines = lines[:QUOTES_PER_PART]
        lines.append(
            _("- Và %(count)s nội dung khác (xem báo cáo của từng đơn vị).") % {"count": more}
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
        quotes = _quotes(data, "achievements", section.pk)
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
    difficulties = _quotes(data, "difficulties")
    proposals = _quotes(data, "proposals")
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
        # A báo cáo's trích yếu starts in lower case after "BÁO CÁO" (36-HD/VPTW).
        subject=_("kết quả thực hiện %(cited)s") % {"cited": cited(directive)},
        recipients=recipients(directive),
        created_by=by,
        updated_by=by,
    )
    signer_prefill(summary)
    summary_recompose(summary, today=today)
    return summary


SIGNER = ("signer_on_behalf", "signer_title", "signer_name")


def signer_prefill(summary: Summary) -> Summary:
    """The directive's signer in the summary's blank signer fields (not saved): the draft
    is signed as the directive was, unless the secretary wrote otherwise."""
    for name in SIGNER:
        if not getattr(summary, name).strip():
            setattr(summary, name, getattr(summary.directive, name))
    return summary


def summary_recompose(summary: Summary, *, today: datetime.date | None = None) -> Summary:
    """Write parts I–IV again from the reports as they stand now (not saved)."""
    directive = summary.directive
    periods = periods_between(directive, summary.period_from, summary.period_to)
    data = tally(directive=directive, periods=periods, today=today)
    for name, text in _texts(data).items():
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
