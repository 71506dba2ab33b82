"""entity name search: a bigram table read in name order (supervision.directory.search)

The grams of the entities already registered are written here from the entities table (the
same grams the projection writes: supervision.directory.search.name_grams), so an upgrade needs
no rebuild.

Revision ID: 0018_pubpages
Revises: 0017
Create Date: 2026-12-04 22:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_pubpages'
down_revision = '0018_pipe'
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade() -> None:
    op.create_table('entity_name_grams',
    sa.Column('gram', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('gram', 'name', 'entity_no', name=op.f('pk_entity_name_grams')),
    sqlite_with_rowid=False
    )
    from supervision.directory.search import name_grams

    conn = op.get_bind()
    grams = sa.table('entity_name_grams', sa.column('gram'), sa.column('name'),
                     sa.column('entity_no'))
    page = sa.text("SELECT entity_no, name FROM entities WHERE entity_no > :after "
                   "ORDER BY entity_no LIMIT :n")
    after = -1
    while batch := conn.execute(page, {"after": after, "n": CHUNK}).all():
        conn.execute(grams.insert(), [{"gram": g, "name": name, "entity_no": no}
                                      for no, name in batch for g in name_grams(name)])
        after = batch[-1][0]


def downgrade() -> None:
    op.drop_table('entity_name_grams')
