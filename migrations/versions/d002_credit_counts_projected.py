"""dashboard: the credit counts become projections (risk_class_scopes, red_list_scopes)

`risk_class_counts` and `red_list_counts` were written by a job and on the overview's first
read; they are now projected from credit's events (runner `dashboard_on_credit`), with the
projections' memory of where each entity is counted. The counts written before are emptied:
the projections count from the next runs' events.

Revision ID: d002
Revises: d001
Create Date: 2026-11-25 10:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd002'
down_revision = 'd001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('risk_class_scopes',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('region_int', sa.Integer(), nullable=False),
    sa.Column('industry_section', sa.SmallInteger(), nullable=False),
    sa.Column('risk_class', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', name=op.f('pk_risk_class_scopes')),
    info={'projection': 'risk_class_counts'}
    )
    op.create_table('red_list_scopes',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('region_int', sa.Integer(), nullable=False),
    sa.Column('industry_section', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', name=op.f('pk_red_list_scopes')),
    info={'projection': 'red_list_counts'}
    )
    op.execute("DELETE FROM risk_class_counts")
    op.execute("DELETE FROM red_list_counts")


def downgrade() -> None:
    op.drop_table('red_list_scopes')
    op.drop_table('risk_class_scopes')
