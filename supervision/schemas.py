"""API schemas of the supervision context (XCreate / XPublic / XsPublic)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from supervision.registry import EntityData

EntityType = Literal["enterprise", "individual", "cooperative"]
EntityStatus = Literal["active", "deregistered", "revoked", "moved_out"]


class EntityCreate(BaseModel):
    uscc: str = Field(..., description="统一社会信用代码 Unified social credit code (18 chars)",
                      max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    entity_type: EntityType
    region_code: str = Field(..., description="GB/T 2260 6-digit region code", max_length=20)
    industry_code: str = Field(..., description="GB/T 4754 industry code, e.g. F5211",
                               max_length=10)
    registered_on: date
    address: str = Field("", max_length=300)
    legal_representative: str = Field("", max_length=100)
    registering_authority: str = Field("", max_length=100)

    def to_data(self) -> EntityData:
        return EntityData(**self.model_dump())


class EntityPublic(BaseModel):
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


class EntityRecord(EntityPublic):
    """The supervisor's directory record (adds internal bookkeeping fields)."""

    entity_no: int
    legal_representative: str
    last_annual_report_year: int | None
    version: int


class EntityStatusChange(BaseModel):
    status: EntityStatus
    effective_on: date
    reason: str = Field("", max_length=500)


class AnnualReportCreate(BaseModel):
    year: int = Field(..., ge=1990, le=2100)
    filed_on: date
