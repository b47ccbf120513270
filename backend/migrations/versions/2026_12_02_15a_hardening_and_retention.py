"""hardening: sealed secrets, session generation, retention and data requests

Channel credentials stored in the clear stay readable; `schoolbot db upgrade` seals them with
the key ring right after this migration (a migration is not given the keys).

Revision ID: 15a
Revises: 11a
Create Date: 2026-12-02 14:32:07.080955
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '15a'
down_revision = '11a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('data_purges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('cutoff', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('ran_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_data_purges_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_purges'))
    )
    with op.batch_alter_table('data_purges', schema=None) as batch_op:
        batch_op.create_index('ix_data_purges_ran_at', ['ran_at'], unique=False)

    op.create_table('data_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('parent_ref', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('received_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_data_requests_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_requests'))
    )
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.create_index('ix_data_requests_person', ['school_id', 'parent_ref'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data_erased_at', backend.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('messaging_channels', schema=None) as batch_op:
        batch_op.alter_column('channel_secret',
               existing_type=sa.VARCHAR(length=255),
               type_=sa.Text(),
               existing_nullable=False)

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_callback_secret', sa.Text(), nullable=True))

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('session_generation')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('bank_callback_secret')

    with op.batch_alter_table('messaging_channels', schema=None) as batch_op:
        batch_op.alter_column('channel_secret',
               existing_type=sa.Text(),
               type_=sa.VARCHAR(length=255),
               existing_nullable=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('personal_data_erased_at')

    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_data_requests_person')

    op.drop_table('data_requests')
    with op.batch_alter_table('data_purges', schema=None) as batch_op:
        batch_op.drop_index('ix_data_purges_ran_at')

    op.drop_table('data_purges')
