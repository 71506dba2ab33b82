"""Follow-ups of a recorded result (责令公示 / 责令改正): the checks an order and its outcome pass
before ``InspectionTask`` records them (pure, no clock; dates are passed in)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kernel.errors import Conflict, InvalidInput
from kernel.workdays import add_workdays
from supervision.tasks.rules import FOLLOW_UP_ORDERS, OUTCOMES, one_of, text

MAX_DEADLINE_WORKDAYS = 250


def order(part: dict[str, Any], kind: str, deadline_workdays: int, note: str,
          today: date) -> dict[str, Any]:
    """The next order of a part that found a problem and has no open follow-up: its event data."""
    one_of(kind, FOLLOW_UP_ORDERS, "kind")
    if not part["problem_found"]:
        raise Conflict(f"result {part['result_code']} found no problem to follow up",
                       field="status")
    if any(f["outcome"] is None for f in part["follow_ups"]):
        raise Conflict("a follow-up of this part is still open", field="status")
    if not 1 <= deadline_workdays <= MAX_DEADLINE_WORKDAYS:
        raise InvalidInput(f"deadline_workdays must lie between 1 and {MAX_DEADLINE_WORKDAYS}",
                           field="deadline_workdays")
    return {"follow_up_no": len(part["follow_ups"]) + 1, "kind": kind,
            "deadline_workdays": deadline_workdays, "ordered_on": today,
            "due_on": add_workdays(today, deadline_workdays),
            "note": text(note, "note", required=False)}


def closing(part: dict[str, Any], outcome: str, on: date, note: str,
            today: date) -> tuple[dict[str, Any], int, str]:
    """The open follow-up an outcome closes, its number and the cleaned note.

    Overdue only once the deadline has passed on ``on``; neither outcome dated in the future
    or before the order.
    """
    open_ = [f for f in part["follow_ups"] if f["outcome"] is None]
    if not open_:
        raise Conflict("no open follow-up for this part", field="status")
    f, number = open_[0], len(part["follow_ups"])
    one_of(outcome, OUTCOMES, "outcome")
    if on > today:
        raise InvalidInput("on must not be in the future", field="on")
    if on < f["ordered_on"]:
        raise InvalidInput(f"on must not be before the order ({f['ordered_on']})", field="on")
    note = text(note, "note", required=False)
    if outcome == "overdue" and on <= f["due_on"]:
        raise Conflict(f"the deadline {f['due_on']} has not passed on {on}", field="outcome")
    return f, number, note
