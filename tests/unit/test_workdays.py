import re
import warnings
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel import workdays
from kernel.workdays import (
    CalendarCoverageWarning,
    add_months,
    add_workdays,
    add_years,
    is_workday,
    workdays_between,
)

# Expected values reasoned from the State Council holiday notices (放假安排):
#   2024 Spring Festival: off 02-10..02-17; make-up 02-04 (Sun), 02-18 (Sun)
#   2024 Mid-Autumn: off 09-15..09-17; make-up 09-14 (Sat)
#   2024 National Day: off 10-01..10-07; make-up 09-29 (Sun), 10-12 (Sat)
#   2025 Spring Festival: off 01-28..02-04; make-up 01-26 (Sun), 02-08 (Sat)
#   2025 National Day + Mid-Autumn: off 10-01..10-08; make-up 09-28 (Sun), 10-11 (Sat)
#   2026 Spring Festival: off 02-15..02-23; make-up 02-14 (Sat), 02-28 (Sat)
#   2026 Mid-Autumn: off 09-25; National Day: off 10-01..10-07; make-up 09-20 (Sun), 10-10 (Sat)
ADD_CASES = [
    # (start, n, expected, why)
    (date(2024, 2, 2), 1, date(2024, 2, 4), "make-up Sunday before Spring Festival 2024"),
    (date(2024, 2, 9), 1, date(2024, 2, 18), "holiday skipped, make-up Sunday counted"),
    (date(2024, 2, 8), 3, date(2024, 2, 19), "eve 02-09 is a workday in 2024"),
    (date(2025, 1, 24), 1, date(2025, 1, 26), "make-up Sunday before Spring Festival 2025"),
    (date(2025, 1, 27), 1, date(2025, 2, 5), "whole Spring Festival 2025 skipped"),
    (date(2025, 1, 24), 6, date(2025, 2, 8), "make-up Saturday after Spring Festival 2025"),
    (date(2026, 2, 13), 1, date(2026, 2, 14), "make-up Saturday before Spring Festival 2026"),
    (date(2026, 2, 14), 1, date(2026, 2, 24), "nine-day Spring Festival 2026 skipped"),
    (date(2026, 2, 24), 4, date(2026, 2, 28), "make-up Saturday after Spring Festival 2026"),
    (date(2025, 9, 26), 20, date(2025, 10, 30), "DOMAIN §11 example"),
    (date(2025, 9, 30), 1, date(2025, 10, 9), "eight-day National Day 2025 skipped"),
    (date(2024, 9, 27), 1, date(2024, 9, 29), "make-up Sunday before National Day 2024"),
    (date(2024, 9, 30), 1, date(2024, 10, 8), "National Day 2024 skipped"),
    (date(2024, 10, 11), 1, date(2024, 10, 12), "make-up Saturday after National Day 2024"),
    (date(2026, 9, 18), 1, date(2026, 9, 20), "make-up Sunday before National Day 2026"),
    (date(2026, 9, 24), 1, date(2026, 9, 28), "Mid-Autumn Friday 2026 skipped"),
    (date(2026, 9, 30), 1, date(2026, 10, 8), "National Day 2026 skipped"),
    (date(2025, 3, 3), 0, date(2025, 3, 3), "n == 0 returns start"),
]
CASE_IDS = [case[3] for case in ADD_CASES]


@pytest.fixture
def fresh_coverage_warnings():
    # The once-per-year warning state and the per-date cache are module globals.
    workdays._warned_years.clear()
    workdays._is_workday.cache_clear()
    yield
    workdays._warned_years.clear()
    workdays._is_workday.cache_clear()


@pytest.mark.parametrize(("start", "n", "expected", "why"), ADD_CASES, ids=CASE_IDS)
def test_add_workdays_over_holidays(start, n, expected, why):
    assert add_workdays(start, n) == expected
    assert workdays_between(start, expected) == n


@pytest.mark.parametrize(("start", "n", "expected", "why"), ADD_CASES, ids=CASE_IDS)
def test_cases_agree_with_chinese_calendar(start, n, expected, why):
    days = [start + timedelta(days=i) for i in range(1, (expected - start).days + 1)]
    assert sum(chinese_calendar.is_workday(d) for d in days) == n
    if n:
        assert chinese_calendar.is_workday(expected)


