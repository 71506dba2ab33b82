"""API schemas of the supervision context (XCreate / XPublic / XsPublic)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from kernel.http.api import Body, Proved
from supervision.directory.check_items import CheckItemData
from supervision.directory.entities import EntityData
from supervision.directory.inspectors import InspectorData

EntityType = Literal["enterprise", "individual", "cooperative"]
EntityStatus = Literal["active", "deregistered", "revoked", "moved_out", "cancelled"]


class EntityCreate(Body):
    uscc: str = Field(..., description="统一社会信用代码 Unified social credit code (18 chars)",
                      max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    entity_type: EntityType
    region_code: str = Field(..., description="GB/T 2260 6-digit region code", max_length=20)
    industry_code: str = Field(..., description="GB/T 4754 industry code, e.g. F5211",
                               max_length=10)
    registered_on: date
    address: str = Field("", max_length=300)
    legal_representative: str = Field("", max_length=100, description="法定代表人 name")
    registering_authority: str = Field("", max_length=100)
    legal_representative_id: str = Field(
        "", max_length=40, description="法定代表人居民身份证号码 (GB 11643, 18 characters); kept "
        "only as a keyed hash and a masked form, never returned")

    def to_data(self) -> EntityData:
        return EntityData(**self.model_dump())


class EntityPublic(Proved):
    """The public registration profile of a market entity."""

    uscc: str
    name: str
    entity_type: EntityType
    region_code: str
    industry_code: str
    registered_on: date
    address: str
    registering_authority: str
    status: EntityStatus
    status_since: date | None
    legal_representative: str = Field("", description="法定代表人 name as registered")


class EntityRecord(EntityPublic):
    """The supervisor's directory record (adds internal bookkeeping fields)."""

    entity_no: int
    legal_representative_masked: str = Field(
        description="居民身份证号码, masked (e.g. 110105********123X); '' if not given")
    last_annual_report_year: int | None
    version: int


class EntityStatusChange(Body):
    status: EntityStatus
    effective_on: date
    reason: str = Field("", max_length=500)


class AnnualReportCreate(Body):
    year: int = Field(..., ge=1990, le=2100)
    filed_on: date


class EntityDetailsChange(Body):
    """变更登记 Change of registered details; only the fields given change."""

    name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    legal_representative: str | None = Field(None, max_length=100,
                                             description="法定代表人 name of the new one")
    legal_representative_id: str | None = Field(
        None, max_length=40, description="居民身份证号码 of the new legal representative "
        "(give it with every change of representative: without it the person is unknown)")
    effective_on: date | None = Field(None, description="变更日期 of a new legal representative "
                                      "(default today)")
    industry_code: str | None = Field(None, description="GB/T 4754 industry code", max_length=10)
    region_code: str | None = Field(None, description="GB/T 2260 6-digit region code",
                                    max_length=20)
    registering_authority: str | None = Field(None, max_length=100)

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


InspectorStatus = Literal["active", "on_leave", "retired"]
Code = Annotated[str, Field(max_length=50)]


class InspectorCreate(Body):
    credential_no: str = Field(..., description="执法证号 Enforcement credential number",
                               max_length=40)
    name: str = Field(..., max_length=100)
    department: str = Field(..., description="Department code, e.g. market_regulation",
                            max_length=50)
    region_code: str = Field(..., description="GB/T 2260 code of the station", max_length=20)
    station: str = Field(..., description="所在单位 Station, e.g. 义乌市市场监管所",
                         max_length=100)
    qualifications: list[Code] = Field(
        ..., max_length=200,
        description="执法领域 Check-item, qualification or department codes held")
    status: InspectorStatus = "active"

    def to_data(self) -> InspectorData:
        return InspectorData(**{**self.model_dump(), "qualifications": tuple(self.qualifications)})


class InspectorRecord(BaseModel):
    """An inspector's directory record (internal: never public)."""

    inspector_no: int
    credential_no: str
    name: str
    department: str
    region_code: str
    station: str
    status: InspectorStatus
    status_since: date
    qualifications: list[str]
    version: int


class InspectorStatusChange(Body):
    status: InspectorStatus
    effective_on: date
    reason: str = Field("", max_length=500)


class ConflictCreate(Body):
    """回避 A declared conflict of interest with a registered entity."""

    uscc: str = Field(..., description="统一社会信用代码 of the entity", max_length=40)
    reason: str = Field(..., max_length=500)
    from_on: date | None = Field(None, description="Start (default: today)")
    to_on: date | None = Field(None, description="End (default: open-ended)")


class ConflictRecord(BaseModel):
    declaration_no: int
    uscc: str
    entity_name: str | None
    reason: str
    from_on: date
    to_on: date | None
    declared_on: date
    withdrawn_on: date | None
    withdraw_reason: str


Method = Literal["on_site", "documents", "online"]
Category = Literal["key", "general"]


class CheckItemCreate(Body):
    code: str = Field(..., description="事项编码 e.g. SJ-001", max_length=40)
    name: str = Field(..., description="抽查事项 name", max_length=200)
    sub_item: str = Field("", description="检查子项 sub-item", max_length=200)
    legal_basis: str = Field(..., description="抽查依据 legal basis", max_length=500)
    department: str = Field(..., description="抽查主体 responsible department", max_length=50)
    object_scope_types: list[EntityType] = Field(..., max_length=3,
                                                 description="抽查对象 entity types in scope")
    object_scope_industries: list[Code] = Field(
        [], max_length=50, description="GB/T 4754 sections or codes in scope; empty = all")
    method: Method = "on_site"
    category: Category = Field("general", description="重点 key or 一般 general")
    default_ratio: float = Field(0.03, description="Default sampling ratio, 0-1")
    frequency_per_year: int = Field(1, description="Checks per year")
    qualification: str = Field(..., description="Qualification code required", max_length=50)

    def to_data(self) -> CheckItemData:
        d = self.model_dump()
        d["object_scope_types"] = tuple(d["object_scope_types"])
        d["object_scope_industries"] = tuple(d["object_scope_industries"])
        return CheckItemData(**d)


class CheckItemChange(Body):
    """Fields to change; code and department identify the item and cannot change."""

    name: str | None = Field(None, max_length=200)
    sub_item: str | None = Field(None, max_length=200)
    legal_basis: str | None = Field(None, max_length=500)
    object_scope_types: list[EntityType] | None = Field(None, max_length=3)
    object_scope_industries: list[Code] | None = Field(None, max_length=50)
    method: Method | None = None
    category: Category | None = None
    default_ratio: float | None = None
    frequency_per_year: int | None = None
    qualification: str | None = Field(None, max_length=50)

    def changes(self) -> dict:
        return {k: tuple(v) if isinstance(v, list) else v
                for k, v in self.model_dump().items() if v is not None}


class CheckItemPublic(BaseModel):
    """One item of a department's published list (随机抽查事项清单)."""

    code: str
    name: str
    sub_item: str
    legal_basis: str
    department: str
    object_scope_types: list[str]
    object_scope_industries: list[str]
    method: Method
    category: Category
    default_ratio: float
    frequency_per_year: int
    qualification: str


class PublishedCheckItem(CheckItemPublic):
    version: int
    published_on: date


class CheckItemRecord(CheckItemPublic):
    withdrawn: bool
    version: int


class CheckItemWithdraw(Body):
    reason: str = Field("", max_length=500)


class CheckListPublish(Body):
    published_on: date | None = Field(None, description="Publication date (default: today)")


class CheckListRecord(BaseModel):
    department: str
    version: int = Field(..., description="0 = never published")
    published_on: date | None
    item_count: int
