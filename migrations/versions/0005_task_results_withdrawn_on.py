"""task_results.withdrawn_on: a published result taken off the public record by credit repair

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task_results') as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('task_results') as batch_op:
        batch_op.drop_column('withdrawn_on')
