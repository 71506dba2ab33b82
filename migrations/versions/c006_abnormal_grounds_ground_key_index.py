"""credit: index abnormal_grounds.ground_key (the daily job's "already recorded?" lookup)

Without it the job's check of every inspection ground source scanned all recorded grounds:
32 s a run with 10 k sources and 137 k grounds at city size.

Revision ID: c006
Revises: c005
Create Date: 2026-11-24 01:20:00
"""
from alembic import op

revision = 'c006'
down_revision = 'c005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_abnormal_grounds_ground_key'), 'abnormal_grounds', ['ground_key'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_abnormal_grounds_ground_key'), table_name='abnormal_grounds')
