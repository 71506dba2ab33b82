"""Projections of the credit log into read-model tables (later credit projections join these)."""

from __future__ import annotations

import json
from typing import Any

from credit.commitments.projections import CommitmentBoard
from credit.lists.commendations import Commendation
from credit.lists.serious import SeriousListing
from credit.penalties.projections import PenaltyBoard
from credit.read_models import keyed_update, stamp
from credit.repair.case import RepairCase
from credit.tables import commendations, repair_applications, serious_listings
from kernel.projections import Projection, Unit, handles

_LISTING_KEY = ("listing_id", "cycle")
_INSERT_LISTING = serious_listings.insert()
_LISTING_STATEMENT = keyed_update(serious_listings, _LISTING_KEY, "statement_on", "statement",
                                  "hearing_requested")
_LISTING_DECIDED = keyed_update(serious_listings, _LISTING_KEY, "status", "decision_no",
                                "decided_on", "legal_basis", "listed_on", "auto_removal_on",
                                "repair_possible_on")
_LISTING_REMOVED = keyed_update(serious_listings, _LISTING_KEY, "status", "removed_on",
                                "removal_reason")


class SeriousListBoard(Projection):
    """严重违法失信名单 Listing procedures per entity: noticed, listed, not listed, removed."""

    name = "credit_serious_list"
    tables = (serious_listings,)

    @staticmethod
    def _key(e: Any) -> dict[str, Any]:
        return {"b_listing_id": e.originator_id.hex, "b_cycle": e.cycle}

    @handles(SeriousListing.NoticeGiven)
    def noticed(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_LISTING, {
            "listing_id": e.originator_id.hex, "cycle": e.cycle, "uscc": e.uscc,
            "status": "noticed", "notice_no": e.notice_no, "noticed_on": e.noticed_on,
            "ground": e.ground, "facts": e.facts,
            "penalty_case_id": e.penalty_case_id.hex if e.penalty_case_id else None,
            "hearing_requested": False, **stamp(e, position)})

    @handles(SeriousListing.StatementRecorded)
    def statement(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_LISTING_STATEMENT, {
            **self._key(e), "statement_on": e.received_on, "statement": e.statement,
            "hearing_requested": e.hearing_requested, **stamp(e, position)})

    @handles(SeriousListing.Listed, SeriousListing.NotListed)
    def decided(self, e: Any, position: int, unit: Unit) -> None:
        listed = isinstance(e, SeriousListing.Listed)
        unit.execute(_LISTING_DECIDED, {
            **self._key(e), "status": "listed" if listed else "not_listed",
            "decision_no": e.decision_no, "decided_on": e.listed_on if listed else e.decided_on,
            "legal_basis": e.legal_basis if listed else None,
            "listed_on": e.listed_on if listed else None,
            "auto_removal_on": e.auto_removal_on if listed else None,
            "repair_possible_on": e.repair_possible_on if listed else None,
            **stamp(e, position)})

    @handles(SeriousListing.Removed)
    def removed(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_LISTING_REMOVED, {**self._key(e), "status": "removed",
                                        "removed_on": e.removed_on, "removal_reason": e.reason,
                                        **stamp(e, position)})


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


_INSERT_COMMENDATION = commendations.insert()
_COMMENDATION_REVOKED = keyed_update(commendations, ("commendation_id",), "revoked_on",
                                     "revocation_reason")


class CommendationBoard(Projection):
    """诚信典型 Commendations in force, expired and revoked (the red list's positive record)."""

    name = "credit_commendations"
    tables = (commendations,)

    @handles(Commendation.Granted)
    def granted(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_COMMENDATION, {
            "commendation_id": e.originator_id.hex, "document_no": e.document_no,
            "uscc": e.uscc, "title": e.title, "department": e.department, "basis": e.basis,
            "granted_on": e.granted_on, "valid_until": e.valid_until, **stamp(e, position)})

    @handles(Commendation.Revoked)
    def revoked(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_COMMENDATION_REVOKED, {
            "b_commendation_id": e.originator_id.hex, "revoked_on": e.revoked_on,
            "revocation_reason": e.reason, **stamp(e, position)})


def credit_projections() -> list[Projection]:
    from credit.lists.projections import AbnormalListBoard
    from credit.rating.projections import RedListBoard, RiskClassBoard

    return [PenaltyBoard(), CommitmentBoard(), SeriousListBoard(), RepairBoard(),
            AbnormalListBoard(), CommendationBoard(), RedListBoard(), RiskClassBoard()]
