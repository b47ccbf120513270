"""platform tables

Revision ID: 0001
Revises:
Create Date: 2026-11-26 00:03:17.150379
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('schools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schools')),
    sa.UniqueConstraint('slug', name=op.f('uq_schools_slug'))
    )
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('user_ref', sa.String(length=64), nullable=False),
    sa.Column('following', sa.Boolean(), nullable=False),
    sa.Column('first_seen_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_contacts_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
    sa.UniqueConstraint('channel', 'user_ref', name=op.f('uq_contacts_channel_user_ref'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_school_id'), ['school_id'], unique=False)

    op.create_table('inbound_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('user_ref', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=32), nullable=False),
    sa.Column('occurred_at', sa.BigInteger(), nullable=False),
    sa.Column('received_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_inbound_events_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_events')),
    sa.UniqueConstraint('channel', 'event_id', name=op.f('uq_inbound_events_channel_event_id'))
    )
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_events_pending', ['status', 'channel', 'user_ref', 'occurred_at'], unique=False)

    op.create_table('messaging_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('channel_secret', sa.String(length=255), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_messaging_channels_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messaging_channels')),
    sa.UniqueConstraint('slug', name=op.f('uq_messaging_channels_slug'))
    )
    with op.batch_alter_table('messaging_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messaging_channels_school_id'), ['school_id'], unique=False)

    op.create_table('outbound_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('recipient', sa.String(length=64), nullable=False),
    sa.Column('reply_token', sa.String(length=255), nullable=True),
    sa.Column('reply_deadline', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('retry_key', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_via', sa.String(length=8), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_outbound_messages_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_messages')),
    sa.UniqueConstraint('retry_key', name=op.f('uq_outbound_messages_retry_key'))
    )
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_outbound_messages_recipient', ['channel', 'recipient', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_messages_recipient')
        batch_op.drop_index('ix_outbound_messages_due')

    op.drop_table('outbound_messages')
    with op.batch_alter_table('messaging_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messaging_channels_school_id'))

    op.drop_table('messaging_channels')
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_events_pending')

    op.drop_table('inbound_events')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_school_id'))

    op.drop_table('contacts')
    op.drop_table('schools')
