"""votes_live: live counts refreshed in batches, and which ballots they hold

Revision ID: votes_live
Revises: meetings_organizer
Create Date: 2026-11-27 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models


revision = 'votes_live'
down_revision = 'meetings_organizer'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('votes') as batch:
        batch.add_column(sa.Column('live_ballots', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('live_at', storage.models.UTCDateTime(timezone=True),
                                   nullable=True))
    with op.batch_alter_table('ballots') as batch:
        batch.add_column(sa.Column('fresh', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
        batch.add_column(sa.Column('shown', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('ballots') as batch:
        batch.drop_column('shown')
        batch.drop_column('fresh')
    with op.batch_alter_table('votes') as batch:
        batch.drop_column('live_at')
        batch.drop_column('live_ballots')
