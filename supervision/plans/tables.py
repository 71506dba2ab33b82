"""Read models of plans and draw records; plus the archive of frozen draw inputs."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("plan_id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("lead_department", sa.String(50), nullable=False),
    sa.Column("departments", sa.String(500), nullable=False),     # ';'-joined, lead first
    sa.Column("check_items", sa.Text, nullable=False),            # ';'-joined codes
    sa.Column("region_prefix", sa.String(6), nullable=False, server_default=""),
    sa.Column("directed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("terms", sa.JSON, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("drafted_by", sa.String(100), nullable=False),
    sa.Column("drafted_on", sa.Date, nullable=False),
    sa.Column("published_on", sa.Date, nullable=True),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("closed_on", sa.Date, nullable=True),
    sa.Column("draws", sa.Integer, nullable=False, server_default="0"),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "plan_board"},
)

plan_draws = sa.Table(
    "plan_draws",
    metadata,
    sa.Column("plan_id", sa.String(32), primary_key=True),
    sa.Column("draw_no", sa.Integer, primary_key=True),
    sa.Column("drawn_on", sa.Date, nullable=False),
    sa.Column("drawn_by", sa.String(100), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("record", sa.JSON, nullable=False),   # internal: strata, params, salted digest
    sa.Column("public", sa.JSON, nullable=False),   # what anyone may read and re-check
    sa.Column("commitment_no", sa.Integer, nullable=False),
    sa.Column("drawn", sa.Integer, nullable=False),
    sa.Column("unassigned", sa.Integer, nullable=False),
    sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
    info={"projection": "plan_board"},
)

# Each commitment of a plan (publication, then one per redraw): frozen-input digests and the
# future random source it names; all public once the plan is.
plan_commitments = sa.Table(
    "plan_commitments",
    metadata,
    sa.Column("plan_id", sa.String(32), primary_key=True),
    sa.Column("commitment_no", sa.Integer, primary_key=True),
    sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("commitment", sa.JSON, nullable=False),
    sa.Column("value_entered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("value_confirmed_at", sa.DateTime(timezone=True), nullable=True),
    info={"projection": "plan_board"},
)

# The frozen pool and roster of each draw (compressed numpy arrays), addressed by their digest.
# Not a projection: it is the evidence a verifier re-runs the draw on, so a rebuild keeps it.
draw_archives = sa.Table(
    "draw_archives",
    metadata,
    sa.Column("pool_digest", sa.String(80), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("entities", sa.Integer, nullable=False),
    sa.Column("inspectors", sa.Integer, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
)
