"""行政处罚案件 Penalty cases: opened → decided → published (SAMR Order 45) → revoked; fulfilled.

Statutory deadlines (publication: the stricter of SAMR Order 45 and NDRC 双公示; withdrawal) count
working days (kernel.workdays); publicity periods are calendar months/years by the rule version
in force on the decision date (credit.penalties.publicity). Derived dates go into the events with
the rule that gave them, so the history keeps the rule numbers that applied when each fact was
recorded; the daily job records a publication past its deadline (PublicationOverdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id, document_number, one_of, past_date, required_text
from credit.penalties.publicity import is_minor, publicity_ends, why_not_publicised
from credit.publicity_rules import PublicityRules
from credit.repair.case import RepairTarget
from credit.rules import Rules
from kernel.errors import Conflict, InvalidInput
from kernel.labels import PENALTY_KINDS
from kernel.uscc import checked_uscc
from kernel.workdays import add_months, add_workdays

PROCEDURES = {"ordinary": "普通程序 ordinary procedure", "simple": "简易程序 simple procedure"}
# Restrictions that run for a fixed time; their length can lengthen publicity (SAMR Order 45).
TIME_LIMITED = frozenset({"licence_suspended", "business_restricted"})
RESTRICTIONS = TIME_LIMITED | {"business_closed"}
# 较重行政处罚 (SAMR Order 44 Art 2): a fine under the heavier principle, downgrading, revocation,
# restriction of business, suspension or closure.
HEAVIER_KINDS = frozenset({"fine", "licence_downgraded", "licence_revoked", "business_restricted",
                           "business_closed"})
# 行政处罚法 Art 51: on-the-spot decisions only for a warning or a small fine.
SIMPLE_PROCEDURE_KINDS = frozenset({"warning", "fine"})
REVOCATION_GROUNDS = {"changed": "变更 changed", "revoked": "撤销 revoked",
                      "invalid": "确认无效 found invalid"}
MAX_RESTRICTION_MONTHS = 1200


def penalty_case_id(uscc: str, inspection_task_id: str) -> UUID:
    """Opening a case from an inspection task twice for the same entity is the same case."""
    return credit_id("penalty-case", f"{inspection_task_id}:{uscc}")


def penalty_case_no_id(case_no: str) -> UUID:
    """立案编号 A case number names one case: opening it twice is the same case (spacing and
    full-width brackets aside)."""
    return credit_id("penalty-case-no", normalized_case_no(case_no))


def normalized_case_no(case_no: str) -> str:
    return "".join(case_no.split()).replace("(", "（").replace(")", "）").replace("[", "〔") \
        .replace("]", "〕")


def decision_number_id(decision_no: str) -> UUID:
    return credit_id("decision-no", decision_no)


@dataclass(frozen=True)
class Decision:
    """处罚决定 The terms of a penalty decision; `validated()` applies every decision rule."""

    decision_no: str
    violation_type: str
    legal_basis: str
    kinds: list[str]
    procedure: str
    decided_on: date
    heavier_penalty: bool = False
    fine_amount: Decimal | None = None
    restriction_months: int | None = None

    def validated(self, opened_on: date, today: date) -> Decision:
        kinds = [k for k in PENALTY_KINDS if k in set(self.kinds)]
        unknown = sorted(set(self.kinds) - set(PENALTY_KINDS))
        if unknown or not kinds:
            raise InvalidInput(f"kinds must be one or more of {', '.join(PENALTY_KINDS)}",
                               field="kinds")
        one_of(self.procedure, PROCEDURES, "procedure")
        if self.procedure == "simple" and not set(kinds) <= SIMPLE_PROCEDURE_KINDS:
            raise InvalidInput("the simple procedure only decides a warning or a small fine "
                               "(行政处罚法 Art 51)", field="procedure")
        fine = self.fine_amount
        if ("fine" in kinds) != (fine is not None and fine > 0):
            raise InvalidInput("fine_amount (> 0) is required with, and only with, a fine",
                               field="fine_amount")
        months = self.restriction_months
        if TIME_LIMITED & set(kinds) and not months:
            raise InvalidInput("restriction_months is required for a suspension or restriction",
                               field="restriction_months")
        if months is not None and not (RESTRICTIONS & set(kinds)):
            raise InvalidInput("restriction_months only applies to a restriction, suspension "
                               "or closure", field="restriction_months")
        if months is not None and not 1 <= months <= MAX_RESTRICTION_MONTHS:
            raise InvalidInput(f"restriction_months must be 1–{MAX_RESTRICTION_MONTHS}",
                               field="restriction_months")
        if self.heavier_penalty and not HEAVIER_KINDS & set(kinds):
            raise InvalidInput("a heavier penalty (较重行政处罚, SAMR Order 44 Art 2) is a fine, "
                               "downgrading, revocation, restriction or closure",
                               field="heavier_penalty")
        past_date(self.decided_on, today, "decided_on", not_before=opened_on,
                  what="the case's opening")
        return Decision(document_number(self.decision_no, "decision_no"),
                        required_text(self.violation_type, "violation_type"),
                        required_text(self.legal_basis, "legal_basis"), kinds, self.procedure,
                        self.decided_on, self.heavier_penalty, fine, months)


class PenaltyCase(Aggregate):
    """行政处罚案件 A penalty case against one market entity."""

    @event("Opened")
    def __init__(self, id: UUID, uscc: str, department: str, opened_on: date,  # noqa: A002
                 inspection_task_id: str | None, notes: str) -> None:
        self.uscc, self.department, self.opened_on = uscc, department, opened_on
        self.inspection_task_id, self.notes = inspection_task_id, notes
        self.status = "opened"
        self.decision: Decision | None = None
        self.decision_numbers: list[str] = []
        self.publicisable = False
        self.publication_due_on: date | None = None
        self.publication_overdue_on: date | None = None
        self.published_on: date | None = None
        self.publicity_ends_on: date | None = None
        self.publicity_rule = ""
        self.fine_paid_on: date | None = None
        self.fulfilled_on: date | None = None

    @classmethod
    def open(cls, id: UUID, uscc: str, department: str, opened_on: date,  # noqa: A002
             inspection_task_id: str | None, notes: str, today: date) -> PenaltyCase:
        """立案 Open a case (notes are internal and never public)."""
        task = (inspection_task_id or "").strip() or None
        return cls(id=id, uscc=checked_uscc(uscc),
                   department=required_text(department, "department"),
                   opened_on=past_date(opened_on, today, "opened_on"),
                   inspection_task_id=task, notes=notes.strip())

    def decide(self, decision: Decision, rules: PublicityRules, today: date) -> None:
        """作出处罚决定 Record the decision (a changed decision may be decided afresh)."""
        if self.status not in ("opened", "changed"):
            raise Conflict(f"case is {self.status}: already decided by "
                           f"{self.decision.decision_no if self.decision else '-'}")
        d = decision.validated(self.opened_on, today)
        reason = why_not_publicised(d.kinds, d.procedure)
        workdays, basis = rules.penalty_publication_deadline()
        self._decided(decision_no=d.decision_no, violation_type=d.violation_type,
                      legal_basis=d.legal_basis, kinds=d.kinds, procedure=d.procedure,
                      decided_on=d.decided_on, heavier_penalty=d.heavier_penalty,
                      fine_amount=d.fine_amount, restriction_months=d.restriction_months,
                      publicisable=reason is None,
                      publication_due_on=None if reason else add_workdays(d.decided_on, workdays),
                      publication_due_basis="" if reason else basis)

    @property
    def holds_new_number(self) -> bool:
        """The current decision number was not used by an earlier decision of this case."""
        return self.decision is not None and \
            self.decision_numbers.count(self.decision.decision_no) == 1

    @event("Decided")
    def _decided(self, decision_no: str, violation_type: str, legal_basis: str, kinds: list[str],
                 procedure: str, decided_on: date, heavier_penalty: bool,
                 fine_amount: Decimal | None, restriction_months: int | None,
                 publicisable: bool, publication_due_on: date | None,
                 publication_due_basis: str = "") -> None:
        # publication_due_basis: the deadline's rule (absent from events recorded before it was)
        self.decision = Decision(decision_no, violation_type, legal_basis, list(kinds), procedure,
                                 decided_on, heavier_penalty, fine_amount, restriction_months)
        self.decision_numbers.append(decision_no)
        self.status, self.publicisable = "decided", publicisable
        self.publication_due_on, self.publication_overdue_on = publication_due_on, None
        self.published_on = self.publicity_ends_on = None
        self.fine_paid_on = self.fulfilled_on = None

    def publish(self, published_on: date, rules: PublicityRules, today: date) -> None:
        """公示 Publish the decision; late publication is allowed and recorded as late."""
        if self.status != "decided":
            raise Conflict(f"only a decided, unpublished penalty can be published (case is "
                           f"{self.status})")
        assert self.decision is not None
        reason = why_not_publicised(self.decision.kinds, self.decision.procedure)
        if reason:
            raise Conflict(reason)
        past_date(published_on, today, "published_on", not_before=self.decision.decided_on,
                  what="the decision")
        d = self.decision
        ends, version = publicity_ends(published_on, d.decided_on, d.kinds, d.fine_amount,
                                       d.heavier_penalty, d.restriction_months, rules)
        self._published(published_on=published_on,
                        late=published_on > self.publication_due_on,
                        publicity_ends_on=ends, publicity_rule=version.name)

    @event("Published")
    def _published(self, published_on: date, late: bool, publicity_ends_on: date,
                   publicity_rule: str = "") -> None:
        # publicity_rule: the version by decision date (absent from events recorded before it was)
        self.status, self.published_on = "published", published_on
        self.publicity_ends_on, self.publicity_rule = publicity_ends_on, publicity_rule

    def flag_publication_overdue(self, today: date) -> bool:
        """The daily job: once per decision, when its publication deadline passed unpublished."""
        if self.status != "decided" or not self.publicisable or self.publication_overdue_on \
                or self.publication_due_on is None or today <= self.publication_due_on:
            return False
        assert self.decision is not None
        self._publication_overdue(decision_no=self.decision.decision_no,
                                  publish_by=self.publication_due_on, flagged_on=today,
                                  uscc=self.uscc, department=self.department)
        return True

    @event("PublicationOverdue")
    def _publication_overdue(self, decision_no: str, publish_by: date, flagged_on: date,
                             uscc: str, department: str) -> None:
        self.publication_overdue_on = flagged_on

    def revoke(self, ground: str, effective_on: date, reason: str, withdrawn_on: date | None,
               rules: PublicityRules, today: date) -> None:
        """变更/撤销/确认无效: withdraw a published penalty within N working days (SAMR Order 45)."""
        if self.status not in ("decided", "published"):
            raise Conflict(f"only a decision in force can be changed or revoked (case is "
                           f"{self.status})")
        assert self.decision is not None
        one_of(ground, REVOCATION_GROUNDS, "ground")
        past_date(effective_on, today, "effective_on", not_before=self.decision.decided_on,
                  what="the decision")
        due = withdrawn = None
        if self.status == "published":
            due = add_workdays(effective_on, rules.penalty_withdrawal_workdays)
            withdrawn = past_date(withdrawn_on or today, today, "withdrawn_on",
                                  not_before=effective_on, what="the change or revocation")
        self._revoked(ground=ground, effective_on=effective_on,
                      reason=required_text(reason, "reason"), withdrawal_due_on=due,
                      withdrawn_on=withdrawn, withdrawn_late=bool(due and withdrawn > due))

    @event("Revoked")
    def _revoked(self, ground: str, effective_on: date, reason: str,
                 withdrawal_due_on: date | None, withdrawn_on: date | None,
                 withdrawn_late: bool) -> None:
        # A changed decision may be decided afresh; a revoked or void one is final.
        self.status = "changed" if ground == "changed" else "revoked"

    def _in_force(self) -> Decision:
        if self.status not in ("decided", "published") or self.decision is None:
            raise Conflict(f"there is no decision in force (case is {self.status})")
        return self.decision

    def pay_fine(self, paid_on: date, today: date) -> None:
        """缴纳罚款 The fine was paid."""
        d = self._in_force()
        if "fine" not in d.kinds:
            raise Conflict("this decision imposes no fine")
        if self.fine_paid_on:
            raise Conflict(f"the fine was already paid on {self.fine_paid_on}")
        self._fine_paid(paid_on=past_date(paid_on, today, "on", d.decided_on, "the decision"))

    @event("FinePaid")
    def _fine_paid(self, paid_on: date) -> None:
        self.fine_paid_on = paid_on

    def fulfil(self, fulfilled_on: date, today: date) -> None:
        """履行完毕 Every obligation of the decision is fulfilled (a fine must be paid first)."""
        d = self._in_force()
        if self.fulfilled_on:
            raise Conflict(f"obligations were already fulfilled on {self.fulfilled_on}")
        if "fine" in d.kinds and not self.fine_paid_on:
            raise Conflict("the fine is not paid yet")
        self._fulfilled(fulfilled_on=past_date(fulfilled_on, today, "on",
                                               self.fine_paid_on or d.decided_on,
                                               "the decision or the fine's payment"))

    @event("ObligationsFulfilled")
    def _fulfilled(self, fulfilled_on: date) -> None:
        self.fulfilled_on = fulfilled_on

    def check_listing_ground(self, uscc: str) -> None:
        """SAMR Order 44 Art 2: listing on a penalty needs a heavier penalty in force against it."""
        if self.uscc != uscc:
            raise InvalidInput("the penalty case concerns another entity", field="penalty_case_id")
        if self.status not in ("decided", "published") or not (
                self.decision and self.decision.heavier_penalty):
            raise Conflict("the penalty case holds no heavier penalty (较重行政处罚) in force",
                           field="penalty_case_id")

    def repair_target(self, rules: Rules, on: date) -> RepairTarget:
        """SAMR Order 107: a published, fulfilled penalty after 3 (general) or 12 (heavy) months."""
        if self.status != "published" or self.decision is None or self.published_on is None:
            raise Conflict(f"only a published penalty in force needs repair (case is "
                           f"{self.status})")
        d = self.decision
        if is_minor(d.kinds, d.fine_amount, rules.publicity):
            raise Conflict(f"publicity of a minor penalty stops by itself on "
                           f"{self.publicity_ends_on} ({self.publicity_rule or 'SAMR Order 45'}); "
                           "no repair needed")
        if self.publicity_ends_on and on >= self.publicity_ends_on:
            raise Conflict(f"publicity already ended on {self.publicity_ends_on}")
        if not self.fulfilled_on:
            raise Conflict("obligations of the decision are not fulfilled (SAMR Order 107)")
        months = (rules.repair.serious_min_wait_months if d.heavier_penalty
                  else rules.repair.general_min_wait_months)
        return RepairTarget("penalty", self.id.hex, self.uscc, d.heavier_penalty,
                            add_months(self.published_on, months),
                            f"SAMR Order 107: {months} months after publication")


class DecisionNumber(Aggregate):
    """决定书文号 A decision number, held by the case that used it first (ids from the number)."""

    @event("Reserved")
    def __init__(self, id: UUID, decision_no: str, case_id: UUID) -> None:  # noqa: A002
        self.decision_no, self.case_id = decision_no, case_id

    @classmethod
    def reserve(cls, decision_no: str, case_id: UUID) -> DecisionNumber:
        return cls(id=decision_number_id(decision_no), decision_no=decision_no, case_id=case_id)
