"""commitment_changed: when a lab's confidentiality commitment last changed, so that members
who accepted the text before are asked to accept it again

Revision ID: commitment_changed
Revises: restore
Create Date: 2026-12-07 03:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = 'commitment_changed'
down_revision = 'restore'
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = storage.models.UTCDateTime(timezone=True)
    op.add_column('labs', sa.Column('commitment_changed_at', moment, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('labs') as batch:
        batch.drop_column('commitment_changed_at')
