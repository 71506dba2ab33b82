"""Read-model tables of the jobs' derived facts: the red list's periods, the A–D classes and
their history (owned by alembic, written only by RedListBoard and RiskClassBoard)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

# 守信激励 The red list as membership periods (`until` NULL = now), projected from the daily
# job's RedListDay events (credit.rating.evaluations).
red_list = sa.Table(
    "red_list",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("since", sa.Date, primary_key=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("until", sa.Date, nullable=True, index=True),
    sa.Column("recorded_on", sa.Date, nullable=False),
    # the commendation in force on `since` (诚信典型; the public sees why), if the rule needs one
    sa.Column("commendation", sa.String(200), nullable=True),
    sa.Column("commendation_no", sa.String(100), nullable=True),
    # the credit log's event that began the period (or reopened it): its public proof
    sa.Column("updated_position", sa.BigInteger, nullable=True),
    info={"projection": "credit_red_list"},
)

# A–D credit risk classes (企业信用风险分类) as of the latest classification, projected from the
# monthly job's ClassificationRun events. INTERNAL ONLY: never read by a public route or page.
# `class` is 0..3 = A..D, as the drawer takes it.
risk_classes = sa.Table(
    "risk_classes",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("class", sa.SmallInteger, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reasons", sa.String(300), nullable=False, server_default=""),  # ','-joined
    # the same reasons as a bitmask over credit.rules.RISK_INDICATORS (bit i: indicator i), so
    # the monthly run compares a province's stored classes as numbers (scoring.changed_classes)
    sa.Column("reason_bits", sa.BigInteger, nullable=False, server_default="0"),
    # the day of the run (or, for an entity no run had classified yet, the reactive change) that
    # wrote this row's class; a run that leaves a class as it is does not rewrite the row (a
    # province-wide UPDATE every month): the class holds as of the latest run (risk_class_runs,
    # `as_of_run`)
    sa.Column("classified_on", sa.Date, nullable=False),
    # the day of the latest reactive change (credit.rating.changes), if any since the run
    sa.Column("changed_on", sa.Date, nullable=True),
    info={"projection": "credit_risk_classes"},
)

# Each monthly classification run: its day and how many entities it classified. INTERNAL ONLY.
risk_class_runs = sa.Table(
    "risk_class_runs",
    metadata,
    sa.Column("classified_on", sa.Date, primary_key=True),
    sa.Column("classified", sa.Integer, nullable=False),
    info={"projection": "credit_risk_classes"},
)
LATEST_RUN = sa.select(sa.func.max(risk_class_runs.c.classified_on)).scalar_subquery()


def as_of_run(classified_on: sa.ColumnElement) -> sa.ColumnElement:
    """A risk_classes row's day as readers mean it: the latest run's, or the row's own if later
    (a reactive change after the run, or no run yet)."""
    return sa.case((sa.or_(LATEST_RUN.is_(None), classified_on > LATEST_RUN), classified_on),
                   else_=LATEST_RUN)

# Each entity's class as each classification changed it (a run records only changes, so the
# class on day D is the newest row classified on or before D). INTERNAL ONLY, like risk_classes.
risk_class_history = sa.Table(
    "risk_class_history",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("classified_on", sa.Date, primary_key=True),
    sa.Column("class", sa.SmallInteger, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reasons", sa.String(300), nullable=False, server_default=""),
    sa.Column("previous_class", sa.SmallInteger, nullable=True),
    # JSON list of {indicator, count, points, records}: why (a reactive change names the
    # records behind each indicator; a monthly run's rows name indicators only: NULL)
    sa.Column("factors", sa.Text, nullable=True),
    sa.Column("cause", sa.String(300), nullable=True),   # NULL: the monthly run
    info={"projection": "credit_risk_classes"},
)
