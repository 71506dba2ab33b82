"""The calendar as data: official holiday schedules a deployment enters in its rules file.

The State Council (国务院办公厅) publishes each year's 部分节假日安排 in November or December;
chinese-calendar follows in a later release. A schedule given here overrides the installed
calendar for its year (kernel.workdays.use_schedules); no schedule ships by default, since
OpenCheck must not guess one.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from kernel.rulebook import RuleSection
from kernel.workdays import YearSchedule


class YearScheduleRule(RuleSection):
    """One year's notice: its days off and its make-up workdays, with the notice cited."""

    year: int = Field(..., ge=2000, le=2100)
    holidays: list[date] = Field(..., description="Days off (放假), weekends of a block optional.")
    workdays: list[date] = Field([], description="Weekend days worked instead (调休上班).")
    source: str = Field(..., min_length=5,
                        description="The notice, e.g. 国办发明电〔2026〕N号 and its date.")

    @model_validator(mode="after")
    def _consistent(self) -> YearScheduleRule:
        if any(d.year != self.year for d in (*self.holidays, *self.workdays)):
            raise ValueError(f"every date of the {self.year} schedule must lie in {self.year}")
        if set(self.holidays) & set(self.workdays):
            raise ValueError("a day cannot be both a day off and a make-up workday")
        if any(d.weekday() < 5 for d in self.workdays):
            raise ValueError("make-up workdays (调休上班) are weekend days")
        return self

    def to_schedule(self) -> YearSchedule:
        return YearSchedule(self.year, frozenset(self.holidays), frozenset(self.workdays),
                            self.source)


class CalendarRules(RuleSection):
    """Working days: official schedules given as data, and when to warn that one is missing."""

    schedules: list[YearScheduleRule] = Field(
        [], description="Official schedules that override chinese-calendar for their years.")
    warn_days_before_year_end: int = Field(
        60, ge=0, le=366,
        description="From this many days before 1 January, a missing next-year schedule is "
        "reported by /api/v1/health (assumed: the notice usually comes in Nov–Dec).")

    @model_validator(mode="after")
    def _one_per_year(self) -> CalendarRules:
        years = [s.year for s in self.schedules]
        if len(years) != len(set(years)):
            raise ValueError("one schedule per year")
        return self

    def year_schedules(self) -> list[YearSchedule]:
        return [s.to_schedule() for s in self.schedules]
