"""The clock: statutory days are Beijing dates, read here and passed into the domain as values."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today_in_china() -> date:
    """Today's date in China (Asia/Shanghai), whatever the server's time zone."""
    return datetime.now(CHINA).date()
