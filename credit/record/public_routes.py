"""Public credit lookup (一公开): by code or name, no login, rate limited, cacheable."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from credit.commitments.schemas import CommitmentPublic
from credit.licensing.schemas import LicencePublic
from credit.penalties.schemas import PenaltyPublic
from credit.record.public import RECORD, public_record_of, record_params
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
    ERRORS,
    Page,
    PageDep,
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


@router.get("/search", response_model=Page[EntityPublic], responses=LIMITED)
def search(conn: PublicConn, page: PageDep,
           q: Annotated[str, Query(min_length=1, max_length=100,
                                   description="code prefix or part of the name")]) -> dict:
    """Find entities by unified social credit code prefix or name part (one character: a name
    prefix); the exact code ranks first, then codes, then names in name order. `total` counts
    up to 1001: more than 1000 matches answer 1001."""
    from supervision.directory.views import search_entities

    total, items = search_entities(conn, q, page.offset, min(page.limit, 100))
    return {"total": total, "offset": page.offset, "limit": min(page.limit, 100), "items": items}
