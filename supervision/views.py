"""Read side of supervision: small query functions over the read-model tables."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from supervision.tables import entities

PUBLIC_ENTITY_COLUMNS = (
    entities.c.uscc, entities.c.name, entities.c.entity_type, entities.c.region_code,
    entities.c.industry_code, entities.c.registered_on, entities.c.address,
    entities.c.registering_authority, entities.c.status, entities.c.status_since,
)


def public_entity(conn: sa.Connection, uscc: str) -> dict[str, Any] | None:
    """The public profile of one entity (registration facts only), or None."""
    row = conn.execute(sa.select(*PUBLIC_ENTITY_COLUMNS).where(entities.c.uscc == uscc)).first()
    return dict(row._mapping) if row else None


def entity_record(conn: sa.Connection, uscc: str) -> dict[str, Any] | None:
    """The supervisor's view of one entity's directory record."""
    row = conn.execute(sa.select(entities).where(entities.c.uscc == uscc)).first()
    return dict(row._mapping) if row else None


def list_entities(conn: sa.Connection, *, region_prefix: str | None = None,
                  entity_type: str | None = None, status: str | None = None,
                  industry_prefix: str | None = None, name: str | None = None,
                  offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Filtered, paginated directory listing ordered by USCC; returns (total, page)."""
    where = []
    if region_prefix:
        where.append(entities.c.region_code.startswith(region_prefix, autoescape=True))
    if entity_type:
        where.append(entities.c.entity_type == entity_type)
    if status:
        where.append(entities.c.status == status)
    if industry_prefix:
        where.append(entities.c.industry_code.startswith(industry_prefix, autoescape=True))
    if name:
        where.append(entities.c.name.contains(name, autoescape=True))
    total = conn.execute(sa.select(sa.func.count()).select_from(entities).where(*where)).scalar_one()
    rows = conn.execute(sa.select(entities).where(*where).order_by(entities.c.uscc)
                        .offset(offset).limit(limit))
    return total, [dict(r._mapping) for r in rows]
