"""The clock: statutory days are Beijing dates, read here and passed into the domain as values."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today_in_china() -> date:
    """Today's date in China (Asia/Shanghai), whatever the server's time zone."""
    return datetime.now(CHINA).date()


def now_utc() -> datetime:
    """The current moment, UTC-aware (commitments, beacon rounds)."""
    return datetime.now(timezone.utc)


def moment(when: date | datetime) -> datetime:
    """A UTC-aware moment: a date stands for noon of that day in China (tests, the demo's
    history); a naive datetime is taken as UTC."""
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return datetime.combine(when, time(12), CHINA).astimezone(timezone.utc)


def china_date(at: datetime) -> date:
    """The date in China at the moment ``at``."""
    return at.astimezone(CHINA).date()
