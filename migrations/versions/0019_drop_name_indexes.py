"""entity names: drop the pg_trgm GIN and pattern b-tree indexes of 0015

Every name query goes through the gram table now (supervision.directory.search: the public
search, and the listings' name filters through `name_contains`), and those two indexes were a
third of a PostgreSQL catch-up's time (issue 23: 200 k realistic events, same run, 25.6 s
without them against 41.8 s with). PostgreSQL only, as 0015; the extension stays.

Revision ID: 0019_names
Revises: 0018_uiinsp
Create Date: 2026-12-05 01:45:00
"""
from alembic import op

revision = '0019_names'
down_revision = '0018_uiinsp'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_entities_name_prefix")
    op.execute("DROP INDEX IF EXISTS ix_entities_name_trgm")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    op.execute("CREATE INDEX ix_entities_name_trgm ON entities USING gin "
               "(name public.gin_trgm_ops)")
    op.execute("CREATE INDEX ix_entities_name_prefix ON entities (name text_pattern_ops)")
