"""Working-day (工作日) arithmetic for statutory deadlines, over the official PRC calendar.

Working days skip public holidays and *include* weekend make-up workdays (调休), so
``chinese_calendar.is_workday`` is asked one date at a time; its
``get_workdays(..., include_weekends=False)`` would drop the make-up days. Years the
installed calendar does not cover fall back to Monday–Friday with a
``CalendarCoverageWarning`` (once per year) instead of failing a deadline computation.
"""

from __future__ import annotations

import calendar
import threading
import warnings
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar

__all__ = [
    "CalendarCoverageWarning",
    "add_months",
    "add_workdays",
    "add_years",
    "is_workday",
    "workdays_between",
]

_ONE_DAY = timedelta(days=1)
_warned_years: set[int] = set()
_warned_lock = threading.Lock()


class CalendarCoverageWarning(UserWarning):
    """The official holiday calendar does not cover a year; Monday–Friday is assumed."""


def _as_date(d: date) -> date:
    # datetime is a date subclass; normalise so the cache key is the calendar day.
    return d.date() if isinstance(d, datetime) else d


def _warn_uncovered(year: int) -> None:
    with _warned_lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    warnings.warn(
        f"chinese-calendar {getattr(chinese_calendar, '__version__', '?')} has no official "
        f"holiday schedule for {year}; working days in {year} fall back to Monday-Friday "
        f"(public holidays and make-up workdays ignored). Upgrade chinese-calendar once "
        f"the State Council publishes the {year} schedule.",
        CalendarCoverageWarning,
        stacklevel=4,
    )


@lru_cache(maxsize=8192)
def _is_workday(d: date) -> bool:
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        _warn_uncovered(d.year)
        return d.weekday() < 5


def is_workday(d: date) -> bool:
    """True if ``d`` is an official working day (make-up weekend workdays included)."""
    return _is_workday(_as_date(d))


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` itself not counted); n == 0 returns start."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    d = _as_date(start)
    remaining = n
    while remaining:
        d += _ONE_DAY
        if _is_workday(d):
            remaining -= 1
    return d


def workdays_between(start: date, end: date) -> int:
    """Number of working days in the half-open interval (start, end]; 0 if end <= start."""
    d, end = _as_date(start), _as_date(end)
    count = 0
    while d < end:
        d += _ONE_DAY
        count += _is_workday(d)
    return count


def add_months(d: date, months: int) -> date:
    """``d`` plus calendar months, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    d = _as_date(d)
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    """``d`` plus calendar years; Feb 29 becomes Feb 28 in a non-leap target year."""
    return add_months(d, 12 * years)
