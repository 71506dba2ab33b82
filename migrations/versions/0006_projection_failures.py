"""projection_failures: a runner whose batch keeps failing, for /api/v1/health

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('projection_failures',
    sa.Column('runner', sa.String(length=50), nullable=False),
    sa.Column('application', sa.String(length=50), nullable=False),
    sa.Column('projection', sa.String(length=100), nullable=True),
    sa.Column('position', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('runner', name=op.f('pk_projection_failures'))
    )


def downgrade() -> None:
    op.drop_table('projection_failures')
