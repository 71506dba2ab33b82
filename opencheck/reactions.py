"""Reactions across contexts: one context's event leads to a command in another.

Contexts never import each other's applications; the composition root runs each reaction as a
projection of the first context's log that calls the second's application. Delivery is at least
once (the command's save and the runner's position are two transactions), so every command a
reaction calls is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from credit.application import CreditApplication
from credit.commitments.commitment import Commitment
from credit.lists.abnormal import AbnormalListing
from credit.lists.serious import SeriousListing
from credit.penalties.case import PenaltyCase
from credit.rating.changes import Rescoring
from credit.repair.case import RepairCase
from kernel import bulk
from kernel.errors import DomainError
from kernel.projections import Projection, Unit, handles
from kernel.rulebook import UnknownResultCode
from supervision.application import SupervisionApplication
from supervision.rules import ResultRules
from supervision.tasks.task import InspectionTask

log = logging.getLogger(__name__)


class WithdrawRepairedResults(Projection):
    """信用修复 When credit approves the repair of a negative spot-check result, supervision
    takes the result off the public record (SAMR Order 107)."""

    name = "withdraw_repaired_results"

    def __init__(self, supervision: SupervisionApplication) -> None:
        self.supervision = supervision

    @handles(RepairCase.Approved)
    def approved(self, e: Any, position: int, unit: Unit) -> None:
        if e.record_kind != "inspection_result":
            return
        task, _, department = e.record_key.partition(":")
        try:
            self.supervision.withdraw_result(UUID(task), department, e.decided_on,
                                             f"信用修复 credit repair approved ({e.originator_id})")
        except DomainError as error:  # a poison event must not stop the log: say so, go on
            log.error("repair %s: result %s not withdrawn: %s", e.originator_id, e.record_key,
                      error.message)



class RecordTerminalResultsInDirectory(Projection):
    """Results 9–12 (注销 / 吊销 / 撤销 / 迁出, DOMAIN §4): when an inspection finds the entity
    deregistered, revoked, cancelled or moved out, the directory records that status, so the
    entity leaves future draw pools. Which codes do so is the configured result catalogue's
    ``entity_status``; the directory command is idempotent per task and department."""

    name = "directory_status_from_results"

    def __init__(self, supervision: SupervisionApplication, results: ResultRules) -> None:
        self.supervision, self.results = supervision, results

    @handles(InspectionTask.ResultRecorded)
    def recorded(self, e: Any, position: int, unit: Unit) -> None:
        try:
            status = self.results.get(e.result_code).entity_status
        except UnknownResultCode:   # a code since removed from the catalogue: nothing to record
            return
        if status is None:
            return
        reason = (f"检查结果 {e.result_code} {e.result_name_zh} inspection result "
                  f"{e.result_name_en} (task {e.originator_id}, {e.department})")
        try:
            self.supervision.record_status_found(e.uscc, status, e.inspected_on, reason,
                                                 source=f"{e.originator_id}:{e.department}")
        except DomainError as error:  # a poison event must not stop the log: say so, go on
            log.error("result %s of task %s: status of %s not recorded: %s", e.result_code,
                      e.originator_id, e.uscc, error.message)


class ReadModelsBehind(RuntimeError):
    """The read models a rescoring reads could not catch up: the batch is retried later."""


Reclassify = Callable[[list[Rescoring]], int]   # the facts of a batch, in log order -> recorded


class _Reclassify(Projection):
    """The facts of a batch's events are gathered in log order and rescored together when the
    batch ends (credit.rating.changes.reclassify_entities: one load of their entities' facts)."""

    def __init__(self, reclassify: Reclassify) -> None:
        self.reclassify = reclassify
        self.pending: list[Rescoring] = []

    def begin_batch(self) -> None:
        self.pending = []

    def end_batch(self, unit: Unit) -> None:
        pending, self.pending = self.pending, []
        self.reclassify(pending)

    def rescore(self, e: Any, day: date, **entity: Any) -> None:
        cause = f"{type(e).__qualname__} {e.originator_id.hex}#{e.originator_version}"
        self.pending.append(Rescoring(day=day, cause=cause, **entity))


class ReclassifyOnCreditFacts(_Reclassify):
    """企业信用风险分类 Classes that react: when a listing, a penalty, a repair or a false
    commitment changes an entity's credit, the entity is rescored as of that day with the
    monthly run's scoring and a change is recorded if its class moved (credit.rating.changes).
    The red list is no indicator of the score: its incentive acts on the draw instead
    (supervision.rules `draw.red_list_class`)."""

    name = "risk_classes_on_credit"

    def __init__(self, credit: CreditApplication, reclassify: Reclassify) -> None:
        super().__init__(reclassify)
        self.credit = credit
        self.owners: dict[int, UUID] = {}   # pending index -> the aggregate naming the entity

    def begin_batch(self) -> None:
        super().begin_batch()
        self.owners = {}

    def _owned(self, e: Any, day: date) -> None:
        """Rescore the entity the aggregate of `e` belongs to: its first event names it (a
        case's, a listing's, a commitment record's), read for the whole batch at its end."""
        self.owners[len(self.pending)] = e.originator_id
        self.rescore(e, day)

    def end_batch(self, unit: Unit) -> None:
        if self.owners:   # one read of the batch's aggregates' first events, not one each
            firsts = bulk.first_events_of(self.credit, set(self.owners.values()))
            read = bulk.EventReader(self.credit)
            uscc = {i: read(stored, "uscc")[0] for i, stored in firsts.items()}
            for k, owner in self.owners.items():
                self.pending[k] = replace(self.pending[k], uscc=uscc[owner])
            self.owners = {}
        super().end_batch(unit)

    @handles(PenaltyCase.Decided)
    def penalty_decided(self, e: Any, position: int, unit: Unit) -> None:
        self._owned(e, e.decided_on)

    @handles(PenaltyCase.Revoked)
    def penalty_revoked(self, e: Any, position: int, unit: Unit) -> None:
        self._owned(e, e.effective_on)

    @handles(SeriousListing.Listed, AbnormalListing.Listed)
    def listed(self, e: Any, position: int, unit: Unit) -> None:
        self._owned(e, e.listed_on)

    @handles(SeriousListing.Removed, AbnormalListing.Removed)
    def removed(self, e: Any, position: int, unit: Unit) -> None:
        self._owned(e, e.removed_on)

    @handles(Commitment.FoundFalse)
    def found_false(self, e: Any, position: int, unit: Unit) -> None:
        self._owned(e, e.verified_on)

    @handles(RepairCase.Approved)
    def repaired(self, e: Any, position: int, unit: Unit) -> None:
        self.rescore(e, e.decided_on, uscc=e.uscc)


class ReclassifyOnInspectionResults(_Reclassify):
    """企业信用风险分类 Classes that react to inspection results: a result recorded or
    withdrawn rescores the entity as of that day (credit.rating.changes)."""

    name = "risk_classes_on_results"

    @handles(InspectionTask.ResultRecorded)
    def recorded(self, e: Any, position: int, unit: Unit) -> None:
        self.rescore(e, e.inspected_on, entity_no=e.entity_no)

    @handles(InspectionTask.ResultWithdrawn)
    def withdrawn(self, e: Any, position: int, unit: Unit) -> None:
        self.rescore(e, e.withdrawn_on, uscc=e.uscc)
