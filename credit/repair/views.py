"""Read side of credit repair: the supervisors' list of applications and each case's latest."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.read_models import paged
from credit.repair.tables import repair_applications

# The read contract: no relation of repairs is for other contexts to join; they read repairs
# through the functions below.
READ_RELATIONS: tuple[sa.Table, ...] = ()


def _repair(row: sa.Row) -> dict[str, Any]:
    record = dict(row._mapping)
    record["id"] = record["repair_id"]
    record["evidence"] = json.loads(record["evidence"])
    return record


def repair_application(conn: sa.Connection, repair_id: UUID) -> dict[str, Any] | None:
    """The latest application of one repair case."""
    row = conn.execute(sa.select(repair_applications)
                       .where(repair_applications.c.repair_id == repair_id.hex)
                       .order_by(repair_applications.c.attempt.desc()).limit(1)).first()
    return _repair(row) if row else None


def list_repair_applications(conn: sa.Connection, *, uscc: str | None = None,
                             status: str | None = None, record_kind: str | None = None,
                             offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    t = repair_applications
    where = [c == v for c, v in ((t.c.uscc, uscc), (t.c.status, status),
                                 (t.c.record_kind, record_kind)) if v]
    total, rows = paged(conn, t, where, [t.c.applied_on.desc(), t.c.repair_id, t.c.attempt],
                        offset, limit)
    return total, [_repair(r) for r in rows]


# The supervisors' grids read applications through this statement (the dashboard filters, sorts
# and pages it); `evidence` stays JSON text here, `evidence_list` decodes it.
_r = repair_applications.c
APPLICATIONS = sa.select(_r.repair_id, _r.attempt, _r.record_kind, _r.record_key, _r.uscc,
                         _r.status, _r.applied_on, _r.eligible_from, _r.serious, _r.pledge,
                         _r.evidence, _r.decided_on, _r.decided_by, _r.decision_reason)
APPLICATION_COLUMNS: dict[str, sa.ColumnElement] = {
    k: _r[k] for k in ("uscc", "record_kind", "record_key", "status", "applied_on",
                       "eligible_from", "pledge", "decided_on", "decision_reason")}
# unique across attempts: the id has a fixed width, so id || attempt never collides
APPLICATION_TIE = _r.repair_id + sa.cast(_r.attempt, sa.String)


def evidence_list(raw: str | None) -> list[str]:
    return json.loads(raw) if raw else []
