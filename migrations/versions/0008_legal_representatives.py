"""legal representatives: masked ID number and person key on entities, representation history

The entity directory is rebuilt from the log (its rows are emptied and its tracking reset), so
every registration and change of legal representative fills `legal_representations`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 20:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('legal_representations',
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('person_key', sa.String(length=64), server_default='', nullable=False),
    sa.Column('id_masked', sa.String(length=18), server_default='', nullable=False),
    sa.Column('from_on', sa.Date(), nullable=False),
    sa.Column('to_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('entity_no', 'seq', name=op.f('pk_legal_representations')),
    info={'projection': 'entity_directory'}
    )
    op.create_index(op.f('ix_legal_representations_name'), 'legal_representations', ['name'],
                    unique=False)
    op.create_index(op.f('ix_legal_representations_person_key'), 'legal_representations',
                    ['person_key'], unique=False)
    # a projection's tables: emptied, the runner rebuilds them from the log
    op.execute("DELETE FROM annual_reports")
    op.execute("DELETE FROM entities")
    op.execute("DELETE FROM projection_tracking WHERE projection = 'entity_directory'")
    with op.batch_alter_table('entities') as batch:
        batch.add_column(sa.Column('legal_representative_masked', sa.String(length=18),
                                   server_default='', nullable=False))
        batch.add_column(sa.Column('legal_representative_key', sa.String(length=64),
                                   server_default='', nullable=False))
        batch.create_index(batch.f('ix_entities_legal_representative_key'),
                           ['legal_representative_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('entities') as batch:
        batch.drop_index(batch.f('ix_entities_legal_representative_key'))
        batch.drop_column('legal_representative_key')
        batch.drop_column('legal_representative_masked')
    op.drop_index(op.f('ix_legal_representations_person_key'),
                  table_name='legal_representations')
    op.drop_index(op.f('ix_legal_representations_name'), table_name='legal_representations')
    op.drop_table('legal_representations')
