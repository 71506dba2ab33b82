"""results per check item and their attachments (by SHA-256)

Revision ID: 0018_uiinsp
Revises: 0017
Create Date: 2026-12-04 22:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_uiinsp'
down_revision = '0018_pubpages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('task_item_results',
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('check_item', sa.String(length=50), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('result_code', sa.String(length=10), nullable=False),
    sa.Column('result_name_zh', sa.String(length=200), nullable=False),
    sa.Column('result_name_en', sa.String(length=200), nullable=False),
    sa.Column('problem_found', sa.Boolean(), nullable=False),
    sa.Column('findings', sa.Text(), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'department', 'check_item',
                            name=op.f('pk_task_item_results'))
    )
    op.create_table('task_attachments',
    sa.Column('task_id', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'sha256', name=op.f('pk_task_attachments'))
    )


def downgrade() -> None:
    op.drop_table('task_attachments')
    op.drop_table('task_item_results')
