"""directory read models, projection tracking, users

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 18:48:09.888438
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annual_reports',
    sa.Column('entity_no', sa.BigInteger(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', 'year', name=op.f('pk_annual_reports')),
    info={'projection': 'entity_directory'}
    )
    op.create_table('entities',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('entity_id', sa.String(length=32), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('entity_type', sa.String(length=20), nullable=False),
    sa.Column('legal_representative', sa.String(length=100), server_default='', nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('industry_code', sa.String(length=5), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('address', sa.String(length=300), server_default='', nullable=False),
    sa.Column('registering_authority', sa.String(length=100), server_default='', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='active', nullable=False),
    sa.Column('status_since', sa.Date(), nullable=True),
    sa.Column('last_annual_report_year', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', name=op.f('pk_entities')),
    sa.UniqueConstraint('entity_id', name=op.f('uq_entities_entity_id')),
    sa.UniqueConstraint('uscc', name=op.f('uq_entities_uscc')),
    info={'projection': 'entity_directory'}
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index('ix_entities_name', ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_region_code'), ['region_code'], unique=False)

    op.create_table('projection_tracking',
    sa.Column('projection', sa.String(length=100), nullable=False),
    sa.Column('application', sa.String(length=50), nullable=False),
    sa.Column('position', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('projection', name=op.f('pk_projection_tracking'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=100), server_default='', nullable=False),
    sa.Column('department', sa.String(length=50), nullable=True),
    sa.Column('inspector_no', sa.BigInteger(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )


def downgrade() -> None:
    op.drop_table('users')
    op.drop_table('projection_tracking')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entities_region_code'))
        batch_op.drop_index('ix_entities_name')

    op.drop_table('entities')
    op.drop_table('annual_reports')
