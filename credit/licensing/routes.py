"""HTTP routes of licensing decisions (双公示): supervisors record and publish, the public reads."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from credit.api import DeptQuery, UsccQuery, settled
from credit.licensing import views
from credit.licensing.schemas import (
    LicenceChangeCreate,
    LicenceCreate,
    LicenceEndCreate,
    LicencePublic,
    LicencePublicationCreate,
    LicenceRecord,
    LicenceStatus,
)
from credit.objections.views import mark_under_review
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
from kernel.uscc import checked_uscc

router = APIRouter(tags=["credit"], responses=errors(401, 403))
public_router = APIRouter(tags=["public"])


def _answer(p, licence_id: UUID) -> dict:  # noqa: ANN001
    return settled(p, lambda conn, key: views.licence_record(conn, key, today_in_china()),
                   licence_id)


@router.post("/licences", status_code=201, response_model=LicenceRecord,
             responses=errors(404, 409))
def grant_licence(body: LicenceCreate, p: PlatformDep, user: Supervisor) -> dict:
    """行政许可 Record a licensing decision of the user's department (publish within 7 days)."""
    return _answer(p, p.credit.grant_licence(body.to_terms(), today_in_china(), actor=user))


@router.post("/licences/{licence_id}/publication", response_model=LicenceRecord,
             responses=errors(404, 409))
def publish_licence(licence_id: UUID, body: LicencePublicationCreate, p: PlatformDep,
                    user: Supervisor) -> dict:
    """公示 Put the decision online (late publication is recorded as late)."""
    p.credit.publish_licence(licence_id, body.published_on, today_in_china(), actor=user)
    return _answer(p, licence_id)


@router.post("/licences/{licence_id}/change", response_model=LicenceRecord,
             responses=errors(404, 409))
def change_licence(licence_id: UUID, body: LicenceChangeCreate, p: PlatformDep,
                   user: Supervisor) -> dict:
    """变更 Change the decision's content or validity."""
    p.credit.change_licence(licence_id, body.content, body.valid_to, body.changed_on,
                            body.reason, today_in_china(), actor=user)
    return _answer(p, licence_id)


@router.post("/licences/{licence_id}/revocation", response_model=LicenceRecord,
             responses=errors(404, 409))
def end_licence(licence_id: UUID, body: LicenceEndCreate, p: PlatformDep,
                user: Supervisor) -> dict:
    """撤销/注销/撤回 End the licence (a published one stays public as 无效)."""
    p.credit.end_licence(licence_id, body.ground, body.effective_on, body.reason,
                         today_in_china(), actor=user)
    return _answer(p, licence_id)


@router.get("/licences", response_model=Page[LicenceRecord])
def list_licences(conn: ReadConn, page: PageDep, _: Supervisor, uscc: UsccQuery = None,
                  status: LicenceStatus | None = None, department: DeptQuery = None,
                  overdue: bool | None = None) -> dict:
    """Licensing decisions; `overdue`: unpublished past the 双公示 deadline."""
    total, items = views.list_licences(conn, today=today_in_china(), uscc=uscc, status=status,
                                       department=department, overdue=overdue,
                                       offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/licences/{licence_id}", response_model=LicenceRecord, responses=errors(404))
def get_licence(licence_id: UUID, conn: ReadConn, _: Supervisor) -> dict:
    """One licensing decision."""
    record = views.licence_record(conn, licence_id, today_in_china())
    if record is None:
        raise NotFound(f"未找到许可决定 no licensing decision {licence_id}", field="licence_id")
    return record


@public_router.get("/licences", response_model=Page[LicencePublic])
def public_licences(conn: PublicConn, page: PageDep, uscc: UsccQuery = None,
                    q: Annotated[str | None, Query(max_length=100)] = None) -> dict:
    """双公示 Published licensing decisions (by entity code, or number / licence / name)."""
    code = checked_uscc(uscc) if uscc else None
    limit = min(page.limit, 100)
    total, items = views.public_licences(conn, today=today_in_china(), uscc=code,
                                         q=(q or "").strip() or None, offset=page.offset,
                                         limit=limit)
    mark_under_review(conn, "licence", items, key="decision_no")
    return {"total": total, "offset": page.offset, "limit": limit, "items": items}
