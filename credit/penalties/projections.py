"""Projection of penalty cases (and of the repairs that take one off the public record)."""

from __future__ import annotations

from typing import Any

from credit.penalties.case import PenaltyCase
from credit.penalties.tables import penalties
from credit.read_models import FoldingProjection, stamp
from credit.repair.case import RepairCase
from kernel.projections import Unit, handles


class PenaltyBoard(FoldingProjection):
    """行政处罚 Penalty cases as supervisors list them and the public record shows them."""

    name = "credit_penalties"
    tables = (penalties,)
    keyed = ((penalties, ("case_id",)),)

    def _set(self, case_id: str, values: dict[str, Any]) -> None:
        self.rows["penalties"].update((case_id,), values)

    @handles(PenaltyCase.Opened)
    def opened(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["penalties"].insert(unit, {
            "case_id": e.originator_id.hex, "uscc": e.uscc, "department": e.department,
            "inspection_task_id": e.inspection_task_id, "opened_on": e.opened_on,
            "notes": e.notes, "status": "opened", "kinds": "", "heavier_penalty": False,
            "publicisable": False, "published_late": False, "withdrawn_late": False,
            **stamp(e, position)})

    @handles(PenaltyCase.Decided)
    def decided(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e.originator_id.hex, {
            "status": "decided", "decision_no": e.decision_no,
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
        self._set(e.originator_id.hex, {
            "status": "published", "published_on": e.published_on, "published_late": e.late,
            "publicity_ends_on": e.publicity_ends_on,
            "publicity_rule": getattr(e, "publicity_rule", "") or None, **stamp(e, position)})

    @handles(PenaltyCase.PublicationOverdue)
    def publication_overdue(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e.originator_id.hex, {"publication_overdue_on": e.flagged_on,
                                        **stamp(e, position)})

    @handles(PenaltyCase.Revoked)
    def revoked(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e.originator_id.hex, {
            "status": "changed" if e.ground == "changed" else "revoked",
            "revocation_ground": e.ground, "revoked_on": e.effective_on,
            "revocation_reason": e.reason, "withdrawal_due_on": e.withdrawal_due_on,
            "withdrawn_on": e.withdrawn_on, "withdrawn_late": e.withdrawn_late,
            **stamp(e, position)})

    @handles(PenaltyCase.FinePaid)
    def fine_paid(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e.originator_id.hex, {"fine_paid_on": e.paid_on, **stamp(e, position)})

    @handles(PenaltyCase.ObligationsFulfilled)
    def fulfilled(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e.originator_id.hex, {"fulfilled_on": e.fulfilled_on, **stamp(e, position)})

    @handles(RepairCase.Approved)
    def repaired(self, e: Any, position: int, unit: Unit) -> None:
        if e.record_kind == "penalty":   # the repair's own version is not the case's
            self._set(e.record_key, {"repaired_on": e.decided_on})
