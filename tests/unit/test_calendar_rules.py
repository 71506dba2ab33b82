"""The calendar as data: a year's official schedule given in the rules overrides the installed
calendar; a missing next year is reported; deadlines on the fallback are known as such."""

from __future__ import annotations

import json
import warnings
from datetime import date, timedelta

import pytest

from credit.rules import load_rules
from kernel import workdays
from kernel.rulebook import InvalidRules

# TEST DATA, not the official 2027 notice: a Spring Festival block shaped like recent years'
# (eight days off, two make-up Saturdays/Sundays), to exercise the mechanism.
TEST_2027 = {"year": 2027, "source": "test fixture (not an official notice)",
             "holidays": ["2027-01-01", *[f"2027-02-{d:02d}" for d in range(6, 14)]],
             "workdays": ["2027-02-14", "2027-02-20"]}


@pytest.fixture
def schedules():
    yield
    workdays.use_schedules([])


def _rules(tmp_path, **calendar):
    f = tmp_path / "rules.json"
    f.write_text(json.dumps({"calendar": calendar}), encoding="utf-8")
    return load_rules(f)


def test_a_schedule_given_as_data_overrides_the_fallback(tmp_path, schedules):
    # without it: 2027 falls back to Monday–Friday (New Year's Day counts as a working day)
    workdays.use_schedules([])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", workdays.CalendarCoverageWarning)
        assert workdays.is_workday(date(2027, 1, 1))
    assert workdays.on_fallback(date(2027, 2, 10))
    rules = _rules(tmp_path, schedules=[TEST_2027])
    workdays.use_schedules(rules.calendar.year_schedules())
    assert not workdays.on_fallback(date(2027, 2, 10))
    assert not workdays.is_workday(date(2027, 1, 1))          # a day off, a Friday
    assert workdays.is_workday(date(2027, 2, 14))             # a make-up Sunday
    # a 10-working-day statement period from 2027-02-04 skips the whole block
    start = date(2027, 2, 4)   # a Thursday
    end = workdays.add_workdays(start, 10)
    days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(workdays.is_workday(d) for d in days) == 10
    # Fri 5, Sun 14 (make-up), Mon 15–Fri 19, Sat 20 (make-up), Mon 22, Tue 23
    assert end == date(2027, 2, 23)
    assert workdays.source_of(2027).startswith("rules: test fixture")


def test_a_bad_schedule_is_refused_when_the_rules_load(tmp_path):
    for bad in ({**TEST_2027, "holidays": ["2026-12-31"]},          # another year
                {**TEST_2027, "workdays": ["2027-02-15"]},          # a Monday
                {**TEST_2027, "workdays": ["2027-02-08"]}):         # both
        with pytest.raises(InvalidRules):
            _rules(tmp_path, schedules=[bad])
    with pytest.raises(InvalidRules):
        _rules(tmp_path, schedules=[TEST_2027, TEST_2027])


def test_coverage_reports_a_missing_next_year_in_time(schedules):
    early = workdays.coverage(date(2026, 6, 1), 60)
    assert early["this_year"].startswith("chinese-calendar") and not early["next_year_missing"]
    # a year the installed calendar cannot know: 2099
    late = workdays.coverage(date(2098, 12, 3), 60)
    assert late["next_year"] is None and late["next_year_missing"]
    assert "2098" in late["message"]   # 2098 itself is not covered either: said first
    workdays.use_schedules([workdays.YearSchedule(y, frozenset(), frozenset(), "test")
                            for y in (2098, 2099)])
    assert workdays.coverage(date(2098, 12, 3), 60) == {
        "this_year": "rules: test", "next_year": "rules: test", "next_year_missing": False,
        "message": None}
