"""HTTP routes of spot-check plans, draws, verification and the inspector inbox."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path, Query, Response

from kernel.clock import china_date
from kernel.errors import NotFound
from kernel.http.api import (
    ERRORS,
    Page,
    PageDep,
    PlatformDep,
    PublicConn,
    ReadConn,
    SettledConn,
    errors,
    page_of,
)
from kernel.http.auth import Auditor, Inspector, Supervisor
from supervision.plans import drawing
from supervision.plans import views as plan_views
from supervision.plans.schemas import (
    AuditVerification,
    CoveragePublic,
    DrawRecordPublic,
    DrawRequest,
    PlanCreate,
    PlanPublic,
    PlanRecord,
    PublicPlanDetail,
    PublicPool,
    PublicVerification,
    RandomValueIn,
    RedrawRequest,
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
    plan_id = p.supervision.draft_plan(body.to_terms(p.rules.draw), china_date(p.clock()),
                                       user.username, set(p.rules.directory.department_codes))
    return _read_plan(p, plan_id)


@router.get("/plans", response_model=Page[PlanRecord])
def list_plans(conn: ReadConn, page: PageDep, _: Supervisor, status: PlanStatus | None = None,
               department: Annotated[str | None, Query(max_length=50)] = None) -> dict:
    """List plans, newest first."""
    total, items = plan_views.list_plans(conn, status=status, department=department,
                                         offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/plans/{plan_id}", response_model=PlanRecord, responses=errors(404))
def get_plan(plan_id: UUID, conn: SettledConn, _: Auditor) -> dict:
    """One plan with its draw records."""
    return _plan_record(conn, plan_id)


@router.post("/plans/{plan_id}/publish", response_model=PlanRecord, responses=errors(404, 409))
def publish_plan(plan_id: UUID, p: PlatformDep, user: Supervisor) -> dict:
    """Publish the plan: its terms are fixed, its pool and roster frozen and their digests
    published with the future random value it commits to (承诺随机数来源)."""
    p.supervision.publish_plan(plan_id, p.clock(), user.username)
    return _read_plan(p, plan_id)


@router.post("/plans/{plan_id}/random-value", response_model=PlanRecord,
             responses=errors(404, 409))
def enter_random_value(plan_id: UUID, body: RandomValueIn, p: PlatformDep,
                       user: Supervisor) -> dict:
    """Enter the committed lottery's published result (after its draw date)."""
    p.supervision.enter_random_value(plan_id, body.value, p.clock(), user.username)
    return _read_plan(p, plan_id)


@router.post("/plans/{plan_id}/random-value/confirm", response_model=PlanRecord,
             responses=errors(404, 409))
def confirm_random_value(plan_id: UUID, body: RandomValueIn, p: PlatformDep,
                         user: Supervisor) -> dict:
    """A second supervisor re-enters the result: 四眼原则, the four-eyes check."""
    p.supervision.confirm_random_value(plan_id, body.value, p.clock(), user.username)
    return _read_plan(p, plan_id)


@router.post("/plans/{plan_id}/draw", response_model=DrawRecordPublic, status_code=201,
             responses=errors(404, 409))
def draw_plan(plan_id: UUID, body: DrawRequest, p: PlatformDep, user: Supervisor) -> dict:
    """Draw entities and inspectors (双随机) with the committed random value; creates the
    tasks. Refused before the value exists, or with any other value."""
    p.supervision.draw(plan_id, p.clock(), user.username, round_no=body.round,
                       signature=body.signature, accept_shortfall=body.accept_shortfall)
    return _read_plan(p, plan_id)["draw_records"][-1]


@router.post("/plans/{plan_id}/redraw", response_model=PlanRecord, status_code=201,
             responses=errors(404, 409))
def redraw_plan(plan_id: UUID, body: RedrawRequest, p: PlatformDep, user: Supervisor) -> dict:
    """Supersede the draw for a recorded reason: its tasks are cancelled and a fresh, later
    random value committed; draw again once it exists. Limited per plan."""
    p.supervision.redraw(plan_id, body.reason, p.clock(), user.username,
                         body.randomness.to_source() if body.randomness else None)
    return _read_plan(p, plan_id)


@router.post("/plans/{plan_id}/close", response_model=PlanRecord, responses=errors(404, 409))
def close_plan(plan_id: UUID, p: PlatformDep, user: Supervisor) -> dict:
    """Close a drawn plan."""
    p.supervision.close_plan(plan_id, china_date(p.clock()), user.username)
    return _read_plan(p, plan_id)


