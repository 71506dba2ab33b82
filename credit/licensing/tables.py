"""Read-model table of licensing decisions (owned by alembic, written only by LicenceBoard)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

# One row per licensing decision. `change_reason` and `end_reason` are internal: never public.
licences = sa.Table(
    "licences",
    metadata,
    sa.Column("licence_id", sa.String(32), primary_key=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("document_name", sa.String(200), nullable=False),
    sa.Column("decision_no", sa.String(100), nullable=False, unique=True),
    sa.Column("category", sa.String(20), nullable=False),
    sa.Column("licence_name", sa.String(200), nullable=False),
    sa.Column("licence_no", sa.String(100), nullable=False, server_default=""),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.Column("department", sa.String(100), nullable=False, index=True),
    sa.Column("authority", sa.String(200), nullable=False),   # 许可机关 name at the decision
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("publication_due_on", sa.Date, nullable=False, index=True),
    sa.Column("publication_due_basis", sa.String(100), nullable=False),
    sa.Column("publication_overdue_on", sa.Date, nullable=True),
    sa.Column("published_on", sa.Date, nullable=True),
    sa.Column("published_late", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("changed_on", sa.Date, nullable=True),
    sa.Column("change_reason", sa.Text, nullable=True),
    sa.Column("ended_on", sa.Date, nullable=True),
    sa.Column("end_ground", sa.String(20), nullable=True),
    sa.Column("end_reason", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "credit_licences"},
)
