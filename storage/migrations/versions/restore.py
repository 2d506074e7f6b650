"""restore: deletes that can be undone, and a closed vote's result withdrawn, not deleted

Revision ID: restore
Revises: inbox
Create Date: 2026-12-07 02:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = 'restore'
down_revision = 'inbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = storage.models.UTCDateTime(timezone=True)
    op.add_column('polls', sa.Column('deleted_at', moment, nullable=True))
    op.add_column('votes', sa.Column('deleted_at', moment, nullable=True))
    op.add_column('votes', sa.Column('withdrawn_at', moment, nullable=True))
    op.add_column('votes', sa.Column('withdrawn_reason', sa.Text(), nullable=True))
    op.add_column('meetings', sa.Column('cancelled_at', moment, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('cancelled_at')
    with op.batch_alter_table('votes') as batch:
        batch.drop_column('withdrawn_reason')
        batch.drop_column('withdrawn_at')
        batch.drop_column('deleted_at')
    with op.batch_alter_table('polls') as batch:
        batch.drop_column('deleted_at')
