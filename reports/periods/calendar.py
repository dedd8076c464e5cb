"""Reporting periods from a directive's schedule, and the working-day rule for due dates.

The rule (Nghị định 09/2019/NĐ-CP, Điều 12, on data cutoffs for periodic reports): a
period's figures run from the 15th of the month before the period to the 14th of its last
month — monthly: 15/8 to 14/9; quarterly: 15/12 to 14/3; 6-monthly: 15/12 to 14/6;
yearly: 15/12 to 14/12. The decree leaves the sending deadline to the issuer; we give
DUE_DAYS_AFTER_CUTOFF days after the cutoff, moved to the next working day when it falls
on a weekend or a Vietnamese public holiday (the working days: workdays.calendar, whose
`exceptions` these functions take as they are given, so they stay pure).
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from workdays.calendar import Exceptions, next_working_day

CUTOFF_DAY = 14
DUE_DAYS_AFTER_CUTOFF = 4

# Also where periods end: quarters in months 3, 6, 9, 12; halves in 6, 12; years in 12.
MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class PeriodDates:
    label: str
    start: datetime.date
    cutoff: datetime.date
    due: datetime.date


def _label(schedule: str, cutoff: datetime.date) -> str:
    month, year = cutoff.month, cutoff.year
    if schedule == "monthly":
        return _("Tháng %(month)d/%(year)d") % {"month": month, "year": year}
    if schedule == "quarterly":
        return _("Quý %(q)d/%(year)d") % {"q": (month - 1) // 3 + 1, "year": year}
    if schedule == "half_yearly":
        half = _("6 tháng đầu năm") if month <= 6 else _("6 tháng cuối năm")
        return f"{half} {year}"
    return _("Năm %(year)d") % {"year": year}


def period_for_cutoff(
    schedule: str, cutoff: datetime.date, exceptions: Exceptions | None = None
) -> PeriodDates:
    months = MONTHS_PER_PERIOD[schedule]
    start = (cutoff - relativedelta(months=months)).replace(day=CUTOFF_DAY + 1)
    due = next_working_day(cutoff + datetime.timedelta(days=DUE_DAYS_AFTER_CUTOFF), exceptions)
    return PeriodDates(_label(schedule, cutoff), start, cutoff, due)


def scheduled_periods(
    schedule: str,
    *,
    first_day: datetime.date,
    last_day: datetime.date,
    exceptions: Exceptions | None = None,
) -> list[PeriodDates]:
    """Every period whose cutoff falls from first_day to last_day, inclusive."""
    if last_day < first_day:
        return []
    if schedule == "once":
        due = next_working_day(last_day, exceptions)
        return [PeriodDates(_("Báo cáo một lần"), first_day, last_day, due)]
    step = MONTHS_PER_PERIOD[schedule]
    cutoff = first_day.replace(day=CUTOFF_DAY)
    if cutoff < first_day:
        cutoff += relativedelta(months=1)
    while cutoff.month % step:
        cutoff += relativedelta(months=1)
    periods = []
    while cutoff <= last_day:
        periods.append(period_for_cutoff(schedule, cutoff, exceptions))
        cutoff += relativedelta(months=MONTHS_PER_PERIOD[schedule])
    return periods
