"""The cutoff rule of Decree 09/2019 (Điều 12) and the working-day rule for due dates."""

import datetime
import itertools

import pytest

from reports.periods.calendar import period_for_cutoff, scheduled_periods
from workdays.calendar import next_working_day

D = datetime.date


def test_monthly_period_for_september_2021_follows_the_decree():
    (period,) = scheduled_periods("monthly", first_day=D(2021, 8, 26), last_day=D(2021, 9, 30))

    assert period.label == "Tháng 9/2021"
    assert period.start == D(2021, 8, 15)
    assert period.cutoff == D(2021, 9, 14)
    # Four days after the cutoff is Saturday 18/09/2021: due moves to Monday 20/09.
    assert D(2021, 9, 18).weekday() == 5
    assert period.due == D(2021, 9, 20)


@pytest.mark.parametrize(
    ("schedule", "cutoff", "label", "start"),
    [
        ("quarterly", D(2022, 3, 14), "Quý 1/2022", D(2021, 12, 15)),
        ("quarterly", D(2021, 9, 14), "Quý 3/2021", D(2021, 6, 15)),
        ("half_yearly", D(2022, 6, 14), "6 tháng đầu năm 2022", D(2021, 12, 15)),
        ("half_yearly", D(2021, 12, 14), "6 tháng cuối năm 2021", D(2021, 6, 15)),
        ("yearly", D(2021, 12, 14), "Năm 2021", D(2020, 12, 15)),
    ],
)
def test_longer_periods_run_from_the_15th_to_the_14th(schedule, cutoff, label, start):
    period = period_for_cutoff(schedule, cutoff)

    assert (period.label, period.start, period.cutoff) == (label, start, cutoff)


@pytest.mark.parametrize(
    ("schedule", "cutoffs"),
    [
        ("quarterly", [D(2021, 9, 14), D(2021, 12, 14), D(2022, 3, 14), D(2022, 6, 14)]),
        ("half_yearly", [D(2021, 12, 14), D(2022, 6, 14)]),
        ("yearly", [D(2021, 12, 14)]),
    ],
)
def test_longer_periods_end_on_their_anchor_months(schedule, cutoffs):
    periods = scheduled_periods(schedule, first_day=D(2021, 8, 26), last_day=D(2022, 8, 31))

    assert [p.cutoff for p in periods] == cutoffs
    # Consecutive periods tile the calendar: each starts the day after the previous cutoff.
    for before, after in itertools.pairwise(periods):
        assert after.start == before.cutoff + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "working_day"),
    [
        # National Day 2021: Thursday 2/9 and Friday 3/9 off, then the weekend.
        (D(2021, 9, 2), D(2021, 9, 6)),
        # 2025: Monday 1/9 and Tuesday 2/9 off.
        (D(2025, 9, 1), D(2025, 9, 3)),
        # Tết Bính Ngọ 2026 (16–20/02), then the weekend.
        (D(2026, 2, 18), D(2026, 2, 23)),
        # A working day stays where it is.
        (D(2021, 9, 20), D(2021, 9, 20)),
    ],
)
def test_next_working_day_skips_weekends_and_public_holidays(day, working_day):
    assert next_working_day(day) == working_day


def test_monthly_due_date_falling_in_tet_moves_past_the_holiday():
    # 18/02/2026 is the second day of Tết; 21–22/02 is a weekend.
    period = period_for_cutoff("monthly", D(2026, 2, 14))

    assert period.due == D(2026, 2, 23)


def test_one_off_report_due_on_national_day_moves_to_the_next_working_day():
    (period,) = scheduled_periods("once", first_day=D(2025, 8, 1), last_day=D(2025, 9, 2))

    assert period.cutoff == D(2025, 9, 2)
    assert period.due == D(2025, 9, 3)


@pytest.mark.parametrize(
    ("first_day", "last_day", "cutoffs"),
    [
        # Both ends fall exactly on a cutoff: both periods are included.
        (D(2021, 9, 14), D(2021, 11, 14), [D(2021, 9, 14), D(2021, 10, 14), D(2021, 11, 14)]),
        # One day inside each end: the cutoffs on the far side are excluded.
        (D(2021, 9, 15), D(2021, 11, 13), [D(2021, 10, 14)]),
        (D(2021, 9, 14), D(2021, 9, 14), [D(2021, 9, 14)]),
    ],
)
def test_scheduled_periods_are_inclusive_at_both_ends(first_day, last_day, cutoffs):
    periods = scheduled_periods("monthly", first_day=first_day, last_day=last_day)

    assert [p.cutoff for p in periods] == cutoffs
