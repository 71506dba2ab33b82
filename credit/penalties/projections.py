"""Projection of penalty cases (and of the repairs that take one off the public record)."""

from __future__ import annotations

from typing import Any

from credit.penalties.case import PenaltyCase
from credit.penalties.tables import penalties
from credit.read_models import keyed_update, stamp
from credit.repair.case import RepairCase
from kernel.projections import Projection, Unit, handles

_PENALTY_KEY = ("case_id",)
_INSERT_PENALTY = penalties.insert()
_PENALTY_DECIDED = keyed_update(
    penalties, _PENALTY_KEY, "status", "decision_no", "violation_type", "legal_basis", "kinds",
    "procedure", "heavier_penalty", "fine_amount", "restriction_months", "decided_on",
    "publicisable", "publication_due_on", "publication_due_basis", "publication_overdue_on",
    "published_on", "published_late", "publicity_ends_on", "publicity_rule", "revocation_ground", "revoked_on", "revocation_reason", "withdrawal_due_on", "withdrawn_on",
    "withdrawn_late", "fine_paid_on", "fulfilled_on")
_PENALTY_PUBLISHED = keyed_update(penalties, _PENALTY_KEY, "status", "published_on",
                                  "published_late", "publicity_ends_on", "publicity_rule")
_PENALTY_OVERDUE = keyed_update(penalties, _PENALTY_KEY, "publication_overdue_on")
_PENALTY_REVOKED = keyed_update(penalties, _PENALTY_KEY, "status", "revocation_ground",
                                "revoked_on", "revocation_reason", "withdrawal_due_on",
                                "withdrawn_on", "withdrawn_late")
_PENALTY_FINE_PAID = keyed_update(penalties, _PENALTY_KEY, "fine_paid_on")
_PENALTY_FULFILLED = keyed_update(penalties, _PENALTY_KEY, "fulfilled_on")
_PENALTY_REPAIRED = keyed_update(penalties, _PENALTY_KEY, "repaired_on", versioned=False)


class PenaltyBoard(Projection):
    """行政处罚 Penalty cases as supervisors list them and the public record shows them."""

    name = "credit_penalties"
    tables = (penalties,)

    @handles(PenaltyCase.Opened)
    def opened(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_PENALTY, {
            "case_id": e.originator_id.hex, "uscc": e.uscc, "department": e.department,
            "inspection_task_id": e.inspection_task_id, "opened_on": e.opened_on,
            "notes": e.notes, "status": "opened", "kinds": "", "heavier_penalty": False,
            "publicisable": False, "published_late": False, "withdrawn_late": False,
            **stamp(e, position)})

    @handles(PenaltyCase.Decided)
    def decided(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_PENALTY_DECIDED, {
            "b_case_id": e.originator_id.hex, "status": "decided", "decision_no": e.decision_no,
            "violation_type": e.violation_type, "legal_basis": e.legal_basis,
            "kinds": ",".join(e.kinds), "procedure": e.procedure,
            "heavier_penalty": e.heavier_penalty, "fine_amount": e.fine_amount,
            "restriction_months": e.restriction_months, "decided_on": e.decided_on,
            "publicisable": e.publicisable, "publication_due_on": e.publication_due_on,
            # events recorded before the deadline's rule (and the version below) were named
            "publication_due_basis": getattr(e, "publication_due_basis", "") or None,
            "publication_overdue_on": None, "published_on": None, "published_late": False,
            "publicity_ends_on": None, "publicity_rule": None,
            "revocation_ground": None, "revoked_on": None, "revocation_reason": None,
            "withdrawal_due_on": None, "withdrawn_on": None, "withdrawn_late": False,
            "fine_paid_on": None, "fulfilled_on": None, **stamp(e, position)})

    @handles(PenaltyCase.Published)
    def published(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_PENALTY_PUBLISHED, {
            "b_case_id": e.originator_id.hex, "status": "published",
            "published_on": e.published_on, "published_late": e.late,
            "publicity_ends_on": e.publicity_ends_on,
            "publicity_rule": getattr(e, "publicity_rule", "") or None, **stamp(e, position)})

    @handles(PenaltyCase.PublicationOverdue)
    def publication_overdue(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_PENALTY_OVERDUE, {"b_case_id": e.originator_id.hex,
                                        "publication_overdue_on": e.flagged_on,
                                        **stamp(e, position)})

    @handles(PenaltyCase.Revoked)
    def revoked(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_PENALTY_REVOKED, {
            "b_case_id": e.originator_id.hex,
            "status": "changed" if e.ground == "changed" else "revoked",
            "revocation_ground": e.ground, "revoked_on": e.effective_on,
            "revocation_reason": e.reason, "withdrawal_due_on": e.withdrawal_due_on,
            "withdrawn_on": e.withdrawn_on, "withdrawn_late": e.withdrawn_late,
            **stamp(e, position)})

    @handles(PenaltyCase.FinePaid)
    def fine_paid(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_PENALTY_FINE_PAID, {"b_case_id": e.originator_id.hex,
                                          "fine_paid_on": e.paid_on, **stamp(e, position)})

    @handles(PenaltyCase.ObligationsFulfilled)
    def fulfilled(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_PENALTY_FULFILLED, {"b_case_id": e.originator_id.hex,
                                          "fulfilled_on": e.fulfilled_on, **stamp(e, position)})

    @handles(RepairCase.Approved)
    def repaired(self, e: Any, position: int, unit: Unit) -> None:
        if e.record_kind == "penalty":
            unit.execute(_PENALTY_REPAIRED, {"b_case_id": e.record_key,
                                             "repaired_on": e.decided_on})
