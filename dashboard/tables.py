"""Read models the dashboard adds: pre-aggregated directory counts and each entity's status history.

Counting a million directory rows per page view is what these avoid: the overview reads
``entity_counts`` (one row per region × industry section × type × status, a few thousand rows)
instead of ``entities``. ``entity_facets`` is the projection's own memory of each entity's
current key, so a status or detail change can move one unit from the old group to the new one
without reading another projection's tables (which may be ahead, behind or being rebuilt).
"""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

entity_facets = sa.Table(
    "entity_facets",
    metadata,
    sa.Column("entity_id", sa.String(32), primary_key=True),
    sa.Column("region_int", sa.Integer, nullable=False),
    sa.Column("industry_section", sa.SmallInteger, nullable=False),   # GB/T 4754 A..T = 0..19
    sa.Column("type_code", sa.SmallInteger, nullable=False),          # registry.ENTITY_TYPES
    sa.Column("status_code", sa.SmallInteger, nullable=False),        # registry.STATUSES
    info={"projection": "entity_counts"},
)

entity_counts = sa.Table(
    "entity_counts",
    metadata,
    sa.Column("region_int", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("industry_section", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("type_code", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("status_code", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("entities", sa.Integer, nullable=False),
    info={"projection": "entity_counts"},
)

# 状态变更 Every registration-status change, so the entity file can show the status "as of" a day.
entity_status_history = sa.Table(
    "entity_status_history",
    metadata,
    sa.Column("entity_id", sa.String(32), primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("reason", sa.String(500), nullable=False, server_default=""),
    info={"projection": "entity_status_history"},
)

# Counts of the red list and the A–D classes by region and industry section, projected from
# credit's events (dashboard.credit_counts), so the overview never groups a million rows.
risk_class_counts = sa.Table(
    "risk_class_counts",
    metadata,
    sa.Column("classified_on", sa.Date, primary_key=True),
    sa.Column("region_int", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("industry_section", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("risk_class", sa.SmallInteger, primary_key=True, autoincrement=False),  # 0..3 = A..D
    sa.Column("entities", sa.Integer, nullable=False),
    info={"projection": "risk_class_counts"},
)

# The projection's memory of where it counted each classified entity (like entity_facets).
risk_class_scopes = sa.Table(
    "risk_class_scopes",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("region_int", sa.Integer, nullable=False),
    sa.Column("industry_section", sa.SmallInteger, nullable=False),
    sa.Column("risk_class", sa.SmallInteger, nullable=False),
    info={"projection": "risk_class_counts"},
)

# One snapshot per evaluated day; older days are thinned to the first of each month (the trend).
red_list_counts = sa.Table(
    "red_list_counts",
    metadata,
    sa.Column("counted_on", sa.Date, primary_key=True),
    sa.Column("region_int", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("industry_section", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("members", sa.Integer, nullable=False),
    info={"projection": "red_list_counts"},
)

# The projection's memory of where it counted each current red-list member.
red_list_scopes = sa.Table(
    "red_list_scopes",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("region_int", sa.Integer, nullable=False),
    sa.Column("industry_section", sa.SmallInteger, nullable=False),
    info={"projection": "red_list_counts"},
)
