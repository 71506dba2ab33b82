"""credit: red_list names the commendation an entity joined on (shown to the public)

Revision ID: c005
Revises: c004
Create Date: 2026-11-24 01:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c005'
down_revision = 'c004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('red_list') as batch_op:
        batch_op.add_column(sa.Column('commendation', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('commendation_no', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('red_list') as batch_op:
        batch_op.drop_column('commendation_no')
        batch_op.drop_column('commendation')
