"""HTTP routes of complaints (投诉举报): supervisors of the receiving department record them."""

from __future__ import annotations

from fastapi import APIRouter

from credit.api import settled
from credit.risk import views
from credit.risk.schemas import ComplaintCreate, ComplaintRecord
from kernel.clock import today_in_china
from kernel.http.api import PlatformDep, ReadConn, UsccPath, errors
from kernel.http.auth import Supervisor
from kernel.uscc import checked_uscc

router = APIRouter(tags=["credit"], responses=errors(401, 403))


@router.post("/complaints", status_code=201, response_model=ComplaintRecord,
             responses=errors(404, 409))
def record_complaint(body: ComplaintCreate, p: PlatformDep, user: Supervisor) -> dict:
    """投诉举报 Record a complaint or report about an entity (a risk input)."""
    cid = p.credit.record_complaint(body.to_data(), today_in_china(), actor=user)
    return settled(p, views.complaint, cid)


@router.get("/entities/{uscc}/complaints", response_model=list[ComplaintRecord])
def entity_complaints(uscc: UsccPath, conn: ReadConn, _: Supervisor) -> list[dict]:
    """An entity's complaints and reports, newest first."""
    return views.entity_complaints(conn, checked_uscc(uscc))
