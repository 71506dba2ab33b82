"""Read side of inspection tasks: task records, supervisors' lists, referrals, notifications and
the public record of published results (一公开: never inspectors, never unpublished results)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from kernel.db import users
from kernel.eventlog import proved
from kernel.workdays import provisional
from supervision.directory.tables import entities
from supervision.plans.tables import plan_draws, plans
from supervision.tasks.tables import (
    notification_reads,
    notifications,
    task_attachments,
    task_follow_ups,
    task_inspectors,
    task_item_results,
    task_referrals,
    task_results,
    tasks,
)

# The read contract: inspection tasks, their teams and their results. Other contexts join these
# relations in their own queries and import them from here, never from the tables module (an
# import-linter contract).
READ_RELATIONS = (task_inspectors, task_results, tasks)

VIEWS = ("all", "unacknowledged", "short_staffed", "awaiting_publication",
         "publication_overdue")


def _drawn_with(key: str, default: int) -> sa.ScalarSelect:
    """A number of the params the task's draw recorded (`default` before the draw is projected
    or if that draw predates the number)."""
    value = plan_draws.c.record[("params", key)].as_integer()
    return sa.func.coalesce(sa.select(value).where(
        plan_draws.c.plan_id == tasks.c.plan_id, plan_draws.c.draw_no == tasks.c.draw_no)
        .scalar_subquery(), default)


def _staffing() -> tuple[sa.ColumnElement[int], sa.ColumnElement[bool]]:
    """Inspectors a task's team needs, and whether it is short of them: unstaffed, a place a
    recusal left empty, fewer active members than the draw's team size, or on a joint task a
    department with fewer than `per_department` (行政处罚法 Art 42). Never a cancelled task."""
    per_task, per = _drawn_with("inspectors_per_task", 2), _drawn_with("per_department", 1)
    departments = (sa.func.length(tasks.c.departments)
                   - sa.func.length(sa.func.replace(tasks.c.departments, ";", "")) + 1)
    joint = departments > 1
    needed = sa.case((joint & (per * departments > per_task), per * departments),
                     else_=per_task)
    m = task_inspectors.alias("member")
    mine = (m.c.task_id == tasks.c.task_id, m.c.active.is_(True))
    members = sa.select(sa.func.count()).where(*mine).scalar_subquery()
    covered = sa.select(sa.func.count(sa.distinct(m.c.department))).where(*mine) \
        .scalar_subquery()
    thin = sa.exists(sa.select(m.c.department).where(*mine).group_by(m.c.department)
                     .having(sa.func.count() < per))
    short = sa.and_(tasks.c.status != "cancelled", sa.or_(
        tasks.c.status == "unstaffed", tasks.c.short_staffed.is_(True), members < needed,
        sa.and_(joint, sa.or_(covered < departments, thin))))
    return needed, short


TEAM_NEEDED, SHORT_STAFFED = _staffing()   # columns for any select over `tasks`


def on_team(conn: sa.Connection, task_id: str, inspector_no: int) -> bool:
    """Is the inspector on the task's current team (a recused inspector no longer is)?"""
    return conn.execute(sa.select(task_inspectors.c.task_id).where(
        task_inspectors.c.task_id == task_id, task_inspectors.c.inspector_no == inspector_no,
        task_inspectors.c.active.is_(True))).first() is not None


def task_exists(conn: sa.Connection, task_id: str) -> bool:
    return conn.execute(sa.select(tasks.c.task_id).where(tasks.c.task_id == task_id)).first() \
        is not None


