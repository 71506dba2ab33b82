"""Read models of risk measurement: complaints (投诉举报), and the risk model's evaluations and
the draws that used it. INTERNAL: supervisors only."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

complaints = sa.Table(
    "complaints",
    metadata,
    sa.Column("complaint_id", sa.String(32), primary_key=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("department", sa.String(50), nullable=False),
    sa.Column("reference_no", sa.String(100), nullable=False),
    sa.Column("received_on", sa.Date, nullable=False, index=True),
    sa.Column("channel", sa.String(30), nullable=False),
    sa.Column("category", sa.String(100), nullable=False),
    sa.Column("substantiated", sa.Boolean, nullable=False),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    info={"projection": "credit_complaints"},
)

risk_model_evaluations = sa.Table(
    "risk_model_evaluations",
    metadata,
    sa.Column("model_version", sa.String(40), primary_key=True),
    sa.Column("evaluated_on", sa.Date, nullable=False),
    sa.Column("beats_rules", sa.Boolean, nullable=False),
    sa.Column("model", sa.JSON, nullable=False),         # coefficients: scores without a library
    sa.Column("evaluation", sa.JSON, nullable=False),
    info={"projection": "credit_risk_models"},
)

# Each frozen draw pool a model fed (by the public pool digest the draw's public record names).
risk_model_pools = sa.Table(
    "risk_model_pools",
    metadata,
    sa.Column("public_pool_digest", sa.String(80), primary_key=True),
    sa.Column("model_version", sa.String(40), primary_key=True),
    sa.Column("fed_on", sa.Date, nullable=False),
    sa.Column("pool_size", sa.Integer, nullable=False),
    sa.Column("raised", sa.Integer, nullable=False),
    sa.Column("raised_digest", sa.String(80), nullable=False),
    info={"projection": "credit_risk_models"},
)
