"""dashboard: pre-aggregated entity counts, entity status history, credit counts

The dashboard's own branch (branch label "dashboard"), starting from the shared 0001;
`opencheck migrate` upgrades to every head.

Revision ID: d001
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd001'
down_revision = '0001'
branch_labels = ('dashboard',)
depends_on = None


def upgrade() -> None:
    op.create_table('entity_counts',
    sa.Column('region_int', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('industry_section', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('type_code', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('status_code', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('entities', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('region_int', 'industry_section', 'type_code', 'status_code',
                            name=op.f('pk_entity_counts')),
    info={'projection': 'entity_counts'}
    )
    op.create_table('entity_facets',
    sa.Column('entity_id', sa.String(length=32), nullable=False),
    sa.Column('region_int', sa.Integer(), nullable=False),
    sa.Column('industry_section', sa.SmallInteger(), nullable=False),
    sa.Column('type_code', sa.SmallInteger(), nullable=False),
    sa.Column('status_code', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('entity_id', name=op.f('pk_entity_facets')),
    info={'projection': 'entity_counts'}
    )
    op.create_table('entity_status_history',
    sa.Column('entity_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('entity_id', 'position', name=op.f('pk_entity_status_history')),
    info={'projection': 'entity_status_history'}
    )


    op.create_table('risk_class_counts',
    sa.Column('classified_on', sa.Date(), nullable=False),
    sa.Column('region_int', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('industry_section', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('risk_class', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('entities', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('classified_on', 'region_int', 'industry_section', 'risk_class',
                            name=op.f('pk_risk_class_counts'))
    )
    op.create_table('red_list_counts',
    sa.Column('counted_on', sa.Date(), nullable=False),
    sa.Column('region_int', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('industry_section', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('counted_on', 'region_int', 'industry_section',
                            name=op.f('pk_red_list_counts'))
    )


def downgrade() -> None:
    op.drop_table('red_list_counts')
    op.drop_table('risk_class_counts')
    op.drop_table('entity_status_history')
    op.drop_table('entity_facets')
    op.drop_table('entity_counts')
