"""API schemas of credit repair (XCreate / XRecord)."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from credit.api import Day, text
from kernel.http.api import Body

EvidenceItem = Annotated[str, Field(min_length=1, max_length=500)]
RecordKind = Literal["penalty", "serious_listing", "false_commitment", "abnormal_listing",
                     "inspection_result"]
RepairStatus = Literal["pending", "approved", "rejected"]


class RepairCreate(Body):
    """信用修复申请 A credit repair application (SAMR Order 107)."""

    record_kind: RecordKind
    record_id: str = text(..., 64, 1,
                          "Penalty case or commitment id; the USCC for a list entry "
                          "(serious or abnormal listing); TASK_ID:DEPARTMENT for a "
                          "negative spot-check result")
    applied_on: Day
    pledge: str = text(..., 5000, 1, "守信承诺书 The public credit pledge")
    evidence: list[EvidenceItem] = Field(..., min_length=1, max_length=50)


class RepairDecisionCreate(Body):
    approve: bool
    decided_on: Day
    reason: str = text("", 2000, 0, "Required for a rejection")


class RepairRecord(BaseModel):
    id: str
    attempt: int
    record_kind: RecordKind
    record_key: str
    uscc: str
    status: RepairStatus
    applied_on: date
    eligible_from: date
    serious: bool
    pledge: str
    evidence: list[str]
    decided_on: date | None
    decided_by: str | None
    decision_reason: str | None
    version: int
