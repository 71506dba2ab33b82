"""credit: job_marks, how far the daily job's sweeps went (annual-report grounds per year)

Revision ID: c004
Revises: c003
Create Date: 2026-11-24 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c004'
down_revision = 'c003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'job_marks',
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.Column('updated_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_job_marks')),
    )


def downgrade() -> None:
    op.drop_table('job_marks')
