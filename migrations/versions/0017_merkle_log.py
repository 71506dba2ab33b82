"""the tamper-evident record: each log's Merkle tree (read model) and its signed checkpoints

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('log_leaves',
    sa.Column('log', sa.String(length=50), nullable=False),
    sa.Column('leaf_index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('log', 'leaf_index', name=op.f('pk_log_leaves')),
    sa.UniqueConstraint('log', 'position', name='uq_log_leaves_log_position')
    )
    op.create_table('log_nodes',
    sa.Column('log', sa.String(length=50), nullable=False),
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('log', 'level', 'idx', name=op.f('pk_log_nodes'))
    )
    op.create_table('log_checkpoints',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('log', sa.String(length=50), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('first_index', sa.BigInteger(), nullable=False),
    sa.Column('leaves', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_checkpoints')),
    sa.UniqueConstraint('log', 'tree_size', name='uq_log_checkpoints_log_tree_size')
    )


def downgrade() -> None:
    op.drop_table('log_checkpoints')
    op.drop_table('log_nodes')
    op.drop_table('log_leaves')
