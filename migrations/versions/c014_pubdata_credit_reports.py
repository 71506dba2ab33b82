"""credit: credit_reports (the register of issued public credit reports)

A new projection of the credit log (credit.reports): a rebuild recreates it from the
CreditReport.Issued events.

Revision ID: c014_pubdata
Revises: c013
Create Date: 2026-12-04 22:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c014_pubdata'
down_revision = 'c013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credit_reports',
    sa.Column('report_no', sa.String(length=32), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('report_no', name=op.f('pk_credit_reports')),
    info={'projection': 'credit_reports'}
    )
    op.create_index(op.f('ix_credit_reports_uscc'), 'credit_reports', ['uscc'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_credit_reports_uscc'), table_name='credit_reports')
    op.drop_table('credit_reports')
