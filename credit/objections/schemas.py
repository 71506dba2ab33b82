"""API schemas of objections (XCreate / XPublic / XRecord)."""

from datetime import date
from typing import Literal

from pydantic import BaseModel

from credit.api import USCC_DOC, Day, text
from credit.objections.aggregate import RecordRef
from kernel.http.api import PROVISIONAL, Body

RecordKind = Literal["penalty", "licence", "list", "commitment", "inspection"]
Outcome = Literal["corrected", "withdrawn", "upheld"]
ObjectionStatus = Literal["open", "corrected", "withdrawn", "upheld"]


class ObjectionCreate(Body):
    """提出异议 An objection to a published record (anyone; no login)."""

    record_kind: RecordKind
    uscc: str = text(..., 40, 1, USCC_DOC)
    record_key: str = text(..., 100, 1, "The record: a decision number (penalty, licence), "
                           "abnormal/serious/red (list), a commitment's id, or plan_id:department "
                           "(inspection result)")
    reason: str = text(..., 4000, 1, "Why the record is wrong")
    contact_name: str = text(..., 100, 1, "联系人 Who objects (personal data: never public)")
    contact: str = text(..., 200, 3, "联系方式 Phone or e-mail (personal data: never public)")

    def to_ref(self) -> RecordRef:
        return RecordRef(self.record_kind, self.uscc, self.record_key)


class OutcomeCreate(Body):
    """异议处理结果 The outcome, with its reasons."""

    outcome: Outcome
    handled_on: Day
    reasons: str = text(..., 4000, 1)


class ObjectionReceipt(BaseModel):
    """受理回执 What the objector (or anyone holding the id) sees: no contact, no reasons."""

    id: str
    record_kind: str
    uscc: str
    record_key: str
    status: ObjectionStatus
    status_label: str
    filed_on: date
    handle_by: date
    handled_on: date | None


class ObjectionRecord(BaseModel):
    """The responsible department's view (the contact masked unless revealed)."""

    id: str
    record_kind: str
    uscc: str
    record_key: str
    department: str
    reason: str
    contact_name: str
    contact: str
    filed_on: date
    handle_by: date
    handle_by_provisional: bool = PROVISIONAL
    handle_basis: str
    status: ObjectionStatus
    status_label: str
    overdue: bool
    overdue_on: date | None
    handled_on: date | None
    handler: str | None
    outcome_reasons: str | None
    handled_late: bool
    version: int
