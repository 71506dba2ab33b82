"""inspector directory, check-item list, entity pool (一单两库)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:05:12.934275
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('check_items',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sub_item', sa.String(length=200), server_default='', nullable=False),
    sa.Column('legal_basis', sa.String(length=500), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('object_scope_types', sa.String(length=100), nullable=False),
    sa.Column('object_scope_industries', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('default_ratio', sa.Float(), nullable=False),
    sa.Column('frequency_per_year', sa.Integer(), nullable=False),
    sa.Column('qualification', sa.String(length=50), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_check_items')),
    info={'projection': 'check_item_list'}
    )
    with op.batch_alter_table('check_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_items_department'), ['department'], unique=False)

    op.create_table('check_lists',
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('item_count', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('department', name=op.f('pk_check_lists')),
    info={'projection': 'check_item_list'}
    )
    op.create_table('entity_inspections',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('last_inspected_day', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', 'department', name=op.f('pk_entity_inspections')),
    info={'projection': 'entity_inspections'}
    )
    op.create_table('entity_pool',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('entity_id', sa.String(length=32), nullable=False),
    sa.Column('region_int', sa.Integer(), nullable=False),
    sa.Column('type_code', sa.SmallInteger(), nullable=False),
    sa.Column('industry_section', sa.SmallInteger(), nullable=False),
    sa.Column('industry_code', sa.String(length=5), nullable=False),
    sa.Column('registered_day', sa.Integer(), nullable=False),
    sa.Column('status_code', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', name=op.f('pk_entity_pool')),
    sa.UniqueConstraint('entity_id', name=op.f('uq_entity_pool_entity_id')),
    info={'projection': 'entity_pool'}
    )
    op.create_table('inspector_conflicts',
    sa.Column('inspector_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('declaration_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('from_on', sa.Date(), nullable=False),
    sa.Column('to_on', sa.Date(), nullable=True),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdraw_reason', sa.String(length=500), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('inspector_no', 'declaration_no', name=op.f('pk_inspector_conflicts')),
    info={'projection': 'inspector_directory'}
    )
    with op.batch_alter_table('inspector_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_conflicts_uscc'), ['uscc'], unique=False)

    op.create_table('inspector_qualifications',
    sa.Column('inspector_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('inspector_no', 'code', name=op.f('pk_inspector_qualifications')),
    info={'projection': 'inspector_directory'}
    )
    with op.batch_alter_table('inspector_qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_qualifications_code'), ['code'], unique=False)

    op.create_table('inspectors',
    sa.Column('inspector_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('inspector_id', sa.String(length=32), nullable=False),
    sa.Column('credential_no', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('region_int', sa.Integer(), nullable=False),
    sa.Column('station', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_since', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('inspector_no', name=op.f('pk_inspectors')),
    sa.UniqueConstraint('credential_no', name=op.f('uq_inspectors_credential_no')),
    sa.UniqueConstraint('inspector_id', name=op.f('uq_inspectors_inspector_id')),
    info={'projection': 'inspector_directory'}
    )
    with op.batch_alter_table('inspectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspectors_department'), ['department'], unique=False)

    op.create_table('published_check_items',
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sub_item', sa.String(length=200), server_default='', nullable=False),
    sa.Column('legal_basis', sa.String(length=500), nullable=False),
    sa.Column('object_scope_types', sa.String(length=100), nullable=False),
    sa.Column('object_scope_industries', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('default_ratio', sa.Float(), nullable=False),
    sa.Column('frequency_per_year', sa.Integer(), nullable=False),
    sa.Column('qualification', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('department', 'code', name=op.f('pk_published_check_items')),
    info={'projection': 'check_item_list'}
    )


def downgrade() -> None:
    op.drop_table('published_check_items')
    with op.batch_alter_table('inspectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspectors_department'))

    op.drop_table('inspectors')
    with op.batch_alter_table('inspector_qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_qualifications_code'))

    op.drop_table('inspector_qualifications')
    with op.batch_alter_table('inspector_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_conflicts_uscc'))

    op.drop_table('inspector_conflicts')
    op.drop_table('entity_pool')
    op.drop_table('entity_inspections')
    op.drop_table('check_lists')
    with op.batch_alter_table('check_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_items_department'))

    op.drop_table('check_items')
