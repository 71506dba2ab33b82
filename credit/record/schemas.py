"""API schemas of the credit file, its timeline and the public lists (XRecord / XPublic)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from credit.commitments.schemas import CommitmentRecord
from credit.licensing.schemas import LicenceRecord
from credit.lists.schemas import CommendationRecord, SeriousListingRecord
from credit.objections.schemas import ObjectionRecord
from credit.penalties.schemas import PenaltyRecord
from credit.repair.schemas import RepairRecord
from kernel.http.api import PROVISIONAL, Proved

ListName = Literal["abnormal", "serious", "red"]


class RiskReason(BaseModel):
    indicator: str
    points: float
    floor: float | None
    basis: str


class RiskRecord(BaseModel):
    """企业信用风险分类 The internal A–D class (never public); unclassified entities count as B."""

    risk_class: Literal["A", "B", "C", "D"]
    score: float | None
    reasons: list[RiskReason]
    classified_on: date | None


class ListsOn(BaseModel):
    abnormal: bool
    serious: bool
    red: bool


class EntityCreditProfile(BaseModel):
    uscc: str
    name: str
    entity_type: str
    region_code: str
    industry_code: str
    registered_on: date
    status: str | None = Field(description="as of the file's day; null before registration")
    status_since: date | None
    last_annual_report_year: int | None


class AbnormalGroundRecord(BaseModel):
    ground_key: str
    cycle: int
    ground: str
    arose_on: date
    decide_by: date
    decide_by_provisional: bool = PROVISIONAL
    status: str
    cured_on: date | None
    cure: str | None
    recorded_on: date


class AbnormalListingRecord(BaseModel):
    listing_id: str
    cycle: int
    marked: bool
    status: str
    first_ground_on: date
    listed_on: date | None
    legal_basis: str | None
    decision_no: str | None = None   # 列入决定书文号
    authority: str | None = None     # 作出决定机关
    escalation_on: date | None
    escalation_noticed_on: date | None
    removed_on: date | None
    removal_reason: str | None
    recorded_on: date
    listed_recorded_on: date | None
    removed_recorded_on: date | None
    grounds: list[AbnormalGroundRecord]


class RedListPeriod(BaseModel):
    since: date
    until: date | None
    recorded_on: date
    commendation: str | None = None
    commendation_no: str | None = None


class PenaltyAsOf(PenaltyRecord):
    in_publicity: bool = Field(description="on the public record on the file's day")


class InspectionAsOf(BaseModel):
    """抽查检查结果 One department's result as the file's day saw it (internal)."""

    task_id: str
    department: str
    result_code: str
    result_name_zh: str
    result_name_en: str
    follow_up: str
    problem_found: bool
    abnormal_list_ground: bool
    inspected_on: date
    recorded_on: date
    publish_by: date
    publish_by_provisional: bool = PROVISIONAL
    published_on: date | None
    late: bool
    withdrawn_on: date | None
    public: bool = Field(description="published and not withdrawn on the file's day")


class CreditFileRecord(BaseModel):
    """信用档案 The supervisor's credit file of one entity as it stood on `as_of`."""

    as_of: date
    entity: EntityCreditProfile
    risk: RiskRecord
    lists: ListsOn
    abnormal_listings: list[AbnormalListingRecord]
    serious_listings: list[SeriousListingRecord]
    red_list: list[RedListPeriod]
    commendations: list[CommendationRecord]
    penalties: list[PenaltyAsOf]
    inspections: list[InspectionAsOf]
    commitments: list[CommitmentRecord]
    repairs: list[RepairRecord]
    licences: list[LicenceRecord] = []        # 行政许可 (credit.licensing)
    objections: list[ObjectionRecord] = []    # 异议, contacts masked (credit.objections)


class TimelineItem(BaseModel):
    on: date
    kind: str
    text: str
    ref: str
    recorded_on: date | None


class TimelineRecord(BaseModel):
    """The credit facts of one entity as the record stood on `as_of`."""

    uscc: str
    as_of: date
    lists: ListsOn
    items: list[TimelineItem]


class ListMemberPublic(Proved):
    """One current member of a public list (public fields only)."""

    uscc: str
    name: str
    list: ListName
    label: str
    reason: str
    decision_no: str | None
    authority: str | None = None   # 作出决定机关
    legal_basis: str
    since: date | None
    until: date | None
    objection_under_review: bool = False   # 异议处理中 (credit.objections)
