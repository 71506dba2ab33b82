"""Read side of commitments: the supervisors' list and record."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.commitments.tables import commitments
from credit.read_models import paged
from kernel.workdays import provisional

# The read contract: other contexts join this relation in their own queries and import it from
# here, never from the tables module (an import-linter contract).
READ_RELATIONS = (commitments,)


def _commitment(row: sa.Row) -> dict[str, Any]:
    record = dict(row._mapping)
    record["id"] = record["commitment_id"]
    return provisional(record, {"verify_by": "committed_on"})


def commitment_record(conn: sa.Connection, commitment_id: UUID) -> dict[str, Any] | None:
    row = conn.execute(sa.select(commitments)
                       .where(commitments.c.commitment_id == commitment_id.hex)).first()
    return _commitment(row) if row else None


def list_commitments(conn: sa.Connection, *, today: date, uscc: str | None = None,
                     status: str | None = None, department: str | None = None,
                     awaiting_verification: bool | None = None, overdue: bool | None = None,
                     offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Commitments by verification deadline; `overdue`: unverified past the window as of today."""
    where = []
    if uscc:
        where.append(commitments.c.uscc == uscc)
    if status:
        where.append(commitments.c.status == status)
    if department:
        where.append(commitments.c.department == department)
    unverified = commitments.c.status.in_(("awaiting", "overdue"))
    if awaiting_verification is not None:
        where.append(unverified if awaiting_verification else sa.not_(unverified))
    late = sa.and_(unverified, commitments.c.verify_by < today)
    if overdue is not None:
        where.append(late if overdue else sa.not_(late))
    total, rows = paged(conn, commitments, where,
                        [commitments.c.verify_by, commitments.c.commitment_id], offset, limit)
    return total, [_commitment(r) for r in rows]
