"""credit: red_list.updated_position (the credit log's event behind a period: its public proof)

Periods recorded before this revision keep NULL until a rebuild fills it.

Revision ID: c013
Revises: c012
Create Date: 2026-12-04 18:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c013'
down_revision = 'c012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('red_list', sa.Column('updated_position', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column('red_list', 'updated_position')
