"""every request's contact name and phone

Revision ID: 18b
Revises: 18a
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '18b'
down_revision = '18a'
branch_labels = None
depends_on = None

NAME_KEYS = ("contact_name", "parent_name", "requester_name")
PHONE_KEYS = ("contact_phone", "parent_phone", "phone")


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=150), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=32), nullable=True))
    # Requests already filed: the contact from their answers, where they have one.
    applications = sa.table('applications', sa.column('id', sa.Integer), sa.column('answers', sa.JSON),
                            sa.column('contact_name', sa.String), sa.column('contact_phone', sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(applications.c.id, applications.c.answers)).all():
        answers = row.answers if isinstance(row.answers, dict) else {}
        name = next((str(answers[k])[:150] for k in NAME_KEYS if isinstance(answers.get(k), str) and answers[k]), None)
        phone = next((str(answers[k])[:32] for k in PHONE_KEYS if isinstance(answers.get(k), str) and answers[k]), None)
        if name or phone:
            connection.execute(applications.update().where(applications.c.id == row.id)
                               .values(contact_name=name, contact_phone=phone))


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')
