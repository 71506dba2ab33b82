"""Use cases of penalty cases, SAMR Order 45 (a mixin of CreditApplication)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from credit.authority import Acting, authorise, checked_department
from credit.common import one_of
from credit.penalties.case import (
    Decision,
    DecisionNumber,
    PenaltyCase,
    decision_number_id,
    penalty_case_id,
    penalty_case_no_id,
)
from kernel import bulk, once
from kernel.errors import Conflict
from kernel.uscc import checked_uscc


@dataclass(frozen=True)
class PastPenalty:
    """A case of a history for `record_penalties`: opened on `opened_on` (from an inspection
    task, if named), decided as `decision` says, published on `published_on` (None: not yet)."""

    uscc: str
    department: str
    opened_on: date
    decision: Decision
    published_on: date | None = None
    inspection_task_id: str = ""


FULFILMENTS = {"fine_paid": "缴纳罚款 fine paid", "obligations_fulfilled": "履行完毕 fulfilled"}


class PenaltyUseCases:
    """Mixed into CreditApplication (which provides rules, find, get_existing, _save,
    _require_entity and _require_entities)."""

    rules: Any
    find: Any
    get_existing: Any
    _save: Any
    _require_entity: Any
    _require_entities: Any

    def _case(self, case_id: UUID, actor: Acting | None, command: str) -> PenaltyCase:
        """The case, if `actor` may act for the department that holds it (谁办案、谁负责)."""
        case = self.get_existing(PenaltyCase, case_id, "penalty case")
        authorise(actor, case.department, "penalties", command, self.rules)
        return case

    def open_penalty(self, uscc: str, department: str, opened_on: date, today: date,
                     inspection_task_id: str | None = None, notes: str = "",
                     case_no: str | None = None, actor: Acting | None = None) -> UUID:
        """立案 Open a case. Its id comes from its natural key, so opening it again conflicts:
        the inspection task, else the case number (立案编号), else the request's
        Idempotency-Key (a retry is the same case); random only with none of them."""
        uscc, task = checked_uscc(uscc), (inspection_task_id or "").strip()
        department = checked_department(self.rules, department)
        authorise(actor, department, "penalties", "open_penalty", self.rules)
        number = (case_no or "").strip()
        self._require_entity(uscc)
        if task:
            case_id, field = penalty_case_id(uscc, task), "inspection_task_id"
            conflict = f"a penalty case for {uscc} from inspection task {task} exists"
        elif number:
            case_id, field = penalty_case_no_id(number), "case_no"
            conflict = f"立案编号 {number} 已有案件 a penalty case numbered {number} exists"
        else:
            case_id, field = once.derived_id("penalty-case") or uuid4(), None
            conflict = "a penalty case was opened by this request already"
        case = PenaltyCase.open(case_id, uscc, department, opened_on, task, notes, today)
        self._save(case, conflict=conflict, field=field)
        return case.id

    def decide_penalty(self, case_id: UUID, decision: Decision, today: date,
                       actor: Acting | None = None) -> None:
        case = self._case(case_id, actor, "decide_penalty")
        case.decide(decision, self.rules.publicity, today)
        number = case.decision.decision_no
        holder = self.find(DecisionNumber, decision_number_id(number))
        if holder is not None and holder.case_id != case.id:
            raise Conflict(f"decision number {number} is already used by case {holder.case_id}",
                           field="decision_no")
        pending = [DecisionNumber.reserve(number, case.id)] if case.holds_new_number else []
        self._save(case, *pending, conflict=f"decision number {number} was taken meanwhile")

    def record_penalties(self, cases: Sequence[PastPenalty]) -> list[UUID]:
        """Cases of a history loaded in bulk (opencheck.demo), many in one write, all or none:
        each opened, decided and, if `published_on`, published, every step as of its own day,
        with the checks of `open_penalty`, `decide_penalty` and `publish_penalty` (a decision
        number used twice, here or before, is refused). The cases' ids, in order."""
        if not cases:
            return []
        rules, opened, numbers = self.rules, [], {}
        codes = [checked_uscc(c.uscc) for c in cases]
        self._require_entities(codes)   # one read of the directory, not one per case
        for c, uscc in zip(cases, codes):
            task = (c.inspection_task_id or "").strip()
            department = checked_department(rules, c.department)
            case_id = penalty_case_id(uscc, task) if task else uuid4()
            case = PenaltyCase.open(case_id, uscc, department, c.opened_on, task, "",
                                    c.opened_on)
            case.decide(c.decision, rules.publicity, c.decision.decided_on)
            number = case.decision.decision_no
            if number in numbers:
                raise Conflict(f"decision number {number} is given to two cases",
                               field="decision_no")
            numbers[number] = case.id
            if c.published_on is not None:
                case.publish(c.published_on, rules.publicity, c.published_on)
            opened.append(case)
        held = bulk.aggregates_of(self, DecisionNumber, [decision_number_id(n) for n in numbers])
        if held:
            holder = next(iter(held.values()))
            raise Conflict(f"decision number {holder.decision_no} is already used by case "
                           f"{holder.case_id}", field="decision_no")
        reserved = [DecisionNumber.reserve(n, case_id) for n, case_id in numbers.items()]
        self._save(*opened, *reserved,
                   conflict="a case or decision number was recorded meanwhile; repeat")
        return [case.id for case in opened]

    def publish_penalty(self, case_id: UUID, published_on: date, today: date,
                        actor: Acting | None = None) -> None:
        case = self._case(case_id, actor, "publish_penalty")
        case.publish(published_on, self.rules.publicity, today)
        self._save(case)

    def flag_penalty_publication_overdue(self, case_id: UUID, today: date) -> bool:
        """The daily job: True only the first time a decision is found unpublished past its
        deadline (a repeated or concurrent run records nothing)."""
        case = self.get_existing(PenaltyCase, case_id, "penalty case")
        if not case.flag_publication_overdue(today):
            return False
        try:
            self._save(case)
        except Conflict:   # another run flagged it, or the case moved on, meanwhile
            return False
        return True

    def revoke_penalty(self, case_id: UUID, ground: str, effective_on: date, reason: str,
                       today: date, withdrawn_on: date | None = None,
                       actor: Acting | None = None) -> None:
        case = self._case(case_id, actor, "revoke_penalty")
        case.revoke(ground, effective_on, reason, withdrawn_on, self.rules.publicity, today)
        self._save(case)

    def record_penalty_fulfilment(self, case_id: UUID, kind: str, on: date, today: date,
                                  actor: Acting | None = None) -> None:
        case = self._case(case_id, actor, "record_penalty_fulfilment")
        if one_of(kind, FULFILMENTS, "kind") == "fine_paid":
            case.pay_fine(on, today)
        else:
            case.fulfil(on, today)
        self._save(case)
