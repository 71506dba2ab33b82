"""告知承诺 Notification–commitment (国办发〔2020〕42号): accept after a credit check, verify later.

An applicant promises in writing that it meets a permit's conditions and gets the decision on the
spot; the authority verifies within a window. A false commitment revokes the decision, enters the
credit record and bars the entity from commitments until repaired, so each entity has a
`CommitmentLedger` (承诺履约台账) that the pre-check reads by id, saved atomically with the
commitment it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id, one_of, past_date, required_text
from credit.lists.serious import SeriousListing
from credit.repair.case import RepairTarget
from credit.rules import Rules
from kernel.errors import Conflict
from kernel.uscc import checked_uscc
from kernel.workdays import add_months, add_workdays

OUTCOMES = {"fulfilled": "承诺属实 commitment fulfilled", "false": "虚假承诺 false commitment"}
METHODS = {"written": "书面核查 written", "online": "网络核查 online", "onsite": "现场核查 on site"}


def commitment_id(uscc: str, permit_type: str, committed_on: date) -> UUID:
    """The same entity committing for the same permit on the same day is one commitment."""
    return credit_id("commitment", f"{uscc}:{permit_type}:{committed_on.isoformat()}")


def ledger_id(uscc: str) -> UUID:
    return credit_id("commitment-ledger", uscc)


@dataclass(frozen=True)
class CommitmentData:
    """What an applicant commits to: the matter (permit type) and the promise's content."""

    uscc: str
    permit_type: str
    content: str
    department: str
    committed_on: date

    def validated(self, today: date) -> CommitmentData:
        return CommitmentData(checked_uscc(self.uscc),
                              required_text(self.permit_type, "permit_type"),
                              required_text(self.content, "content"),
                              required_text(self.department, "department"),
                              past_date(self.committed_on, today, "committed_on"))


class CommitmentLedger(Aggregate):
    """承诺履约台账 One entity's false commitments and whether each was repaired."""

    @event("Opened")
    def __init__(self, id: UUID, uscc: str) -> None:  # noqa: A002
        self.uscc = uscc
        self.false_commitments: dict[str, date] = {}  # commitment id hex -> found false on
        self.repaired: dict[str, date] = {}

    @classmethod
    def open(cls, uscc: str) -> CommitmentLedger:
        return cls(id=ledger_id(uscc), uscc=uscc)

    def unrepaired(self) -> dict[str, date]:
        return {k: v for k, v in self.false_commitments.items() if k not in self.repaired}

    def record_false(self, commitment: UUID, found_on: date) -> None:
        if commitment.hex not in self.false_commitments:
            self._false_recorded(commitment_id=commitment, found_on=found_on)

    @event("FalseCommitmentRecorded")
    def _false_recorded(self, commitment_id: UUID, found_on: date) -> None:
        self.false_commitments[commitment_id.hex] = found_on

    def record_repaired(self, commitment: UUID, repaired_on: date) -> None:
        if commitment.hex not in self.false_commitments:
            raise Conflict("the ledger holds no such false commitment")
        if commitment.hex not in self.repaired:
            self._repaired(commitment_id=commitment, repaired_on=repaired_on)

    @event("FalseCommitmentRepaired")
    def _repaired(self, commitment_id: UUID, repaired_on: date) -> None:
        self.repaired[commitment_id.hex] = repaired_on


def why_commitment_refused(listing: SeriousListing | None, ledger: CommitmentLedger | None,
                           on: date) -> str | None:
    """国办发〔2020〕42号: serious bad credit or an unrepaired false commitment excludes it."""
    if listing is not None and listing.is_listed(on):
        return (f"entity {listing.uscc} is on the serious dishonest list (严重违法失信名单) since "
                f"{listing.listed_on}; commitments are excluded until removal or credit repair")
    open_false = ledger.unrepaired() if ledger else {}
    if open_false:
        key, found_on = sorted(open_false.items(), key=lambda kv: kv[1])[0]
        return (f"entity has an unrepaired false commitment (虚假承诺) {UUID(key)} found on "
                f"{found_on}; commitments are excluded until it is repaired")
    return None


class Commitment(Aggregate):
    """告知承诺 One commitment: awaiting verification → fulfilled | false (| overdue meanwhile)."""

    @event("Accepted")
    def __init__(self, id: UUID, uscc: str, permit_type: str, content: str,  # noqa: A002
                 department: str, committed_on: date, verify_by: date,
                 documents_to_follow: bool = False) -> None:
        # 容缺受理: events recorded before the field existed read as not eligible
        self.uscc, self.permit_type, self.content = uscc, permit_type, content
        self.documents_to_follow = documents_to_follow
        self.department, self.committed_on, self.verify_by = department, committed_on, verify_by
        self.status = "awaiting"
        self.verified_on: date | None = None
        self.overdue_on: date | None = None

    @classmethod
    def accept(cls, data: CommitmentData, rules: Rules,
               red_listed: bool = False) -> Commitment:
        """承诺审批 Accept (the pre-check has passed): verify within N working days. An
        applicant on the red list on the commitment's day is eligible for 容缺受理 (acceptance
        with non-key documents to follow) when the incentive rule grants it."""
        return cls(id=commitment_id(data.uscc, data.permit_type, data.committed_on),
                   documents_to_follow=red_listed and rules.red_list_incentives.documents_to_follow,
                   uscc=data.uscc, permit_type=data.permit_type, content=data.content,
                   department=data.department, committed_on=data.committed_on,
                   verify_by=add_workdays(data.committed_on,
                                          rules.commitment.verification_window_workdays))

    def verify(self, outcome: str, verified_on: date, method: str, note: str,
               today: date) -> None:
        """核查 Record the verification: the promise held, or it was false (decision revoked)."""
        if self.status not in ("awaiting", "overdue"):
            raise Conflict(f"commitment was already verified on {self.verified_on} ({self.status})")
        one_of(outcome, OUTCOMES, "outcome")
        one_of(method, METHODS, "method")
        past_date(verified_on, today, "verified_on", self.committed_on, "the commitment")
        late = verified_on > self.verify_by
        if outcome == "fulfilled":
            self._fulfilled(verified_on=verified_on, method=method, note=note.strip(), late=late)
        else:
            self._found_false(verified_on=verified_on, method=method,
                              note=required_text(note, "note"), late=late, decision_revoked=True)

    @event("VerifiedFulfilled")
    def _fulfilled(self, verified_on: date, method: str, note: str, late: bool) -> None:
        self.status, self.verified_on = "fulfilled", verified_on

    @event("FoundFalse")
    def _found_false(self, verified_on: date, method: str, note: str, late: bool,
                     decision_revoked: bool) -> None:
        self.status, self.verified_on = "false", verified_on

    def mark_overdue(self, today: date) -> bool:
        """逾期未核查 Flag an unverified commitment past its window; repeat calls do nothing."""
        if self.status != "awaiting" or today <= self.verify_by:
            return False
        self._overdue(overdue_on=today)
        return True

    @event("MarkedOverdue")
    def _overdue(self, overdue_on: date) -> None:
        self.status, self.overdue_on = "overdue", overdue_on

    def repair_target(self, rules: Rules) -> RepairTarget:
        """A false commitment may be repaired N months after it was found (SAMR Order 107)."""
        if self.status != "false" or self.verified_on is None:
            raise Conflict("only a false commitment needs credit repair")
        months = rules.repair.false_commitment_min_wait_months
        return RepairTarget("false_commitment", self.id.hex, self.uscc, False,
                            add_months(self.verified_on, months),
                            f"SAMR Order 107: {months} months after the false commitment "
                            f"was found")