@router.get("/plans/{plan_id}/draw/verification", response_model=AuditVerification,
            responses=errors(404, 409))
def verify_draw(plan_id: UUID, p: PlatformDep, _: Auditor,
                draw_no: Annotated[int | None, Query(ge=1, le=1000)] = None) -> dict:
    """审计 Recompute the draw in full from its archive (classes and salt included): verified,
    or exactly what differs. For auditors and supervisors."""
    return p.supervision.verify_draw(plan_id, draw_no)


@router.get("/plans/{plan_id}/commitments/{commitment_no}/archive",
            responses={**errors(404), 200: {"content": {"application/octet-stream": {}}}})
def draw_archive(plan_id: UUID, commitment_no: Annotated[int, Path(ge=1, le=1000)],
                 p: PlatformDep, _: Auditor) -> Response:
    """The archived inputs of a commitment (numpy .npz: pool with classes, roster, salt), for
    `opencheck verify-draw --archive`. For auditors and supervisors."""
    return Response(p.supervision.archive_payload(plan_id, commitment_no),
                    media_type="application/octet-stream")


@router.get("/coverage", response_model=CoveragePublic)
def coverage(conn: ReadConn, p: PlatformDep, _: Supervisor,
             year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
             region_prefix: Annotated[str, Query(max_length=6, pattern=r"^\d{0,6}$")] = "") -> dict:
    """Each department's yearly coverage against the national ≥ 3 % floor, flagged when below."""
    year = year or china_date(p.clock()).year
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
def public_plans(conn: PublicConn, page: PageDep, status: PlanStatus | None = None) -> dict:
    """Published plans with their draw records (一公开): anyone can re-check the draw."""
    total, items = plan_views.list_plans(conn, status=status, public=True, offset=page.offset,
                                         limit=page.limit)
    return page_of(page, total, items)


@public_router.get("/plans/{plan_id}", response_model=PublicPlanDetail,
                   responses={404: ERRORS[404]})
def public_plan(plan_id: UUID, conn: PublicConn, p: PlatformDep) -> dict:
    """A published plan, its commitments, every draw with its reason, the entities its latest
    draw selected and the published inspection results (一公开). No classes."""
    found = plan_views.plan(conn, plan_id.hex, public=True,
                            class_counts_min=p.rules.draw.public_class_counts_min)
    if found is None:
        raise NotFound(f"no published plan {plan_id}", field="plan_id")
    live = [d for d in found["draw_records"] if not d["superseded"]]
    _, results = task_views.published_inspections(conn, plan_id=plan_id.hex, limit=None)
    return {**found, "drawn_entities": plan_views.public_drawn_entities(
                conn, plan_id.hex, live[-1]["draw_no"]) if live else [],
            "published_results": results}


@public_router.get("/plans/{plan_id}/commitments/{commitment_no}/pool", response_model=PublicPool,
                   responses={404: ERRORS[404]})
def public_pool(plan_id: UUID, commitment_no: Annotated[int, Path(ge=1, le=1000)],
                p: PlatformDep) -> dict:
    """The frozen pool of a commitment: its USCCs, ascending; their digest is the committed
    public_pool_digest. Classes are not part of it."""
    usccs = p.supervision.public_pool(plan_id, commitment_no)
    return {"plan_id": str(plan_id), "commitment_no": commitment_no,
            "public_pool_digest": drawing.public_pool_digest(usccs), "usccs": usccs}


@public_router.get("/plans/{plan_id}/draws/{draw_no}/verification",
                   response_model=PublicVerification, responses={404: ERRORS[404]})
def public_verification(plan_id: UUID, draw_no: Annotated[int, Path(ge=1, le=1000)],
                        p: PlatformDep) -> dict:
    """Check a draw from public data alone, without login: commitment before the value, the
    committed value, the committed pool, the control sample's ranks."""
    return p.supervision.public_verification(plan_id, draw_no)


@public_router.get("/plans/{plan_id}/draws/{draw_no}/record", responses={404: ERRORS[404]})
def public_record_file(plan_id: UUID, draw_no: Annotated[int, Path(ge=1, le=1000)],
                       p: PlatformDep) -> dict:
    """One self-contained JSON file for `opencheck verify-draw`: the commitment, the public
    draw record and the frozen pool's USCCs."""
    return p.supervision.public_record_file(plan_id, draw_no)
