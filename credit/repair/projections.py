"""Projection of credit repair applications and their decisions."""

from __future__ import annotations

import json
from typing import Any

from credit.read_models import keyed_update, stamp
from credit.repair.case import RepairCase
from credit.repair.tables import repair_applications
from kernel.projections import Projection, Unit, handles

_REPAIR_KEY = ("repair_id", "attempt")
_INSERT_REPAIR = repair_applications.insert()
_REPAIR_DECIDED = keyed_update(repair_applications, _REPAIR_KEY, "status", "decided_on",
                               "decided_by", "decision_reason")


class RepairBoard(Projection):
    """信用修复 Repair applications and their decisions."""

    name = "credit_repairs"
    tables = (repair_applications,)

    @handles(RepairCase.Applied)
    def applied(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_REPAIR, {
            "repair_id": e.originator_id.hex, "attempt": e.attempt, "record_kind": e.record_kind,
            "record_key": e.record_key, "uscc": e.uscc, "status": "pending",
            "applied_on": e.applied_on, "eligible_from": e.eligible_from, "serious": e.serious,
            "pledge": e.pledge, "evidence": json.dumps(e.evidence, ensure_ascii=False),
            **stamp(e, position)})

    @handles(RepairCase.Approved, RepairCase.Rejected)
    def decided(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_REPAIR_DECIDED, {
            "b_repair_id": e.originator_id.hex, "b_attempt": e.attempt,
            "status": "approved" if isinstance(e, RepairCase.Approved) else "rejected",
            "decided_on": e.decided_on, "decided_by": e.decided_by, "decision_reason": e.reason,
            **stamp(e, position)})
