"""scheduler leadership: the fencing epoch of the one scheduler (opencheck.scheduler)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduler_leadership',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('epoch', sa.BigInteger(), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leadership'))
    )


def downgrade() -> None:
    op.drop_table('scheduler_leadership')
