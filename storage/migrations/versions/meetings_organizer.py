"""meetings keep the organizer of their calendar invites

Revision ID: meetings_organizer
Revises: reminders
Create Date: 2026-11-26 23:39:18.764051
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'meetings_organizer'
down_revision = 'reminders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Meetings scheduled before this revision sent invites without an ORGANIZER; they take
    # the default one from now on.
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organizer', sa.String(length=320),
                                      server_default='mailto:noreply@actionlab.invalid',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('organizer')
