"""OBEC's Thai competency test: sessions and the seats taken

Revision ID: 19b
Revises: 13a
Create Date: 2026-12-03 07:15:00
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '19b'
down_revision = '13a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'thai_test_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('seats', sa.Integer(), nullable=False),
        sa.Column('registration_closes', sa.Date(), nullable=False),
        sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_thai_test_sessions_held_on'), 'thai_test_sessions', ['held_on'], unique=False)
    op.create_table(
        'thai_test_seats',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('seat_no', sa.Integer(), nullable=False),
        sa.Column('holder_ref', sa.String(length=64), nullable=False),
        sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['thai_test_sessions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'seat_no'),
        sa.UniqueConstraint('holder_ref'),
    )


def downgrade() -> None:
    op.drop_table('thai_test_seats')
    op.drop_index(op.f('ix_thai_test_sessions_held_on'), table_name='thai_test_sessions')
    op.drop_table('thai_test_sessions')
