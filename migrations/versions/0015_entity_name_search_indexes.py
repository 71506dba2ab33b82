"""entity name search: a pg_trgm GIN index for substrings, a pattern index for short prefixes

PostgreSQL only (SQLite keeps its LIKE scan). Trigrams need 3 characters: a 1–2 character query
is matched as a name prefix (supervision.directory.views.search_entities), which the
text_pattern_ops b-tree answers without a scan whatever the database's collation. The extension
goes to `public` (once per database, shared by every schema that uses it), so the operator
class is named with its schema.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 18:00:00
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    op.execute("CREATE INDEX ix_entities_name_trgm ON entities USING gin "
               "(name public.gin_trgm_ops)")
    op.execute("CREATE INDEX ix_entities_name_prefix ON entities (name text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # the extension stays: other schemas of the database may use it
    op.execute("DROP INDEX ix_entities_name_prefix")
    op.execute("DROP INDEX ix_entities_name_trgm")
