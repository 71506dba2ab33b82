"""credit: penalties, commitments, serious list, repair, idempotency keys

The credit context's own branch (branch label "credit"), starting from the shared 0001;
`opencheck migrate` upgrades to every head. `idempotency_keys` is the shared table behind
kernel.http.idempotency (the first context to need it creates it).

Revision ID: c001
Revises: 0001
Create Date: 2026-11-23 19:12:18.528915
"""
import sqlalchemy as sa
from alembic import op

revision = 'c001'
down_revision = '0001'
branch_labels = ('credit',)
depends_on = None


def upgrade() -> None:
    op.create_table('commitments',
    sa.Column('commitment_id', sa.String(length=32), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('permit_type', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('committed_on', sa.Date(), nullable=False),
    sa.Column('verify_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('verification_method', sa.String(length=20), nullable=True),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.Column('verified_late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('decision_revoked', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('overdue_on', sa.Date(), nullable=True),
    sa.Column('repaired_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('commitment_id', name=op.f('pk_commitments')),
    info={'projection': 'credit_commitments'}
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitments_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_uscc'), ['uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_verify_by'), ['verify_by'], unique=False)

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
    op.create_table('penalties',
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('inspection_task_id', sa.String(length=64), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decision_no', sa.String(length=100), nullable=True),
    sa.Column('violation_type', sa.String(length=200), nullable=True),
    sa.Column('legal_basis', sa.String(length=500), nullable=True),
    sa.Column('kinds', sa.String(length=300), server_default='', nullable=False),
    sa.Column('procedure', sa.String(length=10), nullable=True),
    sa.Column('heavier_penalty', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('fine_amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('restriction_months', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('publicisable', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('publication_due_on', sa.Date(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('publicity_ends_on', sa.Date(), nullable=True),
    sa.Column('revocation_ground', sa.String(length=10), nullable=True),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=True),
    sa.Column('withdrawal_due_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('fine_paid_on', sa.Date(), nullable=True),
    sa.Column('fulfilled_on', sa.Date(), nullable=True),
    sa.Column('repaired_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_penalties')),
    info={'projection': 'credit_penalties'}
    )
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_penalties_decision_no'), ['decision_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalties_publication_due_on'), ['publication_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalties_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalties_uscc'), ['uscc'], unique=False)

    op.create_table('repair_applications',
    sa.Column('repair_id', sa.String(length=32), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=20), nullable=False),
    sa.Column('record_key', sa.String(length=64), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('eligible_from', sa.Date(), nullable=False),
    sa.Column('serious', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('pledge', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('repair_id', 'attempt', name=op.f('pk_repair_applications')),
    info={'projection': 'credit_repairs'}
    )
    with op.batch_alter_table('repair_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repair_applications_record_key'), ['record_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_applications_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_applications_uscc'), ['uscc'], unique=False)

    op.create_table('serious_listings',
    sa.Column('listing_id', sa.String(length=32), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notice_no', sa.String(length=100), nullable=False),
    sa.Column('noticed_on', sa.Date(), nullable=False),
    sa.Column('ground', sa.String(length=40), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('penalty_case_id', sa.String(length=32), nullable=True),
    sa.Column('statement_on', sa.Date(), nullable=True),
    sa.Column('statement', sa.Text(), nullable=True),
    sa.Column('hearing_requested', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('decision_no', sa.String(length=100), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('legal_basis', sa.String(length=200), nullable=True),
    sa.Column('listed_on', sa.Date(), nullable=True),
    sa.Column('auto_removal_on', sa.Date(), nullable=True),
    sa.Column('repair_possible_on', sa.Date(), nullable=True),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('removal_reason', sa.String(length=20), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('listing_id', 'cycle', name=op.f('pk_serious_listings')),
    info={'projection': 'credit_serious_list'}
    )
    with op.batch_alter_table('serious_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serious_listings_auto_removal_on'), ['auto_removal_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_serious_listings_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_serious_listings_uscc'), ['uscc'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('serious_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serious_listings_uscc'))
        batch_op.drop_index(batch_op.f('ix_serious_listings_status'))
        batch_op.drop_index(batch_op.f('ix_serious_listings_auto_removal_on'))

    op.drop_table('serious_listings')
    with op.batch_alter_table('repair_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repair_applications_uscc'))
        batch_op.drop_index(batch_op.f('ix_repair_applications_status'))
        batch_op.drop_index(batch_op.f('ix_repair_applications_record_key'))

    op.drop_table('repair_applications')
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_penalties_uscc'))
        batch_op.drop_index(batch_op.f('ix_penalties_status'))
        batch_op.drop_index(batch_op.f('ix_penalties_publication_due_on'))
        batch_op.drop_index(batch_op.f('ix_penalties_decision_no'))

    op.drop_table('penalties')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_verify_by'))
        batch_op.drop_index(batch_op.f('ix_commitments_uscc'))
        batch_op.drop_index(batch_op.f('ix_commitments_status'))

    op.drop_table('commitments')
