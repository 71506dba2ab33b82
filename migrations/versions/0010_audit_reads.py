"""audit_reads: the append-only trail of non-public reads (kernel.audit)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00

The triggers refuse every UPDATE, a TRUNCATE (PostgreSQL), and a DELETE of a row younger than
183 days (网络安全法 Art 21(3): logs kept no less than six months; kernel.audit.FLOOR_DAYS), so
the retention job can delete old rows and nothing can delete recent ones.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

FLOOR = "183 days"
REFUSED = "audit_reads is append-only"

PG_FUNCTION = f"""
CREATE FUNCTION audit_reads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{FLOOR}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{REFUSED}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$
"""
PG_TRIGGERS = [
    "CREATE TRIGGER audit_reads_append_only BEFORE UPDATE OR DELETE ON audit_reads "
    "FOR EACH ROW EXECUTE FUNCTION audit_reads_append_only()",
    "CREATE TRIGGER audit_reads_no_truncate BEFORE TRUNCATE ON audit_reads "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_reads_append_only()",
]
SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_reads_no_update BEFORE UPDATE ON audit_reads "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE refused'); END",
    "CREATE TRIGGER audit_reads_no_recent_delete BEFORE DELETE ON audit_reads "
    f"WHEN OLD.at >= datetime('now', '-{FLOOR}') "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE refused'); END",
]


def upgrade() -> None:
    op.create_table('audit_reads',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('route', sa.String(length=200), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_reads'))
    )
    with op.batch_alter_table('audit_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_reads_at'), ['at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    op.drop_table('audit_reads')   # its triggers go with it
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION audit_reads_append_only()")
