"""inspection results, follow-ups, referrals, notifications; task life-cycle columns

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:41:53.438767
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification_reads',
    sa.Column('inspector_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('position', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspector_no', 'position', name=op.f('pk_notification_reads'))
    )
    op.create_table('notifications',
    sa.Column('inspector_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('position', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('inspector_no', 'position', name=op.f('pk_notifications')),
    info={'projection': 'notifications'}
    )
    op.create_table('task_follow_ups',
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('follow_up_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('deadline_workdays', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('ordered_by', sa.String(length=100), nullable=False),
    sa.Column('outcome', sa.String(length=20), server_default='open', nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_note', sa.Text(), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'department', 'follow_up_no', name=op.f('pk_task_follow_ups')),
    info={'projection': 'inspection_results'}
    )
    op.create_table('task_referrals',
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('referral_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('from_department', sa.String(length=50), nullable=False),
    sa.Column('to_department', sa.String(length=50), nullable=False),
    sa.Column('matter', sa.Text(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('referred_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'referral_no', name=op.f('pk_task_referrals')),
    info={'projection': 'inspection_results'}
    )
    with op.batch_alter_table('task_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_referrals_to_department'), ['to_department'], unique=False)

    op.create_table('task_results',
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('entity_no', sa.BigInteger(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('result_code', sa.String(length=10), nullable=False),
    sa.Column('result_name_zh', sa.String(length=200), nullable=False),
    sa.Column('result_name_en', sa.String(length=200), nullable=False),
    sa.Column('follow_up', sa.String(length=30), nullable=False),
    sa.Column('problem_found', sa.Boolean(), nullable=False),
    sa.Column('abnormal_list_ground', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('findings', sa.Text(), server_default='', nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.BigInteger(), nullable=False),
    sa.Column('signatures', sa.String(length=500), nullable=False),
    sa.Column('publish_by', sa.Date(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_by', sa.String(length=100), nullable=True),
    sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('publication_overdue_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('task_id', 'department', name=op.f('pk_task_results')),
    info={'projection': 'inspection_results'}
    )
    with op.batch_alter_table('task_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_results_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_results_publish_by'), ['publish_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_results_uscc'), ['uscc'], unique=False)

    with op.batch_alter_table('task_inspectors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('recused_on', sa.Date(), nullable=True))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('short_staffed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('results_recorded', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('results_published', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('results_published')
        batch_op.drop_column('results_recorded')
        batch_op.drop_column('short_staffed')
        batch_op.drop_column('started_on')

    with op.batch_alter_table('task_inspectors', schema=None) as batch_op:
        batch_op.drop_column('recused_on')
        batch_op.drop_column('acknowledged_on')

    with op.batch_alter_table('task_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_results_uscc'))
        batch_op.drop_index(batch_op.f('ix_task_results_publish_by'))
        batch_op.drop_index(batch_op.f('ix_task_results_plan_id'))

    op.drop_table('task_results')
    with op.batch_alter_table('task_referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_referrals_to_department'))

    op.drop_table('task_referrals')
    op.drop_table('task_follow_ups')
    op.drop_table('notifications')
    op.drop_table('notification_reads')
