"""who holds a request (assignment) and staff's internal notes

Revision ID: 18a
Revises: 14a
Create Date: 2026-12-02 17:10:00
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '18a'
down_revision = '14a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_at', backend.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_assigned_to_id_staff_members'), 'staff_members',
                                    ['assigned_to_id'], ['id'], ondelete='SET NULL')

    op.create_table('application_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_application_notes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_application_notes_school_id_schools'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'],
                            name=op.f('fk_application_notes_staff_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_notes'))
    )
    with op.batch_alter_table('application_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_notes_application_id'), ['application_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('application_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_notes_application_id'))
    op.drop_table('application_notes')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_assigned_to_id_staff_members'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_assigned_to_id'))
        batch_op.drop_column('assigned_at')
        batch_op.drop_column('assigned_to_id')
