"""credit: risk_class_history (each classification's changes per entity)

`red_list`, `risk_classes` and this table are now projections of the credit log (RedListDay and
ClassificationRun events) instead of tables the jobs rewrite. Periods the daily job wrote
before this revision have no events: they are emptied here, and the next daily run records the
current members as joining that day. `risk_classes` is kept for the drawer until the next
monthly run, which records every entity while the history is empty (credit.jobs.reclassify).

Revision ID: c007
Revises: c006
Create Date: 2026-11-25 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c007'
down_revision = 'c006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('risk_class_history',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('classified_on', sa.Date(), nullable=False),
    sa.Column('class', sa.SmallInteger(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.String(length=300), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('entity_no', 'classified_on', name=op.f('pk_risk_class_history')),
    info={'projection': 'credit_risk_classes'}
    )
    op.execute("DELETE FROM red_list")


def downgrade() -> None:
    op.drop_table('risk_class_history')
