"""HTTP route of the A–D class history (supervisors only: the class is internal, DOMAIN §7)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from credit.rating import views
from kernel.errors import NotFound
from kernel.http.api import SettledConn, UsccPath, errors
from kernel.http.auth import Supervisor
from kernel.uscc import checked_uscc
from supervision.directory.views import entity_record

router = APIRouter(tags=["credit"], responses=errors(401, 403))

RiskClass = Literal["A", "B", "C", "D"]


class ClassChangeRecord(BaseModel):
    classified_on: date
    risk_class: RiskClass
    previous_class: RiskClass | None
    score: float
    indicators: list[str]
    factors: list[dict[str, Any]] | None = Field(
        description="Each indicator that held: count, points, floor and the records behind it "
        "(penalty case and decision number, listing, inspection task…); None for a monthly "
        "run's change, which names its indicators only")
    cause: str


class ClassHistoryRecord(BaseModel):
    uscc: str
    changes: list[ClassChangeRecord]


@router.get("/entities/{uscc}/risk-class-history", response_model=ClassHistoryRecord,
            responses=errors(404))
def get_risk_class_history(uscc: UsccPath, conn: SettledConn, _: Supervisor) -> dict:
    """企业信用风险分类 The entity's A–D class history with the reasons of every change."""
    code = checked_uscc(uscc)
    entity = entity_record(conn, code)
    if entity is None:
        raise NotFound(f"no market entity with code {code} 无此市场主体", field="uscc")
    return {"uscc": code, "changes": views.class_history(conn, entity["entity_no"])}
