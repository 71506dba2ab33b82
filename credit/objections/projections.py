"""Projection of objections (异议)."""

from __future__ import annotations

from typing import Any

from credit.objections.aggregate import Objection
from credit.objections.tables import objections
from credit.read_models import FoldingProjection, stamp
from kernel.projections import Unit, handles


class ObjectionBoard(FoldingProjection):
    """异议 The objection queue, and the open ones that mark public records."""

    name = "credit_objections"
    tables = (objections,)
    keyed = ((objections, ("objection_id",)),)

    @handles(Objection.Filed)
    def filed(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["objections"].insert(unit, {
            "objection_id": e.originator_id.hex, "record_kind": e.record_kind, "uscc": e.uscc,
            "record_key": e.record_key, "department": e.department, "reason": e.reason,
            "contact_name": e.contact_name, "contact": e.contact, "filed_on": e.filed_on,
            "handle_by": e.handle_by, "handle_basis": e.handle_basis, "status": "open",
            "handled_late": False, **stamp(e, position)})

    @handles(Objection.Handled)
    def handled(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["objections"].update((e.originator_id.hex,), {
            "status": e.outcome, "handled_on": e.handled_on, "handler": e.handler,
            "outcome_reasons": e.reasons, "handled_late": e.late, **stamp(e, position)})

    @handles(Objection.HandlingOverdue)
    def overdue(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["objections"].update((e.originator_id.hex,), {
            "overdue_on": e.flagged_on, **stamp(e, position)})
