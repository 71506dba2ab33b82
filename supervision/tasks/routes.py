"""HTTP routes of inspection tasks: the inspector's commands, supervisors' follow-up, publication
and referral (抄告), their lists, and the public record of published results (一公开).

An inspector acts and reads only on tasks whose current team they are on (403 otherwise);
supervisors of a department act only on their department's part (谁公开), admins on any.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from kernel.clock import today_in_china
from kernel.errors import Forbidden, InvalidInput, NotFound
from kernel.http.api import (
    Page,
    PageDep,
    PlatformDep,
    ReadConn,
    SettledConn,
    errors,
    page_of,
)
from kernel.http.auth import CurrentUser, Inspector, Supervisor, User
from kernel.platform import Platform
from supervision.tasks import views as task_views
from supervision.tasks.attachments import AttachmentStore
from supervision.tasks.schemas import (
    FollowUpCreate,
    FollowUpOutcomeCreate,
    PublicationCreate,
    RecusalCreate,
    RecusalPublic,
    ReferralCreate,
    ReferralQueueItem,
    ResultCreate,
    TaskRecord,
)

router = APIRouter(tags=["inspection tasks"], responses=errors(401, 403))
TaskView = Literal["all", "unacknowledged", "short_staffed", "awaiting_publication",
                   "publication_overdue"]
DeptQuery = Annotated[str | None, Query(max_length=50)]


def inspector_no(user: User) -> int:
    if user.inspector_no is None:
        raise Forbidden("this account is not linked to an inspector record", field="inspector_no")
    return user.inspector_no


def _acting(user: User) -> str | None:
    """The department a supervisor acts for (谁公开); admins act for any."""
    return None if user.role == "admin" else user.department


def _task_record(conn, task_id: UUID) -> dict:  # noqa: ANN001
    found = task_views.task_record(conn, task_id.hex)
    if found is None:
        raise NotFound(f"no inspection task {task_id}", field="task_id")
    return found


def _record(p: Platform, task_id: UUID) -> dict:
    with p.engine.connect() as conn:
        return _task_record(conn, task_id)


def _require_member(conn, task_id: UUID, user: User) -> None:  # noqa: ANN001
    if not task_views.task_exists(conn, task_id.hex):
        raise NotFound(f"no inspection task {task_id}", field="task_id")
    if not task_views.on_team(conn, task_id.hex, inspector_no(user)):
        raise Forbidden("this task is not assigned to you", field="task_id")


# -- lists ---------------------------------------------------------------------------------------
@router.get("/tasks", response_model=Page[TaskRecord])
def list_tasks(conn: ReadConn, page: PageDep, _: Supervisor, view: TaskView = "all",
               plan_id: UUID | None = None, department: DeptQuery = None,
               status: Annotated[str | None, Query(max_length=20)] = None) -> dict:
    """Tasks for supervisors: unacknowledged, short-staffed, awaiting or overdue publication."""
    total, items = task_views.list_tasks(conn, today_in_china(), view=view,
                                         plan_id=plan_id.hex if plan_id else None,
                                         department=department, status=status,
                                         offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/referrals", response_model=Page[ReferralQueueItem])
def list_referrals(conn: ReadConn, page: PageDep, user: Supervisor,
                   department: DeptQuery = None) -> dict:
    """抄告 Findings referred to a department (default: the caller's own)."""
    total, items = task_views.referrals(conn, department or user.department,
                                        offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/tasks/{task_id}", response_model=TaskRecord, responses=errors(404))
def get_task(task_id: UUID, conn: SettledConn, user: CurrentUser) -> dict:
    """One task: for an inspector on its team, or a supervisor."""
    if user.role not in ("supervisor", "admin"):
        _require_member(conn, task_id, user)
    return _task_record(conn, task_id)


# -- the inspector's commands --------------------------------------------------------------------
@router.post("/tasks/{task_id}/acknowledgement", response_model=TaskRecord,
             responses=errors(404, 409))
def acknowledge(task_id: UUID, p: PlatformDep, user: Inspector) -> dict:
    """Acknowledge the assignment (签收)."""
    p.supervision.acknowledge_task(task_id, inspector_no(user), today_in_china())
    return _record(p, task_id)


@router.post("/tasks/{task_id}/recusal", response_model=RecusalPublic, responses=errors(404, 409))
def recuse(task_id: UUID, body: RecusalCreate, p: PlatformDep, user: Inspector) -> dict:
    """回避 Withdraw for a conflict of interest; a replacement is drawn by the drawer's rules."""
    replaced = p.supervision.recuse(task_id, inspector_no(user), body.reason, today_in_china())
    found = _record(p, task_id)
    return {"task_id": task_id.hex, "replaced": replaced, "short_staffed": found["short_staffed"],
            "unassigned_reason": found["unassigned_reason"]}


@router.post("/tasks/{task_id}/staffing", response_model=RecusalPublic,
             responses=errors(404, 409))
def refill(task_id: UUID, p: PlatformDep, _: Supervisor) -> dict:
    """Draw again for a place a recusal left empty (409 with the reason if nobody is eligible)."""
    p.supervision.refill(task_id, today_in_china())
    found = _record(p, task_id)
    return {"task_id": task_id.hex, "replaced": True, "short_staffed": found["short_staffed"],
            "unassigned_reason": found["unassigned_reason"]}


@router.post("/tasks/{task_id}/start", response_model=TaskRecord, responses=errors(404, 409))
def start(task_id: UUID, p: PlatformDep, user: Inspector) -> dict:
    """Start the inspection (every team member has acknowledged)."""
    p.supervision.start_task(task_id, inspector_no(user), today_in_china())
    return _record(p, task_id)


@router.post("/tasks/{task_id}/result", status_code=201, response_model=TaskRecord,
             responses=errors(404, 409))
def record_result(task_id: UUID, body: ResultCreate, p: PlatformDep, user: Inspector) -> dict:
    """Record the caller's department's result, signed by ≥ 2 team inspectors (user ids)."""
    with p.engine.connect() as conn:
        _require_member(conn, task_id, user)
        linked = task_views.inspectors_of_users(conn, body.signatures)
        unlinked = [u for u in dict.fromkeys(body.signatures) if u not in linked]
        names = task_views.user_names(conn, unlinked) if unlinked else {}
    if unlinked:   # named, not numbered
        who = "、".join(names.get(u, f"No. {u}") for u in unlinked)
        raise InvalidInput(f"user(s) {who} are not inspectors' accounts", field="signatures")
    store = AttachmentStore(p.settings.attachments_path)
    files = [store.stored(a.sha256, a.filename).as_event() for a in body.attachments]
    p.supervision.record_result(task_id, inspector_no(user), body.result_code, body.findings,
                                body.inspected_on, [linked[u] for u in body.signatures],
                                today_in_china(), p.rules,
                                [i.model_dump() for i in body.items], files)
    return _record(p, task_id)


# -- supervisors' commands -----------------------------------------------------------------------
@router.post("/tasks/{task_id}/follow-up", status_code=201, response_model=TaskRecord,
             responses=errors(404, 409))
def order_follow_up(task_id: UUID, body: FollowUpCreate, p: PlatformDep,
                    user: Supervisor) -> dict:
    """责令公示 / 责令改正 Order the entity to publicise or correct within N working days."""
    p.supervision.order_follow_up(task_id, body.department, body.kind, body.deadline_workdays,
                                  body.note, today_in_china(), user.username, _acting(user))
    return _record(p, task_id)


@router.post("/tasks/{task_id}/follow-up/outcome", response_model=TaskRecord,
             responses=errors(404, 409))
def follow_up_outcome(task_id: UUID, body: FollowUpOutcomeCreate, p: PlatformDep,
                      user: Supervisor) -> dict:
    """Record that the open follow-up was satisfied, or found overdue after its deadline."""
    p.supervision.record_follow_up_outcome(task_id, body.department, body.outcome, body.on,
                                           body.note, today_in_china(), user.username,
                                           _acting(user))
    return _record(p, task_id)


@router.post("/tasks/{task_id}/publication", response_model=TaskRecord,
             responses=errors(404, 409))
def publish(task_id: UUID, p: PlatformDep, user: Supervisor,
            body: PublicationCreate | None = None) -> dict:
    """一公开 Publish the department's result on the public record."""
    p.supervision.publish_result(task_id, body.department if body else None, today_in_china(),
                                 user.username, _acting(user))
    return _record(p, task_id)


@router.post("/tasks/{task_id}/referral", status_code=201, response_model=TaskRecord,
             responses=errors(404, 409))
def refer(task_id: UUID, body: ReferralCreate, p: PlatformDep, user: Supervisor) -> dict:
    """抄告 Refer a finding outside the department's remit to the competent department."""
    p.supervision.refer_finding(task_id, body.department, body.to_department, body.matter,
                                today_in_china(), user.username,
                                set(p.rules.directory.department_codes), _acting(user))
    return _record(p, task_id)

