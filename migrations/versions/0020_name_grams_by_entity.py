"""entity name search: the bigram table keyed (gram, entity_no), without the name

Each gram's rows were kept in name order (key gram, name, entity_no), so every registration
inserted ten rows on random pages of a tree that grows with the directory: a catch-up's writes
slowed ~3x as the table grew and the table was three times its new size (issue 23). Keyed by
the entity number, a gram's new rows append at the end of its range; the search checks a
longer query against `entities.name` (supervision.directory.search) and lists names in
registration order. The rows are the same grams without their name: no rebuild needed (on
PostgreSQL the dropped column's bytes stay in the table until it is rewritten: VACUUM FULL or
`opencheck rebuild`).

Revision ID: 0020_grams
Revises: 0019_names
Create Date: 2026-12-06 09:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0020_grams'
down_revision = '0019_names'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only the grams of each entity's current name (a stale row of an earlier name would now
    # match without a name check): then (gram, entity_no) is unique, one name per entity
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DELETE FROM entity_name_grams g WHERE NOT EXISTS (SELECT 1 FROM entities e "
                   "WHERE e.entity_no = g.entity_no AND e.name = g.name)")
        op.execute("ALTER TABLE entity_name_grams DROP CONSTRAINT pk_entity_name_grams")
        op.execute("ALTER TABLE entity_name_grams DROP COLUMN name")
        op.execute("ALTER TABLE entity_name_grams ADD CONSTRAINT pk_entity_name_grams "
                   "PRIMARY KEY (gram, entity_no)")
        return
    op.rename_table('entity_name_grams', 'entity_name_grams_0019')
    _create(sa.PrimaryKeyConstraint('gram', 'entity_no', name=op.f('pk_entity_name_grams')))
    op.execute("INSERT INTO entity_name_grams (gram, entity_no) SELECT g.gram, g.entity_no "
               "FROM entity_name_grams_0019 g JOIN entities e ON e.entity_no = g.entity_no "
               "AND e.name = g.name ORDER BY g.gram, g.entity_no")
    op.drop_table('entity_name_grams_0019')


def _create(*key: sa.PrimaryKeyConstraint, name: bool = False) -> None:
    columns = [sa.Column('gram', sa.String(length=4), nullable=False)]
    if name:
        columns.append(sa.Column('name', sa.String(length=200), nullable=False))
    columns.append(sa.Column('entity_no', sa.BigInteger(), autoincrement=False, nullable=False))
    op.create_table('entity_name_grams', *columns, *key, sqlite_with_rowid=False)


def downgrade() -> None:
    """The name-ordered table again, its rows' names read from `entities`."""
    op.rename_table('entity_name_grams', 'entity_name_grams_0020')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE entity_name_grams_0020 "
                   "RENAME CONSTRAINT pk_entity_name_grams TO pk_entity_name_grams_0020")
    _create(sa.PrimaryKeyConstraint('gram', 'name', 'entity_no',
                                    name=op.f('pk_entity_name_grams')), name=True)
    op.execute("INSERT INTO entity_name_grams (gram, name, entity_no) "
               "SELECT g.gram, e.name, g.entity_no FROM entity_name_grams_0020 g "
               "JOIN entities e ON e.entity_no = g.entity_no ORDER BY g.gram, e.name, g.entity_no")
    op.drop_table('entity_name_grams_0020')
