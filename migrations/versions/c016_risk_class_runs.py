"""credit: risk_class_runs, one row per monthly classification run; runs no longer rewrite the
day of every risk_classes row (a province-wide UPDATE each month)

Revision ID: c016
Revises: c015
Create Date: 2026-12-06 03:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c016'
down_revision = 'c015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'risk_class_runs',
        sa.Column('classified_on', sa.Date, nullable=False),
        sa.Column('classified', sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint('classified_on', name='pk_risk_class_runs'),
    )
    # the runs already projected: each run's changes are history rows without a cause, and the
    # latest run had confirmed every class it left alone (rows without a reactive change carry
    # its day); the count is every classified entity's (a rebuild writes each run's own count)
    op.execute(sa.text(
        "INSERT INTO risk_class_runs (classified_on, classified) "
        "SELECT d.classified_on, (SELECT count(*) FROM risk_classes) FROM ("
        "SELECT classified_on FROM risk_class_history WHERE cause IS NULL "
        "UNION SELECT classified_on FROM risk_classes WHERE changed_on IS NULL) d"))


def downgrade() -> None:
    # every class holds as of the latest run again, as the day of its row
    op.execute(sa.text(
        "UPDATE risk_classes SET classified_on = (SELECT max(classified_on) FROM risk_class_runs) "
        "WHERE classified_on < (SELECT max(classified_on) FROM risk_class_runs)"))
    op.drop_table('risk_class_runs')
