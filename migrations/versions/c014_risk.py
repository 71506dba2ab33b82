"""credit: complaints (投诉举报), the risk model's evaluations and the pools it fed

Revision ID: c014_risk
Revises: c013
Create Date: 2026-12-04 22:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c014_risk'
down_revision = 'c014_pubrec'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'complaints',
        sa.Column('complaint_id', sa.String(32), primary_key=True),
        sa.Column('uscc', sa.String(18), nullable=False),
        sa.Column('department', sa.String(50), nullable=False),
        sa.Column('reference_no', sa.String(100), nullable=False),
        sa.Column('received_on', sa.Date, nullable=False),
        sa.Column('channel', sa.String(30), nullable=False),
        sa.Column('category', sa.String(100), nullable=False),
        sa.Column('substantiated', sa.Boolean, nullable=False),
        sa.Column('summary', sa.Text, nullable=False, server_default=''),
        sa.Column('recorded_by', sa.String(100), nullable=False))
    op.create_index('ix_complaints_uscc', 'complaints', ['uscc'])
    op.create_index('ix_complaints_received_on', 'complaints', ['received_on'])
    op.create_table(
        'risk_model_evaluations',
        sa.Column('model_version', sa.String(40), primary_key=True),
        sa.Column('evaluated_on', sa.Date, nullable=False),
        sa.Column('beats_rules', sa.Boolean, nullable=False),
        sa.Column('model', sa.JSON, nullable=False),
        sa.Column('evaluation', sa.JSON, nullable=False))
    op.create_table(
        'risk_model_pools',
        sa.Column('public_pool_digest', sa.String(80), primary_key=True),
        sa.Column('model_version', sa.String(40), primary_key=True),
        sa.Column('fed_on', sa.Date, nullable=False),
        sa.Column('pool_size', sa.Integer, nullable=False),
        sa.Column('raised', sa.Integer, nullable=False),
        sa.Column('raised_digest', sa.String(80), nullable=False))


def downgrade() -> None:
    op.drop_table('risk_model_pools')
    op.drop_table('risk_model_evaluations')
    op.drop_index('ix_complaints_received_on', 'complaints')
    op.drop_index('ix_complaints_uscc', 'complaints')
    op.drop_table('complaints')