def test_make_up_weekend_days_are_workdays():
    for make_up in [date(2024, 2, 4), date(2024, 2, 18), date(2025, 1, 26), date(2025, 2, 8),
                    date(2025, 9, 28), date(2025, 10, 11), date(2026, 2, 14), date(2026, 2, 28)]:
        assert make_up.weekday() >= 5
        assert is_workday(make_up)


def test_holiday_weekdays_are_not_workdays():
    for holiday in [date(2024, 2, 12), date(2025, 1, 28), date(2025, 10, 8), date(2026, 2, 23)]:
        assert holiday.weekday() < 5
        assert not is_workday(holiday)


def test_workdays_between_counts_make_up_days_the_library_helper_would_drop():
    start, end = date(2024, 9, 13), date(2024, 10, 14)
    # 09-14 (Sat), 18–20, 23–27, 29 (Sun), 30, 10-08..11, 12 (Sat), 14.
    assert workdays_between(start, end) == 17
    pitfall = chinese_calendar.get_workdays(start + timedelta(days=1), end, include_weekends=False)
    assert len(pitfall) == 14


def test_workdays_between_empty_interval():
    assert workdays_between(date(2025, 3, 3), date(2025, 3, 3)) == 0
    assert workdays_between(date(2025, 3, 5), date(2025, 3, 3)) == 0


def test_negative_n_is_rejected():
    with pytest.raises(ValueError):
        add_workdays(date(2025, 3, 3), -1)


def test_datetime_is_treated_as_its_date():
    assert add_workdays(datetime(2025, 9, 26, 17, 30), 20) == date(2025, 10, 30)
    assert is_workday(datetime(2025, 9, 28, 9, 0))


def test_uncovered_year_falls_back_to_monday_to_friday(fresh_coverage_warnings):
    with pytest.warns(CalendarCoverageWarning, match=r"2027.*Monday-Friday"):
        # 2027-01-01 is a Friday: the fallback does not know it is New Year's Day.
        assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not is_workday(date(2027, 1, 2))  # Saturday
        assert workdays_between(date(2027, 3, 5), date(2027, 3, 12)) == 5


def test_coverage_warning_once_per_year(fresh_coverage_warnings):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        add_workdays(date(2030, 1, 1), 300)
        workdays_between(date(2003, 1, 1), date(2003, 3, 1))
    years = sorted(re.search(r"for (\d{4});", str(w.message)).group(1) for w in caught
                   if issubclass(w.category, CalendarCoverageWarning))
    assert years == ["2003", "2030", "2031"]


def test_covered_years_emit_no_warning(fresh_coverage_warnings):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert add_workdays(date(2004, 1, 2), 500) < date(2006, 1, 1)
        assert workdays_between(date(2024, 1, 1), date(2026, 12, 31)) > 700


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2025, 10, 30), 3, date(2026, 1, 30)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
        (date(2025, 5, 20), 36, date(2028, 5, 20)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), -1, date(2023, 2, 28)),
        (date(2025, 6, 30), 3, date(2028, 6, 30)),
    ],
)
def test_add_years(start, years, expected):
    assert add_years(start, years) == expected


covered_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2025, 12, 31))


@settings(max_examples=200, deadline=None)
@given(start=covered_dates, n=st.integers(min_value=1, max_value=250))
def test_add_workdays_lands_on_a_workday_and_round_trips(start, n):
    end = add_workdays(start, n)
    assert is_workday(end)
    assert workdays_between(start, end) == n
    assert workdays_between(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=50, deadline=None)
@given(start=st.dates(min_value=date(2027, 1, 1), max_value=date(2040, 1, 1)),
       n=st.integers(min_value=1, max_value=100))
def test_round_trip_holds_in_fallback_years(start, n):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarCoverageWarning)
        end = add_workdays(start, n)
        assert end.weekday() < 5
        assert workdays_between(start, end) == n


@given(start=covered_dates)
def test_zero_workdays_is_identity(start):
    assert add_workdays(start, 0) == start
