"""API schemas of the search by person."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from credit.api import text
from kernel.http.api import Body


class PersonSearch(Body):
    """By name (partial) and/or 居民身份证号码 (hashed with the person key; never stored or
    returned). Sent in the body, so the number stays out of URLs and access logs."""

    name: str | None = text(None, 100, description="法定代表人姓名 (partial)")
    id_number: str | None = text(None, 40, description="居民身份证号码 (18 characters)")


class RepresentationPublic(BaseModel):
    uscc: str
    entity_name: str
    entity_status: str
    from_on: date
    to_on: date | None = Field(description="End of the period (exclusive); None = current")
    current: bool
    serious_listed: bool
    serious_listed_on: date | None
    serious_decision_no: str | None
    recorded_on_listing: bool = Field(description="The listing decision recorded this person")
    abnormal_listed: bool


class PersonPublic(BaseModel):
    """One person (masked number only) and the entities they represent or represented."""

    name: str
    id_masked: str
    identified: bool = Field(description="Registered with an ID number (matched across entities)")
    entities: list[RepresentationPublic]
