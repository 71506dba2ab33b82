"""plans draws tasks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:26:32.374479
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('draw_archives',
    sa.Column('pool_digest', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entities', sa.Integer(), nullable=False),
    sa.Column('inspectors', sa.Integer(), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('pool_digest', name=op.f('pk_draw_archives'))
    )
    op.create_table('plan_draws',
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('draw_no', sa.Integer(), nullable=False),
    sa.Column('drawn_on', sa.Date(), nullable=False),
    sa.Column('drawn_by', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('drawn', sa.Integer(), nullable=False),
    sa.Column('unassigned', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', 'draw_no', name=op.f('pk_plan_draws')),
    info={'projection': 'plan_board'}
    )
    op.create_table('plans',
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lead_department', sa.String(length=50), nullable=False),
    sa.Column('departments', sa.String(length=500), nullable=False),
    sa.Column('check_items', sa.Text(), nullable=False),
    sa.Column('region_prefix', sa.String(length=6), server_default='', nullable=False),
    sa.Column('directed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('drafted_by', sa.String(length=100), nullable=False),
    sa.Column('drafted_on', sa.Date(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('draws', sa.Integer(), server_default='0', nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_plans')),
    info={'projection': 'plan_board'}
    )
    op.create_table('task_inspectors',
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('inspector_no', sa.BigInteger(), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'inspector_no', name=op.f('pk_task_inspectors')),
    info={'projection': 'task_board'}
    )
    with op.batch_alter_table('task_inspectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_inspectors_inspector_no'), ['inspector_no'], unique=False)

    op.create_table('tasks',
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('draw_no', sa.Integer(), nullable=False),
    sa.Column('entity_no', sa.BigInteger(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('departments', sa.String(length=500), nullable=False),
    sa.Column('check_items', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('unassigned_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('task_id', name=op.f('pk_tasks')),
    info={'projection': 'task_board'}
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_entity_no'), ['entity_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_uscc'), ['uscc'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_uscc'))
        batch_op.drop_index(batch_op.f('ix_tasks_plan_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_entity_no'))

    op.drop_table('tasks')
    with op.batch_alter_table('task_inspectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_inspectors_inspector_no'))

    op.drop_table('task_inspectors')
    op.drop_table('plans')
    op.drop_table('plan_draws')
    op.drop_table('draw_archives')