def _results(conn: sa.Connection, ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {i: [] for i in ids}
    follow: dict[tuple[str, str], list[dict]] = {}
    for f in conn.execute(sa.select(task_follow_ups).where(task_follow_ups.c.task_id.in_(ids))
                          .order_by(task_follow_ups.c.follow_up_no)):
        follow.setdefault((f.task_id, f.department), []).append(
            provisional(dict(f._mapping), {"due_on": "ordered_on"}))
    items: dict[tuple[str, str], list[dict]] = {}
    for i in conn.execute(sa.select(task_item_results)
                          .where(task_item_results.c.task_id.in_(ids))
                          .order_by(task_item_results.c.seq)):
        items.setdefault((i.task_id, i.department), []).append(
            {k: v for k, v in i._mapping.items() if k not in ("task_id", "department", "seq")})
    files: dict[tuple[str, str], list[dict]] = {}
    for a in conn.execute(sa.select(task_attachments).where(task_attachments.c.task_id.in_(ids))
                          .order_by(task_attachments.c.seq)):
        files.setdefault((a.task_id, a.department), []).append(
            {k: v for k, v in a._mapping.items() if k not in ("task_id", "department", "seq")})
    for r in conn.execute(sa.select(task_results).where(task_results.c.task_id.in_(ids))
                          .order_by(task_results.c.department)):
        d = dict(r._mapping)
        d["signatures"] = [int(s) for s in d["signatures"].split(";") if s]
        d["follow_ups"] = follow.get((r.task_id, r.department), [])
        d["items"] = items.get((r.task_id, r.department), [])
        d["attachments"] = files.get((r.task_id, r.department), [])
        provisional(d, {"publish_by": "inspected_on"})
        out[r.task_id].append(d)
    return out


def _records(conn: sa.Connection, rows: list[sa.Row], detail: bool = True) -> list[dict[str, Any]]:
    """Task rows with their active team; with `detail`, also results and referrals."""
    ids = [r.task_id for r in rows]
    team: dict[str, list[dict]] = {i: [] for i in ids}
    for m in conn.execute(sa.select(task_inspectors).where(task_inspectors.c.task_id.in_(ids),
                                                           task_inspectors.c.active.is_(True))
                          .order_by(task_inspectors.c.inspector_no)):
        team[m.task_id].append(dict(m._mapping))
    refs: dict[str, list[dict]] = {i: [] for i in ids}
    results: dict[str, list[dict]] = {i: [] for i in ids}
    if detail:
        for f in conn.execute(sa.select(task_referrals).where(task_referrals.c.task_id.in_(ids))
                              .order_by(task_referrals.c.referral_no)):
            refs[f.task_id].append(dict(f._mapping))
        results = _results(conn, ids)
    out = []
    for r in rows:
        d = dict(r._mapping)
        d["departments"], d["check_items"] = d["departments"].split(";"), d["check_items"].split(";")
        d["team"] = team[r.task_id]
        if detail:
            d.update(results=results[r.task_id], referrals=refs[r.task_id])
        out.append(d)
    return out


def _select(where: list[Any]) -> sa.Select:
    columns = [c for c in tasks.c if c.name != "short_staffed"]
    return (sa.select(*columns, SHORT_STAFFED.label("short_staffed"),
                      TEAM_NEEDED.label("team_needed"), entities.c.name.label("entity_name"),
                      entities.c.address.label("entity_address"))
            .join(entities, entities.c.entity_no == tasks.c.entity_no).where(*where))


def task_record(conn: sa.Connection, task_id: str) -> dict[str, Any] | None:
    rows = conn.execute(_select([tasks.c.task_id == task_id])).all()
    return _records(conn, rows)[0] if rows else None


def list_tasks(conn: sa.Connection, today: date, *, view: str = "all", plan_id: str | None = None,
               department: str | None = None, status: str | None = None,
               offset: int = 0, limit: int = 50) -> tuple[int, list[dict]]:
    """Supervisors' lists: unacknowledged, short-staffed, awaiting publication, overdue."""
    where: list[Any] = []
    if plan_id:
        where.append(tasks.c.plan_id == plan_id)
    if status:
        where.append(tasks.c.status == status)
    unpublished = [task_results.c.task_id == tasks.c.task_id, task_results.c.published_on.is_(None)]
    if department:
        where.append(tasks.c.departments.contains(department, autoescape=True))
        unpublished.append(task_results.c.department == department)
    if view == "unacknowledged":
        where.append(sa.exists().where(task_inspectors.c.task_id == tasks.c.task_id,
                                       task_inspectors.c.active.is_(True),
                                       task_inspectors.c.acknowledged_on.is_(None)))
        where.append(tasks.c.status != "cancelled")
    elif view == "short_staffed":
        where.append(SHORT_STAFFED)
    elif view == "awaiting_publication":
        where.append(sa.exists().where(*unpublished))
    elif view == "publication_overdue":
        where.append(sa.exists().where(*unpublished, task_results.c.publish_by < today))
    total = conn.execute(sa.select(sa.func.count()).select_from(tasks).where(*where)).scalar_one()
    rows = conn.execute(_select(where).order_by(tasks.c.due_on, tasks.c.uscc, tasks.c.task_id)
                        .offset(offset).limit(limit)).all()
    return total, _records(conn, rows)


def plan_tasks(conn: sa.Connection, plan_id: str, *, status: str | None = None,
               offset: int = 0, limit: int = 50) -> tuple[int, list[dict]]:
    """A plan's tasks by entity code, with their active teams."""
    where = [tasks.c.plan_id == plan_id] + ([tasks.c.status == status] if status else [])
    total = conn.execute(sa.select(sa.func.count()).select_from(tasks).where(*where)).scalar_one()
    rows = conn.execute(_select(where).order_by(tasks.c.uscc).offset(offset).limit(limit)).all()
    return total, _records(conn, rows, detail=False)


def inspector_tasks(conn: sa.Connection, inspector_no: int, *, status: str | None = None,
                    due_before: date | None = None, offset: int = 0,
                    limit: int = 50) -> tuple[int, list[dict]]:
    """An inspector's inbox: only tasks the inspector is (still) assigned to; cancelled ones
    only when asked for by status."""
    mine = sa.select(task_inspectors.c.task_id).where(
        task_inspectors.c.inspector_no == inspector_no, task_inspectors.c.active.is_(True))
    where = [tasks.c.task_id.in_(mine)]
    where.append(tasks.c.status == status if status else tasks.c.status != "cancelled")
    if due_before:
        where.append(tasks.c.due_on <= due_before)
    total = conn.execute(sa.select(sa.func.count()).select_from(tasks).where(*where)).scalar_one()
    rows = conn.execute(_select(where).order_by(tasks.c.due_on, tasks.c.uscc)
                        .offset(offset).limit(limit)).all()
    return total, _records(conn, rows, detail=False)


def unpublished_past_deadline(conn: sa.Connection, today: date) -> list[tuple[str, str]]:
    """(task_id, department) of results past their deadline, unpublished and not yet flagged."""
    return [tuple(r) for r in conn.execute(
        sa.select(task_results.c.task_id, task_results.c.department).where(
            task_results.c.published_on.is_(None), task_results.c.publish_by < today,
            task_results.c.publication_overdue_on.is_(None))
        .order_by(task_results.c.publish_by, task_results.c.task_id))]


def referrals(conn: sa.Connection, department: str | None, offset: int = 0,
              limit: int = 50) -> tuple[int, list[dict]]:
    """抄告 The findings copied to a department (its queue), newest first."""
    where = [task_referrals.c.to_department == department] if department else []
    total = conn.execute(sa.select(sa.func.count()).select_from(task_referrals)
                         .where(*where)).scalar_one()
    rows = conn.execute(
        sa.select(task_referrals, entities.c.name.label("entity_name"))
        .join(entities, entities.c.uscc == task_referrals.c.uscc, isouter=True).where(*where)
        .order_by(task_referrals.c.referred_on.desc(), task_referrals.c.task_id,
                  task_referrals.c.referral_no).offset(offset).limit(limit)).all()
    return total, [dict(r._mapping) for r in rows]


def inspectors_of_users(conn: sa.Connection, user_ids: list[int]) -> dict[int, int]:
    """user id -> inspector_no for the active users linked to an inspector record."""
    rows = conn.execute(sa.select(users.c.id, users.c.inspector_no).where(
        users.c.id.in_(user_ids), users.c.active.is_(True), users.c.inspector_no.is_not(None)))
    return {r.id: r.inspector_no for r in rows}


def user_names(conn: sa.Connection, user_ids: list[int]) -> dict[int, str]:
    """user id -> the name a message gives the user (display name, else the username)."""
    rows = conn.execute(sa.select(users.c.id, users.c.username, users.c.display_name)
                        .where(users.c.id.in_(user_ids)))
    return {r.id: r.display_name or r.username for r in rows}


# -- one open (一公开) ---------------------------------------------------------------------------
PUBLIC_COLUMNS = (task_results.c.task_id, task_results.c.uscc,
                  entities.c.name.label("entity_name"), task_results.c.plan_id,
                  plans.c.name.label("plan_name"), tasks.c.check_items, task_results.c.department,
                  task_results.c.result_code, task_results.c.result_name_zh,
                  task_results.c.result_name_en, task_results.c.inspected_on,
                  task_results.c.published_on,
                  # the task's last event in the supervision log: the result's proof link
                  tasks.c.updated_position)


# One entity's published results, newest first: (unordered select, ordering), built once for
# the public credit record.
PUBLISHED_OF_ENTITY = (
    sa.select(*PUBLIC_COLUMNS)
    .join(tasks, tasks.c.task_id == task_results.c.task_id)
    .join(entities, entities.c.entity_no == task_results.c.entity_no)
    .join(plans, plans.c.plan_id == task_results.c.plan_id)
    .where(task_results.c.published_on.is_not(None), task_results.c.withdrawn_on.is_(None),
           task_results.c.uscc == sa.bindparam("uscc")),
    (task_results.c.published_on.desc(), task_results.c.task_id, task_results.c.department))


def published_result(conn: sa.Connection, task_id: str, department: str) -> dict | None:
    """A department's published result (uscc, published_on, problem_found, withdrawn_on)."""
    r = task_results.c
    row = conn.execute(sa.select(r.uscc, r.published_on, r.problem_found, r.withdrawn_on)
                       .where(r.task_id == task_id, r.department == department,
                              r.published_on.is_not(None))).first()
    return dict(row._mapping) if row else None


def published_inspection(row: Mapping[str, Any]) -> dict[str, Any]:
    """The public form of a PUBLIC_COLUMNS row, with the proof of the task's last event."""
    return proved({**row, "check_items": row["check_items"].split(";")}, "supervision")


def published_inspections(conn: sa.Connection, *, uscc: str | None = None,
                          plan_id: str | None = None, offset: int = 0,
                          limit: int | None = 50,
                          after: tuple[date, str, str, str] | None = None
                          ) -> tuple[int, list[dict]]:
    """Published results only, without findings or anything about the inspectors. `after`:
    keyset paging on (published_on desc, uscc, plan_id, department), the last item's key (one
    task per entity and plan: unique among published results, and public, unlike task ids)."""
    r = task_results.c
    where = [r.published_on.is_not(None), r.withdrawn_on.is_(None)]
    if uscc:
        where.append(r.uscc == uscc)
    if plan_id:
        where.append(r.plan_id == plan_id)
    total = conn.execute(sa.select(sa.func.count()).select_from(task_results)
                         .where(*where)).scalar_one()
    if after is not None:
        day, rest = after[0], sa.tuple_(r.uscc, r.plan_id, r.department)
        where.append(sa.or_(r.published_on < day, sa.and_(r.published_on == day,
                                                          rest > sa.tuple_(*after[1:]))))
    stmt = (sa.select(*PUBLIC_COLUMNS)
            .join(tasks, tasks.c.task_id == task_results.c.task_id)
            .join(entities, entities.c.entity_no == task_results.c.entity_no)
            .join(plans, plans.c.plan_id == task_results.c.plan_id).where(*where)
            .order_by(r.published_on.desc(), r.uscc, r.plan_id, r.department, r.task_id)
            .offset(offset))
    rows = conn.execute(stmt.limit(limit) if limit is not None else stmt).all()
    return total, [published_inspection(r._mapping) for r in rows]


# -- notifications -------------------------------------------------------------------------------
def _notification_select(inspector_no: int) -> sa.Select:
    read = notification_reads.c
    return (sa.select(notifications, entities.c.name.label("entity_name"),
                      read.read_at.is_not(None).label("read"))
            .join(entities, entities.c.uscc == notifications.c.uscc, isouter=True)
            .join(notification_reads, sa.and_(read.inspector_no == notifications.c.inspector_no,
                                               read.position == notifications.c.position),
                  isouter=True)
            .where(notifications.c.inspector_no == inspector_no))


def inspector_notifications(conn: sa.Connection, inspector_no: int, *, unread: bool = False,
                            after: int | None = None, offset: int = 0,
                            limit: int = 50) -> tuple[int, list[dict]]:
    stmt = _notification_select(inspector_no)
    if unread:
        stmt = stmt.where(notification_reads.c.read_at.is_(None))
    if after is not None:
        stmt = stmt.where(notifications.c.position > after)
    total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
    order = notifications.c.position if after is not None else notifications.c.position.desc()
    rows = conn.execute(stmt.order_by(order).offset(offset).limit(limit)).all()
    return total, [{**r._mapping, "read": bool(r.read)} for r in rows]


def notification(conn: sa.Connection, inspector_no: int, position: int) -> dict | None:
    row = conn.execute(_notification_select(inspector_no)
                       .where(notifications.c.position == position)).first()
    return {**row._mapping, "read": bool(row.read)} if row else None


def attachment(conn: sa.Connection, task_id: str, sha256: str) -> dict[str, Any] | None:
    """A file a result of this task records (None: not attached to it)."""
    row = conn.execute(sa.select(task_attachments).where(
        task_attachments.c.task_id == task_id, task_attachments.c.sha256 == sha256)).first()
    return dict(row._mapping) if row else None
