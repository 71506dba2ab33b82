"""Working-day (工作日) arithmetic for statutory deadlines, over the official PRC calendar.

Working days skip public holidays and *include* weekend make-up workdays (调休), so
``chinese_calendar.is_workday`` is asked one date at a time; its
``get_workdays(..., include_weekends=False)`` would drop the make-up days.

A year's official schedule can also be given as data (the rules file's ``calendar`` section,
``use_schedules``): it overrides the installed calendar for that year, so a deployment enters the
State Council's notice the day it is published instead of waiting for a library release. Years
neither covers fall back to Monday–Friday with a ``CalendarCoverageWarning`` (once per year)
instead of failing a deadline computation; ``coverage`` says which years those are, for
``/api/v1/health``.
"""

from __future__ import annotations

import calendar
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar

__all__ = [
    "CalendarCoverageWarning",
    "YearSchedule",
    "add_months",
    "add_workdays",
    "add_years",
    "coverage",
    "deadline_basis",
    "is_workday",
    "on_fallback",
    "provisional",
    "span_on_fallback",
    "use_schedules",
    "workdays_between",
]

_ONE_DAY = timedelta(days=1)
_warned_years: set[int] = set()
_warned_lock = threading.Lock()


class CalendarCoverageWarning(UserWarning):
    """The official holiday calendar does not cover a year; Monday–Friday is assumed."""


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule (国务院办公厅 notice): days off and make-up workdays."""

    year: int
    holidays: frozenset[date]   # days off, weekends of a holiday block included or not
    workdays: frozenset[date]   # weekend days worked instead (调休上班)
    source: str                 # the notice it comes from


_schedules: dict[int, YearSchedule] = {}


def use_schedules(schedules: Iterable[YearSchedule]) -> None:
    """The schedules given as data; they override the installed calendar for their years."""
    global _schedules
    _schedules = {s.year: s for s in schedules}
    _is_workday.cache_clear()
    _library_covers.cache_clear()


@lru_cache(maxsize=64)
def _library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
        return True
    except NotImplementedError:
        return False


def source_of(year: int) -> str | None:
    """Where ``year``'s working days come from: a schedule given as data, the installed
    chinese-calendar, or None (the Monday–Friday fallback)."""
    if year in _schedules:
        return f"rules: {_schedules[year].source}"
    if _library_covers(year):
        return f"chinese-calendar {getattr(chinese_calendar, '__version__', '?')}"
    return None


def on_fallback(d: date) -> bool:
    """True if a deadline that reaches ``d`` was counted on the Monday–Friday fallback."""
    return source_of(_as_date(d).year) is None


def span_on_fallback(start: date | None, end: date | None) -> bool:
    """True if the working days counted from ``start`` (excluded) to ``end`` touched a day the
    Monday–Friday fallback decided: a deadline resting on it is provisional (DOMAIN §11)."""
    if start is None or end is None:
        return False
    first, last = _as_date(start) + _ONE_DAY, _as_date(end)
    return any(source_of(y) is None for y in range(first.year, last.year + 1))


FALLBACK, RULES, OFFICIAL = "fallback Mon–Fri", "rules schedule", "official"


def deadline_basis(start: date | None, end: date | None) -> str:
    """What a deadline counted over (start, end] rests on: "fallback Mon–Fri" if any year of it
    is uncovered, else "rules schedule" if a schedule given as data decided a day, else
    "official" (the installed chinese-calendar)."""
    if span_on_fallback(start, end):
        return FALLBACK
    if start is None or end is None:
        return OFFICIAL
    years = range((_as_date(start) + _ONE_DAY).year, _as_date(end).year + 1)
    return RULES if any(y in _schedules for y in years) else OFFICIAL


def provisional(record: dict, spans: dict[str, str]) -> dict:
    """``record`` with a ``<deadline>_provisional`` flag per {deadline: start} column pair: True
    where the deadline was counted over a day of the Monday–Friday fallback."""
    for deadline, start in spans.items():
        record[f"{deadline}_provisional"] = span_on_fallback(record.get(start),
                                                             record.get(deadline))
    return record


def coverage(today: date, warn_days: int) -> dict:
    """What the deadlines rest on: this year's and next year's source, and whether next year is
    missing although it starts within ``warn_days`` (a deadline counted now may reach it)."""
    year = today.year
    missing = source_of(year + 1) is None and (date(year + 1, 1, 1) - today).days <= warn_days
    message = None
    if source_of(year) is None:
        message = (f"{year} 年无官方节假日安排 no official holiday schedule for {year}: working "
                   "days fall back to Monday–Friday; enter the schedule in the rules file")
    elif missing:
        message = (f"{year + 1} 年节假日安排缺失 the {year + 1} holiday schedule is missing: "
                   "deadlines reaching it count Monday–Friday; enter it in the rules file "
                   "(calendar.schedules) once the State Council publishes it")
    return {"this_year": source_of(year), "next_year": source_of(year + 1),
            "next_year_missing": missing, "message": message}


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
    given = _schedules.get(d.year)
    if given is not None:
        if d in given.workdays:
            return True
        return d not in given.holidays and d.weekday() < 5
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
