"""staff review workflow: staff, invites, audit log, notices, review columns on applications

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 00:29:19.174326
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_audit_log_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_at', ['school_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_subject', ['school_id', 'subject', 'at'], unique=False)

    op.create_table('staff_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('line_user_id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('notify_new_submissions', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_staff_members_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_members')),
    sa.UniqueConstraint('school_id', 'line_user_id', name=op.f('uq_staff_members_school_id_line_user_id'))
    )
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_members_school_id'), ['school_id'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('recipient_ref', sa.String(length=128), nullable=False),
    sa.Column('audience', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('legal', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_notices_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_notices_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_notices_pending', ['delivered_at', 'id'], unique=False)

    op.create_table('staff_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_by_staff_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_staff_invites_school_id_schools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_staff_id'], ['staff_members.id'], name=op.f('fk_staff_invites_used_by_staff_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invites')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_staff_invites_code_hash'))
    )
    with op.batch_alter_table('staff_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_invites_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complete_at', backend.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_at', backend.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_at', backend.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), nullable=True))
        # Existing rows need a value for the new NOT NULL lists.
        batch_op.add_column(sa.Column('requested_documents', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('documents_requested_at', backend.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('appointment', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('approvals', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('late_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('late_notice_at', backend.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('parent_rating', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('parent_confirmed_at', backend.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('status',
               existing_type=sa.VARCHAR(length=16),
               type_=sa.String(length=24),
               existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_applications_due_at'), ['due_at'], unique=False)



def downgrade() -> None:
    # The old schema knows no review statuses: such requests go back to "submitted" (and their
    # review data is dropped below), so the narrower status column can hold every row.
    op.execute("UPDATE applications SET status = 'submitted' WHERE status IN "
               "('documents_requested', 'under_review', 'approved', 'rejected', 'closed')")
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_due_at'))
        batch_op.alter_column('status',
               existing_type=sa.String(length=24),
               type_=sa.VARCHAR(length=16),
               existing_nullable=False)
        batch_op.drop_column('parent_confirmed_at')
        batch_op.drop_column('parent_rating')
        batch_op.drop_column('late_notice_at')
        batch_op.drop_column('late_reason')
        batch_op.drop_column('approvals')
        batch_op.drop_column('appointment')
        batch_op.drop_column('documents_requested_at')
        batch_op.drop_column('requested_documents')
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('due_at')
        batch_op.drop_column('complete_at')

    with op.batch_alter_table('staff_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_invites_school_id'))

    op.drop_table('staff_invites')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_pending')
        batch_op.drop_index(batch_op.f('ix_notices_application_id'))

    op.drop_table('notices')
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_members_school_id'))

    op.drop_table('staff_members')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_subject')
        batch_op.drop_index('ix_audit_log_at')

    op.drop_table('audit_log')
