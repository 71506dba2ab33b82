"""Read side of licensing decisions: the supervisors' list and record, the public 双公示 list."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.licensing.rules import CATEGORIES, END_GROUNDS
from credit.licensing.tables import licences
from credit.read_models import paged
from kernel.workdays import provisional
from supervision.directory.views import entities, name_contains

# The read contract: other contexts import this relation from here, never from the tables.
READ_RELATIONS = (licences,)
_l = licences.c


def _record(row: sa.Row, today: date) -> dict[str, Any]:
    r = dict(row._mapping)
    r["id"] = r["licence_id"]
    r["overdue"] = r["status"] == "granted" and r["publication_due_on"] < today
    return provisional(r, {"publication_due_on": "decided_on"})


def licence_record(conn: sa.Connection, licence_id: UUID, today: date) -> dict[str, Any] | None:
    """The supervisor's view of one decision (internal reasons included)."""
    row = conn.execute(sa.select(licences).where(_l.licence_id == licence_id.hex)).first()
    return _record(row, today) if row else None


def list_licences(conn: sa.Connection, *, today: date, uscc: str | None = None,
                  status: str | None = None, department: str | None = None,
                  overdue: bool | None = None, offset: int = 0,
                  limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Decisions, unpublished ones by deadline first; `overdue`: unpublished past the deadline."""
    where: list[Any] = []
    if uscc:
        where.append(_l.uscc == uscc)
    if status:
        where.append(_l.status == status)
    if department:
        where.append(_l.department == department)
    late = sa.and_(_l.status == "granted", _l.publication_due_on < today)
    if overdue is not None:
        where.append(late if overdue else sa.not_(late))
    total, rows = paged(conn, licences, where,
                        [_l.published_on.is_not(None), _l.publication_due_on,
                         _l.licence_id], offset, limit)
    return total, [_record(r, today) for r in rows]


def unflagged_overdue_licences(conn: sa.Connection, today: date) -> list[UUID]:
    """Decisions past their publication deadline, unpublished, not yet flagged by the job."""
    return [UUID(i) for i in conn.scalars(
        sa.select(_l.licence_id).where(_l.status == "granted", _l.publication_due_on < today,
                                       _l.publication_overdue_on.is_(None))
        .order_by(_l.publication_due_on, _l.licence_id))]


PUBLIC_COLUMNS = (_l.licence_id, _l.uscc, entities.c.name.label("entity_name"),
                  _l.document_name, _l.decision_no, _l.category, _l.licence_name, _l.licence_no,
                  _l.content, _l.decided_on, _l.valid_from, _l.valid_to, _l.authority,
                  _l.published_on, _l.changed_on, _l.ended_on, _l.end_ground)


def public_licence(row: Any, today: date) -> dict[str, Any]:
    """The public form: human labels, 当前状态 valid or not as of `today`."""
    r = dict(row._mapping if hasattr(row, "_mapping") else row)
    ended = r["ended_on"] is not None and r["ended_on"] <= today
    expired = r["valid_to"] is not None and r["valid_to"] < today
    r["id"] = r.pop("licence_id")
    r["category_label"] = CATEGORIES.get(r["category"], r["category"])
    r["valid"] = not (ended or expired)
    r["state_label"] = ("有效 valid" if r["valid"] else
                        END_GROUNDS[r["end_ground"]].split(" (")[0] if ended else "已过期 expired")
    if not ended:
        r["ended_on"], r["end_ground"] = None, None
    return r


def _public_where(today: date) -> list[Any]:
    return [_l.published_on.is_not(None), _l.published_on <= today]


def public_licences(conn: sa.Connection, *, today: date, uscc: str | None = None,
                    q: str | None = None, offset: int = 0,
                    limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """双公示 Published decisions only (never one unpublished or ended before publication)."""
    where = _public_where(today)
    if uscc:
        where.append(_l.uscc == uscc)
    if q:
        like = f"%{q}%"
        where.append(sa.or_(_l.decision_no.like(like), _l.licence_name.like(like),
                            name_contains(conn, q, entities.c.entity_no, entities.c.name)))
    joined = licences.join(entities, entities.c.uscc == _l.uscc)
    total = conn.scalar(sa.select(sa.func.count()).select_from(joined).where(*where))
    rows = conn.execute(sa.select(*PUBLIC_COLUMNS).select_from(joined).where(*where)
                        .order_by(_l.decided_on.desc(), _l.decision_no)
                        .offset(offset).limit(limit))
    return total, [public_licence(r, today) for r in rows]


def public_licence_by_number(conn: sa.Connection, uscc: str, decision_no: str,
                             today: date) -> dict[str, Any] | None:
    """One published decision of `uscc` by its number (an objection's record reference)."""
    row = conn.execute(sa.select(*PUBLIC_COLUMNS, _l.department)
                       .select_from(licences.join(entities, entities.c.uscc == _l.uscc))
                       .where(_l.uscc == uscc, _l.decision_no == decision_no,
                              *_public_where(today))).first()
    return {**public_licence(row, today), "department": row.department} if row else None


# The published decisions of one entity (a section of the public credit record's one statement):
# bind parameters uscc and today, as public_licences shows them.
PUBLIC_OF_ENTITY = (
    sa.select(*PUBLIC_COLUMNS).select_from(licences.join(entities, entities.c.uscc == _l.uscc))
    .where(_l.uscc == sa.bindparam("uscc"),
           *_public_where(sa.bindparam("today", type_=sa.Date))),
    (_l.decided_on.desc(), _l.decision_no))


def published_licences(conn: sa.Connection, today: date) -> list[dict[str, Any]]:
    """开放数据 Every decision published by `today` (key: the decision's id)."""
    return public_licences(conn, today=today, limit=2**62)[1]
