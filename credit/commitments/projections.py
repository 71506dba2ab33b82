"""Projection of commitments (and of the repairs that take a false one off the public record)."""

from __future__ import annotations

from typing import Any

from credit.commitments.commitment import Commitment
from credit.commitments.tables import commitments
from credit.read_models import keyed_update, stamp
from credit.repair.case import RepairCase
from kernel.projections import Projection, Unit, handles

_COMMITMENT_KEY = ("commitment_id",)
_INSERT_COMMITMENT = commitments.insert()
_COMMITMENT_VERIFIED = keyed_update(commitments, _COMMITMENT_KEY, "status", "verified_on",
                                    "verification_method", "verification_note", "verified_late",
                                    "decision_revoked")
_COMMITMENT_OVERDUE = keyed_update(commitments, _COMMITMENT_KEY, "status", "overdue_on")
_COMMITMENT_REPAIRED = keyed_update(commitments, _COMMITMENT_KEY, "repaired_on", versioned=False)


class CommitmentBoard(Projection):
    """告知承诺 Commitments awaiting verification, verified, false or overdue."""

    name = "credit_commitments"
    tables = (commitments,)

    @handles(Commitment.Accepted)
    def accepted(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_COMMITMENT, {
            "commitment_id": e.originator_id.hex, "uscc": e.uscc, "department": e.department,
            "permit_type": e.permit_type, "content": e.content, "committed_on": e.committed_on,
            "verify_by": e.verify_by, "status": "awaiting", "verified_late": False,
            "decision_revoked": False,
            "documents_to_follow": bool(getattr(e, "documents_to_follow", False)),
            **stamp(e, position)})

    @handles(Commitment.VerifiedFulfilled, Commitment.FoundFalse)
    def verified(self, e: Any, position: int, unit: Unit) -> None:
        false = isinstance(e, Commitment.FoundFalse)
        unit.execute(_COMMITMENT_VERIFIED, {
            "b_commitment_id": e.originator_id.hex, "status": "false" if false else "fulfilled",
            "verified_on": e.verified_on, "verification_method": e.method,
            "verification_note": e.note, "verified_late": e.late,
            "decision_revoked": bool(false and e.decision_revoked), **stamp(e, position)})

    @handles(Commitment.MarkedOverdue)
    def overdue(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_COMMITMENT_OVERDUE, {"b_commitment_id": e.originator_id.hex,
                                           "status": "overdue", "overdue_on": e.overdue_on,
                                           **stamp(e, position)})

    @handles(RepairCase.Approved)
    def repaired(self, e: Any, position: int, unit: Unit) -> None:
        if e.record_kind == "false_commitment":
            unit.execute(_COMMITMENT_REPAIRED, {"b_commitment_id": e.record_key,
                                                "repaired_on": e.decided_on})
