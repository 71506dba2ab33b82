"""parallel catch-up: a position per (projection, segment of originators)

Revision ID: 0018_pipe
Revises: 0017
Create Date: 2026-12-04 22:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_pipe'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('projection_segments',
    sa.Column('projection', sa.String(length=100), nullable=False),
    sa.Column('segment', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('position', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('projection', 'segment', name=op.f('pk_projection_segments'))
    )


def downgrade() -> None:
    op.drop_table('projection_segments')
