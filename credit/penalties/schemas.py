"""API schemas of penalties (XCreate / XPublic / XRecord)."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from credit.api import USCC_DOC, Day, text
from credit.penalties.case import Decision
from kernel.http.api import PROVISIONAL, Body, Proved

PenaltyKind = Literal["warning", "circulated_criticism", "fine", "confiscation",
                      "licence_suspended", "licence_downgraded", "licence_revoked",
                      "business_restricted", "business_closed"]
Procedure = Literal["ordinary", "simple"]
PenaltyStatus = Literal["opened", "decided", "published", "changed", "revoked"]


class PenaltyCreate(Body):
    """立案 Open a penalty case."""

    uscc: str = text(..., 40, 1, USCC_DOC)
    department: str = text(..., 100, 1, "Deciding department (处罚机关)")
    opened_on: Day
    inspection_task_id: str | None = text(None, 64, 0, "The inspection task the case comes from")
    case_no: str | None = text(None, 100, 0, "立案编号 Case number, unique: opening it twice "
                                             "is 409 (names the case when no task does)")
    notes: str = text("", 2000, 0, "Internal notes; never public")


class PenaltyDecisionCreate(Body):
    """处罚决定 The penalty decision."""

    decision_no: str = text(..., 100, 1, "决定书文号 Decision number, unique")
    violation_type: str = text(..., 200, 1)
    legal_basis: str = text(..., 500, 1)
    kinds: list[PenaltyKind] = Field(..., min_length=1, max_length=9)
    procedure: Procedure
    decided_on: Day
    heavier_penalty: bool = Field(False, description="从重/较重处罚 for a violation of bad nature")
    fine_amount: Decimal | None = Field(None, gt=0, le=Decimal("1e12"), max_digits=16,
                                        decimal_places=2, description="Fine in CNY")
    restriction_months: int | None = Field(None, ge=1, le=1200)

    def to_decision(self) -> Decision:
        return Decision(self.decision_no, self.violation_type, self.legal_basis, list(self.kinds),
                        self.procedure, self.decided_on, self.heavier_penalty, self.fine_amount,
                        self.restriction_months)


class PublicationCreate(Body):
    published_on: Day


class RevocationCreate(Body):
    """变更/撤销/确认无效 The decision was changed, revoked or found invalid."""

    ground: Literal["changed", "revoked", "invalid"]
    effective_on: Day
    reason: str = text(..., 2000, 1, "Internal; never public")
    withdrawn_on: Day | None = Field(None, description="When publicity was withdrawn (default "
                                                       "today, if it was published)")


class FulfilmentCreate(Body):
    kind: Literal["fine_paid", "obligations_fulfilled"]
    on: Day


class PenaltyPublic(Proved):
    """行政处罚信息 A penalty as the public record shows it."""

    decision_no: str
    uscc: str
    department: str
    violation_type: str
    legal_basis: str
    kinds: list[str]
    fine_amount: Decimal | None
    restriction_months: int | None
    decided_on: date
    published_on: date
    publicity_ends_on: date
    objection_under_review: bool = False   # 异议处理中 (credit.objections)


class PenaltyRecord(BaseModel):
    """The supervisor's view of a penalty case."""

    id: str
    uscc: str
    department: str
    inspection_task_id: str | None
    opened_on: date
    notes: str
    status: PenaltyStatus
    decision_no: str | None
    violation_type: str | None
    legal_basis: str | None
    kinds: list[str]
    procedure: str | None
    heavier_penalty: bool
    fine_amount: Decimal | None
    restriction_months: int | None
    decided_on: date | None
    publicisable: bool
    publication_due_on: date | None
    publication_due_basis: str | None
    publication_overdue_on: date | None
    publication_due_on_provisional: bool = PROVISIONAL
    published_on: date | None
    published_late: bool
    publicity_ends_on: date | None
    publicity_rule: str | None
    revocation_ground: str | None
    revoked_on: date | None
    revocation_reason: str | None
    withdrawal_due_on: date | None
    withdrawal_due_on_provisional: bool = PROVISIONAL
    withdrawn_on: date | None
    withdrawn_late: bool
    fine_paid_on: date | None
    fulfilled_on: date | None
    repaired_on: date | None
    version: int


class PublicationAwaited(BaseModel):
    """A publicisable decision not yet published (公示), with its deadline; `days_overdue` counts
    calendar days past the deadline (0 while it is still ahead)."""

    id: str
    uscc: str
    department: str
    decision_no: str
    decided_on: date
    publication_due_on: date
    publication_due_basis: str | None
    publication_overdue_on: date | None
    overdue: bool
    days_overdue: int
