"""Read-model tables of the persons behind listings (owned by alembic, written by projections)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

# 列入决定记载的法定代表人 The legal representative a serious-list decision recorded.
listing_persons = sa.Table(
    "listing_persons",
    metadata,
    sa.Column("listing_id", sa.String(32), primary_key=True),
    sa.Column("cycle", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("person_key", sa.String(64), nullable=False, server_default="", index=True),
    sa.Column("id_masked", sa.String(18), nullable=False, server_default=""),
    info={"projection": "credit_listing_persons"},
)
