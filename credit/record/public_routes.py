"""Public credit lookup (一公开): by code or name, no login, rate limited, cacheable."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, TypeVar
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from credit.commitments.schemas import CommitmentPublic
from credit.licensing.schemas import LicencePublic
from credit.penalties.schemas import PenaltyPublic
from credit.record.public import RECORD, public_record_of, record_params
from credit.record.public_pages_data import inspections_page
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
    ERRORS,
    Proved,
    PublicConn,
    json_bytes,
    run_trip,
)
from kernel.http.public import cache_headers, not_modified, target_of, validators
from kernel.uscc import checked_uscc
from supervision.directory.schemas import EntityPublic
from supervision.tasks.schemas import PublishedInspection

router = APIRouter(tags=["public"])
T = TypeVar("T")
LIMITED = {429: {"description": "Too many requests (see Retry-After)"}}


class ListEntryPublic(Proved):
    list: str
    label: str
    reason: str
    decision_no: str | None
    authority: str | None = None   # 作出决定机关, the deciding department's Chinese name
    legal_basis: str
    since: date | None
    until: date | None
    objection_under_review: bool = False   # 异议处理中 (credit.objections)


class FalseCommitmentPublic(BaseModel):
    id: str
    department: str
    permit_type: str
    committed_on: date
    verified_on: date | None
    decision_revoked: bool
    objection_under_review: bool = False


class InspectionOnRecord(PublishedInspection):
    objection_under_review: bool = False


class CommitmentOnRecord(CommitmentPublic):
    authority: str | None = None   # the department's name: the page labels `department`


class CreditRecordPublic(BaseModel):
    """公示信用记录 What the law makes public about one entity, as of a date."""

    as_of: date
    entity: EntityPublic
    lists: list[ListEntryPublic]
    inspections: list[InspectionOnRecord]
    penalties: list[PenaltyPublic]
    licences: list[LicencePublic] = []        # 行政许可 published (credit.licensing)
    commitments: list[CommitmentOnRecord] = []   # 信用承诺 public (credit.commitments)
    false_commitments: list[FalseCommitmentPublic]   # those of `commitments` found false
    objections_under_review: int = 0   # records of this entity with an open objection (异议)



@router.get("/credit/{uscc}", response_model=CreditRecordPublic,
            responses={404: ERRORS[404], 304: {"description": "Not modified"}, **LIMITED})
async def credit_record(uscc: str, request: Request) -> Response:
    """An entity's public credit record (lists, published results, penalties in publicity,
    licensing decisions, commitments; items under objection marked)."""
    code, today = checked_uscc(uscc), today_in_china()
    rules = request.app.state.platform.rules
    sections = await run_trip(request, RECORD, record_params(code, today, rules))
    record, positions = public_record_of(sections, today)
    headers = cache_headers(*validators(positions, target_of(request), today))
    if not_modified(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    if record is None:
        raise NotFound(f"no market entity with code {code}", field="uscc")
    return Response(json_bytes(record), media_type="application/json", headers=headers)


async def served_plainly(request: Request) -> Response:
    """`credit_record` as a plain endpoint (kernel.http.api.PlainRoute, put ahead of the FastAPI
    route by opencheck.app): it takes nothing but the code in its path."""
    return await credit_record(request.path_params["uscc"], request)


class KeysetPage(BaseModel, Generic[T]):
    """A page of a long public list: `next` is the cursor of the page after it (pass it as
    `after`), None on the last page; `total` as the list counts it."""

    total: int
    limit: int
    after: str | None = None
    next: str | None = None
    items: list[T]


Limit = Annotated[int, Query(ge=1, le=100)]
After = Annotated[str | None, Query(max_length=200,
                                    description="the `next` cursor of the page before")]


@router.get("/search", response_model=KeysetPage[EntityPublic], responses=LIMITED)
def search(conn: PublicConn,
           q: Annotated[str, Query(min_length=1, max_length=100,
                                   description="code prefix or part of the name")],
           after: After = None, limit: Limit = 20) -> dict:
    """Find entities by unified social credit code prefix or name part (one character: a name
    prefix); the exact code ranks first, then codes, then names in registration order
    (earliest first). `total` counts
    up to 1001: more than 1000 matches answer 1001. Keyset-paged (`after` = `next`)."""
    from supervision.directory.search import search_page

    total, items, nxt = search_page(conn, q, after, limit)
    return {"total": total, "limit": limit, "after": after, "next": nxt, "items": items}


@router.get("/inspections", response_model=KeysetPage[InspectionOnRecord])
def published_inspections(conn: PublicConn,
                          uscc: Annotated[str | None, Query(max_length=40)] = None,
                          plan_id: UUID | None = None, after: After = None,
                          limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    """Published inspection results, by entity (USCC) or plan, newest first, those under
    objection marked (异议处理中); never inspectors or findings. Keyset-paged."""
    total, items, nxt = inspections_page(conn, uscc=uscc.strip().upper() if uscc else None,
                                         plan_id=plan_id.hex if plan_id else None,
                                         after=after, limit=limit)
    return {"total": total, "limit": limit, "after": after, "next": nxt, "items": items}
