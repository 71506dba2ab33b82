"""Read-model table of issued credit reports (owned by alembic, written only by
ReportRegister)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

# 报告登记簿 One row per issued report: what the verification page checks a number and code against.
credit_reports = sa.Table(
    "credit_reports",
    metadata,
    sa.Column("report_no", sa.String(32), primary_key=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "credit_reports"},
)
