"""Read-model table of notification–commitments (owned by alembic, written only by
CommitmentBoard)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

commitments = sa.Table(
    "commitments",
    metadata,
    sa.Column("commitment_id", sa.String(32), primary_key=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("permit_type", sa.String(200), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("committed_on", sa.Date, nullable=False),
    sa.Column("verify_by", sa.Date, nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("verified_on", sa.Date, nullable=True),
    sa.Column("verification_method", sa.String(20), nullable=True),
    sa.Column("verification_note", sa.Text, nullable=True),
    sa.Column("verified_late", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("decision_revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("overdue_on", sa.Date, nullable=True),
    sa.Column("repaired_on", sa.Date, nullable=True),
    # 容缺受理: a red-listed applicant's acceptance with non-key documents to follow
    sa.Column("documents_to_follow", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "credit_commitments"},
)
