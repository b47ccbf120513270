"""staff positions, signing authorities, signature requests, letter numbers, student records

Revision ID: 11a
Revises: 0007
Create Date: 2026-12-02 14:28:09.620946
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '11a'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('letter_counters',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_letter_counters_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('school_id', 'year', name=op.f('pk_letter_counters'))
    )
    op.create_table('signing_authorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('doc_types', sa.JSON(), nullable=False),
    sa.Column('order_reference', sa.String(length=120), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('granted_by', sa.Integer(), nullable=True),
    sa.Column('granted_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['granted_by'], ['staff_members.id'], name=op.f('fk_signing_authorities_granted_by_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_signing_authorities_school_id_schools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_signing_authorities_staff_id_staff_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_authorities'))
    )
    with op.batch_alter_table('signing_authorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_authorities_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signing_authorities_staff_id'), ['staff_id'], unique=False)

    op.create_table('student_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('student_number', sa.String(length=20), nullable=False),
    sa.Column('national_id', sa.String(length=13), nullable=True),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('scan_file_id', sa.String(length=32), nullable=True),
    sa.Column('imported_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['scan_file_id'], ['stored_files.id'], name=op.f('fk_student_records_scan_file_id_stored_files'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_student_records_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student_records')),
    sa.UniqueConstraint('school_id', 'student_number', name=op.f('uq_student_records_school_id_student_number'))
    )
    with op.batch_alter_table('student_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_records_national_id'), ['national_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_student_records_school_id'), ['school_id'], unique=False)

    op.create_table('document_signature_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('replaces_document_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('prepared_by', sa.Integer(), nullable=False),
    sa.Column('prepared_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_document_signature_requests_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['staff_members.id'], name=op.f('fk_document_signature_requests_decided_by_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_document_signature_requests_document_id_issued_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['prepared_by'], ['staff_members.id'], name=op.f('fk_document_signature_requests_prepared_by_staff_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaces_document_id'], ['issued_documents.id'], name=op.f('fk_document_signature_requests_replaces_document_id_issued_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_document_signature_requests_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_signature_requests'))
    )
    with op.batch_alter_table('document_signature_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_signature_requests_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_signature_requests_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('position', sa.String(length=160), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('position')
        batch_op.drop_column('full_name')

    with op.batch_alter_table('document_signature_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_signature_requests_school_id'))
        batch_op.drop_index(batch_op.f('ix_document_signature_requests_application_id'))

    op.drop_table('document_signature_requests')
    with op.batch_alter_table('student_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_records_school_id'))
        batch_op.drop_index(batch_op.f('ix_student_records_national_id'))

    op.drop_table('student_records')
    with op.batch_alter_table('signing_authorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_authorities_staff_id'))
        batch_op.drop_index(batch_op.f('ix_signing_authorities_school_id'))

    op.drop_table('signing_authorities')
    op.drop_table('letter_counters')
