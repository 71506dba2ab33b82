"""HTTP routes of the serious dishonest list (SAMR Order 44) and of commendations (诚信典型)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path

from credit.api import DeptQuery, UsccQuery, settled
from credit.lists import views
from credit.lists.schemas import (
    CommendationCreate,
    CommendationRecord,
    CommendationRevocationCreate,
    ListingDecisionCreate,
    ListingNoticeCreate,
    ListingRemovalCreate,
    ListingStatementCreate,
    ListingStatus,
    SeriousListingRecord,
    StatementAnswerCreate,
)
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
    Page,
    PageDep,
    PlatformDep,
    ReadConn,
    UsccPath,
    errors,
    page_of,
)
from kernel.http.auth import Supervisor
from kernel.platform import Platform
from kernel.uscc import checked_uscc

router = APIRouter(tags=["credit"], responses=errors(401, 403))

DocumentNoPath = Annotated[str, Path(description="文号 Decision number", max_length=100)]


def _commendation(p: Platform, commendation_id: UUID) -> dict:
    return settled(p, lambda conn, key: views.commendation_record(conn, key, today_in_china()),
                   commendation_id)


@router.post("/commendations", status_code=201, response_model=CommendationRecord,
             responses=errors(404, 409))
def grant_commendation(body: CommendationCreate, p: PlatformDep, user: Supervisor) -> dict:
    """诚信典型 Record a commendation; the red-list job reads it (rules.red_list)."""
    return _commendation(p, p.credit.grant_commendation(body.to_data(), today_in_china(),
                                                        actor=user))


@router.post("/commendations/{document_no}/revocation", response_model=CommendationRecord,
             responses=errors(404, 409))
def revoke_commendation(document_no: DocumentNoPath, body: CommendationRevocationCreate,
                        p: PlatformDep, user: Supervisor) -> dict:
    """撤销荣誉 Revoke a commendation from a day on (409 if already revoked or ended)."""
    return _commendation(p, p.credit.revoke_commendation(document_no, body.revoked_on,
                                                         body.reason, today_in_china(),
                                                         actor=user))


@router.get("/commendations", response_model=Page[CommendationRecord])
def list_commendations(conn: ReadConn, page: PageDep, _: Supervisor, uscc: UsccQuery = None,
                       department: DeptQuery = None, in_force: bool | None = None) -> dict:
    """Commendations, e.g. those in force today."""
    total, items = views.list_commendations(conn, today=today_in_china(), uscc=uscc,
                                            department=department, in_force=in_force,
                                            offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


def _listings(p: Platform, uscc: str) -> list[dict]:
    code = checked_uscc(uscc)
    with p.engine.connect() as conn:
        return views.serious_listings_of(conn, code,
                                         p.rules.serious_list.statement_period_workdays)


@router.post("/serious-list/{uscc}/notice", status_code=201,
             response_model=list[SeriousListingRecord], responses=errors(404, 409))
def give_listing_notice(uscc: UsccPath, body: ListingNoticeCreate, p: PlatformDep,
                        user: Supervisor) -> list[dict]:
    """告知 Give prior notice of an intended listing (SAMR Order 44)."""
    p.credit.give_listing_notice(uscc, body.to_notice(), today_in_china(), actor=user)
    return _listings(p, uscc)


@router.post("/serious-list/{uscc}/statement", response_model=list[SeriousListingRecord],
             responses=errors(404, 409))
def record_listing_statement(uscc: UsccPath, body: ListingStatementCreate, p: PlatformDep,
                             user: Supervisor) -> list[dict]:
    """陈述申辩 Record the entity's statement or hearing request."""
    p.credit.record_listing_statement(uscc, body.received_on, body.statement,
                                      body.hearing_requested, today_in_china(), actor=user)
    return _listings(p, uscc)


@router.post("/serious-list/{uscc}/statement/answer", response_model=list[SeriousListingRecord],
             responses=errors(404, 409))
def answer_listing_statement(uscc: UsccPath, body: StatementAnswerCreate, p: PlatformDep,
                             user: Supervisor) -> list[dict]:
    """复核答复 Answer the statement or hearing; a decision may follow the same day."""
    p.credit.answer_listing_statement(uscc, body.answered_on, body.reply, body.adopted,
                                      today_in_china(), actor=user)
    return _listings(p, uscc)


@router.post("/serious-list/{uscc}/decision", response_model=list[SeriousListingRecord],
             responses=errors(404, 409))
def decide_listing(uscc: UsccPath, body: ListingDecisionCreate, p: PlatformDep,
                   user: Supervisor) -> list[dict]:
    """列入决定 List the entity for 3 years, or decide not to (409 inside the statement period)."""
    p.credit.decide_listing(uscc, body.listed, body.decision_no, body.decided_on, body.reason,
                            today_in_china(), actor=user)
    return _listings(p, uscc)


@router.post("/serious-list/{uscc}/removal", response_model=list[SeriousListingRecord],
             responses=errors(404, 409))
def remove_listing(uscc: UsccPath, body: ListingRemovalCreate, p: PlatformDep,
                   user: Supervisor) -> list[dict]:
    """移出 Remove at expiry or after the underlying decision was revoked."""
    p.credit.remove_from_serious_list(uscc, body.removed_on, body.reason, today_in_china(),
                                      actor=user)
    return _listings(p, uscc)


@router.get("/serious-list", response_model=Page[SeriousListingRecord])
def list_serious_listings(conn: ReadConn, page: PageDep, _: Supervisor,
                          status: ListingStatus | None = None) -> dict:
    """Listing procedures, filtered by status."""
    total, items = views.list_serious_listings(conn, status=status, offset=page.offset,
                                               limit=page.limit)
    return page_of(page, total, items)


@router.get("/serious-list/{uscc}", response_model=list[SeriousListingRecord],
            responses=errors(404))
def get_serious_listings(uscc: UsccPath, conn: ReadConn, p: PlatformDep,
                         _: Supervisor) -> list[dict]:
    """Every listing procedure of one entity, the newest first."""
    found = views.serious_listings_of(conn, checked_uscc(uscc),
                                      p.rules.serious_list.statement_period_workdays)
    if not found:
        raise NotFound(f"no serious-list procedure for {uscc}", field="uscc")
    return found
