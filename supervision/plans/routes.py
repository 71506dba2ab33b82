"""HTTP routes of spot-check plans, draws, verification and the inspector inbox."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query

from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
    ERRORS,
    Page,
    PageDep,
    PlatformDep,
    ReadConn,
    SettledConn,
    errors,
    page_of,
)
from kernel.http.auth import Inspector, Supervisor
from supervision.plans import views as plan_views
from supervision.plans.schemas import (
    CoveragePublic,
    DrawRecordPublic,
    DrawRequest,
    PlanCreate,
    PlanPublic,
    PlanRecord,
    PublicPlanDetail,
    RedrawRequest,
    VerificationPublic,
)
from supervision.tasks import views as task_views
from supervision.tasks.schemas import TaskPublic

router = APIRouter(tags=["plans"], responses=errors(401, 403))
inbox_router = APIRouter(tags=["inspector inbox"], responses=errors(401, 403))
public_router = APIRouter(tags=["public"])
PlanStatus = Literal["drafted", "published", "drawn", "closed"]
FLOOR_SOURCE = "企业公示信息抽查办法 Art 4 (rules: draw.national_floor_ratio)"


def _plan_record(conn, plan_id: UUID) -> dict:  # noqa: ANN001
    found = plan_views.plan(conn, plan_id.hex)
    if found is None:
        raise NotFound(f"no plan {plan_id}", field="plan_id")
    return found


def _read_plan(p, plan_id: UUID) -> dict:  # noqa: ANN001
    with p.engine.connect() as conn:
        return _plan_record(conn, plan_id)


@router.post("/plans", status_code=201, response_model=PlanRecord)
def draft_plan(body: PlanCreate, p: PlatformDep, user: Supervisor) -> dict:
    """Draft a spot-check plan (抽查计划), joint when several departments take part."""
    plan_id = p.supervision.draft_plan(body.to_terms(p.rules.draw), today_in_china(),
                                       user.username, set(p.rules.directory.department_codes),
                                       p.rules.directory.general_item_max_ratio)
    return _read_plan(p, plan_id)


@router.get("/plans", response_model=Page[PlanRecord])
def list_plans(conn: ReadConn, page: PageDep, _: Supervisor, status: PlanStatus | None = None,
               department: Annotated[str | None, Query(max_length=50)] = None) -> dict:
    """List plans, newest first."""
    total, items = plan_views.list_plans(conn, status=status, department=department,
                                         offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/plans/{plan_id}", response_model=PlanRecord, responses=errors(404))
def get_plan(plan_id: UUID, conn: SettledConn, _: Supervisor) -> dict:
    """One plan with its draw records."""
    return _plan_record(conn, plan_id)


@router.post("/plans/{plan_id}/publish", response_model=PlanRecord, responses=errors(404, 409))
def publish_plan(plan_id: UUID, p: PlatformDep, user: Supervisor) -> dict:
    """Publish the plan: its terms are fixed before anyone draws."""
    p.supervision.publish_plan(plan_id, today_in_china(), user.username)
    return _read_plan(p, plan_id)


@router.post("/plans/{plan_id}/draw", response_model=DrawRecordPublic, status_code=201,
             responses=errors(404, 409))
def draw_plan(plan_id: UUID, body: DrawRequest, p: PlatformDep, user: Supervisor) -> dict:
    """Draw entities and inspectors (双随机) with a published random value; creates the tasks."""
    p.supervision.draw(plan_id, body.public_random, today_in_china(), user.username)
    return _read_plan(p, plan_id)["draw_records"][-1]


@router.post("/plans/{plan_id}/redraw", response_model=DrawRecordPublic, status_code=201,
             responses=errors(404, 409))
def redraw_plan(plan_id: UUID, body: RedrawRequest, p: PlatformDep, user: Supervisor) -> dict:
    """Draw again for a recorded reason; the first draw stays on record."""
    p.supervision.redraw(plan_id, body.public_random, body.reason, today_in_china(),
                         user.username)
    return _read_plan(p, plan_id)["draw_records"][-1]


@router.post("/plans/{plan_id}/close", response_model=PlanRecord, responses=errors(404, 409))
def close_plan(plan_id: UUID, p: PlatformDep, user: Supervisor) -> dict:
    """Close a drawn plan."""
    p.supervision.close_plan(plan_id, today_in_china(), user.username)
    return _read_plan(p, plan_id)


@router.get("/plans/{plan_id}/draw/verification", response_model=VerificationPublic,
            responses=errors(404, 409))
def verify_draw(plan_id: UUID, p: PlatformDep, _: Supervisor,
                draw_no: Annotated[int | None, Query(ge=1, le=1000)] = None) -> dict:
    """Recompute the draw from its recorded inputs: verified, or exactly what differs."""
    return p.supervision.verify_draw(plan_id, draw_no)


@router.get("/coverage", response_model=CoveragePublic)
def coverage(conn: ReadConn, p: PlatformDep, _: Supervisor,
             year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
             region_prefix: Annotated[str, Query(max_length=6, pattern=r"^\d{0,6}$")] = "") -> dict:
    """Each department's yearly coverage against the national ≥ 3 % floor, flagged when below."""
    year = year or today_in_china().year
    floor = p.rules.draw.national_floor_ratio
    rows = plan_views.coverage(conn, year, [d.code for d in p.rules.directory.departments],
                               floor, region_prefix)
    return {"year": year, "region_prefix": region_prefix, "floor": floor,
            "floor_source": FLOOR_SOURCE, "departments": rows}


