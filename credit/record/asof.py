"""Each section of the credit file as it stood on a day, from the rows of today's read models.

A row is in the file on day D when the fact that created it is dated on or before D (and was
recorded by D where the read model keeps the recorded date); every later fact on it (decision,
publication, revocation, verification, cure, removal, repair) is taken back off, and the status
is the one those earlier facts gave it. Scheduled ends (a publicity period's end, an automatic
removal, the day repair becomes possible) stay: they were known the day they were set.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from credit.objections.rules import STATUSES

Row = dict[str, Any]


def _undo(row: Row, on: str, day: date, columns: dict[str, Any],
          recorded: str | None = None) -> bool:
    """Clear `columns` (to their value before the fact) if the fact dated by `on` came after
    `day` or was recorded after it; True if it did."""
    when, rec = row.get(on), row.get(recorded) if recorded else None
    if when is None or (when <= day and (rec is None or rec <= day)):
        return False
    row.update(columns)
    return True


_DECISION = dict.fromkeys(("decision_no", "violation_type", "legal_basis", "procedure",
                           "fine_amount", "restriction_months", "decided_on",
                           "publication_due_on"))
_PUBLICATION = {"published_on": None, "published_late": False, "publicity_ends_on": None}
_REVOCATION = {**dict.fromkeys(("revocation_ground", "revoked_on", "revocation_reason",
                                "withdrawal_due_on", "withdrawn_on")), "withdrawn_late": False}


def penalty(row: Row, day: date) -> Row | None:
    """行政处罚 A case as of `day`, with `in_publicity` (published, period running, unrepaired,
    not revoked)."""
    if row["opened_on"] > day:
        return None
    if _undo(row, "decided_on", day, {**_DECISION, "kinds": [], "heavier_penalty": False,
                                      "publicisable": False}):
        row.update(_PUBLICATION, **_REVOCATION)
    _undo(row, "published_on", day, _PUBLICATION)
    _undo(row, "revoked_on", day, _REVOCATION)
    _undo(row, "withdrawn_on", day, {"withdrawn_on": None, "withdrawn_late": False})
    for column in ("fine_paid_on", "fulfilled_on", "repaired_on"):
        _undo(row, column, day, {column: None})
    if row["revoked_on"] is None:
        row["status"] = ("published" if row["published_on"] else
                         "decided" if row["decided_on"] else "opened")
        row["withdrawal_due_on_provisional"] = False
    if row["decided_on"] is None:
        row["publication_due_on_provisional"] = False
    row["in_publicity"] = (row["published_on"] is not None and row["revoked_on"] is None
                           and row["repaired_on"] is None
                           and row["publicity_ends_on"] is not None
                           and row["publicity_ends_on"] > day)
    return row


def commitment(row: Row, day: date) -> Row | None:
    """告知承诺 A commitment as of `day`: awaiting, overdue, or as verified by then."""
    if row["committed_on"] > day:
        return None
    _undo(row, "overdue_on", day, {"overdue_on": None})
    if _undo(row, "verified_on", day, {"verified_on": None, "verification_method": None,
                                       "verification_note": None, "verified_late": False,
                                       "decision_revoked": False}):
        row["status"] = "overdue" if row["overdue_on"] else "awaiting"
    _undo(row, "repaired_on", day, {"repaired_on": None})
    return row


_SERIOUS_DECISION = dict.fromkeys(("decision_no", "decided_on", "legal_basis", "listed_on",
                                   "auto_removal_on", "repair_possible_on"))


def serious(row: Row, day: date) -> Row | None:
    """严重违法失信名单 A listing procedure as of `day` (notice, statement, decision, removal)."""
    if row["noticed_on"] > day:
        return None
    _undo(row, "statement_on", day, {"statement_on": None, "statement": None,
                                     "hearing_requested": False})
    _undo(row, "answered_on", day, {"answered_on": None, "reply": None,
                                    "statement_adopted": None})
    if _undo(row, "decided_on", day, {**_SERIOUS_DECISION, "removed_on": None,
                                      "removal_reason": None, "status": "noticed"}):
        return row
    if _undo(row, "removed_on", day, {"removed_on": None, "removal_reason": None}):
        row["status"] = "listed"
    return row


def abnormal(row: Row, grounds: list[Row], day: date) -> Row | None:
    """经营异常名录 A listing cycle as of `day`, with the grounds that had arisen by then."""
    if row["first_ground_on"] > day or row["recorded_on"] > day:
        return None
    listed = not _undo(row, "listed_on", day, {
        "listed_on": None, "legal_basis": None, "escalation_on": None,
        "escalation_noticed_on": None, "listed_recorded_on": None, "status": "pending"},
        "listed_recorded_on")
    _undo(row, "escalation_noticed_on", day, {"escalation_noticed_on": None})
    removal_undone = _undo(row, "removed_on", day, {
        "removed_on": None, "removal_reason": None, "removed_recorded_on": None},
        "removed_recorded_on")
    if removal_undone:
        row["status"] = "listed" if listed else "pending"
    row["grounds"] = []
    for g in grounds:
        if g["arose_on"] > day or g["recorded_on"] > day:
            continue
        if _undo(g, "cured_on", day, {"cured_on": None, "cure": None, "status": "open"}):
            pass
        elif g["status"] == "closed" and removal_undone:
            g["status"] = "open"
        row["grounds"].append(g)
    return row


def red_period(row: Row, day: date) -> Row | None:
    """守信激励名单 A red-list period as of `day` (open if it ended later)."""
    if row["since"] > day or row["recorded_on"] > day:
        return None
    _undo(row, "until", day, {"until": None})
    return row


def commendation(row: Row, day: date) -> Row | None:
    """诚信典型 A commendation as of `day`, `in_force` on that day."""
    if row["granted_on"] > day:
        return None
    _undo(row, "revoked_on", day, {"revoked_on": None, "revocation_reason": None})
    row["in_force"] = row["granted_on"] <= day < row["valid_until"] and row["revoked_on"] is None
    return row


def repair(row: Row, day: date) -> Row | None:
    """信用修复 An application as of `day`: pending until decided."""
    if row["applied_on"] > day:
        return None
    _undo(row, "decided_on", day, {"decided_on": None, "decided_by": None,
                                   "decision_reason": None, "status": "pending"})
    return row


def inspection(row: Row, day: date) -> Row | None:
    """抽查检查结果 A department's result as of `day`, `public` if on the public record then."""
    if row["inspected_on"] > day or row["recorded_on"] > day:
        return None
    _undo(row, "published_on", day, {"published_on": None, "late": False})
    _undo(row, "withdrawn_on", day, {"withdrawn_on": None})
    row["public"] = row["published_on"] is not None and row["withdrawn_on"] is None
    return row


