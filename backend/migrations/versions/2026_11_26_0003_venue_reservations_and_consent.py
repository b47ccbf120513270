"""venue reservations and consent

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 00:15:44.305355
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('user_ref', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('notice_version', sa.Integer(), nullable=False),
    sa.Column('recorded_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_consent_records_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index('ix_consent_records_person', ['school_id', 'user_ref', 'purpose'], unique=False)

    op.create_table('venue_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('holder_ref', sa.String(length=64), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_venue_reservations_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_reservations')),
    sa.UniqueConstraint('school_id', 'venue_id', 'day', name=op.f('uq_venue_reservations_school_id_venue_id_day'))
    )
    with op.batch_alter_table('venue_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_reservations_holder_ref'), ['holder_ref'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('venue_reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_reservations_holder_ref'))

    op.drop_table('venue_reservations')
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_records_person')

    op.drop_table('consent_records')
