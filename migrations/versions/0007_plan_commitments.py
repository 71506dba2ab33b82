"""plan_commitments; plan_draws keep their public record, commitment and supersession

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 18:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_commitments',
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('commitment_no', sa.Integer(), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('commitment', sa.JSON(), nullable=False),
    sa.Column('value_entered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('value_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('plan_id', 'commitment_no', name=op.f('pk_plan_commitments')),
    info={'projection': 'plan_board'}
    )
    # a projection's table: emptied, the runner rebuilds it from the log
    op.execute("DELETE FROM plan_draws")
    op.execute("DELETE FROM plans")
    op.execute("DELETE FROM projection_tracking WHERE projection = 'plan_board'")
    with op.batch_alter_table('plan_draws') as batch:
        batch.add_column(sa.Column('public', sa.JSON(), nullable=False))
        batch.add_column(sa.Column('commitment_no', sa.Integer(), nullable=False))
        batch.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plan_draws') as batch:
        batch.drop_column('superseded_at')
        batch.drop_column('commitment_no')
        batch.drop_column('public')
    op.drop_table('plan_commitments')
