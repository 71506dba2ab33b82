"""credit: licences (行政许可, 双公示) and objections (异议)

Revision ID: c014_pubrec
Revises: c013
Create Date: 2026-12-04 22:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c014_pubrec'
down_revision = 'c014_pubdata'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'licences',
        sa.Column('licence_id', sa.String(32), primary_key=True),
        sa.Column('uscc', sa.String(18), nullable=False),
        sa.Column('document_name', sa.String(200), nullable=False),
        sa.Column('decision_no', sa.String(100), nullable=False),
        sa.Column('category', sa.String(20), nullable=False),
        sa.Column('licence_name', sa.String(200), nullable=False),
        sa.Column('licence_no', sa.String(100), nullable=False, server_default=''),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('department', sa.String(100), nullable=False),
        sa.Column('authority', sa.String(200), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('publication_due_on', sa.Date(), nullable=False),
        sa.Column('publication_due_basis', sa.String(100), nullable=False),
        sa.Column('publication_overdue_on', sa.Date(), nullable=True),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('published_late', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('changed_on', sa.Date(), nullable=True),
        sa.Column('change_reason', sa.Text(), nullable=True),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('end_ground', sa.String(20), nullable=True),
        sa.Column('end_reason', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_position', sa.BigInteger(), nullable=False),
        sa.UniqueConstraint('decision_no'),
    )
    for column in ('uscc', 'department', 'status', 'publication_due_on'):
        op.create_index(f'ix_licences_{column}', 'licences', [column])
    op.create_table(
        'objections',
        sa.Column('objection_id', sa.String(32), primary_key=True),
        sa.Column('record_kind', sa.String(20), nullable=False),
        sa.Column('uscc', sa.String(18), nullable=False),
        sa.Column('record_key', sa.String(100), nullable=False),
        sa.Column('department', sa.String(100), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('contact_name', sa.String(100), nullable=False),
        sa.Column('contact', sa.String(200), nullable=False),
        sa.Column('filed_on', sa.Date(), nullable=False),
        sa.Column('handle_by', sa.Date(), nullable=False),
        sa.Column('handle_basis', sa.String(100), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('overdue_on', sa.Date(), nullable=True),
        sa.Column('handled_on', sa.Date(), nullable=True),
        sa.Column('handler', sa.String(100), nullable=True),
        sa.Column('outcome_reasons', sa.Text(), nullable=True),
        sa.Column('handled_late', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_position', sa.BigInteger(), nullable=False),
    )
    for column in ('uscc', 'department', 'status', 'handle_by'):
        op.create_index(f'ix_objections_{column}', 'objections', [column])
    op.create_index('ix_objections_record', 'objections', ['uscc', 'record_kind', 'record_key'])


def downgrade() -> None:
    op.drop_table('objections')
    op.drop_table('licences')
