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


def test_a_2027_deadline_is_flagged_on_the_fallback_and_not_with_a_schedule(tmp_path, schedules):
    from credit.commitments.views import _commitment
    from credit.penalties.schemas import PenaltyRecord

    decided, start = date(2026, 12, 30), date(2027, 2, 4)
    workdays.use_schedules([])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", workdays.CalendarCoverageWarning)
        # Monday–Friday: New Year's Day counts, the Spring Festival block counts
        fallback_due = workdays.add_workdays(decided, 2)
        fallback_end = workdays.add_workdays(start, 5)
    assert (fallback_due, fallback_end) == (date(2027, 1, 1), date(2027, 2, 11))
    assert workdays.span_on_fallback(decided, fallback_due)
    assert workdays.deadline_basis(start, fallback_end) == "fallback Mon–Fri"
    record = {"decided_on": decided, "publication_due_on": fallback_due}
    assert workdays.provisional(record, {"publication_due_on": "decided_on"})[
        "publication_due_on_provisional"] is True
    assert "publication_due_on_provisional" in PenaltyRecord.model_fields
    # 2026 alone is the installed calendar's: not flagged
    assert not workdays.span_on_fallback(date(2026, 3, 2), date(2026, 12, 31))
    assert workdays.deadline_basis(date(2026, 3, 2), date(2026, 12, 31)) == "official"
    # the same deadlines with the 2027 schedule given as data (TEST DATA, see TEST_2027)
    workdays.use_schedules(_rules(tmp_path, schedules=[TEST_2027]).calendar.year_schedules())
    due = workdays.add_workdays(decided, 2)
    end = workdays.add_workdays(start, 5)
    # 31 Dec, then 1 January 2027 (a day off) is skipped: Mon 4 January
    assert due == date(2027, 1, 4)
    # Fri 5; the block 6–13 is off; Sun 14 (make-up), Mon 15, Tue 16, Wed 17
    assert end == date(2027, 2, 17)
    assert not workdays.span_on_fallback(decided, due)
    assert workdays.deadline_basis(start, end) == "rules schedule"
    # serialised: the commitment's verification window carries the flag
    row = {"commitment_id": "c1", "committed_on": start, "verify_by": end}
    assert _commitment(_Row(row))["verify_by_provisional"] is False
    workdays.use_schedules([])
    assert _commitment(_Row(row))["verify_by_provisional"] is True


class _Row:
    """A read-model row as SQLAlchemy hands it to the views (only `_mapping` is read)."""

    def __init__(self, mapping: dict):
        self._mapping = mapping
