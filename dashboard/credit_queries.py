"""Overview queries over publicity and credit: timeliness, commitments, lists, A–D classes.

Credit tables are keyed by USCC; the filter bar's region and industry reach them through one
directory lookup per row (``filters.by_uscc``). The tables that may hold most of the directory
(the red list, the risk classes) are read through their counts (projected by
dashboard.credit_counts).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.commitments.views import commitments
from credit.lists.views import abnormal_listings, serious_listings
from credit.penalties.views import penalties
from dashboard.filters import Filters, by_uscc, pool_scope
from dashboard.tables import red_list_counts
from dashboard.tables import risk_class_counts as risk_class_counts_table
from kernel.rulebook import RISK_CLASSES
from supervision.directory.views import entities, entity_pool
from supervision.tasks.views import task_results


def _status_counts(conn: sa.Connection, cases: dict[str, sa.ColumnElement],
                   table: sa.FromClause, where: list[sa.ColumnElement]) -> dict[str, int]:
    row = conn.execute(sa.select(*(sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)
                                   .label(k) for k, cond in cases.items()))
                       .select_from(table).where(*where)).one()
    return {k: int(v) for k, v in row._mapping.items()}


def publication(conn: sa.Connection, f: Filters, today: date) -> dict[str, dict[str, int]]:
    """一公开 Timeliness: results and penalties published on time, late, overdue or pending."""
    r = task_results.c
    where = [*f.within(r.inspected_on), *pool_scope(f)]
    if f.department:
        where.append(r.department == f.department)
    in_scope = task_results.join(entity_pool, entity_pool.c.entity_no == r.entity_no)
    results = _status_counts(conn, {
        "on_time": sa.and_(r.published_on.is_not(None), r.late.is_(False)),
        "late": sa.and_(r.published_on.is_not(None), r.late.is_(True)),
        "overdue": sa.and_(r.published_on.is_(None), r.publish_by < today),
        "pending": sa.and_(r.published_on.is_(None), r.publish_by >= today)}, in_scope, where)
    p = penalties.c
    where = [p.publicisable.is_(True), p.status.in_(("decided", "published")),
             *f.within(p.decided_on), *by_uscc(penalties, f)]
    if f.department:
        where.append(p.department == f.department)
    penalty = _status_counts(conn, {
        "on_time": sa.and_(p.status == "published", p.published_late.is_(False)),
        "late": sa.and_(p.status == "published", p.published_late.is_(True)),
        "overdue": sa.and_(p.status == "decided", p.publication_due_on < today),
        "pending": sa.and_(p.status == "decided", p.publication_due_on >= today)}, penalties, where)
    return {"results": results, "penalties": penalty}


def overdue_penalty_publications(conn: sa.Connection, f: Filters, today: date,
                                 limit: int = 10) -> dict[str, Any]:
    """双公示 Penalty decisions unpublished past their deadline: how many, and the longest overdue
    with the deadline, its rule and the calendar days since (the daily job's flag, if made)."""
    p = penalties.c
    where = [p.status == "decided", p.publicisable.is_(True), p.publication_due_on < today,
             *f.within(p.decided_on), *by_uscc(penalties, f)]
    if f.department:
        where.append(p.department == f.department)
    total = conn.execute(sa.select(sa.func.count()).select_from(penalties)
                         .where(*where)).scalar_one()
    rows = conn.execute(
        sa.select(p.uscc, entities.c.name, p.decision_no, p.department, p.decided_on,
                  p.publication_due_on, p.publication_due_basis, p.publication_overdue_on)
        .join(entities, entities.c.uscc == p.uscc, isouter=True)
        .where(*where).order_by(p.publication_due_on, p.case_id).limit(limit)).all()
    return {"count": int(total), "oldest": [
        {**r._mapping, "days_overdue": (today - r.publication_due_on).days} for r in rows]}


def commitment_status(conn: sa.Connection, f: Filters, today: date) -> dict[str, Any]:
    """告知承诺 Commitments awaiting verification, overdue, fulfilled or false."""
    c = commitments.c
    where = [*f.within(c.committed_on), *by_uscc(commitments, f)]
    if f.department:
        where.append(c.department == f.department)
    unverified = c.status.in_(("awaiting", "overdue"))
    counts = _status_counts(conn, {
        "awaiting": sa.and_(unverified, c.verify_by >= today),
        "overdue": sa.and_(unverified, c.verify_by < today),
        "fulfilled": c.status == "fulfilled", "false": c.status == "false"}, commitments, where)
    urgent = conn.execute(
        sa.select(c.uscc, entities.c.name, c.permit_type, c.department, c.verify_by)
        .join(entities, entities.c.uscc == c.uscc, isouter=True)
        .where(*where, unverified).order_by(c.verify_by, c.commitment_id).limit(10)).all()
    return {"counts": counts, "urgent": [dict(u._mapping) for u in urgent]}


def _month(column: sa.ColumnElement) -> sa.ColumnElement:
    """'YYYY-MM' of a date column (ISO text on SQLite, ISO cast on PostgreSQL)."""
    # Literal bounds: PostgreSQL matches GROUP BY expressions textually, bind parameters differ.
    return sa.func.substr(sa.cast(column, sa.String), sa.literal_column("1"),
                          sa.literal_column("7"))


def _moves(conn: sa.Connection, table: sa.Table, listed: sa.ColumnElement,
           removed: sa.ColumnElement, on_list: sa.ColumnElement, f: Filters) -> dict[str, Any]:
    """One pass over a list: entries now, and entries and removals per month of the period."""
    rows = conn.execute(
        sa.select(_month(listed), _month(removed),
                  sa.func.sum(sa.case((on_list, 1), else_=0)), sa.func.count())
        .where(listed.is_not(None), *by_uscc(table, f))
        .group_by(_month(listed), _month(removed))).all()
    first = f.date_from.strftime("%Y-%m") if f.date_from else "0000-00"
    last = f.date_to.strftime("%Y-%m") if f.date_to else "9999-99"
    entries: Counter = Counter()
    removals: Counter = Counter()
    for entered, left, now, n in rows:
        if first <= entered <= last:
            entries[entered] += n
        if left and first <= left <= last:
            removals[left] += n
    return {"listed": sum(int(now) for *_, now, _ in rows),
            "trend": [{"month": m, "listed": entries[m], "removed": removals[m]}
                      for m in sorted(set(entries) | set(removals))]}


def list_status(conn: sa.Connection, f: Filters, today: date) -> dict[str, Any]:
    """Entities on each credit list today, and entries and removals per month in the period."""
    a, s = abnormal_listings.c, serious_listings.c
    noticed = conn.execute(sa.select(sa.func.count()).select_from(serious_listings).where(
        s.status == "noticed", *by_uscc(serious_listings, f))).scalar_one()
    return {
        "abnormal": _moves(conn, abnormal_listings, a.listed_on, a.removed_on, sa.and_(
            a.listed_on <= today, sa.or_(a.removed_on.is_(None), a.removed_on > today)), f),
        "serious": {**_moves(conn, serious_listings, s.listed_on, s.removed_on, sa.and_(
            s.listed_on <= today, sa.func.coalesce(s.removed_on, s.auto_removal_on) > today), f),
            "noticed": noticed},
        "red": _red(conn, f),
    }


def _in_scope(table: sa.Table, f: Filters) -> list[sa.ColumnElement]:
    where = []
    if (span := f.region_int_range()) is not None:
        where.append(table.c.region_int.between(*span))
    if f.industry:
        where.append(table.c.industry_section == ord(f.industry) - ord("A"))
    return where


def _red(conn: sa.Connection, f: Filters) -> dict[str, Any]:
    """守信激励 Members on the latest count, and on each month start (the red list's trend)."""
    c = red_list_counts.c
    per_day = dict(conn.execute(sa.select(c.counted_on, sa.func.sum(c.members))
                                .where(*_in_scope(red_list_counts, f))
                                .group_by(c.counted_on)).all())
    latest = max(per_day, default=None)
    return {"listed": int(per_day.get(latest, 0)), "counted_on": latest,
            "members": [{"day": d, "members": int(n)} for d, n in sorted(per_day.items())]}


def risk_class_counts(conn: sa.Connection, f: Filters) -> dict[str, Any] | None:
    """A–D credit risk classes (internal only) of the scope at each classification; None before
    the first. Entities not yet classified are drawn as class B."""
    c = risk_class_counts_table.c
    rows = conn.execute(sa.select(c.classified_on, c.risk_class, sa.func.sum(c.entities))
                        .where(*_in_scope(risk_class_counts_table, f))
                        .group_by(c.classified_on, c.risk_class)).all()
    if not rows:
        return None
    history: dict[date, dict[str, int]] = {}
    for on, k, n in rows:
        history.setdefault(on, dict.fromkeys(RISK_CLASSES, 0))[RISK_CLASSES[k]] = int(n)
    latest = max(history)
    return {"classified_on": latest, "counts": history[latest],
            "history": [{"day": d, **history[d]} for d in sorted(history)]}
