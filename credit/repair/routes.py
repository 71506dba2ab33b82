"""HTTP routes of credit repair (信用修复, SAMR Order 107)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from credit.api import UsccQuery, settled
from credit.repair import views
from credit.repair.schemas import (
    RecordKind,
    RepairCreate,
    RepairDecisionCreate,
    RepairRecord,
    RepairStatus,
)
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import Page, PageDep, PlatformDep, ReadConn, errors, page_of
from kernel.http.auth import Supervisor

router = APIRouter(tags=["credit"], responses=errors(401, 403))


@router.post("/repairs", status_code=201, response_model=RepairRecord,
             responses=errors(404, 409))
def apply_for_repair(body: RepairCreate, p: PlatformDep, user: Supervisor) -> dict:
    """信用修复申请 Apply for repair (409 with the date it becomes possible if too early)."""
    repair_id = p.credit.apply_for_repair(body.record_kind, body.record_id, body.applied_on,
                                          body.pledge, body.evidence, today_in_china(),
                                          actor=user)
    return settled(p, views.repair_application, repair_id)


@router.post("/repairs/{repair_id}/decision", response_model=RepairRecord,
             responses=errors(404, 409))
def decide_repair(repair_id: UUID, body: RepairDecisionCreate, p: PlatformDep,
                  user: Supervisor) -> dict:
    """Approve (the record leaves the public record) or reject a repair application."""
    p.credit.decide_repair(repair_id, body.approve, body.decided_on, user.username, body.reason,
                           today_in_china(), actor=user)
    return settled(p, views.repair_application, repair_id)


@router.get("/repairs", response_model=Page[RepairRecord])
def list_repairs(conn: ReadConn, page: PageDep, _: Supervisor, uscc: UsccQuery = None,
                 status: RepairStatus | None = None,
                 record_kind: RecordKind | None = None) -> dict:
    """Repair applications, filtered by entity, status or record kind."""
    total, items = views.list_repair_applications(conn, uscc=uscc, status=status,
                                                  record_kind=record_kind,
                                                  offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/repairs/{repair_id}", response_model=RepairRecord, responses=errors(404))
def get_repair(repair_id: UUID, conn: ReadConn, _: Supervisor) -> dict:
    """The latest application of one repair case."""
    record = views.repair_application(conn, repair_id)
    if record is None:
        raise NotFound(f"no repair application {repair_id}", field="repair_id")
    return record
