"""credit: commendations (诚信典型), the red list's positive record

Revision ID: c003
Revises: c002
Create Date: 2026-11-24 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c003'
down_revision = 'c002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'commendations',
        sa.Column('commendation_id', sa.String(length=32), nullable=False),
        sa.Column('document_no', sa.String(length=100), nullable=False),
        sa.Column('uscc', sa.String(length=18), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('department', sa.String(length=100), nullable=False),
        sa.Column('basis', sa.String(length=500), nullable=False),
        sa.Column('granted_on', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('revoked_on', sa.Date(), nullable=True),
        sa.Column('revocation_reason', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_position', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('commendation_id', name=op.f('pk_commendations')),
        sa.UniqueConstraint('document_no', name=op.f('uq_commendations_document_no')),
    )
    op.create_index(op.f('ix_commendations_uscc'), 'commendations', ['uscc'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_commendations_uscc'), table_name='commendations')
    op.drop_table('commendations')
