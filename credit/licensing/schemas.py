"""API schemas of licensing decisions (XCreate / XPublic / XRecord)."""

from datetime import date
from typing import Literal

from pydantic import BaseModel

from credit.api import USCC_DOC, Day, text
from credit.licensing.aggregate import LicenceTerms
from kernel.http.api import PROVISIONAL, Body

Category = Literal["ordinary", "special", "recognition", "approval", "registration", "other"]
EndGround = Literal["revoked", "cancelled", "withdrawn"]
LicenceStatus = Literal["granted", "published", "revoked", "cancelled", "withdrawn"]


class LicenceCreate(Body):
    """行政许可决定 A licensing decision, with the fields of the 双公示 data standard."""

    uscc: str = text(..., 40, 1, USCC_DOC)
    document_name: str = text(..., 200, 1, "行政许可决定文书名称 Decision document's name")
    decision_no: str = text(..., 100, 1, "行政许可决定文书号 Decision number, unique")
    category: Category
    licence_name: str = text(..., 200, 1, "许可证书名称 Licence name")
    licence_no: str = text("", 100, 0, "许可编号 Licence number (if a certificate is issued)")
    content: str = text(..., 4000, 1, "许可内容 What is licensed")
    decided_on: Day
    valid_from: Day
    valid_to: Day | None = None
    department: str = text(..., 100, 1, "许可机关 The licensing department (its code)")

    def to_terms(self) -> LicenceTerms:
        return LicenceTerms(self.uscc, self.document_name, self.decision_no, self.category,
                            self.licence_name, self.licence_no, self.content, self.decided_on,
                            self.valid_from, self.valid_to, self.department)


class LicencePublicationCreate(Body):
    published_on: Day


class LicenceChangeCreate(Body):
    """变更 New content or validity (行政许可法 Art 49)."""

    content: str = text(..., 4000, 1)
    valid_to: Day | None = None
    changed_on: Day
    reason: str = text(..., 2000, 1, "Internal; never public")


class LicenceEndCreate(Body):
    """撤销/注销/撤回 The licence ends."""

    ground: EndGround
    effective_on: Day
    reason: str = text(..., 2000, 1, "Internal; never public")


class LicenceRecord(BaseModel):
    """The supervisor's view of a licensing decision."""

    id: str
    uscc: str
    document_name: str
    decision_no: str
    category: str
    licence_name: str
    licence_no: str
    content: str
    decided_on: date
    valid_from: date
    valid_to: date | None
    department: str
    authority: str
    status: LicenceStatus
    publication_due_on: date
    publication_due_basis: str
    publication_due_on_provisional: bool = PROVISIONAL
    publication_overdue_on: date | None
    overdue: bool
    published_on: date | None
    published_late: bool
    changed_on: date | None
    change_reason: str | None
    ended_on: date | None
    end_ground: str | None
    end_reason: str | None
    version: int


class LicencePublic(BaseModel):
    """行政许可信息 A published licensing decision as the public sees it."""

    id: str
    uscc: str
    entity_name: str
    document_name: str
    decision_no: str
    category: str
    category_label: str
    licence_name: str
    licence_no: str
    content: str
    decided_on: date
    valid_from: date
    valid_to: date | None
    authority: str
    published_on: date
    changed_on: date | None
    ended_on: date | None
    end_ground: str | None
    valid: bool
    state_label: str
    objection_under_review: bool = False
