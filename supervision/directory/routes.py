"""HTTP routes of the supervision context."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kernel.clock import today_in_china
from kernel.errors import InvalidInput, NotFound
from kernel.http.api import (
    ERRORS,
    Page,
    PageDep,
    PlatformDep,
    PublicConn,
    ReadConn,
    UsccPath,
    errors,
    page_of,
)
from kernel.http.auth import Supervisor
from kernel.uscc import checked_uscc
from supervision.directory import list_routes as directory_routes
from supervision.directory import views
from supervision.directory.schemas import (
    AnnualReportCreate,
    EntityCreate,
    EntityDetailsChange,
    EntityPublic,
    EntityRecord,
    EntityStatusChange,
    EntityType,
)

router = APIRouter(tags=["directory"], responses=errors(401, 403))
public_router = APIRouter(tags=["public"])




@router.post("/entities", status_code=201, response_model=EntityRecord, responses=errors(409))
def register_entity(body: EntityCreate, p: PlatformDep, _: Supervisor) -> dict:
    """Register a market entity in the inspection-object directory."""
    data = body.to_data().validated(today_in_china())
    p.supervision.register_entity(data, today_in_china())
    with p.engine.connect() as conn:
        return views.entity_record(conn, data.uscc)


@router.get("/entities", response_model=Page[EntityRecord])
def list_entities(conn: ReadConn, page: PageDep, _: Supervisor,
                  region: Annotated[str | None, Query(max_length=6, pattern=r"^\d{2,6}$")] = None,
                  entity_type: EntityType | None = None,
                  status: Annotated[str | None, Query(max_length=20)] = None,
                  industry: Annotated[str | None, Query(max_length=5)] = None,
                  name: Annotated[str | None, Query(max_length=100)] = None) -> dict:
    """List the directory, filtered by region prefix, type, status, industry prefix or name."""
    total, items = views.list_entities(conn, region_prefix=region, entity_type=entity_type,
                                       status=status, industry_prefix=industry, name=name,
                                       offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/entities/{uscc}", response_model=EntityRecord, responses=errors(404))
def get_entity(uscc: UsccPath, conn: ReadConn, _: Supervisor) -> dict:
    """One entity's directory record."""
    record = views.entity_record(conn, checked_uscc(uscc))
    if record is None:
        raise NotFound(f"no market entity with code {uscc}", field="uscc")
    return record


@router.post("/entities/{uscc}/status", response_model=EntityRecord, responses=errors(404, 409))
def change_status(uscc: UsccPath, body: EntityStatusChange, p: PlatformDep, _: Supervisor) -> dict:
    """Record deregistration, revocation, moving out or reactivation."""
    code = checked_uscc(uscc)
    p.supervision.change_entity_status(code, body.status, body.effective_on, body.reason)
    with p.engine.connect() as conn:
        return views.entity_record(conn, code)


@router.patch("/entities/{uscc}", response_model=EntityRecord, responses=errors(404))
def change_details(uscc: UsccPath, body: EntityDetailsChange, p: PlatformDep,
                   _: Supervisor) -> dict:
    """变更登记 Change name, address, legal representative, industry or region."""
    code = checked_uscc(uscc)
    if body.effective_on and body.effective_on > today_in_china():
        raise InvalidInput("effective_on must not be in the future", field="effective_on")
    p.supervision.change_entity_details(code, body.changes(), today_in_china())
    with p.engine.connect() as conn:
        return views.entity_record(conn, code)


@router.post("/entities/{uscc}/annual-reports", response_model=EntityRecord,
             status_code=201, responses=errors(404, 409))
def file_annual_report(uscc: UsccPath, body: AnnualReportCreate, p: PlatformDep,
                       _: Supervisor) -> dict:
    """Record that the entity publicised its annual report for a year."""
    code = checked_uscc(uscc)
    if body.filed_on > today_in_china():
        raise InvalidInput("filed_on must not be in the future", field="filed_on")
    p.supervision.file_annual_report(code, body.year, body.filed_on)
    with p.engine.connect() as conn:
        return views.entity_record(conn, code)


@public_router.get("/entities/{uscc}", response_model=EntityPublic,
                   responses={404: ERRORS[404]})
def public_entity(uscc: UsccPath, conn: PublicConn) -> dict:
    """Public registration profile of a market entity (no login)."""
    profile = views.public_entity(conn, checked_uscc(uscc))
    if profile is None:
        raise NotFound(f"no market entity with code {uscc}", field="uscc")
    return profile


# The inspector directory and the check-item list share this router's prefix and auth.
router.include_router(directory_routes.router)
public_router.include_router(directory_routes.public_router)
