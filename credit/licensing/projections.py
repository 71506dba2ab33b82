"""Projection of licensing decisions (双公示)."""

from __future__ import annotations

from typing import Any

from credit.licensing.aggregate import LicensingDecision
from credit.licensing.tables import licences
from credit.read_models import FoldingProjection, stamp
from kernel.projections import Unit, handles


class LicenceBoard(FoldingProjection):
    """行政许可 Licensing decisions as supervisors list them and the public sees them."""

    name = "credit_licences"
    tables = (licences,)
    keyed = ((licences, ("licence_id",)),)

    def _set(self, e: Any, position: int, values: dict[str, Any]) -> None:
        self.rows["licences"].update((e.originator_id.hex,), {**values, **stamp(e, position)})

    @handles(LicensingDecision.Granted)
    def granted(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["licences"].insert(unit, {
            "licence_id": e.originator_id.hex, "uscc": e.uscc, "document_name": e.document_name,
            "decision_no": e.decision_no, "category": e.category,
            "licence_name": e.licence_name, "licence_no": e.licence_no, "content": e.content,
            "decided_on": e.decided_on, "valid_from": e.valid_from, "valid_to": e.valid_to,
            "department": e.department, "authority": e.authority, "status": "granted",
            "publication_due_on": e.publication_due_on,
            "publication_due_basis": e.publication_due_basis, "published_late": False,
            **stamp(e, position)})

    @handles(LicensingDecision.Published)
    def published(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e, position, {"status": "published", "published_on": e.published_on,
                                "published_late": e.late})

    @handles(LicensingDecision.PublicationOverdue)
    def overdue(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e, position, {"publication_overdue_on": e.flagged_on})

    @handles(LicensingDecision.Changed)
    def changed(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e, position, {"content": e.content, "valid_to": e.valid_to,
                                "changed_on": e.changed_on, "change_reason": e.reason})

    @handles(LicensingDecision.Ended)
    def ended(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e, position, {"status": e.ground, "ended_on": e.effective_on,
                                "end_ground": e.ground, "end_reason": e.reason})
