"""The inspector's day: work queues over the tasks read model, and the latest notifications.

Queues (an open task is assigned, unstaffed or in progress):
- 今日 today: open tasks assigned today, due today, or in progress;
- 逾期 overdue: open tasks past their due date (highlighted in every queue);
- 待同伴签收 awaiting my partner: I acknowledged, a team member has not, so it cannot start;
- 待公示 awaiting publication: a result recorded and not yet published (一公开).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from dashboard.grids import TASK_SORT, _page, _task_stmt, with_team
from dashboard.queries import OPEN_TASK
from supervision.tasks import views as task_views
from supervision.tasks.views import task_inspectors, task_results, tasks

QUEUES = {"all": "全部 All", "today": "今日 Today", "overdue": "逾期 Overdue",
          "partner": "待同伴签收 Awaiting my partner",
          "publication": "待公示 Awaiting publication"}


def _mine(inspector_no: int) -> sa.Select:
    return sa.select(task_inspectors.c.task_id).where(
        task_inspectors.c.inspector_no == inspector_no, task_inspectors.c.active.is_(True))


def queue_where(queue: str, inspector_no: int, today: date) -> list[sa.ColumnElement]:
    where: list[sa.ColumnElement] = [tasks.c.task_id.in_(_mine(inspector_no)),
                                     tasks.c.status != "cancelled"]
    is_open = tasks.c.status.in_(OPEN_TASK)
    if queue == "today":
        where += [is_open, sa.or_(tasks.c.assigned_on == today, tasks.c.due_on == today,
                                  tasks.c.status == "in_progress")]
    elif queue == "overdue":
        where += [is_open, tasks.c.due_on < today]
    elif queue == "partner":
        me, other = task_inspectors.alias("me"), task_inspectors.alias("other")
        where += [tasks.c.status == "assigned",
                  sa.exists().where(me.c.task_id == tasks.c.task_id,
                                    me.c.inspector_no == inspector_no,
                                    me.c.acknowledged_on.is_not(None)),
                  sa.exists().where(other.c.task_id == tasks.c.task_id,
                                    other.c.inspector_no != inspector_no,
                                    other.c.active.is_(True), other.c.acknowledged_on.is_(None))]
    elif queue == "publication":
        where.append(sa.exists().where(task_results.c.task_id == tasks.c.task_id,
                                       task_results.c.published_on.is_(None),
                                       task_results.c.withdrawn_on.is_(None)))
    return where


def queue_counts(conn: sa.Connection, inspector_no: int, today: date) -> dict[str, int]:
    return {q: conn.execute(sa.select(sa.func.count()).select_from(tasks)
                            .where(*queue_where(q, inspector_no, today))).scalar_one()
            for q in QUEUES}


def queue_page(conn: sa.Connection, inspector_no: int, queue: str, today: date,
               request: dict[str, Any] | None) -> tuple[int, list[dict[str, Any]]]:
    """One page of a queue, soonest due first; each row says whether it is overdue."""
    stmt = _task_stmt(*queue_where(queue if queue in QUEUES else "all", inspector_no, today))
    total, rows = _page(conn, stmt, request, TASK_SORT, [tasks.c.due_on], tasks.c.task_id)
    for r in rows:
        r["overdue"] = r["status"] in OPEN_TASK and r["due_on"] < today.isoformat()
    return total, with_team(conn, rows)


def latest_notifications(conn: sa.Connection, inspector_no: int, limit: int = 10
                         ) -> tuple[int, list[dict[str, Any]]]:
    """(unread count, the latest notifications newest first)."""
    unread, _ = task_views.inspector_notifications(conn, inspector_no, unread=True, limit=1)
    _, rows = task_views.inspector_notifications(conn, inspector_no, limit=limit)
    return unread, rows
