"""The supervisor pages' grids: one page query each, entities by name (never by number), through
the contexts' views; filtered, sorted and windowed by `dashboard.grids.page`."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.commitments.views import commitments
from credit.lists.views import serious_listings
from credit.penalties.views import penalties
from dashboard import grids
from kernel.db import users
from kernel.labels import (
    COMMITMENT_STATUSES,
    FOLLOW_UP_KINDS,
    FOLLOW_UP_OUTCOMES,
    LISTING_STATUSES,
    PENALTY_STATUSES,
    ROLES,
)
from supervision.directory.views import entities
from supervision.plans.views import plans
from supervision.tasks.views import task_follow_ups, task_results, tasks

Page = tuple[int, list[dict[str, Any]]]
NAME = entities.c.name.label("entity_name")


def _by_uscc(table: sa.Table) -> sa.Join:
    return table.join(entities, entities.c.uscc == table.c.uscc, isouter=True)


def publication_queue(conn: sa.Connection, request: dict[str, Any] | None, today: date) -> Page:
    """一公开 Results recorded and not yet published, soonest deadline first."""
    r = task_results.c
    key = (r.task_id + ":" + r.department).label("key")
    overdue = (r.publish_by < today).label("overdue")
    stmt = (sa.select(key, r.task_id, r.department, NAME, r.uscc, r.result_code,
                      r.result_name_zh, r.inspected_on, r.publish_by, overdue,
                      plans.c.name.label("plan_name"))
            .select_from(task_results.join(entities, entities.c.entity_no == r.entity_no)
                         .join(plans, plans.c.plan_id == r.plan_id))
            .where(r.published_on.is_(None), r.withdrawn_on.is_(None)))
    allowed = {"entity_name": entities.c.name, "uscc": r.uscc, "result_code": r.result_code,
               "inspected_on": r.inspected_on, "publish_by": r.publish_by,
               "plan_name": plans.c.name, "department": r.department}
    return grids.page(conn, stmt, request, allowed, [r.publish_by], key)


def follow_ups(conn: sa.Connection, request: dict[str, Any] | None, today: date) -> Page:
    """责令公示 / 责令改正 Orders with their deadlines; open and past the deadline first."""
    f = task_follow_ups.c
    key = (f.task_id + ":" + f.department).label("key")
    row = (f.task_id + ":" + f.department + ":" + sa.cast(f.follow_up_no, sa.String)).label("row")
    late = sa.and_(f.outcome == "open", f.due_on < today).label("late")
    stmt = (sa.select(row, key, f.department, NAME, tasks.c.uscc, f.kind, f.ordered_on,
                      f.deadline_workdays, f.due_on, f.outcome, f.outcome_on, f.note, late)
            .select_from(task_follow_ups.join(tasks, tasks.c.task_id == f.task_id)
                         .join(entities, entities.c.entity_no == tasks.c.entity_no)))
    allowed = {"entity_name": entities.c.name, "uscc": tasks.c.uscc, "kind": f.kind,
               "ordered_on": f.ordered_on, "due_on": f.due_on, "outcome": f.outcome}
    return grids.page(conn, stmt, request, allowed, [f.outcome.desc(), f.due_on], row,
                      {"kind": FOLLOW_UP_KINDS, "outcome": FOLLOW_UP_OUTCOMES})


def penalty_cases(conn: sa.Connection, request: dict[str, Any] | None) -> Page:
    """处罚案件 Penalty cases, newest first."""
    c = penalties.c
    stmt = sa.select(c.case_id, NAME, c.uscc, c.department, c.status, c.decision_no,
                     c.violation_type, c.kinds, c.fine_amount, c.opened_on, c.decided_on,
                     c.publication_due_on, c.published_on, c.withdrawn_on) \
        .select_from(_by_uscc(penalties))
    allowed = {"entity_name": entities.c.name, "uscc": c.uscc, "status": c.status,
               "decision_no": c.decision_no, "opened_on": c.opened_on,
               "decided_on": c.decided_on, "publication_due_on": c.publication_due_on,
               "published_on": c.published_on}
    return grids.page(conn, stmt, request, allowed, [c.opened_on.desc()], c.case_id,
                      {"status": PENALTY_STATUSES})


def serious_procedures(conn: sa.Connection, request: dict[str, Any] | None) -> Page:
    """严重违法失信名单 Listing procedures, newest notice first."""
    s = serious_listings.c
    stmt = sa.select(s.listing_id, NAME, s.uscc, s.status, s.notice_no, s.noticed_on, s.ground,
                     s.statement_on, s.answered_on, s.decision_no, s.decided_on, s.listed_on,
                     s.auto_removal_on).select_from(_by_uscc(serious_listings))
    allowed = {"entity_name": entities.c.name, "uscc": s.uscc, "status": s.status,
               "notice_no": s.notice_no, "noticed_on": s.noticed_on,
               "decided_on": s.decided_on, "listed_on": s.listed_on}
    return grids.page(conn, stmt, request, allowed, [s.noticed_on.desc()], s.listing_id,
                      {"status": LISTING_STATUSES})


def commitment_ledger(conn: sa.Connection, request: dict[str, Any] | None) -> Page:
    """告知承诺 Commitments, soonest verification deadline first."""
    c = commitments.c
    stmt = sa.select(c.commitment_id, NAME, c.uscc, c.department, c.permit_type,
                     c.committed_on, c.verify_by, c.status, c.verified_on) \
        .select_from(_by_uscc(commitments))
    allowed = {"entity_name": entities.c.name, "uscc": c.uscc, "permit_type": c.permit_type,
               "committed_on": c.committed_on, "verify_by": c.verify_by, "status": c.status,
               "verified_on": c.verified_on}
    return grids.page(conn, stmt, request, allowed, [c.verify_by], c.commitment_id,
                      {"status": COMMITMENT_STATUSES})


def user_accounts(conn: sa.Connection, request: dict[str, Any] | None) -> Page:
    """用户 Accounts (never their password hashes)."""
    u = users.c
    stmt = sa.select(u.username, u.display_name, u.role, u.department, u.active)
    allowed = {"username": u.username, "display_name": u.display_name, "role": u.role,
               "department": u.department}
    return grids.page(conn, stmt, request, allowed, [u.username], u.id, {"role": ROLES})


def follow_up_targets(conn: sa.Connection, limit: int = 300) -> list[dict[str, Any]]:
    """Results that found a problem (a follow-up may be ordered on them), newest first."""
    r = task_results.c
    rows = conn.execute(
        sa.select((r.task_id + ":" + r.department).label("key"), r.department, NAME,
                  r.result_code, r.result_name_zh, r.inspected_on)
        .select_from(task_results.join(entities, entities.c.entity_no == r.entity_no))
        .where(r.problem_found.is_(True), r.withdrawn_on.is_(None))
        .order_by(r.inspected_on.desc(), r.task_id).limit(limit))
    return [dict(x._mapping) for x in rows]


def overdue_penalty_publications(conn: sa.Connection, f: Any, today: date,
                                 request: dict[str, Any] | None,
                                 departments: dict[str, str] | None = None) -> Page:
    """双公示 Penalty decisions unpublished past their deadline in the overview's scope (`f`, a
    dashboard.filters.Filters), longest overdue first, with the calendar days since."""
    from dashboard.filters import by_uscc

    p = penalties.c
    where = [p.status == "decided", p.publicisable.is_(True), p.publication_due_on < today,
             *f.within(p.decided_on), *by_uscc(penalties, f)]
    if f.department:
        where.append(p.department == f.department)
    stmt = sa.select(p.case_id, p.uscc, NAME, p.decision_no, p.department, p.decided_on,
                     p.publication_due_on, p.publication_due_basis) \
        .select_from(_by_uscc(penalties)).where(*where)
    allowed = {"uscc": p.uscc, "entity_name": entities.c.name, "decision_no": p.decision_no,
               "department": p.department, "decided_on": p.decided_on,
               "publication_due_on": p.publication_due_on}
    total, rows = grids.page(conn, stmt, request, allowed, [p.publication_due_on], p.case_id,
                             {"department": departments or {}})
    for r in rows:
        r["days_overdue"] = (today - date.fromisoformat(r["publication_due_on"])).days
    return total, rows
