"""HTTP routes of penalties (SAMR Order 45), and the public record's penalties."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from credit.api import DeptQuery, UsccQuery, settled
from credit.lookups import entity_exists
from credit.penalties import views
from credit.penalties.schemas import (
    FulfilmentCreate,
    PenaltyCreate,
    PenaltyDecisionCreate,
    PenaltyPublic,
    PenaltyRecord,
    PenaltyStatus,
    PublicationAwaited,
    PublicationCreate,
    RevocationCreate,
)
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
    ERRORS,
    Page,
    PageDep,
    PlatformDep,
    ReadConn,
    UsccPath,
    errors,
    page_of,
)
from kernel.http.auth import Supervisor
from kernel.uscc import checked_uscc

router = APIRouter(tags=["credit"], responses=errors(401, 403))
public_router = APIRouter(tags=["public"])


@router.post("/penalties", status_code=201, response_model=PenaltyRecord,
             responses=errors(404, 409))
def open_penalty(body: PenaltyCreate, p: PlatformDep, user: Supervisor) -> dict:
    """立案 Open a penalty case against a registered entity, in the user's own department."""
    case_id = p.credit.open_penalty(body.uscc, body.department, body.opened_on,
                                    today_in_china(), body.inspection_task_id, body.notes,
                                    body.case_no, actor=user)
    return settled(p, views.penalty_record, case_id)


@router.post("/penalties/{case_id}/decision", response_model=PenaltyRecord,
             responses=errors(404, 409))
def decide_penalty(case_id: UUID, body: PenaltyDecisionCreate, p: PlatformDep,
                   user: Supervisor) -> dict:
    """处罚决定 Record the decision; its number must be unused."""
    p.credit.decide_penalty(case_id, body.to_decision(), today_in_china(), actor=user)
    return settled(p, views.penalty_record, case_id)


@router.post("/penalties/{case_id}/publication", response_model=PenaltyRecord,
             responses=errors(404, 409))
def publish_penalty(case_id: UUID, body: PublicationCreate, p: PlatformDep,
                    user: Supervisor) -> dict:
    """公示 Publish an ordinary-procedure penalty (late publication is recorded as late)."""
    p.credit.publish_penalty(case_id, body.published_on, today_in_china(), actor=user)
    return settled(p, views.penalty_record, case_id)


@router.post("/penalties/{case_id}/revocation", response_model=PenaltyRecord,
             responses=errors(404, 409))
def revoke_penalty(case_id: UUID, body: RevocationCreate, p: PlatformDep,
                   user: Supervisor) -> dict:
    """变更/撤销 The decision was changed, revoked or found invalid: withdraw its publicity."""
    p.credit.revoke_penalty(case_id, body.ground, body.effective_on, body.reason,
                            today_in_china(), body.withdrawn_on, actor=user)
    return settled(p, views.penalty_record, case_id)


@router.post("/penalties/{case_id}/fulfilment", response_model=PenaltyRecord,
             responses=errors(404, 409))
def record_fulfilment(case_id: UUID, body: FulfilmentCreate, p: PlatformDep,
                      user: Supervisor) -> dict:
    """The fine was paid, or every obligation of the decision fulfilled."""
    p.credit.record_penalty_fulfilment(case_id, body.kind, body.on, today_in_china(),
                                       actor=user)
    return settled(p, views.penalty_record, case_id)


@router.get("/penalties", response_model=Page[PenaltyRecord])
def list_penalties(conn: ReadConn, page: PageDep, _: Supervisor, uscc: UsccQuery = None,
                   status: PenaltyStatus | None = None, department: DeptQuery = None,
                   overdue_for_publication: bool | None = None) -> dict:
    """Penalty cases, filtered by entity, status, department or overdue publication."""
    total, items = views.list_penalties(conn, today=today_in_china(), uscc=uscc, status=status,
                                        department=department,
                                        overdue_for_publication=overdue_for_publication,
                                        offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/penalty-publications", response_model=Page[PublicationAwaited])
def publications_awaited(conn: ReadConn, page: PageDep, _: Supervisor,
                         department: DeptQuery = None, overdue: bool | None = None) -> dict:
    """双公示 Decisions awaiting publication with their deadlines, overdue ones first."""
    total, items = views.publications_awaited(conn, today=today_in_china(),
                                              department=department, overdue=overdue,
                                              offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/penalties/{case_id}", response_model=PenaltyRecord, responses=errors(404))
def get_penalty(case_id: UUID, conn: ReadConn, _: Supervisor) -> dict:
    """One penalty case."""
    record = views.penalty_record(conn, case_id)
    if record is None:
        raise NotFound(f"no penalty case {case_id}", field="case_id")
    return record


@public_router.get("/entities/{uscc}/penalties", response_model=list[PenaltyPublic],
                   responses={404: ERRORS[404]})
def public_penalties(uscc: UsccPath, conn: ReadConn) -> list[dict]:
    """Penalties publicised today: published, within publicity, not revoked, not repaired."""
    code = checked_uscc(uscc)
    if not entity_exists(conn, code):
        raise NotFound(f"no market entity with code {uscc}", field="uscc")
    from credit.objections.views import mark_under_review

    return mark_under_review(conn, "penalty", views.public_penalties(conn, code, today_in_china()),
                             key="decision_no")
