"""stored files

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 00:07:21.567441
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_files',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('owner_ref', sa.String(length=128), nullable=False),
    sa.Column('source_ref', sa.String(length=128), nullable=False),
    sa.Column('group_ref', sa.String(length=128), nullable=True),
    sa.Column('group_index', sa.Integer(), nullable=True),
    sa.Column('group_size', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_stored_files_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files'))
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index('ix_stored_files_school_id_group_ref', ['school_id', 'group_ref'], unique=False)
        batch_op.create_index('ix_stored_files_school_id_source_ref', ['school_id', 'source_ref'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index('ix_stored_files_school_id_source_ref')
        batch_op.drop_index('ix_stored_files_school_id_group_ref')

    op.drop_table('stored_files')
