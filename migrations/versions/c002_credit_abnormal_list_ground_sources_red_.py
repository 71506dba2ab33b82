"""credit: abnormal list, ground sources, red list, risk classes

The credit branch's second revision: the abnormal operation list (listing cycles and their
grounds), credit's projection of inspection grounds from the supervision log, the red list
materialised by the daily job, and the internal A–D risk classes of the monthly job.

Revision ID: c002
Revises: c001
Create Date: 2026-11-23 20:01:19.340041
"""
import sqlalchemy as sa
from alembic import op

revision = 'c002'
down_revision = 'c001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('abnormal_ground_sources',
    sa.Column('ground_key', sa.String(length=120), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('entity_id', sa.String(length=32), nullable=True),
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('ground', sa.String(length=30), nullable=False),
    sa.Column('arose_on', sa.Date(), nullable=False),
    sa.Column('cured_on', sa.Date(), nullable=True),
    sa.Column('cure', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('ground_key', name=op.f('pk_abnormal_ground_sources')),
    info={'projection': 'credit_ground_sources'}
    )
    with op.batch_alter_table('abnormal_ground_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abnormal_ground_sources_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_abnormal_ground_sources_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_abnormal_ground_sources_uscc'), ['uscc'], unique=False)

    op.create_table('abnormal_grounds',
    sa.Column('listing_id', sa.String(length=32), nullable=False),
    sa.Column('ground_key', sa.String(length=120), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('ground', sa.String(length=30), nullable=False),
    sa.Column('arose_on', sa.Date(), nullable=False),
    sa.Column('decide_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('cured_on', sa.Date(), nullable=True),
    sa.Column('cure', sa.String(length=200), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('listing_id', 'ground_key', name=op.f('pk_abnormal_grounds')),
    info={'projection': 'credit_abnormal_list'}
    )
    with op.batch_alter_table('abnormal_grounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abnormal_grounds_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_abnormal_grounds_uscc'), ['uscc'], unique=False)

    op.create_table('abnormal_listings',
    sa.Column('listing_id', sa.String(length=32), nullable=False),
    sa.Column('cycle', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('marked', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('first_ground_on', sa.Date(), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=True),
    sa.Column('grounds', sa.String(length=500), server_default='', nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=True),
    sa.Column('escalation_on', sa.Date(), nullable=True),
    sa.Column('escalation_noticed_on', sa.Date(), nullable=True),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('removal_reason', sa.String(length=20), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('listed_recorded_on', sa.Date(), nullable=True),
    sa.Column('removed_recorded_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('listing_id', 'cycle', name=op.f('pk_abnormal_listings')),
    info={'projection': 'credit_abnormal_list'}
    )
    with op.batch_alter_table('abnormal_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abnormal_listings_escalation_on'), ['escalation_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_abnormal_listings_listed_on'), ['listed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_abnormal_listings_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_abnormal_listings_uscc'), ['uscc'], unique=False)

    op.create_table('red_list',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', 'since', name=op.f('pk_red_list'))
    )
    with op.batch_alter_table('red_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_red_list_until'), ['until'], unique=False)
        batch_op.create_index(batch_op.f('ix_red_list_uscc'), ['uscc'], unique=False)

    op.create_table('risk_classes',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('class', sa.SmallInteger(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.String(length=300), server_default='', nullable=False),
    sa.Column('classified_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('entity_no', name=op.f('pk_risk_classes'))
    )


def downgrade() -> None:
    op.drop_table('risk_classes')
    with op.batch_alter_table('red_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_red_list_uscc'))
        batch_op.drop_index(batch_op.f('ix_red_list_until'))

    op.drop_table('red_list')
    with op.batch_alter_table('abnormal_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_abnormal_listings_uscc'))
        batch_op.drop_index(batch_op.f('ix_abnormal_listings_status'))
        batch_op.drop_index(batch_op.f('ix_abnormal_listings_listed_on'))
        batch_op.drop_index(batch_op.f('ix_abnormal_listings_escalation_on'))

    op.drop_table('abnormal_listings')
    with op.batch_alter_table('abnormal_grounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_abnormal_grounds_uscc'))
        batch_op.drop_index(batch_op.f('ix_abnormal_grounds_status'))

    op.drop_table('abnormal_grounds')
    with op.batch_alter_table('abnormal_ground_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_abnormal_ground_sources_uscc'))
        batch_op.drop_index(batch_op.f('ix_abnormal_ground_sources_task_id'))
        batch_op.drop_index(batch_op.f('ix_abnormal_ground_sources_entity_id'))

    op.drop_table('abnormal_ground_sources')
