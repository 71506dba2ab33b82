"""Server-side pages for the dashboard's tables (dash-ag-grid's infinite row model).

The grid sends ``{startRow, endRow, sortModel}``; each page query sorts only by whitelisted
columns (plus a unique tie-breaker, so pages never overlap) and returns ``(total, rows)``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from dashboard.filters import Filters
from dashboard.queries import OPEN_TASK, workload_counts
from supervision.directory.views import entities, inspectors
from supervision.plans.views import plans
from supervision.tasks.views import SHORT_STAFFED, task_inspectors, tasks

MAX_PAGE = 500


def window(request: dict[str, Any] | None) -> tuple[int, int]:
    """(offset, limit) of a getRowsRequest, bounded."""
    request = request or {}
    start = max(0, int(request.get("startRow") or 0))
    end = int(request.get("endRow") or start + 50)
    return start, max(1, min(MAX_PAGE, end - start))


def order(request: dict[str, Any] | None, allowed: dict[str, sa.ColumnElement],
          default: list[sa.ColumnElement], tie: sa.ColumnElement) -> list[sa.ColumnElement]:
    chosen = []
    for s in (request or {}).get("sortModel") or []:
        column = allowed.get(s.get("colId"))
        if column is not None:
            chosen.append(column.desc() if s.get("sort") == "desc" else column.asc())
    return [*(chosen or default), tie]


def _page(conn: sa.Connection, stmt: sa.Select, request: dict[str, Any] | None,
          allowed: dict[str, sa.ColumnElement], default: list, tie: sa.ColumnElement
          ) -> tuple[int, list[dict[str, Any]]]:
    offset, limit = window(request)
    total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(stmt.order_by(*order(request, allowed, default, tie))
                        .offset(offset).limit(limit))
    return total, [_plain(r._mapping) for r in rows]


def _plain(row: Any) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def plans_page(conn: sa.Connection, request: dict[str, Any] | None,
               status: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Plans, newest first unless the grid sorts otherwise."""
    p = plans.c
    stmt = sa.select(p.plan_id, p.name, p.lead_department, p.departments, p.region_prefix,
                     p.status, p.drafted_on, p.published_on, p.due_on, p.draws)
    if status:
        stmt = stmt.where(p.status == status)
    allowed = {k: p[k] for k in ("name", "lead_department", "status", "drafted_on",
                                 "published_on", "due_on", "draws", "region_prefix")}
    return _page(conn, stmt, request, allowed, [p.drafted_on.desc()], p.plan_id)


def _task_stmt(*where: sa.ColumnElement) -> sa.Select:
    return (sa.select(tasks.c.task_id, tasks.c.plan_id, tasks.c.uscc,
                      entities.c.name.label("entity_name"), entities.c.address, tasks.c.status,
                      tasks.c.assigned_on, tasks.c.due_on, tasks.c.departments,
                      tasks.c.unassigned_reason, SHORT_STAFFED.label("short_staffed"))
            .join(entities, entities.c.entity_no == tasks.c.entity_no).where(*where))


def with_team(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each task's active team as names ("检查员1, 检查员3") and inspector numbers."""
    team: dict[str, list[tuple[int, str]]] = {r["task_id"]: [] for r in rows}
    if team:
        for task_id, no, name in conn.execute(
                sa.select(task_inspectors.c.task_id, task_inspectors.c.inspector_no,
                          inspectors.c.name)
                .join(inspectors, inspectors.c.inspector_no == task_inspectors.c.inspector_no)
                .where(task_inspectors.c.task_id.in_(list(team)),
                       task_inspectors.c.active.is_(True))
                .order_by(task_inspectors.c.inspector_no)):
            team[task_id].append((no, name))
    return [{**r, "team": ", ".join(n for _, n in team[r["task_id"]]),
             "team_nos": [no for no, _ in team[r["task_id"]]]} for r in rows]


TASK_SORT = {"uscc": tasks.c.uscc, "entity_name": entities.c.name, "status": tasks.c.status,
             "assigned_on": tasks.c.assigned_on, "due_on": tasks.c.due_on}


def plan_tasks_page(conn: sa.Connection, plan_id: str, request: dict[str, Any] | None
                    ) -> tuple[int, list[dict[str, Any]]]:
    """The tasks of a plan's latest draw."""
    latest = sa.select(plans.c.draws).where(plans.c.plan_id == plan_id).scalar_subquery()
    stmt = _task_stmt(tasks.c.plan_id == plan_id, tasks.c.draw_no == latest)
    total, rows = _page(conn, stmt, request, TASK_SORT, [tasks.c.uscc], tasks.c.task_id)
    return total, with_team(conn, rows)


def my_tasks_page(conn: sa.Connection, inspector_no: int, request: dict[str, Any] | None,
                  open_only: bool = False) -> tuple[int, list[dict[str, Any]]]:
    """我的任务 An inspector's own tasks (active assignments only), soonest due first."""
    mine = sa.select(task_inspectors.c.task_id).where(
        task_inspectors.c.inspector_no == inspector_no, task_inspectors.c.active.is_(True))
    where = [tasks.c.task_id.in_(mine), tasks.c.status != "cancelled"]
    if open_only:
        where.append(tasks.c.status.in_(OPEN_TASK))
    total, rows = _page(conn, _task_stmt(*where), request, TASK_SORT, [tasks.c.due_on],
                        tasks.c.task_id)
    return total, with_team(conn, rows)


def workload_page(conn: sa.Connection, f: Filters, request: dict[str, Any] | None
                  ) -> tuple[int, list[dict[str, Any]]]:
    """Inspectors by workload in the period, busiest first."""
    counted = workload_counts(f).subquery()
    i = inspectors.c
    n_tasks = sa.func.coalesce(counted.c.tasks, 0).label("tasks")
    n_open = sa.func.coalesce(counted.c.open, 0).label("open")
    stmt = (sa.select(i.inspector_no, i.credential_no, i.name, i.department, i.station,
                      n_tasks, n_open)
            .join(counted, counted.c.inspector_no == i.inspector_no, isouter=True)
            .where(i.status == "active"))
    if f.department:
        stmt = stmt.where(i.department == f.department)
    if f.region_prefix:
        stmt = stmt.where(i.region_code.startswith(f.region_prefix, autoescape=True))
    allowed = {"name": i.name, "department": i.department, "station": i.station,
               "credential_no": i.credential_no, "tasks": n_tasks, "open": n_open}
    return _page(conn, stmt, request, allowed, [n_tasks.desc()], i.inspector_no)
