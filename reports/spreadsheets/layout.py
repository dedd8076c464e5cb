"""The period's spreadsheet (bảng tính kỳ báo cáo): what its sheets hold, read by the
download (download.py) and the upload (upload.py) alike.

The sheet "Báo cáo" has one row per assignment of the chosen units in the period's
directive (units active in the period). Column A holds the assignment id, the last
(hidden) column the version and a fingerprint of what was exported, so an upload can
tell a row the user edited from one left as it was, and refuse to overwrite a report
that changed since the download.

The sheet "Chỉ tiêu" has one row per (assignment, indicator of its task): tasks count
different things, so a column per indicator would leave most cells meaningless. A row
is keyed by the assignment id and the indicator id (names are neither unique nor safe
from editing). Indicator values are part of the report: they are saved with the row of
the same assignment on "Báo cáo", and that row's fingerprint covers them.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from directives.models import Assignment, Indicator
from reports.filing.models import REPORT_FIELDS, TEXT_FIELDS, IndicatorValue, ProgressReport
from reports.periods.models import ReportingPeriod
from units import permissions
from units.models import active_between_q
from units.text import clean_text as without_forbidden

SHEET_TITLE = "Báo cáo"
INDICATOR_SHEET_TITLE = "Chỉ tiêu"
PERIOD_PROPERTY = "dondoc_period_id"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    name: str  # a ProgressReport field, or what the column shows
    header: str
    width: float


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]  # the columns an upload cannot do without
    order: int  # errors are listed sheet by sheet, then row by row

    @property
    def headers(self) -> dict[str, str]:
        return {column.name: column.header for column in self.columns}

    @property
    def letters(self) -> dict[str, str]:
        return {column.name: get_column_letter(i) for i, column in enumerate(self.columns, 1)}


KEY = Column("key", gettext_lazy("Mã dòng (không sửa)"), 11)
STAMP = Column("stamp", gettext_lazy("Phiên bản (không sửa)"), 14)  # hidden
INDICATOR = Column("indicator", gettext_lazy("Mã chỉ tiêu (không sửa)"), 11)
VALUE = Column("value", gettext_lazy("Giá trị"), 14)
REPORT_SHEET = Sheet(
    SHEET_TITLE,
    (
        KEY,
        Column("unit", gettext_lazy("Đơn vị"), 28),
        Column("task", gettext_lazy("Nhiệm vụ"), 50),
        Column("role", gettext_lazy("Vai trò"), 11),
        Column("status", gettext_lazy("Trạng thái"), 16),
        Column("assessment", gettext_lazy("Tự đánh giá"), 18),
        Column("percent_done", gettext_lazy("Tỷ lệ hoàn thành (%)"), 12),
        Column("achievements", gettext_lazy("Kết quả thực hiện"), 60),
        Column("difficulties", gettext_lazy("Khó khăn, vướng mắc"), 40),
        Column("proposals", gettext_lazy("Kiến nghị, đề xuất"), 40),
        STAMP,
    ),
    required=(KEY.name, *REPORT_FIELDS),
    order=0,
)
INDICATOR_SHEET = Sheet(
    INDICATOR_SHEET_TITLE,
    (
        KEY,
        INDICATOR,
        Column("unit", gettext_lazy("Đơn vị"), 28),
        Column("task", gettext_lazy("Nhiệm vụ"), 50),
        Column("name", gettext_lazy("Chỉ tiêu"), 40),
        Column("unit_of_measure", gettext_lazy("Đơn vị tính"), 12),
        Column("required", gettext_lazy("Bắt buộc khi gửi"), 10),
        VALUE,
    ),
    required=(KEY.name, INDICATOR.name, VALUE.name),
    order=1,
)
COLUMNS = REPORT_SHEET.columns
LETTER = REPORT_SHEET.letters


def period_assignments(*, period: ReportingPeriod, unit_ids) -> QuerySet[Assignment]:
    """The rows of the period's spreadsheet: assignments of these units in the period's
    directive that report in the period, of units active during it."""
    return (
        Assignment.objects.reporting_in(period)
        .filter(task__section__directive_id=period.directive_id, unit_id__in=unit_ids)
        .filter(active_between_q(period.start, period.cutoff, prefix="unit__"))
        # The directive: permissions ask whether it is in force, row by row.
        .select_related("unit", "task__section__directive")
        .order_by("unit__name", "unit_id", "task__section__order", "task__order", "task_id")
    )


def workbook_filename(period: ReportingPeriod) -> str:
    """An ASCII file name: bang-tinh-136-cv-hu-thang-9-2021.xlsx."""

    def ascii_slug(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D").replace("/", "-")
        return slugify(text)

    parts = [ascii_slug(period.directive.number), ascii_slug(period.label)]
    return "-".join(["bang-tinh", *filter(None, parts)]) + ".xlsx"


def indicators_by_task(task_ids) -> dict[int, dict[int, Indicator]]:
    """{task id: {indicator id: indicator}}, in the order the task lists them."""
    by_task: dict[int, dict[int, Indicator]] = defaultdict(dict)
    for indicator in Indicator.objects.filter(task_id__in=set(task_ids)).order_by(
        "task_id", "order", "pk"
    ):
        by_task[indicator.task_id][indicator.pk] = indicator
    return by_task


def indicator_values(report_ids) -> dict[int, dict[int, Decimal]]:
    """{report id: {indicator id: value}}."""
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = IndicatorValue.objects.filter(report_id__in=report_ids).values_list(
        "report_id", "indicator_id", "value"
    )
    for report_id, indicator_id, value in rows:  # no query at all when there is no report
        values[report_id][indicator_id] = value
    return values


def can_enter(by, assignment: Assignment, report: ProgressReport | None) -> bool:
    return permissions.can(by, "spreadsheet.enter", (assignment, report))


def clean_text(text: str) -> str:
    """Text as it survives a spreadsheet: nothing XML forbids, \\n line ends, trimmed."""
    text = without_forbidden(text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def report_values(report: ProgressReport | None) -> dict:
    if report is None:
        return dict.fromkeys(REPORT_FIELDS)
    values = {field: getattr(report, field) for field in REPORT_FIELDS}
    for field in TEXT_FIELDS:
        values[field] = clean_text(values[field])
    return values


def fingerprint(values: dict, indicators: dict[int, Decimal | None]) -> str:
    """A short digest of a row's report values and indicator values, to tell an edited
    row from an untouched one. A task without indicators digests as it always did."""
    blank = {
        field: (values[field] if values[field] not in (None, "") else None)
        for field in REPORT_FIELDS
    }
    payload: list = [blank[field] for field in REPORT_FIELDS]
    if indicators:
        figures = sorted((pk, None if v is None else f"{v:.2f}") for pk, v in indicators.items())
        payload = [payload, figures]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:16]


def stamp(report: ProgressReport | None, indicators: dict[int, Decimal | None]) -> str | None:
    """The hidden column: version and fingerprint of the report as exported; empty when
    no report was shown."""
    if report is None:
        return None
    return f"{report.version}:{fingerprint(report_values(report), indicators)}"
