import calendar
import datetime
import re
import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directives.models import Directive
from reports.summaries.compose import summary_compose
from reports.summaries.models import Export
from reports.summaries.pipeline import export_now

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(text: str, *, end: bool) -> datetime.date:
    """ "2021-09" → 1/9/2021 (or 30/9/2021 for the end of a range)."""
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise CommandError(f"Tháng “{text}” không đúng dạng NĂM-THÁNG, ví dụ 2021-09.")
    year, month = int(match[1]), int(match[2])
    day = calendar.monthrange(year, month)[1] if end else 1
    return datetime.date(year, month, day)


class Command(BaseCommand):
    help = (
        "Xuất báo cáo tổng hợp của một văn bản trong các kỳ có ngày chốt số liệu thuộc "
        "các tháng đã chọn, ra DOCX, XLSX hoặc PDF. Lần xuất có trong lịch sử xuất."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directive", required=True, help="Số, ký hiệu: 136-CV/HU")
        parser.add_argument("--from", dest="first", required=True, help="Từ tháng: 2021-09")
        parser.add_argument("--to", dest="last", required=True, help="Đến tháng: 2021-12")
        parser.add_argument("--format", required=True, choices=Export.Format.values)
        parser.add_argument("--out", required=True, help="Tệp ghi ra")

    def handle(self, *args, directive, first, last, format, out, **options):
        found = Directive.objects.select_related("issuer__parent").filter(number=directive)
        chosen = found.first()
        if chosen is None:
            raise CommandError(f"Không có văn bản số {directive}.")
        start, end = _month(first, end=False), _month(last, end=True)
        periods = list(chosen.periods.filter(cutoff__gte=start, cutoff__lte=end).order_by("start"))
        if not periods:
            raise CommandError(
                f"Văn bản {directive} không có kỳ nào chốt số liệu từ {first} đến {last}."
            )
        summary = summary_compose(directive=chosen, period_from=periods[0], period_to=periods[-1])
        try:
            export = export_now(summary=summary, format=format)
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from refusal
        if export.status != Export.Status.DONE:
            raise CommandError(export.error)
        with export.file.open("rb") as source, Path(out).open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            self.style.SUCCESS(f"Đã xuất {export.periods} ra {out} ({export.size} byte).")
        )
