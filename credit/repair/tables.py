"""Read-model table of credit repair applications (owned by alembic, written only by
RepairBoard)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

# One row per repair application (a record's case may hold several attempts).
repair_applications = sa.Table(
    "repair_applications",
    metadata,
    sa.Column("repair_id", sa.String(32), primary_key=True),
    sa.Column("attempt", sa.Integer, primary_key=True),
    sa.Column("record_kind", sa.String(20), nullable=False),
    sa.Column("record_key", sa.String(64), nullable=False, index=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("applied_on", sa.Date, nullable=False),
    sa.Column("eligible_from", sa.Date, nullable=False),
    sa.Column("serious", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("pledge", sa.Text, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),  # JSON list of strings
    sa.Column("decided_on", sa.Date, nullable=True),
    sa.Column("decided_by", sa.String(100), nullable=True),
    sa.Column("decision_reason", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "credit_repairs"},
)
