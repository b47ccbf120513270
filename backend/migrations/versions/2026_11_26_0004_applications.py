"""applications

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 00:17:45.700359
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_number', sa.String(length=32), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('parent_ref', sa.String(length=128), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('current_step', sa.String(length=64), nullable=False),
    sa.Column('missing_documents', sa.JSON(), nullable=False),
    sa.Column('flow_version', sa.Integer(), nullable=False),
    sa.Column('session_nonce', sa.String(length=16), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_applications_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('public_number', name=op.f('uq_applications_public_number'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_parent_ref'), ['parent_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_session_nonce'), ['session_nonce'], unique=False)
        batch_op.create_index('ix_applications_status_last_activity_at', ['status', 'last_activity_at'], unique=False)
        batch_op.create_index('uq_applications_one_draft_per_parent', ['school_id', 'parent_ref'], unique=True, sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))



def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('uq_applications_one_draft_per_parent', sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))
        batch_op.drop_index('ix_applications_status_last_activity_at')
        batch_op.drop_index(batch_op.f('ix_applications_session_nonce'))
        batch_op.drop_index(batch_op.f('ix_applications_parent_ref'))

    op.drop_table('applications')
