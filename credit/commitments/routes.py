"""HTTP routes of notification–commitments (告知承诺, 国办发〔2020〕42号)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from credit.api import DeptQuery, UsccQuery, settled
from credit.commitments import views
from credit.commitments.schemas import (
    CommitmentCreate,
    CommitmentPublic,
    CommitmentRecord,
    CommitmentStatus,
    VerificationCreate,
)
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
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


@router.post("/commitments", status_code=201, response_model=CommitmentRecord,
             responses=errors(404, 409))
def accept_commitment(body: CommitmentCreate, p: PlatformDep, user: Supervisor) -> dict:
    """告知承诺 Accept a commitment after the credit check (409 with the refusal's reason)."""
    commitment_id = p.credit.accept_commitment(body.to_data(), today_in_china(), actor=user)
    return settled(p, views.commitment_record, commitment_id)


@router.post("/commitments/{commitment_id}/verification", response_model=CommitmentRecord,
             responses=errors(404, 409))
def verify_commitment(commitment_id: UUID, body: VerificationCreate, p: PlatformDep,
                      user: Supervisor) -> dict:
    """核查 Record the verification: fulfilled, or a false commitment."""
    p.credit.verify_commitment(commitment_id, body.outcome, body.verified_on, body.method,
                               body.note, today_in_china(), actor=user)
    return settled(p, views.commitment_record, commitment_id)


@router.get("/commitments", response_model=Page[CommitmentRecord])
def list_commitments(conn: ReadConn, page: PageDep, _: Supervisor, uscc: UsccQuery = None,
                     status: CommitmentStatus | None = None, department: DeptQuery = None,
                     awaiting_verification: bool | None = None,
                     overdue: bool | None = None) -> dict:
    """Commitments, e.g. those awaiting verification or overdue as of today."""
    total, items = views.list_commitments(conn, today=today_in_china(), uscc=uscc, status=status,
                                          department=department,
                                          awaiting_verification=awaiting_verification,
                                          overdue=overdue, offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/commitments/{commitment_id}", response_model=CommitmentRecord,
            responses=errors(404))
def get_commitment(commitment_id: UUID, conn: ReadConn, _: Supervisor) -> dict:
    """One commitment."""
    record = views.commitment_record(conn, commitment_id)
    if record is None:
        raise NotFound(f"no commitment {commitment_id}", field="commitment_id")
    return record


@public_router.get("/commitments", response_model=Page[CommitmentPublic])
def public_commitments(conn: PublicConn, page: PageDep, p: PlatformDep,
                       uscc: UsccQuery = None) -> dict:
    """信用承诺 The commitments public today (rules.commitment.publish_all), newest first."""
    from credit.objections.views import mark_under_review
    from kernel.uscc import checked_uscc

    limit = min(page.limit, 100)
    total, items = views.public_commitments(conn, p.rules, today=today_in_china(),
                                            uscc=checked_uscc(uscc) if uscc else None,
                                            offset=page.offset, limit=limit)
    mark_under_review(conn, "commitment", items, key="id")
    return {"total": total, "offset": page.offset, "limit": limit, "items": items}
