"""Projection of licensing decisions (双公示)."""

from __future__ import annotations

from typing import Any

from credit.licensing.aggregate import LicensingDecision
from credit.licensing.tables import licences
from credit.read_models import keyed_update, stamp
from kernel.projections import Projection, Unit, handles

_KEY = ("licence_id",)
_INSERT = licences.insert()
_PUBLISHED = keyed_update(licences, _KEY, "status", "published_on", "published_late")
_OVERDUE = keyed_update(licences, _KEY, "publication_overdue_on")
_CHANGED = keyed_update(licences, _KEY, "content", "valid_to", "changed_on", "change_reason")
_ENDED = keyed_update(licences, _KEY, "status", "ended_on", "end_ground", "end_reason")


class LicenceBoard(Projection):
    """行政许可 Licensing decisions as supervisors list them and the public sees them."""

    name = "credit_licences"
    tables = (licences,)

    @handles(LicensingDecision.Granted)
    def granted(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT, {
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
        unit.execute(_PUBLISHED, {"b_licence_id": e.originator_id.hex, "status": "published",
                                  "published_on": e.published_on, "published_late": e.late,
                                  **stamp(e, position)})

    @handles(LicensingDecision.PublicationOverdue)
    def overdue(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_OVERDUE, {"b_licence_id": e.originator_id.hex,
                                "publication_overdue_on": e.flagged_on, **stamp(e, position)})

    @handles(LicensingDecision.Changed)
    def changed(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_CHANGED, {"b_licence_id": e.originator_id.hex, "content": e.content,
                                "valid_to": e.valid_to, "changed_on": e.changed_on,
                                "change_reason": e.reason, **stamp(e, position)})

    @handles(LicensingDecision.Ended)
    def ended(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_ENDED, {"b_licence_id": e.originator_id.hex, "status": e.ground,
                              "ended_on": e.effective_on, "end_ground": e.ground,
                              "end_reason": e.reason, **stamp(e, position)})