def licence(row: Row, day: date) -> Row | None:
    """行政许可 A licensing decision as of `day`: granted, published, or ended by then."""
    if row["decided_on"] > day:
        return None
    _undo(row, "publication_overdue_on", day, {"publication_overdue_on": None})
    _undo(row, "published_on", day, {"published_on": None, "published_late": False})
    _undo(row, "changed_on", day, {"changed_on": None, "change_reason": None})
    if _undo(row, "ended_on", day, {"ended_on": None, "end_ground": None, "end_reason": None}) \
            or row["ended_on"] is None:
        row["status"] = "published" if row["published_on"] else "granted"
    row["overdue"] = row["status"] == "granted" and row["publication_due_on"] < day
    return row


def objection(row: Row, day: date) -> Row | None:
    """异议 An objection as of `day`: open ("异议处理中") until handled (contact as given)."""
    if row["filed_on"] > day:
        return None
    _undo(row, "overdue_on", day, {"overdue_on": None})
    if _undo(row, "handled_on", day, {"handled_on": None, "handler": None,
                                      "outcome_reasons": None, "handled_late": False}):
        row["status"] = "open"
    row["status_label"] = STATUSES.get(row["status"], row["status"])
    row["overdue"] = row["status"] == "open" and row["handle_by"] < day
    return row


def kept(rows: list[Row], as_of: Any, day: date) -> list[Row]:
    """The rows `as_of(row, day)` keeps, as it returns them."""
    return [r for r in (as_of(row, day) for row in rows) if r is not None]
