"""credit: explainable class changes and 容缺受理

`risk_class_history` keeps each change's factors (indicator, points and the records behind
them), the class before and what caused it (a monthly run or a reactive change on a credit or
supervision event); `risk_classes` the day of the latest reactive change. `commitments` marks a
red-listed applicant's acceptance with documents to follow (容缺受理). All are projections:
`opencheck rebuild` fills them from the events.

Revision ID: c010
Revises: c009
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c010'
down_revision = 'c009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('risk_class_history') as batch:
        batch.add_column(sa.Column('previous_class', sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column('factors', sa.Text(), nullable=True))
        batch.add_column(sa.Column('cause', sa.String(length=300), nullable=True))
    with op.batch_alter_table('risk_classes') as batch:
        batch.add_column(sa.Column('changed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('commitments') as batch:
        batch.add_column(sa.Column('documents_to_follow', sa.Boolean(),
                                   server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('commitments') as batch:
        batch.drop_column('documents_to_follow')
    with op.batch_alter_table('risk_classes') as batch:
        batch.drop_column('changed_on')
    with op.batch_alter_table('risk_class_history') as batch:
        batch.drop_column('cause')
        batch.drop_column('factors')
        batch.drop_column('previous_class')
