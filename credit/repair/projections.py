"""Projection of credit repair applications and their decisions."""

from __future__ import annotations

import json
from typing import Any

from credit.read_models import FoldingProjection, stamp
from credit.repair.case import RepairCase
from credit.repair.tables import repair_applications
from kernel.projections import Unit, handles


class RepairBoard(FoldingProjection):
    """信用修复 Repair applications and their decisions."""

    name = "credit_repairs"
    tables = (repair_applications,)
    keyed = ((repair_applications, ("repair_id", "attempt")),)

    @handles(RepairCase.Applied)
    def applied(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["repair_applications"].insert(unit, {
            "repair_id": e.originator_id.hex, "attempt": e.attempt, "record_kind": e.record_kind,
            "record_key": e.record_key, "uscc": e.uscc, "status": "pending",
            "applied_on": e.applied_on, "eligible_from": e.eligible_from, "serious": e.serious,
            "pledge": e.pledge, "evidence": json.dumps(e.evidence, ensure_ascii=False),
            **stamp(e, position)})

    @handles(RepairCase.Approved, RepairCase.Rejected)
    def decided(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["repair_applications"].update((e.originator_id.hex, e.attempt), {
            "status": "approved" if isinstance(e, RepairCase.Approved) else "rejected",
            "decided_on": e.decided_on, "decided_by": e.decided_by, "decision_reason": e.reason,
            **stamp(e, position)})
