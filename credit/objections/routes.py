"""HTTP routes of objections (异议): anyone files one; the responsible department handles it."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, HTTPException

from credit.api import DeptQuery, UsccQuery, settled
from credit.authority import authorise
from credit.objections import views
from credit.objections.schemas import (
    ObjectionCreate,
    ObjectionReceipt,
    ObjectionRecord,
    ObjectionStatus,
    OutcomeCreate,
)
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
    ERRORS,
    Page,
    PageDep,
    PlatformDep,
    PublicConn,
    ReadConn,
    errors,
    page_of,
)
from kernel.http.auth import Supervisor

router = APIRouter(tags=["credit"], responses=errors(401, 403))
public_router = APIRouter(tags=["public"])
RECEIPT = ("id", "record_kind", "uscc", "record_key", "status", "status_label", "filed_on",
           "handle_by", "handled_on")


def receipt(conn, objection_id: UUID) -> dict | None:  # noqa: ANN001
    found = views.objection_record(conn, objection_id, today_in_china())
    return {k: found[k] for k in RECEIPT} if found else None


def file_and_answer(p, body: ObjectionCreate) -> dict:  # noqa: ANN001
    """File, wait for the read model (a public command has no read-your-writes middleware)."""
    objection_id = p.credit.file_objection(body.to_ref(), body.reason, body.contact_name,
                                           body.contact, today_in_china())
    if not p.settle("credit", timeout=10):
        raise HTTPException(503, "recorded; the read model has not caught up yet")
    return settled(p, receipt, objection_id)


@public_router.post("/objections", status_code=201, response_model=ObjectionReceipt,
                    responses={404: ERRORS[404], 409: ERRORS[409]})
def file_objection(body: ObjectionCreate, p: PlatformDep) -> dict:
    """提出异议 Object to a published record; it shows "异议处理中" until handled."""
    return file_and_answer(p, body)


@public_router.get("/objections/{objection_id}", response_model=ObjectionReceipt,
                   responses={404: ERRORS[404]})
def objection_receipt(objection_id: UUID, conn: PublicConn) -> dict:
    """An objection's state, for whoever holds its id (no contact, no reasons)."""
    found = receipt(conn, objection_id)
    if found is None:
        raise NotFound(f"未找到异议 no objection {objection_id}", field="objection_id")
    return found


@router.get("/objections", response_model=Page[ObjectionRecord])
def list_objections(conn: ReadConn, page: PageDep, _: Supervisor,
                    department: DeptQuery = None, status: ObjectionStatus | None = None,
                    uscc: UsccQuery = None, overdue: bool | None = None) -> dict:
    """异议 The queue, by deadline; `overdue`: open past the deadline. Contacts masked."""
    total, items = views.list_objections(conn, today=today_in_china(), department=department,
                                         status=status, uscc=uscc, overdue=overdue,
                                         offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/objections/{objection_id}", response_model=ObjectionRecord,
            responses=errors(404))
def get_objection(objection_id: UUID, conn: ReadConn, p: PlatformDep, user: Supervisor,
                  reveal_contact: bool = False) -> dict:
    """One objection; `reveal_contact` (the responsible department only) shows the contact."""
    found = views.objection_record(conn, objection_id, today_in_china())
    if found is None:
        raise NotFound(f"未找到异议 no objection {objection_id}", field="objection_id")
    if reveal_contact:
        authorise(user, found["department"], "objections", "read_objection_contact", p.rules)
        found = views.objection_record(conn, objection_id, today_in_china(), reveal=True)
    return found


@router.post("/objections/{objection_id}/outcome", response_model=ObjectionRecord,
             responses=errors(404, 409))
def handle_objection(objection_id: UUID, body: OutcomeCreate, p: PlatformDep,
                     user: Supervisor) -> dict:
    """异议处理 Record the outcome: corrected, withdrawn or upheld, with the reasons."""
    p.credit.handle_objection(objection_id, body.outcome, body.handled_on, body.reasons,
                              today_in_china(), actor=user)
    return settled(p, lambda conn, key: views.objection_record(conn, key, today_in_china()),
                   objection_id)
