"""Idempotency-Keys move to the event store: drop the read-model table idempotency_keys

The keys are now written in the same transaction as the command's events, in a table beside each
application's events (`supervision_idempotency_keys`, `credit_idempotency_keys` on PostgreSQL;
`stored_idempotency_keys` in each SQLite event file), created by the event store's recorder
(kernel.once_recorders), not by alembic. Keys held in the old table are not carried over: a key
is only useful for a client's retries within hours (Settings.idempotency_key_max_age_hours).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('idempotency_keys')


def downgrade() -> None:
    op.create_table('idempotency_keys',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_idempotency_keys'))
    )
