"""credit: listing_persons (the legal representative a serious-list decision recorded)

A new projection of the credit log: the runner fills it from the log (decisions recorded before
this revision carry no person and add no row).

Revision ID: c012
Revises: c010
Create Date: 2026-12-03 20:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c012'
down_revision = 'c010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('listing_persons',
    sa.Column('listing_id', sa.String(length=32), nullable=False),
    sa.Column('cycle', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('person_key', sa.String(length=64), server_default='', nullable=False),
    sa.Column('id_masked', sa.String(length=18), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('listing_id', 'cycle', name=op.f('pk_listing_persons')),
    info={'projection': 'credit_listing_persons'}
    )
    op.create_index(op.f('ix_listing_persons_person_key'), 'listing_persons', ['person_key'],
                    unique=False)
    op.create_index(op.f('ix_listing_persons_uscc'), 'listing_persons', ['uscc'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_listing_persons_uscc'), table_name='listing_persons')
    op.drop_index(op.f('ix_listing_persons_person_key'), table_name='listing_persons')
    op.drop_table('listing_persons')
