"""credit: risk_classes.reason_bits, the reasons as a bitmask the monthly run compares numerically

Revision ID: c015
Revises: c014_risk
Create Date: 2026-12-06 01:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c015'
down_revision = 'c014_risk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('risk_classes', sa.Column('reason_bits', sa.BigInteger, nullable=False,
                                            server_default='0'))
    # the rows already projected: each distinct reason list's mask over the indicators as the
    # code lists them now (a rebuild of credit_risk_classes writes the same)
    from credit.rating.scoring import reason_mask

    conn = op.get_bind()
    texts = conn.execute(sa.text("SELECT DISTINCT reasons FROM risk_classes")).scalars().all()
    for text in texts:
        conn.execute(sa.text("UPDATE risk_classes SET reason_bits = :bits WHERE reasons = :text"),
                     {"bits": reason_mask(text), "text": text})


def downgrade() -> None:
    with op.batch_alter_table('risk_classes') as batch:
        batch.drop_column('reason_bits')
