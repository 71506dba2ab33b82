"""API schemas of the serious list and of commendations (XCreate / XRecord)."""

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from credit.api import USCC_DOC, Day, text
from credit.lists.commendations import CommendationData
from credit.lists.serious import ListingNotice
from kernel.http.api import PROVISIONAL, Body

ListingStatus = Literal["noticed", "listed", "not_listed", "removed"]


class CommendationCreate(Body):
    """诚信典型 A department's commendation (守合同重信用企业, A级纳税人 …) of an entity."""

    uscc: str = text(..., 40, 1, USCC_DOC)
    title: str = text(..., 200, 1, "荣誉称号 The title conferred")
    department: str = text(..., 100, 1, "The commending department")
    document_no: str = text(..., 100, 1, "文号 Decision number, unique")
    granted_on: Day
    valid_until: Day | None = Field(None, description="First day it no longer holds; default "
                                    "granted_on + rules.red_list.commendation_valid_years")
    basis: str = text("", 500, 0, "Legal or policy basis (default: 国发〔2016〕33号)")

    def to_data(self) -> CommendationData:
        return CommendationData(self.uscc, self.title, self.department, self.document_no,
                                self.granted_on, self.valid_until, self.basis)


class CommendationRevocationCreate(Body):
    """撤销 A commendation found undeserved ends on `revoked_on`."""

    revoked_on: Day
    reason: str = text(..., 2000, 1)


class CommendationRecord(BaseModel):
    id: str
    document_no: str
    uscc: str
    title: str
    department: str
    basis: str
    granted_on: date
    valid_until: date
    revoked_on: date | None
    revocation_reason: str | None
    in_force: bool
    version: int


class ListingNoticeCreate(Body):
    """告知书 Prior notice of an intended serious-list listing (SAMR Order 44)."""

    notice_no: str = text(..., 100, 1, "告知书文号")
    ground: Literal["heavier_penalty", "abnormal_three_years"]
    facts: str = text(..., 5000, 1)
    noticed_on: Day
    penalty_case_id: UUID | None = None

    def to_notice(self) -> ListingNotice:
        return ListingNotice(self.notice_no, self.ground, self.facts, self.noticed_on,
                             self.penalty_case_id)


class ListingStatementCreate(Body):
    """陈述申辩 The entity's statement, or its hearing request."""

    received_on: Day
    statement: str = text("", 5000, 0)
    hearing_requested: bool = False


class StatementAnswerCreate(Body):
    """复核答复 The department's answer to the statement or hearing (SAMR Order 44)."""

    answered_on: Day
    reply: str = text(..., 5000, 1, "复核意见 The department's answer")
    adopted: bool = Field(False, description="The statement was adopted (采纳), wholly or partly")


class ListingDecisionCreate(Body):
    listed: bool = Field(True, description="List the entity, or decide not to")
    decision_no: str = text(..., 100, 1, "决定书文号")
    decided_on: Day
    reason: str = text("", 2000, 0, "Required when not listing")


class ListingRemovalCreate(Body):
    """移出 Removal at expiry or because the decision was revoked (early: POST /repairs)."""

    removed_on: Day
    reason: Literal["expired", "decision_revoked"]


class SeriousListingRecord(BaseModel):
    listing_id: str
    cycle: int
    uscc: str
    status: ListingStatus
    notice_no: str
    noticed_on: date
    ground: str
    facts: str
    penalty_case_id: str | None
    statement_on: date | None
    statement: str | None
    hearing_requested: bool
    answered_on: date | None = None
    reply: str | None = None
    statement_adopted: bool | None = None
    decision_no: str | None
    department: str | None = None
    authority: str | None = Field(None, description="作出决定机关 The deciding department")
    decided_on: date | None
    legal_basis: str | None
    listed_on: date | None
    auto_removal_on: date | None
    repair_possible_on: date | None
    removed_on: date | None
    removal_reason: str | None
    decision_possible_on: date | None = Field(None, description="最早可作出决定日 The first "
                                              "day a decision may be taken (pending only)")
    decision_possible_on_provisional: bool = PROVISIONAL
    version: int
