"""entities keyed by SQLite's rowid: entity_no INTEGER PRIMARY KEY (SQLite only)

Declared BIGINT, `entity_no` was a key of its own beside a hidden rowid: every lookup by `uscc`
or `entity_id` (the credit facts, the daily abnormal-list sweep, reactive rescoring, the public
lookup) went index -> rowid -> table row to learn the entity's number, and each registration
wrote one index more. Declared INTEGER, it is the rowid: the table is clustered by it and the
`uscc` and `entity_id` indexes carry it, so those lookups end in the index (~3x at 1 M
entities; issue 23). PostgreSQL keeps BIGINT. The table is copied once (batch recreate).

Revision ID: 0021_rowid
Revises: 0020_grams
Create Date: 2026-12-06 15:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021_rowid'
down_revision = '0020_grams'
branch_labels = None
depends_on = None


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table('entities', recreate='always') as batch:
        batch.alter_column('entity_no', type_=new, existing_type=old, existing_nullable=False,
                           autoincrement=False)


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())
