"""Read-model table of objections (owned by alembic, written only by ObjectionBoard)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

# One row per objection. `contact_name` and `contact` are the objector's personal data: never
# public, masked in lists (credit.objections.views); `reason` and `outcome_reasons` internal.
objections = sa.Table(
    "objections",
    metadata,
    sa.Column("objection_id", sa.String(32), primary_key=True),
    sa.Column("record_kind", sa.String(20), nullable=False),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("record_key", sa.String(100), nullable=False),
    sa.Column("department", sa.String(100), nullable=False, index=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("contact_name", sa.String(100), nullable=False),
    sa.Column("contact", sa.String(200), nullable=False),
    sa.Column("filed_on", sa.Date, nullable=False),
    sa.Column("handle_by", sa.Date, nullable=False, index=True),
    sa.Column("handle_basis", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("overdue_on", sa.Date, nullable=True),
    sa.Column("handled_on", sa.Date, nullable=True),
    sa.Column("handler", sa.String(100), nullable=True),
    sa.Column("outcome_reasons", sa.Text, nullable=True),
    sa.Column("handled_late", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    sa.Index("ix_objections_record", "uscc", "record_kind", "record_key"),
    info={"projection": "credit_objections"},
)
