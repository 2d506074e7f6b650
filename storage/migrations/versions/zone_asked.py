"""zone_asked: when a person was asked to choose a time zone, so it is asked once ever

Revision ID: zone_asked
Revises: votes_live
Create Date: 2026-11-27 01:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models


revision = 'zone_asked'
down_revision = 'votes_live'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('timezone_asked_at',
                                   storage.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.drop_column('timezone_asked_at')
