"""issued documents

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 00:32:17.008343
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('doc_type', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('revoked_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('masked_name', sa.String(length=255), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('issued_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_issued_documents_application_id_applications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_issued_documents_school_id_schools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['storage_key'], ['stored_files.id'], name=op.f('fk_issued_documents_storage_key_stored_files'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['superseded_by'], ['issued_documents.id'], name=op.f('fk_issued_documents_superseded_by_issued_documents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
    sa.UniqueConstraint('code', name=op.f('uq_issued_documents_code'))
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_sha256'), ['sha256'], unique=False)

    op.create_table('issued_document_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_issued_document_events_document_id_issued_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_document_events'))
    )
    with op.batch_alter_table('issued_document_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_document_events_document_id'), ['document_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('issued_document_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_document_events_document_id'))

    op.drop_table('issued_document_events')
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_documents_sha256'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_school_id'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_application_id'))

    op.drop_table('issued_documents')
