"""Working days in Vietnam: weekends and public holidays off (the `holidays` package), and
the days entered as exceptions (`CalendarException`: an extra day off around Tết, a
Saturday worked in exchange), passed in as `exceptions` ({date: "day_off" |
"working_day"}) so these functions stay pure; `exceptions()` reads them."""

import datetime
from functools import cache

import holidays
from django.utils import timezone

from .models import CalendarException

Exceptions = dict[datetime.date, str]


@cache
def _vn_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: datetime.date, exceptions: Exceptions | None = None) -> bool:
    kind = (exceptions or {}).get(day)
    if kind:
        return kind == "working_day"
    return day.weekday() < 5 and day not in _vn_holidays(day.year)


def next_working_day(day: datetime.date, exceptions: Exceptions | None = None) -> datetime.date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, exceptions):
        day += datetime.timedelta(days=1)
    return day


def last_working_day(day: datetime.date, exceptions: Exceptions | None = None) -> datetime.date:
    """The day itself if it is a working day, else the last working day before it: where a
    span the letter names ("quý III/2026") ends."""
    while not is_working_day(day, exceptions):
        day -= datetime.timedelta(days=1)
    return day


@cache
def day_end(day: datetime.date) -> datetime.datetime:
    """The end of `day` in Vietnam's time zone: what was sent before it was sent by `day`
    (reports.filing.slots.sent_by, and the counting engine's SQL, compare with it)."""
    tz = timezone.get_default_timezone()
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tz)


def exceptions() -> Exceptions:
    """Extra days off and swapped working days, as entered in the admin."""
    return dict(CalendarException.objects.values_list("date", "kind"))
