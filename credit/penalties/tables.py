"""Read-model table of penalty cases (owned by alembic, written only by PenaltyBoard)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

# One row per penalty case. `notes` and `revocation_reason` are internal: never public.
penalties = sa.Table(
    "penalties",
    metadata,
    sa.Column("case_id", sa.String(32), primary_key=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("inspection_task_id", sa.String(64), nullable=True),
    sa.Column("opened_on", sa.Date, nullable=False),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("decision_no", sa.String(100), nullable=True, index=True),
    sa.Column("violation_type", sa.String(200), nullable=True),
    sa.Column("legal_basis", sa.String(500), nullable=True),
    sa.Column("kinds", sa.String(300), nullable=False, server_default=""),
    sa.Column("procedure", sa.String(10), nullable=True),
    sa.Column("heavier_penalty", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("fine_amount", sa.Numeric(16, 2), nullable=True),
    sa.Column("restriction_months", sa.Integer, nullable=True),
    sa.Column("decided_on", sa.Date, nullable=True),
    sa.Column("publicisable", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("publication_due_on", sa.Date, nullable=True, index=True),
    # the deadline's rule (SAMR Order 45 / NDRC 双公示) and the day the daily job found it passed
    sa.Column("publication_due_basis", sa.String(100), nullable=True),
    sa.Column("publication_overdue_on", sa.Date, nullable=True),
    sa.Column("published_on", sa.Date, nullable=True),
    sa.Column("published_late", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("publicity_ends_on", sa.Date, nullable=True),
    # the publicity-period version applied, by decision date (SAMR Order 45 / Order 107)
    sa.Column("publicity_rule", sa.String(100), nullable=True),
    sa.Column("revocation_ground", sa.String(10), nullable=True),
    sa.Column("revoked_on", sa.Date, nullable=True),
    sa.Column("revocation_reason", sa.Text, nullable=True),
    sa.Column("withdrawal_due_on", sa.Date, nullable=True),
    sa.Column("withdrawn_on", sa.Date, nullable=True),
    sa.Column("withdrawn_late", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("fine_paid_on", sa.Date, nullable=True),
    sa.Column("fulfilled_on", sa.Date, nullable=True),
    sa.Column("repaired_on", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "credit_penalties"},
)
