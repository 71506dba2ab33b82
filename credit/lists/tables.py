"""Read-model tables of the lists (owned by alembic, written only by the lists' projections),
and the daily job's sweep marks."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

# One row per listing procedure (cycle) of an entity.
serious_listings = sa.Table(
    "serious_listings",
    metadata,
    sa.Column("listing_id", sa.String(32), primary_key=True),
    sa.Column("cycle", sa.Integer, primary_key=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("notice_no", sa.String(100), nullable=False),
    sa.Column("noticed_on", sa.Date, nullable=False),
    sa.Column("ground", sa.String(40), nullable=False),
    sa.Column("facts", sa.Text, nullable=False),
    sa.Column("penalty_case_id", sa.String(32), nullable=True),
    sa.Column("statement_on", sa.Date, nullable=True),
    sa.Column("statement", sa.Text, nullable=True),
    sa.Column("hearing_requested", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("answered_on", sa.Date, nullable=True),     # 复核答复 the department's answer
    sa.Column("reply", sa.Text, nullable=True),
    sa.Column("statement_adopted", sa.Boolean, nullable=True),
    sa.Column("decision_no", sa.String(100), nullable=True),
    # 作出决定机关 the deciding department: code, and its Chinese name as the decision recorded it
    sa.Column("department", sa.String(50), nullable=True),
    sa.Column("authority", sa.String(100), nullable=True),
    sa.Column("decided_on", sa.Date, nullable=True),
    sa.Column("legal_basis", sa.String(200), nullable=True),
    sa.Column("listed_on", sa.Date, nullable=True),
    sa.Column("auto_removal_on", sa.Date, nullable=True, index=True),
    sa.Column("repair_possible_on", sa.Date, nullable=True),
    sa.Column("removed_on", sa.Date, nullable=True),
    sa.Column("removal_reason", sa.String(20), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "credit_serious_list"},
)


# 诚信典型 One row per commendation decision (the red list's positive record); public facts.
commendations = sa.Table(
    "commendations",
    metadata,
    sa.Column("commendation_id", sa.String(32), primary_key=True),
    sa.Column("document_no", sa.String(100), nullable=False, unique=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("basis", sa.String(500), nullable=False),
    sa.Column("granted_on", sa.Date, nullable=False),
    sa.Column("valid_until", sa.Date, nullable=False),
    sa.Column("revoked_on", sa.Date, nullable=True),
    sa.Column("revocation_reason", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "credit_commendations"},
)


# 经营异常名录 The abnormal operation list: one row per listing cycle of an entity.
# `recorded_on` (the China date the event was recorded) lets the credit file travel in time.
abnormal_listings = sa.Table(
    "abnormal_listings",
    metadata,
    sa.Column("listing_id", sa.String(32), primary_key=True),
    sa.Column("cycle", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("marked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(20), nullable=False, index=True),  # pending|listed|removed|cleared
    sa.Column("first_ground_on", sa.Date, nullable=False),
    sa.Column("listed_on", sa.Date, nullable=True, index=True),
    sa.Column("grounds", sa.String(500), nullable=False, server_default=""),  # ';'-joined codes
    sa.Column("legal_basis", sa.String(300), nullable=True),
    # 列入决定书文号 and 作出决定机关 of the listing decision (GSXT shows both)
    sa.Column("decision_no", sa.String(100), nullable=True),
    sa.Column("department", sa.String(50), nullable=True),
    sa.Column("authority", sa.String(100), nullable=True),
    sa.Column("escalation_on", sa.Date, nullable=True, index=True),
    sa.Column("escalation_noticed_on", sa.Date, nullable=True),
    sa.Column("removed_on", sa.Date, nullable=True),
    sa.Column("removal_reason", sa.String(20), nullable=True),
    sa.Column("recorded_on", sa.Date, nullable=False),
    sa.Column("listed_recorded_on", sa.Date, nullable=True),
    sa.Column("removed_recorded_on", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "credit_abnormal_list"},
)

# Every ground of every cycle: open → cured, or closed with its cycle (repair, escalation).
abnormal_grounds = sa.Table(
    "abnormal_grounds",
    metadata,
    sa.Column("listing_id", sa.String(32), primary_key=True),
    # indexed alone too: the daily job asks "is this source's ground recorded yet?" by key
    sa.Column("ground_key", sa.String(120), primary_key=True, index=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("cycle", sa.Integer, nullable=False),
    sa.Column("ground", sa.String(30), nullable=False),
    sa.Column("arose_on", sa.Date, nullable=False),
    sa.Column("decide_by", sa.Date, nullable=False),
    sa.Column("status", sa.String(10), nullable=False, index=True),  # open|cured|closed
    sa.Column("cured_on", sa.Date, nullable=True),
    sa.Column("cure", sa.String(200), nullable=True),
    sa.Column("recorded_on", sa.Date, nullable=False),
    info={"projection": "credit_abnormal_list"},
)

# What the supervision log says about abnormal-list grounds, in credit's words: projected by
# credit from supervision's inspection and directory events (never from its aggregates).
abnormal_ground_sources = sa.Table(
    "abnormal_ground_sources",
    metadata,
    sa.Column("ground_key", sa.String(120), primary_key=True),
    # NULL for a follow-up ground (its event names only the task): the job takes it from `tasks`
    sa.Column("uscc", sa.String(18), nullable=True, index=True),
    sa.Column("entity_id", sa.String(32), nullable=True, index=True),
    sa.Column("task_id", sa.String(32), nullable=False, index=True),
    sa.Column("department", sa.String(50), nullable=False),
    sa.Column("ground", sa.String(30), nullable=False),
    sa.Column("arose_on", sa.Date, nullable=False),
    sa.Column("cured_on", sa.Date, nullable=True),
    sa.Column("cure", sa.String(200), nullable=True),
    info={"projection": "credit_ground_sources"},
)


# Bookkeeping of the daily job, not a read model (a rebuild leaves it): how far a sweep went, e.g.
# `annual_report:2025` = the highest entity_no already checked for the 2025 report ground, so the
# next day's run reads only entities registered since. Losing it costs one full sweep, no more.
job_marks = sa.Table(
    "job_marks",
    metadata,
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
    sa.Column("updated_on", sa.Date, nullable=False),
)
