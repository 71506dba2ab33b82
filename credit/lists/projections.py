"""Projections of the lists: credit's own log, and the supervision log read by credit.

`AbnormalListBoard` follows the credit log (listing cycles and their grounds), as do
`SeriousListBoard` and `CommendationBoard`. `GroundSources`
is credit's projection of the *supervision* log (run by its own runner, see opencheck.bootstrap):
it turns inspection results and directory changes into abnormal-list grounds and cures in
credit's words, so the credit context decides on its own read model, never on supervision's
aggregates. Recorded dates come from the events' timestamps (China time), so a rebuild writes
the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from credit.lists.abnormal import AbnormalListing
from credit.lists.commendations import Commendation
from credit.lists.serious import SeriousListing
from credit.lists.tables import (
    abnormal_ground_sources,
    abnormal_grounds,
    abnormal_listings,
    commendations,
    serious_listings,
)
from credit.read_models import FoldingProjection, stamp
from kernel.projections import Projection, Unit, handles
from supervision.directory.entities import MarketEntity, entity_id
from supervision.rules import FollowUp
from supervision.tasks.task import InspectionTask

CHINA = ZoneInfo("Asia/Shanghai")


def recorded_on(e: Any) -> date:
    """The China date an event was recorded (its timestamp is UTC)."""
    return e.timestamp.astimezone(CHINA).date()


class AbnormalListBoard(FoldingProjection):
    """经营异常名录 Listing cycles per entity and every ground with its cure (a listing row's
    `version` is that of its last listing-level event: ground-only events leave it)."""

    name = "credit_abnormal_list"
    tables = (abnormal_grounds, abnormal_listings)
    keyed = ((abnormal_listings, ("listing_id", "cycle")),
             (abnormal_grounds, ("listing_id", "ground_key")))

    def _listing(self, e: Any, position: int, values: dict[str, Any]) -> None:
        self.rows["abnormal_listings"].update((e.originator_id.hex, e.cycle), {
            **values, "version": e.originator_version, "updated_position": position})

    @handles(AbnormalListing.GroundArisen)
    def arisen(self, e: Any, position: int, unit: Unit) -> None:
        listing_id, on = e.originator_id.hex, recorded_on(e)
        if e.new_cycle:
            self.rows["abnormal_listings"].insert(unit, {
                "listing_id": listing_id, "cycle": e.cycle, "uscc": e.uscc, "marked": e.marked,
                "status": "pending", "first_ground_on": e.arose_on, "grounds": e.ground,
                "recorded_on": on, "version": e.originator_version,
                "updated_position": position})
        self.rows["abnormal_grounds"].insert(unit, {
            "listing_id": listing_id, "ground_key": e.key, "uscc": e.uscc, "cycle": e.cycle,
            "ground": e.ground, "arose_on": e.arose_on, "decide_by": e.decide_by,
            "status": "open", "recorded_on": on})

    @handles(AbnormalListing.Listed)
    def listed(self, e: Any, position: int, unit: Unit) -> None:
        self._listing(e, position, {
            "status": "listed", "listed_on": e.listed_on, "grounds": ";".join(e.grounds),
            "legal_basis": e.legal_basis, "escalation_on": e.escalation_on,
            "listed_recorded_on": recorded_on(e),
            "decision_no": getattr(e, "decision_no", "") or None,
            "department": getattr(e, "department", "") or None,
            "authority": getattr(e, "authority", "") or None})

    @handles(AbnormalListing.GroundCured)
    def cured(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["abnormal_grounds"].update((e.originator_id.hex, e.key), {
            "status": "cured", "cured_on": e.cured_on, "cure": e.cure})
        if e.cleared:  # every ground cured before the listing was decided
            self._listing(e, position, {"status": "cleared", "removed_on": e.cured_on,
                                        "removed_recorded_on": recorded_on(e)})

    @handles(AbnormalListing.EscalationNoticed)
    def escalation(self, e: Any, position: int, unit: Unit) -> None:
        self._listing(e, position, {"escalation_noticed_on": e.noticed_on})

    @handles(AbnormalListing.Removed)
    def removed(self, e: Any, position: int, unit: Unit) -> None:
        self._listing(e, position, {"status": "removed", "removed_on": e.removed_on,
                                    "removal_reason": e.reason,
                                    "removed_recorded_on": recorded_on(e)})
        for key in e.closed_grounds:
            self.rows["abnormal_grounds"].update((e.originator_id.hex, key),
                                                 {"status": "closed"})


class SeriousListBoard(FoldingProjection):
    """严重违法失信名单 Listing procedures per entity: noticed, listed, not listed, removed."""

    name = "credit_serious_list"
    tables = (serious_listings,)
    keyed = ((serious_listings, ("listing_id", "cycle")),)

    def _set(self, e: Any, position: int, values: dict[str, Any]) -> None:
        self.rows["serious_listings"].update((e.originator_id.hex, e.cycle),
                                             {**values, **stamp(e, position)})

    @handles(SeriousListing.NoticeGiven)
    def noticed(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["serious_listings"].insert(unit, {
            "listing_id": e.originator_id.hex, "cycle": e.cycle, "uscc": e.uscc,
            "status": "noticed", "notice_no": e.notice_no, "noticed_on": e.noticed_on,
            "ground": e.ground, "facts": e.facts,
            "penalty_case_id": e.penalty_case_id.hex if e.penalty_case_id else None,
            "hearing_requested": False, "department": getattr(e, "department", "") or None,
            "authority": getattr(e, "authority", "") or None, **stamp(e, position)})

    @handles(SeriousListing.StatementRecorded)
    def statement(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e, position, {"statement_on": e.received_on, "statement": e.statement,
                                "hearing_requested": e.hearing_requested})

    @handles(SeriousListing.StatementAnswered)
    def answered(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e, position, {"answered_on": e.answered_on, "reply": e.reply,
                                "statement_adopted": e.adopted})

    @handles(SeriousListing.Listed, SeriousListing.NotListed)
    def decided(self, e: Any, position: int, unit: Unit) -> None:
        listed = isinstance(e, SeriousListing.Listed)
        self._set(e, position, {
            "status": "listed" if listed else "not_listed",
            "decision_no": e.decision_no, "decided_on": e.listed_on if listed else e.decided_on,
            "legal_basis": e.legal_basis if listed else None,
            "listed_on": e.listed_on if listed else None,
            "auto_removal_on": e.auto_removal_on if listed else None,
            "repair_possible_on": e.repair_possible_on if listed else None,
            "department": getattr(e, "department", "") or None,
            "authority": getattr(e, "authority", "") or None})

    @handles(SeriousListing.Removed)
    def removed(self, e: Any, position: int, unit: Unit) -> None:
        self._set(e, position, {"status": "removed", "removed_on": e.removed_on,
                                "removal_reason": e.reason})


class CommendationBoard(FoldingProjection):
    """诚信典型 Commendations in force, expired and revoked (the red list's positive record)."""

    name = "credit_commendations"
    tables = (commendations,)
    keyed = ((commendations, ("commendation_id",)),)

    @handles(Commendation.Granted)
    def granted(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["commendations"].insert(unit, {
            "commendation_id": e.originator_id.hex, "document_no": e.document_no,
            "uscc": e.uscc, "title": e.title, "department": e.department, "basis": e.basis,
            "granted_on": e.granted_on, "valid_until": e.valid_until, **stamp(e, position)})

    @handles(Commendation.Revoked)
    def revoked(self, e: Any, position: int, unit: Unit) -> None:
        self.rows["commendations"].update((e.originator_id.hex,), {
            "revoked_on": e.revoked_on, "revocation_reason": e.reason, **stamp(e, position)})


_INSERT_SOURCE = abnormal_ground_sources.insert()
_s = abnormal_ground_sources.c
_OPEN = _s.cured_on.is_(None)
_REACHABLE = (abnormal_ground_sources.update()
              .where(_s.uscc == sa.bindparam("b_uscc"), _s.ground == "unreachable", _OPEN,
                     _s.task_id != sa.bindparam("b_task_id"),
                     _s.arose_on <= sa.bindparam("b_on"))
              .values(cured_on=sa.bindparam("b_on"), cure=sa.bindparam("b_cure")))
_PART_CURED = (abnormal_ground_sources.update()
               .where(_s.task_id == sa.bindparam("b_task_id"),
                      _s.department == sa.bindparam("b_department"),
                      sa.or_(_s.ground == "publicity_order", _s.ground == sa.bindparam("b_also")),
                      _OPEN,
                      _s.arose_on <= sa.bindparam("b_on"))
               .values(cured_on=sa.bindparam("b_on"), cure=sa.bindparam("b_cure")))
_MOVED = (abnormal_ground_sources.update()
          .where(_s.entity_id == sa.bindparam("b_entity_id"), _s.ground == "unreachable", _OPEN,
                 _s.arose_on <= sa.bindparam("b_on"))
          .values(cured_on=sa.bindparam("b_on"), cure=sa.bindparam("b_cure")))
# A result with these follow-ups says nothing about whether the entity could be reached.
_NOT_CONTACT = (FollowUp.ABNORMAL_GROUND.value, FollowUp.TERMINAL_STATUS.value)


class GroundSources(Projection):
    """Abnormal-list grounds found by inspections (codes C, 6; an overdue order) and their cures.

    A batch's cures go out before its new grounds, as one run per statement: every stored
    source is older than the batch's events, so a cure's UPDATE may reach all of them, and a
    ground the batch found is cured here, in its queued row, by the batch's later events (found
    by uscc, task or entity, as the UPDATEs' own conditions select): the rows a catch-up leaves
    are those of the events applied one by one, without a round trip per alternating statement."""

    name = "credit_ground_sources"
    tables = (abnormal_ground_sources,)

    def __init__(self) -> None:
        self.begin_batch()

    def begin_batch(self) -> None:
        self._cures: list[tuple[Any, dict[str, Any]]] = []   # UPDATEs of stored rows, in order
        self._new: list[dict[str, Any]] = []   # the batch's new grounds, queued rows
        self._by: dict[tuple[str, str | None], list[dict[str, Any]]] = {}

    def end_batch(self, unit: Unit) -> None:
        for stmt, params in self._cures:
            unit.execute(stmt, params)
        for row in self._new:
            unit.execute(_INSERT_SOURCE, row)
        self.begin_batch()

    def _found(self, row: dict[str, Any]) -> None:
        self._new.append(row)
        for field in ("uscc", "task_id", "entity_id"):
            if row[field] is not None:
                self._by.setdefault((field, row[field]), []).append(row)

    def _cure(self, stmt: Any, params: dict[str, Any], field: str, value: str,
              cures: Callable[[dict[str, Any]], bool]) -> None:
        self._cures.append((stmt, params))
        for row in self._by.get((field, value), ()):
            if row["cured_on"] is None and row["arose_on"] <= params["b_on"] and cures(row):
                row["cured_on"], row["cure"] = params["b_on"], params["b_cure"]

    @handles(InspectionTask.ResultRecorded)
    def result(self, e: Any, position: int, unit: Unit) -> None:
        task = e.originator_id.hex
        if e.follow_up not in _NOT_CONTACT:  # inspected at the address: it is reachable again
            self._cure(_REACHABLE, {"b_uscc": e.uscc, "b_task_id": task, "b_on": e.inspected_on,
                                    "b_cure": f"检查联系上 reached by inspection {task}"},
                       "uscc", e.uscc,
                       lambda r: r["ground"] == "unreachable" and r["task_id"] != task)
        if e.abnormal_list_ground:
            unreachable = e.follow_up == FollowUp.ABNORMAL_GROUND.value
            self._found({
                "ground_key": f"result:{task}:{e.department}", "uscc": e.uscc,
                "entity_id": entity_id(e.uscc).hex, "task_id": task,
                "department": e.department,
                "ground": "unreachable" if unreachable else "false_information",
                "arose_on": e.recorded_on, "cured_on": None, "cure": None})

    @handles(InspectionTask.FollowUpOverdue)
    def overdue(self, e: Any, position: int, unit: Unit) -> None:
        if e.abnormal_list_ground:  # 未在责令的期限内公示 (the event names only the task)
            self._found({
                "ground_key": f"follow_up:{e.originator_id.hex}:{e.department}:{e.follow_up_no}",
                "uscc": None, "entity_id": None, "task_id": e.originator_id.hex,
                "department": e.department, "ground": "publicity_order", "arose_on": e.found_on,
                "cured_on": None, "cure": None})

    @handles(InspectionTask.FollowUpSatisfied)
    def satisfied(self, e: Any, position: int, unit: Unit) -> None:
        # any satisfied order means the information is now publicised; a correction also
        # cures false information
        also = "false_information" if e.kind == FollowUp.ORDER_CORRECT.value \
            else "publicity_order"
        self._cure(_PART_CURED, {"b_task_id": e.originator_id.hex,
                                 "b_department": e.department, "b_also": also,
                                 "b_on": e.satisfied_on,
                                 "b_cure": f"责令事项已履行 order satisfied ({e.kind})"},
                   "task_id", e.originator_id.hex,
                   lambda r: r["department"] == e.department
                   and r["ground"] in ("publicity_order", also))

    @handles(MarketEntity.DetailsChanged)
    def details_changed(self, e: Any, position: int, unit: Unit) -> None:
        if "address" in e.changes:  # 变更住所 the event has no effective date: its recording day
            self._cure(_MOVED, {"b_entity_id": e.originator_id.hex, "b_on": recorded_on(e),
                                "b_cure": "住所已变更 registered address changed"},
                       "entity_id", e.originator_id.hex,
                       lambda r: r["ground"] == "unreachable")


def credit_projections_of_supervision() -> list[Projection]:
    """Credit's projections of the supervision log (a runner of their own in bootstrap)."""
    return [GroundSources()]
