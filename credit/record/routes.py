"""HTTP routes of the credit file (supervisors) and the public lists (一公开, no login)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from credit.record import views as file_views
from credit.record.public_pages_data import marked_list
from credit.record.schemas import (
    CreditFileRecord,
    ListMemberPublic,
    ListName,
    RiskRecord,
    TimelineRecord,
)
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
    Page,
    PageDep,
    PlatformDep,
    PublicConn,
    SettledConn,
    UsccPath,
    errors,
    page_of,
)
from kernel.http.auth import Supervisor
from kernel.uscc import checked_uscc
from supervision.directory.views import entity_record

router = APIRouter(tags=["credit"], responses=errors(401, 403))
public_router = APIRouter(tags=["public"])

AsOf = Annotated[date | None, Query(ge=date(1990, 1, 1), le=date(2100, 12, 31),
                                    description="Show the record as it stood on this day "
                                                "(default today)")]


@router.get("/entities/{uscc}/credit", response_model=CreditFileRecord, responses=errors(404))
def get_credit_file(uscc: UsccPath, p: PlatformDep, conn: SettledConn, _: Supervisor,
                    as_of: AsOf = None) -> dict:
    """信用档案 The internal credit file (lists, penalties, results, commitments, repairs, A–D
    class) as it stood on `as_of`."""
    code = checked_uscc(uscc)
    record = file_views.credit_file(conn, code, p.rules, today_in_china(), as_of)
    if record is None:
        raise NotFound(f"no market entity with code {code}", field="uscc")
    return record


@router.get("/entities/{uscc}/credit/timeline", response_model=TimelineRecord,
            responses=errors(404))
def get_credit_timeline(uscc: UsccPath, conn: SettledConn, _: Supervisor,
                        as_of: AsOf = None) -> dict:
    """The credit facts as the record stood on `as_of` (effective and recorded dates)."""
    code, day = checked_uscc(uscc), as_of or today_in_china()
    if entity_record(conn, code) is None:
        raise NotFound(f"no market entity with code {code}", field="uscc")
    return {"uscc": code, "as_of": day, "lists": file_views.lists_on(conn, code, day),
            "items": file_views.timeline(conn, code, day)}


@router.get("/entities/{uscc}/risk-class", response_model=RiskRecord, responses=errors(404))
def get_risk_class(uscc: UsccPath, p: PlatformDep, conn: SettledConn, _: Supervisor,
                   as_of: AsOf = None) -> dict:
    """企业信用风险分类 The entity's A–D class with its score and reasons (never public)."""
    code = checked_uscc(uscc)
    entity = entity_record(conn, code)
    if entity is None:
        raise NotFound(f"无此市场主体 no market entity with code {code}", field="uscc")
    return file_views.risk_of(conn, entity["entity_no"], p.rules, as_of)


@public_router.get("/lists/{list_name}", response_model=Page[ListMemberPublic])
def get_public_list(list_name: ListName, conn: PublicConn, page: PageDep) -> dict:
    """经营异常名录 / 严重违法失信名单 / 守信激励名单: today's members, newest first, those
    under objection marked (异议处理中)."""
    total, items = marked_list(conn, list_name, today_in_china(), page.offset, page.limit)
    return page_of(page, total, items)
