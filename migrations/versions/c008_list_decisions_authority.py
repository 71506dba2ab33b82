"""credit: the lists' deciding authority, decision numbers and statement answers

The abnormal list's listing decisions get a decision number and deciding authority (作出决定机关,
as GSXT shows them); the serious list's procedures record the deciding department and the
department's answer to a statement (复核答复, SAMR Order 44). Rows projected before this
revision keep NULL until a rebuild fills what their events carry.

Revision ID: c008
Revises: c007
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c008'
down_revision = 'c007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('abnormal_listings') as batch:
        batch.add_column(sa.Column('decision_no', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('department', sa.String(length=50), nullable=True))
        batch.add_column(sa.Column('authority', sa.String(length=100), nullable=True))
    with op.batch_alter_table('serious_listings') as batch:
        batch.add_column(sa.Column('answered_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('reply', sa.Text(), nullable=True))
        batch.add_column(sa.Column('statement_adopted', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('department', sa.String(length=50), nullable=True))
        batch.add_column(sa.Column('authority', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('serious_listings') as batch:
        for name in ('authority', 'department', 'statement_adopted', 'reply', 'answered_on'):
            batch.drop_column(name)
    with op.batch_alter_table('abnormal_listings') as batch:
        for name in ('authority', 'department', 'decision_no'):
            batch.drop_column(name)
