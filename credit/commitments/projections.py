"""Projection of commitments (and of the repairs that take a false one off the public record)."""

from __future__ import annotations

from typing import Any

from credit.commitments.commitment import Commitment
from credit.commitments.tables import commitments
from credit.read_models import FoldingProjection, stamp
from credit.repair.case import RepairCase
from kernel.projections import Unit, handles


class CommitmentBoard(FoldingProjection):
    """告知承诺 Commitments awaiting verification, verified, false or overdue."""

    name = "credit_commitments"
    tables = (commitments,)
    keyed = ((commitments, ("commitment_id",)),)

    def _set(self, commitment_id: str, values: dict[str, Any]) -> None:
        self.rows["commitments"].update((commitment_id,), values)

    @handles(Commitment.Accepted)
    def accepted(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["commitments"].insert(unit, {
            "commitment_id": e.originator_id.hex, "uscc": e.uscc, "department": e.department,
            "permit_type": e.permit_type, "content": e.content, "committed_on": e.committed_on,
            "verify_by": e.verify_by, "status": "awaiting", "verified_late": False,
            "decision_revoked": False,
            "documents_to_follow": bool(getattr(e, "documents_to_follow", False)),
            **stamp(e, position)})

    @handles(Commitment.VerifiedFulfilled, Commitment.FoundFalse)
    def verified(self, e: Any, position: int, unit: Unit) -> None:
        false = isinstance(e, Commitment.FoundFalse)
        self._set(e.originator_id.hex, {
            "status": "false" if false else "fulfilled",
            "verified_on": e.verified_on, "verification_method": e.method,
            "verification_note": e.note, "verified_late": e.late,
            "decision_revoked": bool(false and e.decision_revoked), **stamp(e, position)})

    @handles(Commitment.MarkedOverdue)
    def overdue(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e.originator_id.hex, {"status": "overdue", "overdue_on": e.overdue_on,
                                        **stamp(e, position)})

    @handles(RepairCase.Approved)
    def repaired(self, e: Any, position: int, unit: Unit) -> None:
        if e.record_kind == "false_commitment":   # the repair's own version is not the record's
            self._set(e.record_key, {"repaired_on": e.decided_on})
