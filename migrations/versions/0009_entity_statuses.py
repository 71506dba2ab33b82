"""entity_statuses: every status change of an entity with its recorded date (the file as of a day)

The directory projection is emptied here and rebuilt from the log by its runner, so the history
of status changes made before this revision is recreated too.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('entity_statuses',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('position', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', 'position', name=op.f('pk_entity_statuses')),
    info={'projection': 'entity_directory'}
    )
    # a projection's tables: emptied, the runner rebuilds them from the log
    op.execute("DELETE FROM annual_reports")
    op.execute("DELETE FROM entities")
    op.execute("DELETE FROM projection_tracking WHERE projection = 'entity_directory'")


def downgrade() -> None:
    op.drop_table('entity_statuses')
