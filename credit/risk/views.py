"""Read side of risk measurement (INTERNAL: supervisors): complaints, model evaluations."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.risk.tables import complaints, risk_model_evaluations


def complaint(conn: sa.Connection, complaint_id: UUID) -> dict[str, Any] | None:
    row = conn.execute(sa.select(complaints).where(
        complaints.c.complaint_id == complaint_id.hex)).first()
    return None if row is None else dict(row._mapping)


def entity_complaints(conn: sa.Connection, uscc: str) -> list[dict[str, Any]]:
    """An entity's complaints, newest first."""
    rows = conn.execute(sa.select(complaints).where(complaints.c.uscc == uscc)
                        .order_by(complaints.c.received_on.desc(),
                                  complaints.c.reference_no)).all()
    return [dict(r._mapping) for r in rows]


def latest_model(conn: sa.Connection, beating_rules: bool = True) -> dict[str, Any] | None:
    """The newest recorded model evaluation (that beat the rules, by default)."""
    m = risk_model_evaluations.c
    stmt = sa.select(risk_model_evaluations).order_by(m.evaluated_on.desc(),
                                                      m.model_version)
    if beating_rules:
        stmt = stmt.where(m.beats_rules.is_(True))
    row = conn.execute(stmt.limit(1)).first()
    return None if row is None else dict(row._mapping)
