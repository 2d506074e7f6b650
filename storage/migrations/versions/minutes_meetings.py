"""minutes know their meeting: a foreign key and the meeting's number

Revision ID: minutes_meetings
Revises: polls
Create Date: 2026-11-26 22:22:03.877821
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = 'minutes_meetings'
down_revision = 'polls'
branch_labels = None
depends_on = None

def upgrade() -> None:
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_number', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_minutes_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id'], ondelete='SET NULL')

def downgrade() -> None:
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_minutes_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_column('meeting_number')

