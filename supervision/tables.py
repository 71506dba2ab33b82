"""Read-model tables of the supervision context (owned by alembic, written only by projections)."""

from __future__ import annotations

import sqlalchemy as sa

from opencheck.db import metadata

entities = sa.Table(
    "entities",
    metadata,
    # entity_no: the notification id of the registration event; stable across rebuilds and a
    # compact int64 key for the drawer's arrays.
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("entity_id", sa.String(32), nullable=False, unique=True),
    sa.Column("uscc", sa.String(18), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("entity_type", sa.String(20), nullable=False),
    sa.Column("legal_representative", sa.String(100), nullable=False, server_default=""),
    sa.Column("region_code", sa.String(6), nullable=False, index=True),
    sa.Column("industry_code", sa.String(5), nullable=False),
    sa.Column("registered_on", sa.Date, nullable=False),
    sa.Column("address", sa.String(300), nullable=False, server_default=""),
    sa.Column("registering_authority", sa.String(100), nullable=False, server_default=""),
    sa.Column("status", sa.String(20), nullable=False, server_default="active"),
    sa.Column("status_since", sa.Date, nullable=True),
    sa.Column("last_annual_report_year", sa.Integer, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "entity_directory"},
)
sa.Index("ix_entities_name", entities.c.name)

annual_reports = sa.Table(
    "annual_reports",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("filed_on", sa.Date, nullable=False),
    info={"projection": "entity_directory"},
)
