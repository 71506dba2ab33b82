"""Read side of the serious list and of commendations: the supervisors' lists and records."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.lists.serious import first_decision_day
from credit.lists.tables import abnormal_listings, commendations, serious_listings
from credit.read_models import paged
from kernel.workdays import provisional

# The read contract: other contexts join these relations in their own queries and import them
# from here, never from the tables module (an import-linter contract).
READ_RELATIONS = (abnormal_listings, serious_listings)


def _in_force(on: date) -> Any:
    c = commendations.c
    return sa.and_(c.granted_on <= on, c.valid_until > on,
                   sa.or_(c.revoked_on.is_(None), c.revoked_on > on))


def _commendation(row: sa.Row, today: date) -> dict[str, Any]:
    record = dict(row._mapping)
    record["id"] = record["commendation_id"]
    record["in_force"] = (record["granted_on"] <= today < record["valid_until"]
                          and (record["revoked_on"] is None or record["revoked_on"] > today))
    return record


def commendation_record(conn: sa.Connection, commendation_id: UUID,
                        today: date) -> dict[str, Any] | None:
    row = conn.execute(sa.select(commendations)
                       .where(commendations.c.commendation_id == commendation_id.hex)).first()
    return _commendation(row, today) if row else None


def list_commendations(conn: sa.Connection, *, today: date, uscc: str | None = None,
                       department: str | None = None, in_force: bool | None = None,
                       offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Commendations, the newest first; `in_force`: granted, not expired, not revoked today."""
    where = []
    if uscc:
        where.append(commendations.c.uscc == uscc)
    if department:
        where.append(commendations.c.department == department)
    if in_force is not None:
        where.append(_in_force(today) if in_force else sa.not_(_in_force(today)))
    total, rows = paged(conn, commendations, where,
                        [commendations.c.granted_on.desc(), commendations.c.document_no],
                        offset, limit)
    return total, [_commendation(r, today) for r in rows]


def serious_listings_of(conn: sa.Connection, uscc: str,
                        statement_workdays: int) -> list[dict[str, Any]]:
    """Every listing procedure of one entity, the newest first; a pending one with the first
    day a decision may be taken (None while a statement awaits its answer), flagged when that
    day was counted on the Monday–Friday fallback."""
    rows = conn.execute(sa.select(serious_listings).where(serious_listings.c.uscc == uscc)
                        .order_by(serious_listings.c.cycle.desc()))
    return [_with_decision_day(dict(r._mapping), statement_workdays) for r in rows]


def _with_decision_day(row: dict[str, Any], statement_workdays: int) -> dict[str, Any]:
    row["decision_possible_on"] = None if row["status"] != "noticed" else first_decision_day(
        row["noticed_on"], row.get("statement_on"), row.get("answered_on"), statement_workdays)
    return provisional(row, {"decision_possible_on": "noticed_on"})


def list_serious_listings(conn: sa.Connection, *, status: str | None = None, offset: int = 0,
                          limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    where = [serious_listings.c.status == status] if status else []
    total, rows = paged(conn, serious_listings, where,
                        [serious_listings.c.noticed_on.desc(), serious_listings.c.uscc],
                        offset, limit)
    return total, [dict(r._mapping) for r in rows]
