"""API schemas of notification–commitments (XCreate / XRecord)."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from credit.api import USCC_DOC, Day, text
from credit.commitments.commitment import CommitmentData
from kernel.http.api import PROVISIONAL, Body

CommitmentStatus = Literal["awaiting", "overdue", "fulfilled", "false"]


class CommitmentCreate(Body):
    """告知承诺 An applicant's written commitment for a permit."""

    uscc: str = text(..., 40, 1, USCC_DOC)
    permit_type: str = text(..., 200, 1, "The matter (permit or certificate) committed for")
    content: str = text(..., 5000, 1, "What the applicant promises")
    department: str = text(..., 100, 1)
    committed_on: Day

    def to_data(self) -> CommitmentData:
        return CommitmentData(self.uscc, self.permit_type, self.content, self.department,
                              self.committed_on)


class VerificationCreate(Body):
    """核查 The later verification of a commitment."""

    outcome: Literal["fulfilled", "false"]
    verified_on: Day
    method: Literal["written", "online", "onsite"]
    note: str = text("", 2000, 0, "Findings; required for a false commitment")


class CommitmentRecord(BaseModel):
    id: str
    uscc: str
    department: str
    permit_type: str
    content: str
    committed_on: date
    verify_by: date
    verify_by_provisional: bool = PROVISIONAL
    status: CommitmentStatus
    verified_on: date | None
    verification_method: str | None
    verification_note: str | None
    verified_late: bool
    decision_revoked: bool
    overdue_on: date | None
    repaired_on: date | None
    documents_to_follow: bool = Field(
        False, description="容缺受理: accepted with non-key documents to follow (the applicant "
        "was on the red list on the commitment's day)")
    version: int


class CommitmentPublic(BaseModel):
    """信用承诺 A commitment as the public sees it: never its text or verification notes."""

    id: str
    uscc: str
    kind: str
    permit_type: str
    department: str
    authority: str
    committed_on: date
    state: Literal["awaiting", "fulfilled", "false"]
    state_label: str
    verified_on: date | None
    decision_revoked: bool
    objection_under_review: bool = False
