"""Use cases of credit repair, SAMR Order 107 (a mixin of CreditApplication)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from credit.authority import Acting, authorise
from credit.commitments.commitment import Commitment, CommitmentLedger, ledger_id
from credit.common import one_of
from credit.penalties.case import PenaltyCase
from credit.repair.case import RECORD_KINDS, RepairCase, RepairTarget, repair_id
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.uscc import checked_uscc
from kernel.workdays import add_months


class RepairUseCases:
    """Mixed into CreditApplication (which provides rules, lookups, find, get_existing, _save,
    and from the lists' mixins _listing and abnormal_listing)."""

    rules: Any
    lookups: Any
    find: Any
    get_existing: Any
    _save: Any
    _listing: Any
    abnormal_listing: Any

    def _repair_target(self, record_kind: str, record_id: str, on: date) -> RepairTarget:
        one_of(record_kind, RECORD_KINDS, "record_kind")
        if record_kind == "inspection_result":
            return self._result_repair_target(record_id)
        if record_kind == "serious_listing":
            return self._listing(checked_uscc(record_id, "record_id")).repair_target(self.rules, on)
        if record_kind == "abnormal_listing":
            uscc = checked_uscc(record_id, "record_id")
            found = self.abnormal_listing(uscc)
            if found is None:
                raise NotFound(f"{uscc} was never on the abnormal operation list",
                               field="record_id")
            return found.repair_target(on)
        try:
            rid = UUID(record_id)
        except ValueError:
            raise InvalidInput("record_id must be the penalty case's or commitment's id",
                               field="record_id") from None
        if record_kind == "penalty":
            return self.get_existing(PenaltyCase, rid, "penalty case", "record_id").repair_target(
                self.rules, on)
        return self.get_existing(Commitment, rid, "commitment", "record_id").repair_target(self.rules)

    def _result_repair_target(self, record_id: str) -> RepairTarget:
        """A negative result, keyed TASK_ID:DEPARTMENT, repairable from its publication on."""
        task, _, department = record_id.partition(":")
        try:
            task_id = UUID(task)
        except ValueError:
            task_id = None
        if task_id is None or not department:
            raise InvalidInput("a spot-check result's record_id is TASK_ID:DEPARTMENT",
                               field="record_id")
        found = self.lookups.published_result(task_id, department) if self.lookups else None
        if found is None:
            raise NotFound(f"no published {department} result on task {task_id}",
                           field="record_id")
        if not found.problem_found:
            raise Conflict("only a negative spot-check result needs credit repair",
                           field="record_id")
        if found.withdrawn_on is not None:
            raise Conflict(f"the result left the public record on {found.withdrawn_on}",
                           field="record_id")
        months = self.rules.repair.negative_result_min_wait_months
        return RepairTarget("inspection_result", f"{task_id.hex}:{department}", found.uscc, False,
                            add_months(found.published_on, months),
                            f"SAMR Order 107: {months} months after publication")

    def _record_department(self, record_kind: str, record_key: str) -> str:
        """The department that decided the record, so it decides its repair (SAMR Order 107:
        the department that published the record repairs it)."""
        if record_kind in ("serious_listing", "abnormal_listing"):
            return self.rules.list_department
        if record_kind == "inspection_result":
            return record_key.partition(":")[2]
        if record_kind == "penalty":
            return self.get_existing(PenaltyCase, UUID(record_key), "penalty case").department
        return self.get_existing(Commitment, UUID(record_key), "commitment").department

    def _authorise_repair(self, actor: Acting | None, record_kind: str, record_key: str,
                          command: str) -> None:
        if actor is not None:
            authorise(actor, self._record_department(record_kind, record_key), "repair",
                      command, self.rules)

    def apply_for_repair(self, record_kind: str, record_id: str, applied_on: date, pledge: str,
                         evidence: Sequence[str], today: date,
                         actor: Acting | None = None) -> UUID:
        """信用修复申请 For a list entry (serious, abnormal) the record id is the entity's USCC."""
        target = self._repair_target(record_kind, record_id, applied_on)
        self._authorise_repair(actor, target.record_kind, target.record_key, "apply_for_repair")
        case = (self.find(RepairCase, repair_id(target.record_kind, target.record_key))
                or RepairCase.open(target))
        case.apply(target, applied_on, pledge, list(evidence), today)
        self._save(case)
        return case.id

    def decide_repair(self, repair_case_id: UUID, approve: bool, decided_on: date,
                      decided_by: str, reason: str, today: date,
                      actor: Acting | None = None) -> None:
        """Approval takes the record off the public record in the same write."""
        case = self.get_existing(RepairCase, repair_case_id, "repair application")
        self._authorise_repair(actor, case.record_kind, case.record_key, "decide_repair")
        case.decide(approve, decided_on, decided_by, reason, today)
        self._save(case, *(self._repaired_records(case, decided_on, today) if approve else []))

    def _repaired_records(self, case: RepairCase, on: date, today: date) -> list[Aggregate]:
        if case.record_kind == "serious_listing":
            listing = self._listing(case.uscc)
            if listing.repair_key() != case.record_key:
                raise Conflict("the listing this application concerns has already ended")
            listing.remove(on, "repaired", today)
            return [listing]
        if case.record_kind == "abnormal_listing":
            abnormal = self.abnormal_listing(case.uscc)
            if abnormal is None or abnormal.repair_key() != case.record_key:
                raise Conflict("the listing this application concerns has already ended")
            abnormal.remove(on, "repaired", today)
            return [abnormal]
        if case.record_kind == "false_commitment":
            ledger = self.get_existing(CommitmentLedger, ledger_id(case.uscc), "commitment ledger of")
            ledger.record_repaired(UUID(case.record_key), on)
            return [ledger]
        # a repaired penalty only leaves public view (the projections see Approved); a repaired
        # spot-check result is withdrawn by supervision (opencheck.reactions)
        return []
