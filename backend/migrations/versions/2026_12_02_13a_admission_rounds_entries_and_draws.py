"""admission rounds, entries and draws, มอบตัว slots and student number series (issue 13)

Revision ID: 13a
Revises: 18b
Create Date: 2026-12-02 17:30:44.527339
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '13a'
down_revision = '18b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admission_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=4), nullable=False),
    sa.Column('applications_open', sa.Date(), nullable=True),
    sa.Column('applications_close', sa.Date(), nullable=True),
    sa.Column('selection_day', sa.Date(), nullable=True),
    sa.Column('results_day', sa.Date(), nullable=True),
    sa.Column('report_day', sa.Date(), nullable=True),
    sa.Column('handover_day', sa.Date(), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('in_area_seats', sa.Integer(), nullable=False),
    sa.Column('reserve_limit', sa.Integer(), nullable=True),
    sa.Column('selection', sa.String(length=12), nullable=False),
    sa.Column('priority_groups', sa.JSON(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('dates_source', sa.JSON(), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=True),
    sa.Column('secret', sa.String(length=64), nullable=True),
    sa.Column('public_value_source', sa.String(length=300), nullable=True),
    sa.Column('committed_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('results_draw', sa.Integer(), nullable=True),
    sa.Column('results_sent_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('offer_days', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_admission_rounds_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission_rounds')),
    sa.UniqueConstraint('school_id', 'academic_year', 'grade', name=op.f('uq_admission_rounds_school_id_academic_year_grade'))
    )
    with op.batch_alter_table('admission_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admission_rounds_school_id'), ['school_id'], unique=False)

    op.create_table('student_number_series',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_student_number_series_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('school_id', name=op.f('pk_student_number_series'))
    )
    op.create_table('admission_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('replaces', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('drawn_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['admission_rounds.id'], name=op.f('fk_admission_draws_round_id_admission_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission_draws')),
    sa.UniqueConstraint('round_id', 'number', name=op.f('uq_admission_draws_round_id_number'))
    )
    op.create_table('admission_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['admission_rounds.id'], name=op.f('fk_admission_slots_round_id_admission_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission_slots'))
    )
    with op.batch_alter_table('admission_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admission_slots_round_id'), ['round_id'], unique=False)

    op.create_table('admission_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('in_area', sa.Boolean(), nullable=False),
    sa.Column('priority_group', sa.String(length=32), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('reserve_position', sa.Integer(), nullable=True),
    sa.Column('confirm_by', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('draw_number', sa.Integer(), nullable=True),
    sa.Column('student_number', sa.String(length=20), nullable=True),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('handed_over_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_admission_entries_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['admission_rounds.id'], name=op.f('fk_admission_entries_round_id_admission_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['admission_slots.id'], name=op.f('fk_admission_entries_slot_id_admission_slots'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission_entries')),
    sa.UniqueConstraint('application_id', name=op.f('uq_admission_entries_application_id'))
    )
    with op.batch_alter_table('admission_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admission_entries_confirm_by'), ['confirm_by'], unique=False)
        batch_op.create_index('ix_admission_entries_round_status', ['round_id', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('admission_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_admission_entries_round_status')
        batch_op.drop_index(batch_op.f('ix_admission_entries_confirm_by'))

    op.drop_table('admission_entries')
    with op.batch_alter_table('admission_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admission_slots_round_id'))

    op.drop_table('admission_slots')
    op.drop_table('admission_draws')
    op.drop_table('student_number_series')
    with op.batch_alter_table('admission_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admission_rounds_school_id'))

    op.drop_table('admission_rounds')
