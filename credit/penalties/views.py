"""Read side of penalties: the supervisors' list and record, the public record's penalties."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.penalties.tables import penalties
from credit.read_models import paged
from kernel.eventlog import proved
from kernel.workdays import provisional

# The read contract: other contexts join this relation in their own queries and import it from
# here, never from the tables module (an import-linter contract).
READ_RELATIONS = (penalties,)

PUBLIC_PENALTY_COLUMNS = (
    penalties.c.decision_no, penalties.c.uscc, penalties.c.department,
    penalties.c.violation_type, penalties.c.legal_basis, penalties.c.kinds,
    penalties.c.fine_amount, penalties.c.restriction_months, penalties.c.decided_on,
    penalties.c.published_on, penalties.c.publicity_ends_on, penalties.c.updated_position,
)


def public_penalty(row: Mapping[str, Any]) -> dict[str, Any]:
    """The public form of a PUBLIC_PENALTY_COLUMNS row, with the proof that the credit log
    holds the last event behind it (kernel.eventlog)."""
    record = {**row, "kinds": [k for k in row["kinds"].split(",") if k]}
    if record.get("fine_amount") is not None:   # a decimal string, as PenaltyPublic's schema says
        record["fine_amount"] = _decimal_text(record["fine_amount"])
    return proved(record, "credit")


def _decimal_text(value: Any) -> str:
    """1234.5 / Decimal('1234.50') → '1234.50': money as the schema's string, exact to the fen."""
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def _penalty(row: sa.Row) -> dict[str, Any]:
    record = dict(row._mapping)
    record["kinds"] = [k for k in record["kinds"].split(",") if k]
    if "case_id" in record:
        record["id"] = record["case_id"]
    return provisional(record, {"publication_due_on": "decided_on",
                                "withdrawal_due_on": "revoked_on"})


def penalty_record(conn: sa.Connection, case_id: UUID) -> dict[str, Any] | None:
    """The supervisor's view of one penalty case (internal notes included)."""
    row = conn.execute(sa.select(penalties).where(penalties.c.case_id == case_id.hex)).first()
    return _penalty(row) if row else None


def list_penalties(conn: sa.Connection, *, today: date, uscc: str | None = None,
                   status: str | None = None, department: str | None = None,
                   overdue_for_publication: bool | None = None, offset: int = 0,
                   limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Penalty cases, newest first; `overdue_for_publication`: decided, publicisable, past due."""
    where = []
    if uscc:
        where.append(penalties.c.uscc == uscc)
    if status:
        where.append(penalties.c.status == status)
    if department:
        where.append(penalties.c.department == department)
    overdue = sa.and_(penalties.c.status == "decided", penalties.c.publicisable.is_(True),
                      penalties.c.publication_due_on < today)
    if overdue_for_publication is not None:
        where.append(overdue if overdue_for_publication else sa.not_(overdue))
    total, rows = paged(conn, penalties, where,
                        [penalties.c.opened_on.desc(), penalties.c.case_id], offset, limit)
    return total, [_penalty(r) for r in rows]


def publications_awaited(conn: sa.Connection, *, today: date, department: str | None = None,
                         overdue: bool | None = None, offset: int = 0,
                         limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """双公示 Decided, publicisable penalties not yet published, earliest deadline first;
    `overdue`: only those past (True) or within (False) their deadline on `today`."""
    p = penalties.c
    where = [p.status == "decided", p.publicisable.is_(True), p.publication_due_on.is_not(None)]
    if department:
        where.append(p.department == department)
    if overdue is not None:
        where.append(p.publication_due_on < today if overdue else p.publication_due_on >= today)
    total = conn.execute(sa.select(sa.func.count()).select_from(penalties)
                         .where(*where)).scalar_one()
    rows = conn.execute(sa.select(p.case_id, p.uscc, p.department, p.decision_no, p.decided_on,
                                  p.publication_due_on, p.publication_due_basis,
                                  p.publication_overdue_on)
                        .where(*where).order_by(p.publication_due_on, p.case_id)
                        .offset(offset).limit(limit))
    return total, [{**r._mapping, "id": r.case_id, "overdue": r.publication_due_on < today,
                    "days_overdue": max((today - r.publication_due_on).days, 0)} for r in rows]


def unflagged_overdue_publications(conn: sa.Connection, today: date) -> list[UUID]:
    """Cases past their publication deadline, unpublished, that the daily job has not flagged."""
    p = penalties.c
    return [UUID(r[0]) for r in conn.execute(
        sa.select(p.case_id).where(p.status == "decided", p.publicisable.is_(True),
                                   p.publication_due_on < today,
                                   p.publication_overdue_on.is_(None))
        .order_by(p.publication_due_on, p.case_id))]


_USCC, _TODAY = sa.bindparam("uscc"), sa.bindparam("today", type_=sa.Date)


def in_publicity(today: Any) -> list[Any]:
    """A penalty on the public record `today`: published, in publicity, in force, unrepaired."""
    p = penalties.c
    return [p.status == "published", p.published_on <= today, p.publicity_ends_on > today,
            sa.or_(p.repaired_on.is_(None), p.repaired_on > today)]


# One entity's penalties on the public record: (unordered select, ordering), built once (the
# public credit record runs it as a section).
PUBLIC_PENALTIES_OF = (
    sa.select(*PUBLIC_PENALTY_COLUMNS).where(penalties.c.uscc == _USCC, *in_publicity(_TODAY)),
    (penalties.c.decided_on.desc(), penalties.c.decision_no))
_PUBLIC_PENALTIES = PUBLIC_PENALTIES_OF[0].order_by(*PUBLIC_PENALTIES_OF[1])


def public_penalties(conn: sa.Connection, uscc: str, today: date) -> list[dict[str, Any]]:
    """一公开 Penalties on the public record `today`: published, in publicity, in force, unrepaired."""
    rows = conn.execute(_PUBLIC_PENALTIES, {"uscc": uscc, "today": today})
    return [public_penalty(r._mapping) for r in rows]


def penalties_in_publicity(conn: sa.Connection, today: date) -> list[dict[str, Any]]:
    """开放数据 Every penalty on the public record `today`, by entity and decision number."""
    rows = conn.execute(sa.select(*PUBLIC_PENALTY_COLUMNS).where(*in_publicity(today))
                        .order_by(penalties.c.uscc, penalties.c.decision_no))
    return [public_penalty(r._mapping) for r in rows]