@router.get("/plans/{plan_id}/tasks", response_model=Page[TaskPublic], responses=errors(404))
def plan_tasks(plan_id: UUID, conn: ReadConn, page: PageDep, _: Supervisor,
               status: Annotated[str | None, Query(max_length=20)] = None) -> dict:
    """The tasks a plan's draws created, with their teams."""
    if plan_views.plan(conn, plan_id.hex) is None:
        raise NotFound(f"no plan {plan_id}", field="plan_id")
    total, items = task_views.plan_tasks(conn, plan_id.hex, status=status, offset=page.offset,
                                         limit=page.limit)
    return page_of(page, total, items)


@inbox_router.get("/me/tasks", response_model=Page[TaskPublic])
def my_tasks(conn: ReadConn, page: PageDep, user: Inspector,
             status: Annotated[str | None, Query(max_length=20)] = None,
             due_before: date | None = None) -> dict:
    """The caller's own inspection tasks (random assignments)."""
    if user.inspector_no is None:
        raise HTTPException(403, "this account is not linked to an inspector record")
    total, items = task_views.inspector_tasks(conn, user.inspector_no, status=status,
                                              due_before=due_before, offset=page.offset,
                                              limit=page.limit)
    return page_of(page, total, items)


@public_router.get("/plans", response_model=Page[PlanPublic])
def public_plans(conn: ReadConn, page: PageDep, status: PlanStatus | None = None) -> dict:
    """Published plans with their draw records (一公开): anyone can re-check the draw."""
    total, items = plan_views.list_plans(conn, status=status, public=True, offset=page.offset,
                                         limit=page.limit)
    return page_of(page, total, items)


@public_router.get("/plans/{plan_id}", response_model=PublicPlanDetail,
                   responses={404: ERRORS[404]})
def public_plan(plan_id: UUID, conn: ReadConn) -> dict:
    """A published plan, its draw records, the entities its latest draw selected and the
    published inspection results (一公开)."""
    found = plan_views.plan(conn, plan_id.hex, public=True)
    if found is None:
        raise NotFound(f"no published plan {plan_id}", field="plan_id")
    last = found["draw_records"][-1]["draw_no"] if found["draw_records"] else 0
    _, results = task_views.published_inspections(conn, plan_id=plan_id.hex, limit=None)
    return {**found, "drawn_entities": plan_views.public_drawn_entities(conn, plan_id.hex, last),
            "published_results": results}
