"""fee requests, payments, flags, receipts and receipt counters

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 00:57:14.363196
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('receipt_counters',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_receipt_counters_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('school_id', 'fiscal_year', name=op.f('pk_receipt_counters'))
    )
    op.create_table('fee_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('parent_ref', sa.String(length=128), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount_satang', sa.BigInteger(), nullable=False),
    sa.Column('ref1', sa.String(length=20), nullable=False),
    sa.Column('ref2', sa.String(length=20), nullable=False),
    sa.Column('payment_kind', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expired_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_fee_requests_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_fee_requests_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_requests')),
    sa.UniqueConstraint('application_id', name=op.f('uq_fee_requests_application_id')),
    sa.UniqueConstraint('ref1', name=op.f('uq_fee_requests_ref1'))
    )
    with op.batch_alter_table('fee_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_requests_parent_ref'), ['parent_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_requests_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_fee_requests_status_due_at', ['status', 'due_at'], unique=False)

    op.create_table('fee_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('fee_request_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('amount_satang', sa.BigInteger(), nullable=True),
    sa.Column('transaction_ref', sa.String(length=96), nullable=True),
    sa.Column('slip_file_id', sa.String(length=32), nullable=True),
    sa.Column('received_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['fee_request_id'], ['fee_requests.id'], name=op.f('fk_fee_payments_fee_request_id_fee_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_fee_payments_school_id_schools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slip_file_id'], ['stored_files.id'], name=op.f('fk_fee_payments_slip_file_id_stored_files'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_payments')),
    sa.UniqueConstraint('transaction_ref', name=op.f('uq_fee_payments_transaction_ref'))
    )
    with op.batch_alter_table('fee_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_payments_fee_request_id'), ['fee_request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_payments_school_id'), ['school_id'], unique=False)

    op.create_table('fee_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('fee_request_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['fee_request_id'], ['fee_requests.id'], name=op.f('fk_fee_flags_fee_request_id_fee_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_id'], ['fee_payments.id'], name=op.f('fk_fee_flags_payment_id_fee_payments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_fee_flags_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_flags'))
    )
    with op.batch_alter_table('fee_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_flags_fee_request_id'), ['fee_request_id'], unique=False)
        batch_op.create_index('ix_fee_flags_open', ['school_id', 'resolved_at'], unique=False)

    op.create_table('fee_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('book_number', sa.String(length=16), nullable=False),
    sa.Column('receipt_number', sa.String(length=16), nullable=False),
    sa.Column('fee_request_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('amount_satang', sa.BigInteger(), nullable=False),
    sa.Column('payer', sa.String(length=255), nullable=False),
    sa.Column('item', sa.String(length=255), nullable=False),
    sa.Column('received_by', sa.String(length=120), nullable=False),
    sa.Column('payment_method', sa.String(length=16), nullable=False),
    sa.Column('payment_reference', sa.String(length=96), nullable=True),
    sa.Column('received_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('next_issue_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issue_attempts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_fee_receipts_document_id_issued_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fee_request_id'], ['fee_requests.id'], name=op.f('fk_fee_receipts_fee_request_id_fee_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_id'], ['fee_payments.id'], name=op.f('fk_fee_receipts_payment_id_fee_payments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_fee_receipts_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_receipts')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_fee_receipts_payment_id')),
    sa.UniqueConstraint('school_id', 'fiscal_year', 'sequence', name=op.f('uq_fee_receipts_school_id_fiscal_year_sequence'))
    )
    with op.batch_alter_table('fee_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_receipts_next_issue_at'), ['next_issue_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_receipts_fee_request_id'), ['fee_request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_receipts_school_id'), ['school_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('fee_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_receipts_school_id'))
        batch_op.drop_index(batch_op.f('ix_fee_receipts_fee_request_id'))
        batch_op.drop_index(batch_op.f('ix_fee_receipts_next_issue_at'))

    op.drop_table('fee_receipts')
    with op.batch_alter_table('fee_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_fee_flags_open')
        batch_op.drop_index(batch_op.f('ix_fee_flags_fee_request_id'))

    op.drop_table('fee_flags')
    with op.batch_alter_table('fee_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_payments_school_id'))
        batch_op.drop_index(batch_op.f('ix_fee_payments_fee_request_id'))

    op.drop_table('fee_payments')
    with op.batch_alter_table('fee_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_fee_requests_status_due_at')
        batch_op.drop_index(batch_op.f('ix_fee_requests_school_id'))
        batch_op.drop_index(batch_op.f('ix_fee_requests_parent_ref'))

    op.drop_table('fee_requests')
    op.drop_table('receipt_counters')
