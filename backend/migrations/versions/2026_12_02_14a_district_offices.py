"""district offices: OBEC's district offices as rows, and the district a school belongs to

Revision ID: 14a
Revises: 15a
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

import backend.db

revision = '14a'
down_revision = '15a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('district_offices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_offices')),
    sa.UniqueConstraint('slug', name=op.f('uq_district_offices_slug'))
    )
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_schools_district_id'), ['district_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_schools_district_id_district_offices'), 'district_offices',
                                    ['district_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_schools_district_id_district_offices'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_schools_district_id'))
        batch_op.drop_column('district_id')
    op.drop_table('district_offices')
