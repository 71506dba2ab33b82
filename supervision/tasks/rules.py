"""Rules an inspection task's commands check (pure, no clock): text, dates, signatures."""

from __future__ import annotations

from datetime import date

from kernel.errors import InvalidInput
from supervision.rules import FollowUp

MIN_SIGNATURES = 2            # 行政处罚法 Art 42: enforcement needs at least two officers
FOLLOW_UP_ORDERS = (FollowUp.ORDER_PUBLICISE.value, FollowUp.ORDER_CORRECT.value)
OUTCOMES = ("satisfied", "overdue")
MAX_TEXT = 4000


def text(value: str, field: str, required: bool = True) -> str:
    stripped = value.strip()
    if required and not stripped:
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(stripped) > MAX_TEXT:
        raise InvalidInput(f"{field} must have at most {MAX_TEXT} characters", field=field)
    return stripped


def one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


def inspection_day(inspected_on: date, assigned_on: date, today: date) -> date:
    """The inspection ended between the assignment and today."""
    if inspected_on > today:
        raise InvalidInput("inspected_on must not be in the future", field="inspected_on")
    if inspected_on < assigned_on:
        raise InvalidInput(f"inspected_on must not be before the task was assigned "
                           f"({assigned_on.isoformat()})", field="inspected_on")
    return inspected_on


def signers(signatures: list[int], team: list[int], recorder: int) -> list[int]:
    """≥ 2 distinct officers, all on the team, the recorder among them (行政处罚法 Art 42)."""
    distinct = list(dict.fromkeys(signatures))
    if len(distinct) < MIN_SIGNATURES:
        raise InvalidInput(f"a result needs the signatures of at least {MIN_SIGNATURES} "
                           "inspectors on the team (行政处罚法 Art 42)", field="signatures")
    strangers = [s for s in distinct if s not in team]
    if strangers:
        raise InvalidInput(f"inspector(s) {strangers} are not on this task's team",
                           field="signatures")
    if recorder not in distinct:
        raise InvalidInput("the recording inspector must sign the result", field="signatures")
    return distinct
