"""credit: penalties record the publication deadline's rule, the overdue flag and the publicity rule

`publication_due_basis` names the deadline applied (the stricter of SAMR Order 45 and NDRC
双公示), `publication_overdue_on` the day the daily job found the decision unpublished past it
(PenaltyCase.PublicationOverdue), `publicity_rule` the version of the publicity periods applied
by decision date (SAMR Order 45 / Order 107). Events recorded before carry none of them: the
columns stay empty for those, and the next daily run flags what is overdue.

Revision ID: c009
Revises: c008
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c009'
down_revision = 'c008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('penalties') as batch_op:
        batch_op.add_column(sa.Column('publication_due_basis', sa.String(length=100),
                                      nullable=True))
        batch_op.add_column(sa.Column('publication_overdue_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('publicity_rule', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('penalties') as batch_op:
        batch_op.drop_column('publicity_rule')
        batch_op.drop_column('publication_overdue_on')
        batch_op.drop_column('publication_due_basis')
