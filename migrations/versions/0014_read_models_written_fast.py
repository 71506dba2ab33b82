"""read models written fast: entity_pool without its random entity_id key; indexes no query uses dropped

The drawer's pool is keyed by entity_no alone (the registration's log position, so rows arrive in
key order); its projection finds an entity's number through the directory. The b-tree indexes on
entities.name, entities.legal_representative_key and legal_representations.name served no query
(names are searched with a substring match, persons by legal_representations.person_key), and
each cost a random insert per registration. The pool table is recreated empty and its runner
position reset, so the runner rebuilds it from the log.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-20 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _pool(with_entity_id: bool) -> None:
    op.create_table(
        'entity_pool',
        sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
        *([sa.Column('entity_id', sa.String(length=32), nullable=False)] if with_entity_id else []),
        sa.Column('region_int', sa.Integer(), nullable=False),
        sa.Column('type_code', sa.SmallInteger(), nullable=False),
        sa.Column('industry_section', sa.SmallInteger(), nullable=False),
        sa.Column('industry_code', sa.String(length=5), nullable=False),
        sa.Column('registered_day', sa.Integer(), nullable=False),
        sa.Column('status_code', sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint('entity_no', name=op.f('pk_entity_pool')),
        *([sa.UniqueConstraint('entity_id', name=op.f('uq_entity_pool_entity_id'))]
          if with_entity_id else []),
        info={'projection': 'entity_pool'})
    # a projection's table recreated empty: the runner rebuilds it from the log
    op.execute("DELETE FROM projection_tracking WHERE projection = 'entity_pool'")


def upgrade() -> None:
    op.drop_table('entity_pool')
    _pool(with_entity_id=False)
    with op.batch_alter_table('entities', schema=None) as batch:
        batch.drop_index('ix_entities_name')
        batch.drop_index(batch.f('ix_entities_legal_representative_key'))
    op.drop_index(op.f('ix_legal_representations_name'), table_name='legal_representations')


def downgrade() -> None:
    op.create_index(op.f('ix_legal_representations_name'), 'legal_representations', ['name'],
                    unique=False)
    with op.batch_alter_table('entities', schema=None) as batch:
        batch.create_index(batch.f('ix_entities_legal_representative_key'),
                           ['legal_representative_key'], unique=False)
        batch.create_index('ix_entities_name', ['name'], unique=False)
    op.drop_table('entity_pool')
    _pool(with_entity_id=True)
