"""信用修复 Credit repair (SAMR Order 107): application with a 守信承诺书, then a supervisor decides.

One `RepairCase` per repairable record (its id derives from the record), so there is at most one
open application per record; after a rejection the entity may apply again, after an approval the
record is repaired for good. The record's own aggregate says whether and from when it can be
repaired (`RepairTarget`); this aggregate enforces the waiting period and the procedure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id, past_date, required_text
from kernel.errors import Conflict, InvalidInput

RECORD_KINDS = {
    "penalty": "行政处罚信息 penalty",
    "serious_listing": "严重违法失信名单 serious dishonest listing",
    "false_commitment": "虚假承诺 false commitment",
    "abnormal_listing": "经营异常名录 abnormal operation list",
    "inspection_result": "抽查检查结果 negative spot-check result",
}
MAX_EVIDENCE = 50


@dataclass(frozen=True)
class RepairTarget:
    """A record that may be repaired: what it is, whose, and from which day (waiting period)."""

    record_kind: str
    record_key: str
    uscc: str
    serious: bool
    eligible_from: date
    waiting_rule: str  # cited in the refusal, e.g. "SAMR Order 107: 3 months after publication"


@dataclass(frozen=True)
class PublishedResult:
    """A department's published spot-check result, as the supervision read model has it."""

    uscc: str
    published_on: date
    problem_found: bool
    withdrawn_on: date | None


def repair_id(record_kind: str, record_key: str) -> UUID:
    return credit_id("repair", f"{record_kind}:{record_key}")


class RepairCase(Aggregate):
    """The repair file of one record: applications (pending → approved | rejected, repeatable)."""

    @event("Opened")
    def __init__(self, id: UUID, record_kind: str, record_key: str,  # noqa: A002
                 uscc: str) -> None:
        self.record_kind, self.record_key, self.uscc = record_kind, record_key, uscc
        self.status = "none"
        self.attempt = 0
        self.applied_on: date | None = None
        self.decided_on: date | None = None

    @classmethod
    def open(cls, target: RepairTarget) -> RepairCase:
        return cls(id=repair_id(target.record_kind, target.record_key),
                   record_kind=target.record_kind, record_key=target.record_key, uscc=target.uscc)

    def apply(self, target: RepairTarget, applied_on: date, pledge: str, evidence: list[str],
              today: date) -> None:
        """申请 Apply for repair with a credit pledge and evidence, once the waiting time is over."""
        if self.status == "pending":
            raise Conflict(f"a repair application of {self.applied_on} is awaiting a decision")
        if self.status == "approved":
            raise Conflict(f"this record was already repaired on {self.decided_on}")
        past_date(applied_on, today, "applied_on")
        pledge = required_text(pledge, "pledge")
        evidence = [e.strip() for e in evidence if e.strip()]
        if not evidence:
            raise InvalidInput("evidence must name at least one proof that the violation was "
                               "corrected and obligations fulfilled (SAMR Order 107)",
                               field="evidence")
        if len(evidence) > MAX_EVIDENCE:
            raise InvalidInput(f"at most {MAX_EVIDENCE} evidence items", field="evidence")
        if applied_on < target.eligible_from:
            raise Conflict(f"credit repair of this record is possible from "
                           f"{target.eligible_from.isoformat()} ({target.waiting_rule})",
                           field="applied_on")
        self._applied(attempt=self.attempt + 1, record_kind=self.record_kind,
                      record_key=self.record_key, uscc=self.uscc, applied_on=applied_on,
                      pledge=pledge, evidence=evidence, eligible_from=target.eligible_from,
                      serious=target.serious)

    @event("Applied")
    def _applied(self, attempt: int, record_kind: str, record_key: str, uscc: str,
                 applied_on: date, pledge: str, evidence: list[str], eligible_from: date,
                 serious: bool) -> None:
        # The record travels with every application and approval, so projections need no join.
        self.attempt, self.applied_on, self.status = attempt, applied_on, "pending"
        self.decided_on = None

    def decide(self, approve: bool, decided_on: date, decided_by: str, reason: str,
               today: date) -> None:
        """批准/不予修复 A supervisor approves or rejects the pending application."""
        if self.status != "pending":
            raise Conflict("there is no pending repair application to decide")
        past_date(decided_on, today, "decided_on", not_before=self.applied_on,
                  what="the application")
        decided_by = required_text(decided_by, "decided_by")
        if not approve:
            self._rejected(attempt=self.attempt, decided_on=decided_on, decided_by=decided_by,
                           reason=required_text(reason, "reason"))
            return
        self._approved(attempt=self.attempt, decided_on=decided_on, decided_by=decided_by,
                       reason=reason.strip(), record_kind=self.record_kind,
                       record_key=self.record_key, uscc=self.uscc)

    @event("Approved")
    def _approved(self, attempt: int, decided_on: date, decided_by: str, reason: str,
                  record_kind: str, record_key: str, uscc: str) -> None:
        self.status, self.decided_on = "approved", decided_on

    @event("Rejected")
    def _rejected(self, attempt: int, decided_on: date, decided_by: str, reason: str) -> None:
        self.status, self.decided_on = "rejected", decided_on
